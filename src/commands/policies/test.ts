import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import pc from 'picocolors'
import {resolve} from 'node:path'

import {TrailgateCommand} from '../../cli/crash.js'
import {printDiagnostics} from '../../cli/diagnostics.js'
import {wantsColor} from '../../cli/output.js'
import {loadPolicies} from '../../policy/load.js'
import {runPolicyTests} from '../../engine/policy-tests.js'

export default class PoliciesTest extends TrailgateCommand {
  static override summary = 'Run the test cases kept beside policies (<id>.tests.yaml).'
  static override description = `Each case gives a subject, optional params and the expected outcome (pass, fail, unknown, not-applicable),
optionally a message substring or /regex/. Without DIR, tests the built-in pack.

Exit codes: 0 all cases pass, 1 a case fails, 2 a policy or tests file could not be read.`
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> ./my-policies']
  static override args = {dir: Args.string({description: 'Folder (or file) of policies whose tests to run; default: the built-in pack.'})}
  static override flags = {
    verbose: Flags.boolean({char: 'v', summary: 'List every case, not only failing ones.'}),
    color: Flags.boolean({summary: 'Colour the output (default: only on a terminal).', allowNo: true}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(PoliciesTest)
    const c = pc.createColors(wantsColor(flags.color))
    const loaded = args.dir ? loadPolicies({builtin: false, paths: [resolve(args.dir)]}) : loadPolicies({builtin: true, paths: []})
    const run = runPolicyTests(loaded.policies)
    for (const outcome of run.outcomes) {
      if (outcome.ok && !flags.verbose) continue
      const where = `${outcome.testCase.location.file}:${outcome.testCase.location.line}`
      process.stdout.write(`${outcome.ok ? c.green('✓') : c.red('✗')} ${outcome.policy}: ${outcome.testCase.name}${outcome.ok ? '' : c.dim(`  ${where}`)}\n`)
      if (!outcome.ok) process.stdout.write(`    ${outcome.problem}\n`)
    }
    for (const u of run.untested) process.stdout.write(`${c.yellow('!')} ${u.policy}: ${u.reason}\n`)
    const diagnostics = [...loaded.diagnostics, ...run.diagnostics]
    printDiagnostics(diagnostics)
    const failedCases = run.outcomes.filter((o) => !o.ok).length
    process.stdout.write(`${loaded.policies.length} policies, ${run.outcomes.length} cases: ${run.outcomes.length - failedCases} passed, ${failedCases} failed${run.untested.length ? `, ${run.untested.length} policies not fully tested` : ''}\n`)
    if (diagnostics.some((d) => d.severity === 'error')) process.exitCode = 2
    else if (failedCases > 0 || run.untested.length > 0) process.exitCode = 1
  }
}
