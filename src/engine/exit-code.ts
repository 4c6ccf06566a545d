import type {Diagnostic, InputRecord, Result, Severity} from '../model/types.js'
import {SEVERITIES} from '../model/types.js'

export type FailOn = Severity | 'none'
export const FAIL_ON_CHOICES: readonly FailOn[] = [...SEVERITIES, 'none']

/** True when `severity` is at or above the `--fail-on` threshold. */
export function atOrAbove(severity: Severity, threshold: FailOn): boolean {
  if (threshold === 'none') return false
  return SEVERITIES.indexOf(severity) <= SEVERITIES.indexOf(threshold)
}

/** Unknown results that `--fail-on-unknown` counts: those a failure of the same severity would fail the run on. */
export function blockingUnknowns(results: Result[], failOn: FailOn): Result[] {
  return results.filter((r) => r.status === 'unknown' && atOrAbove(r.severity, failOn))
}

/**
 * 2 when the run cannot be trusted (an input or policy failed, a result could not be evaluated, or
 * with `failOnUnknown` a result at or above the threshold could not be decided), else 1 when a
 * failure (listed, or counted past the listing cap) is at or above the threshold, else 0.
 * Suppressed results never fail a run; unknown ones only with `failOnUnknown`.
 */
export function exitCodeFor(results: Result[], diagnostics: Diagnostic[], inputs: InputRecord[], failOn: FailOn, failOnUnknown = false, unlisted: UnlistedSeverities = {fail: [], unknown: []}): 0 | 1 | 2 {
  if (diagnostics.some((d) => d.severity === 'error') || inputs.some((i) => i.fate === 'failed') || results.some((r) => r.status === 'error')) return 2
  if (failOnUnknown && (blockingUnknowns(results, failOn).length > 0 || unlisted.unknown.some((severity) => atOrAbove(severity, failOn)))) return 2
  if (results.some((r) => r.status === 'fail' && atOrAbove(r.severity, failOn))) return 1
  if (unlisted.fail.some((severity) => atOrAbove(severity, failOn))) return 1
  return 0
}

/** The severities of the policies whose findings past the listing cap include failures, or unknowns. */
export interface UnlistedSeverities {
  fail: readonly Severity[]
  unknown: readonly Severity[]
}

/**
 * The problems that make a run untrustworthy, each counted once: error results, error diagnostics,
 * and failed inputs that no error diagnostic names (a missing file is one problem, not two).
 */
export function errorCount(report: {summary: {counts: {error: number}; diagnostics: {errors: number}}; inputs: readonly InputRecord[]; diagnostics: readonly Diagnostic[]}): number {
  const named = new Set(report.diagnostics.filter((d) => d.severity === 'error').map((d) => d.file))
  const unnamed = report.inputs.filter((input) => input.fate === 'failed' && !named.has(input.path)).length
  return report.summary.counts.error + report.summary.diagnostics.errors + unnamed
}
