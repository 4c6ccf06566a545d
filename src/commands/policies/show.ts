import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {TrailgateCommand} from '../../cli/crash.js'
import {policyFlags, policySourceFlags} from '../../cli/flags.js'
import {preparePolicies} from '../../engine/run.js'
import {appendAll} from '../../util/arrays.js'

export default class PoliciesShow extends TrailgateCommand {
  static override summary = 'Show one policy: description, remediation, references, params and its patterns.'
  static override examples = ['<%= config.bin %> <%= command.id %> kms-encryption', '<%= config.bin %> <%= command.id %> trails-per-region-limit --json']

  static override args = {id: Args.string({description: 'Policy id.', required: true})}

  static override flags = {
    ...policySourceFlags,
    param: policyFlags.param,
    json: Flags.boolean({summary: 'Print the policy as JSON.'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(PoliciesShow)
    const prepared = preparePolicies({cwd: process.cwd(), config: flags.config, policyPaths: flags.policies, builtin: flags.builtin, params: flags.param})
    const policy = prepared.available.find((p) => p.id === args.id)
    if (!policy) this.error(`no policy with id ${args.id} (see \`trailgate policies list\`)`, {exit: 2})
    const runs = prepared.policies.some((p) => p.id === policy.id)
    if (flags.json) {
      process.stdout.write(`${JSON.stringify({...policy, params: {...policy.params}, effectiveParams: prepared.params[policy.id], optIn: policy.disabled, runs}, null, 2)}\n`)
      return
    }
    const lines = [`${policy.id} — ${policy.title}`, `severity: ${policy.severity}   subject: ${policy.subject}   source: ${policy.source.builtin ? 'built-in' : policy.source.file}`]
    if (policy.disabled) {
      appendAll(
        lines,
        [runs ? 'opt-in: enabled by this configuration' : 'opt-in: not run unless enabled'],
        runs ? [] : [`  enable it with --only ${policy.id} (check, audit), or with policies.only in .trailgate.yaml:`, '    policies:', `      only: [${policy.id}]`],
      )
    }
    appendAll(lines, ['', policy.description.trim(), '', 'Remediation:'], policy.remediation.trim().split('\n').map((l) => `  ${l}`))
    for (const [kind, text] of Object.entries(policy.templateRemediation ?? {})) appendAll(lines, [`  in ${kind}:`], text.trim().split('\n').map((l) => `    ${l}`))
    const refs = Object.entries(policy.references).filter(([, v]) => v && v.length > 0)
    if (refs.length > 0) appendAll(lines, ['', 'References:'], refs.map(([k, v]) => `  ${k}: ${(v as string[]).join(', ')}`))
    const params = Object.entries(policy.params)
    if (params.length > 0) appendAll(lines, ['', 'Params (effective values: defaults, .trailgate.yaml and --param):'], params.map(([name, spec]) => `  ${name} (${spec.type}) = ${JSON.stringify(prepared.params[policy.id]?.[name] ?? spec.default)}${spec.description ? ` — ${spec.description}` : ''}`))
    for (const clause of ['when', 'unless', 'require', 'forbid'] as const) {
      if (policy[clause].length > 0) appendAll(lines, ['', `${clause}:`], JSON.stringify(policy[clause].length === 1 ? policy[clause][0] : policy[clause], null, 2).split('\n').map((l) => `  ${l}`))
    }
    if (policy.monitor !== undefined) appendAll(lines, ['', 'monitor (CloudWatch alarms on this filter pattern):', `  ${policy.monitor}`])
    process.stdout.write(`${lines.join('\n')}\n`)
  }
}
