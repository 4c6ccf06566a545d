import {Command, Flags} from '@oclif/core'

import {policyFlags} from '../../cli/flags.js'
import {wantsColor} from '../../cli/output.js'
import {preparePolicies} from '../../engine/run.js'
import {printDiagnostics} from '../../cli/diagnostics.js'
import pc from 'picocolors'

export default class PoliciesList extends Command {
  static override summary = 'List the policies that would run.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --policies ./my-policies --json', '<%= config.bin %> <%= command.id %> --only tag:quota']

  static override flags = {
    config: policyFlags.config,
    policies: policyFlags.policies,
    builtin: policyFlags.builtin,
    only: policyFlags.only,
    skip: policyFlags.skip,
    json: Flags.boolean({summary: 'Print JSON.'}),
    color: Flags.boolean({summary: 'Colour the output (default: only on a terminal).', allowNo: true}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(PoliciesList)
    const prepared = preparePolicies({cwd: process.cwd(), config: flags.config, policyPaths: flags.policies, builtin: flags.builtin, only: flags.only, skip: flags.skip})
    const policies = [...prepared.policies].sort((a, b) => a.subject.localeCompare(b.subject) || a.id.localeCompare(b.id))
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(policies.map(({id, title, severity, subject, tags, source}) => ({id, title, severity, subject, tags, builtin: source.builtin, file: source.file})), null, 2)}\n`)
    } else {
      const c = pc.createColors(wantsColor(flags.color))
      const width = Math.max(...policies.map((p) => p.id.length), 2)
      for (const p of policies) process.stdout.write(`${c.bold(p.id.padEnd(width))}  ${p.severity.padEnd(8)}  ${p.subject.padEnd(7)}  ${p.title}${p.source.builtin ? '' : c.dim('  (custom)')}\n`)
      process.stdout.write(c.dim(`${policies.length} policies\n`))
    }
    printDiagnostics(prepared.diagnostics)
    if (prepared.diagnostics.some((d) => d.severity === 'error')) process.exitCode = 2
  }
}
