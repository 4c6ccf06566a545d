import type {Diagnostic, Result} from '../../src/model/types.js'
import type {Report} from '../../src/engine/report-types.js'

/** A report holding just these results and diagnostics; counts as the engine would make them. */
export function reportOf(results: Result[], diagnostics: Diagnostic[] = [], overrides: Partial<Report> = {}): Report {
  const counts = {pass: 0, fail: 0, unknown: 0, suppressed: 0, error: 0}
  const failuresBySeverity = {critical: 0, high: 0, medium: 0, low: 0, info: 0}
  for (const result of results) {
    counts[result.status]++
    if (result.status === 'fail') failuresBySeverity[result.severity]++
  }
  return {
    schemaVersion: 1,
    tool: {name: 'trailgate', version: '0.0.0', informationUri: 'https://example.invalid'},
    command: 'check',
    category: 'trailgate/check/',
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:01.000Z',
    workingDirectory: '/workspace',
    failOn: 'medium',
    exitCode: 1,
    summary: {
      results: results.length,
      counts,
      failuresBySeverity,
      inputs: {read: 1, skipped: 0, failed: 0},
      diagnostics: {errors: diagnostics.filter((d) => d.severity === 'error').length, warnings: diagnostics.filter((d) => d.severity === 'warning').length},
    },
    policies: [],
    results,
    inputs: [],
    diagnostics,
    notes: [],
    ...overrides,
  }
}
