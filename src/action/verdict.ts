import {atOrAbove, blockingUnknowns} from '../engine/exit-code.js'
import type {Report} from '../engine/report-types.js'
import type {Severity} from '../model/types.js'

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`
}

/** The one line that says why the step passed or failed. */
export function verdict(report: Report, exitCode: number): string {
  const {counts, inputs, diagnostics} = report.summary
  if (exitCode === 2) {
    const nothingJudged = report.diagnostics.find((d) => d.code === 'nothing-read' || d.code === 'no-policy')
    if (nothingJudged) return `trailgate: ${nothingJudged.message}`
    const undecided = report.failOnUnknown ? blockingUnknowns(report.results, report.failOn).length : 0
    const reasons = [
      diagnostics.errors > 0 ? plural(diagnostics.errors, 'error diagnostic') : undefined,
      inputs.failed > 0 ? plural(inputs.failed, 'input') + ' failed' : undefined,
      counts.error > 0 ? plural(counts.error, 'result') + ' could not be evaluated' : undefined,
      undecided > 0 ? `${plural(undecided, 'result')} at or above fail-on ${report.failOn} unknown (fail-on-unknown)` : undefined,
    ].filter((reason) => reason !== undefined)
    const why = reasons.length > 0 ? reasons.join(', ') : 'a report file could not be written'
    return `trailgate: the run cannot be trusted (${why}); see the report above and the job summary`
  }
  // From the counts, not the listed results: failures past the listing cap block the run too.
  const blocking = Object.entries(report.summary.failuresBySeverity).reduce((sum, [severity, count]) => sum + (atOrAbove(severity as Severity, report.failOn) ? count : 0), 0)
  if (exitCode === 1) return `trailgate: ${plural(blocking, 'failure')} at or above fail-on ${report.failOn} (${plural(counts.fail, 'failure')} in all)`
  const below = counts.fail > 0 ? `; ${plural(counts.fail, 'failure')} below fail-on ${report.failOn}` : ''
  return `trailgate: passed — ${plural(report.summary.results, 'result')}, no failure at or above fail-on ${report.failOn}${below}`
}
