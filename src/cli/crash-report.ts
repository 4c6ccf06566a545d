import type {FailOn} from '../engine/exit-code.js'
import {buildReport} from '../engine/report.js'
import type {Report} from '../engine/report-types.js'
import {VERSION} from '../util/version.js'

/**
 * The report of a run that broke off: no results, one error saying what failed. Written wherever
 * reports were asked for, so a CI gate reading them sees "cannot be trusted" (exit 2), not silence.
 */
export function crashReport(command: 'check' | 'audit', error: unknown, startedAt: Date, failOn: FailOn | undefined): Report {
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error)
  return buildReport({
    command,
    category: `trailgate/${command}/`,
    version: VERSION,
    startedAt,
    finishedAt: new Date(),
    workingDirectory: process.cwd(),
    failOn: failOn ?? 'low',
    policies: [],
    notApplicable: {},
    results: [],
    inputs: [],
    diagnostics: [{severity: 'error', code: 'internal-error', message: `trailgate ${command} failed: ${message}; no result of this run can be trusted`}],
    notes: [],
  })
}
