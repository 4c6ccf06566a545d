import * as Flags from '@oclif/core/flags'

import {FAIL_ON_CHOICES, type FailOn} from '../engine/exit-code.js'
import type {PolicyOptions} from '../engine/run.js'

const list = {delimiter: ',' as const, multiple: true as const, multipleNonGreedy: true as const}

/** Flags about which policies run and how; shared by `check` and `audit`. */
export const policyFlags = {
  config: Flags.string({char: 'c', summary: 'Config file (default: .trailgate.yaml in the working directory, if present).', helpGroup: 'POLICY'}),
  policies: Flags.string({char: 'p', summary: 'Folder or file of custom policies, added to the built-in pack. Repeatable.', multiple: true, multipleNonGreedy: true, helpGroup: 'POLICY'}),
  builtin: Flags.boolean({summary: 'Include the built-in policy pack.', default: true, allowNo: true, helpGroup: 'POLICY'}),
  only: Flags.string({summary: 'Run only these policies: ids, globs (*-limit) or tags (tag:quota); comma-separated or repeated.', ...list, helpGroup: 'POLICY'}),
  skip: Flags.string({summary: 'Skip these policies: ids, globs or tags; comma-separated or repeated.', ...list, helpGroup: 'POLICY'}),
  param: Flags.string({summary: 'Override a policy parameter: policy-id.name=value (value read as YAML). Repeatable.', multiple: true, multipleNonGreedy: true, helpGroup: 'POLICY'}),
  'fail-on': Flags.option({summary: 'Exit 1 when a failure is at or above this severity (none: never).', options: FAIL_ON_CHOICES as FailOn[], helpGroup: 'POLICY'})(),
  'fail-on-unknown': Flags.boolean({summary: 'Exit 2 when a result at or above --fail-on is unknown (default: the config\'s failOnUnknown, else unknowns never change the exit code).', allowNo: true, helpGroup: 'POLICY'}),
}

/** Where policies come from, for the `policies` commands that load them without running a check. */
export const policySourceFlags = {config: policyFlags.config, policies: policyFlags.policies, builtin: policyFlags.builtin}

/** Flags about what is written where; shared by `check` and `audit`. */
export const outputFlags = {
  format: Flags.option({char: 'f', aliases: ['output'], summary: 'Format written to standard output (--output, as the AWS CLI names it, is the same flag).', options: ['text', 'json', 'sarif', 'junit', 'markdown'] as const, default: 'text' as const, helpGroup: 'OUTPUT'})(),
  json: Flags.string({summary: 'Also write the JSON report to this file (-: to standard output, in place of --format).', helpGroup: 'OUTPUT'}),
  sarif: Flags.string({summary: 'Also write SARIF 2.1.0 (GitHub code scanning) to this file (-: to standard output).', helpGroup: 'OUTPUT'}),
  junit: Flags.string({summary: 'Also write JUnit XML (CI test reports) to this file (-: to standard output).', helpGroup: 'OUTPUT'}),
  markdown: Flags.string({summary: 'Also write a markdown summary (e.g. $GITHUB_STEP_SUMMARY) to this file (-: to standard output).', helpGroup: 'OUTPUT'}),
  'sarif-include-unknown': Flags.boolean({summary: 'Carry unknown results into SARIF as review items.', helpGroup: 'OUTPUT'}),
  'sarif-include-suppressed': Flags.boolean({summary: 'Carry suppressed results into SARIF, with their justification.', helpGroup: 'OUTPUT'}),
  color: Flags.boolean({summary: 'Colour the text output (default: only on a terminal, not with TERM=dumb, in CI or with NO_COLOR).', allowNo: true, helpGroup: 'OUTPUT'}),
  verbose: Flags.boolean({char: 'v', summary: 'List passing subjects and every input read.', helpGroup: 'OUTPUT'}),
  progress: Flags.boolean({summary: 'Show progress, with the total and the time left once known, on standard error (default: only on a terminal, outside CI).', allowNo: true, helpGroup: 'OUTPUT'}),
}

/** What the policy flags ask for, as the library takes it. */
export function policyOptionsFrom(flags: {config?: string; policies?: string[]; builtin: boolean; only?: string[]; skip?: string[]; param?: string[]}): PolicyOptions {
  return {
    cwd: process.cwd(),
    config: flags.config,
    policyPaths: flags.policies,
    builtin: flags.builtin,
    only: flags.only,
    skip: flags.skip,
    params: flags.param,
  }
}
