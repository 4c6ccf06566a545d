import * as Args from '@oclif/core/args'
import {resolve} from 'node:path'

import {TrailgateCommand} from '../../cli/crash.js'
import {printDiagnostics} from '../../cli/diagnostics.js'
import {loadPolicies} from '../../policy/load.js'

export default class PoliciesValidate extends TrailgateCommand {
  static override summary = 'Validate policy files: schema, patterns and params, with errors at file:line:column.'
  static override description = 'Exit codes: 0 every file is valid, 2 a file has an error.'
  static override examples = ['<%= config.bin %> <%= command.id %> policies/my-policy.yaml', '<%= config.bin %> <%= command.id %> ./my-policies']
  static override strict = false
  static override args = {files: Args.string({description: 'Policy files or folders.', required: true})}

  async run(): Promise<void> {
    const {argv} = await this.parse(PoliciesValidate)
    const {policies, diagnostics, files} = loadPolicies({builtin: false, paths: (argv as string[]).map((p) => resolve(p))})
    printDiagnostics(diagnostics)
    const errors = diagnostics.filter((d) => d.severity === 'error').length
    process.stdout.write(`${files.length} file${files.length === 1 ? '' : 's'} checked: ${policies.length} valid polic${policies.length === 1 ? 'y' : 'ies'}, ${errors} error${errors === 1 ? '' : 's'}\n`)
    if (errors > 0 || files.length === 0) process.exitCode = 2
  }
}
