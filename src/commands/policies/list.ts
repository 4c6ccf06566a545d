import * as Flags from '@oclif/core/flags'

import {TrailgateCommand} from '../../cli/crash.js'
import {policyFlags, policySourceFlags} from '../../cli/flags.js'
import {wantsColor} from '../../cli/output.js'
import {preparePolicies} from '../../engine/run.js'
import {printDiagnostics} from '../../cli/diagnostics.js'
import pc from 'picocolors'

export default class PoliciesList extends TrailgateCommand {
  static override summary = 'List the policies: those that would run, and the opt-in ones with how to enable them.'
  static override description = `Policies marked opt-in ship disabled because they need your values (for example source-ip-allowlist needs
your CIDRs). Enable one with --only ID on check and audit, or policies.only in .trailgate.yaml.`
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --policies ./my-policies --json', '<%= config.bin %> <%= command.id %> --only tag:quota']

  static override flags = {
    ...policySourceFlags,
    only: policyFlags.only,
    skip: policyFlags.skip,
    json: Flags.boolean({summary: 'Print JSON.'}),
    color: Flags.boolean({summary: 'Colour the output (default: only on a terminal).', allowNo: true}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(PoliciesList)
    const prepared = preparePolicies({cwd: process.cwd(), config: flags.config, policyPaths: flags.policies, builtin: flags.builtin, only: flags.only, skip: flags.skip})
    const selected = new Set(prepared.policies.map((p) => p.id))
    // With --only, the list is what would run; otherwise opt-in policies are listed too, marked.
    const shown = flags.only && flags.only.length > 0 ? prepared.policies : prepared.available.filter((p) => selected.has(p.id) || p.disabled)
    const policies = [...shown].sort((a, b) => a.subject.localeCompare(b.subject) || a.id.localeCompare(b.id))
    const optIn = policies.filter((p) => !selected.has(p.id))
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(policies.map(({id, title, severity, subject, tags, source, disabled}) => ({id, title, severity, subject, tags, builtin: source.builtin, file: source.file, optIn: disabled, runs: selected.has(id)})), null, 2)}\n`)
    } else {
      const c = pc.createColors(wantsColor(flags.color))
      const width = policies.reduce((widest, p) => Math.max(widest, p.id.length), 2)
      for (const p of policies) {
        const marks = `${p.source.builtin ? '' : '  (custom)'}${selected.has(p.id) ? '' : '  (opt-in, not enabled)'}`
        process.stdout.write(`${c.bold(p.id.padEnd(width))}  ${p.severity.padEnd(8)}  ${p.subject.padEnd(7)}  ${p.title}${c.dim(marks)}\n`)
      }
      process.stdout.write(c.dim(`${policies.length - optIn.length} policies run${optIn.length > 0 ? `; ${optIn.length} opt-in, enabled with --only ID or policies.only in .trailgate.yaml` : ''}\n`))
    }
    printDiagnostics(prepared.diagnostics)
    if (prepared.diagnostics.some((d) => d.severity === 'error')) process.exitCode = 2
  }
}
