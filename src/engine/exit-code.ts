import type {Diagnostic, InputRecord, Result, Severity} from '../model/types.js'
import {SEVERITIES} from '../model/types.js'

export type FailOn = Severity | 'none'
export const FAIL_ON_CHOICES: readonly FailOn[] = [...SEVERITIES, 'none']

/** True when `severity` is at or above the `--fail-on` threshold. */
export function atOrAbove(severity: Severity, threshold: FailOn): boolean {
  if (threshold === 'none') return false
  return SEVERITIES.indexOf(severity) <= SEVERITIES.indexOf(threshold)
}

/**
 * 2 when the run cannot be trusted (an input or policy failed, a result could not be evaluated),
 * else 1 when a failure (listed, or counted past the listing cap) is at or above the threshold, else 0. Suppressed and unknown results never fail a run.
 */
export function exitCodeFor(results: Result[], diagnostics: Diagnostic[], inputs: InputRecord[], failOn: FailOn, unlistedFailures: readonly Severity[] = []): 0 | 1 | 2 {
  if (diagnostics.some((d) => d.severity === 'error') || inputs.some((i) => i.fate === 'failed') || results.some((r) => r.status === 'error')) return 2
  if (results.some((r) => r.status === 'fail' && atOrAbove(r.severity, failOn))) return 1
  if (unlistedFailures.some((severity) => atOrAbove(severity, failOn))) return 1
  return 0
}
