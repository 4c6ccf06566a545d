import type {Report} from '../engine/report-types.js'

/** The stable, documented machine-readable report (schemas/report.schema.json). */
export function renderJson(report: Report): string {
  return [...renderJsonChunks(report)].join('')
}

const RESULTS_MARK = '\u0000results\u0000'
/** Results per chunk: a report of 600,000 results would not fit in one string. */
const RESULTS_PER_CHUNK = 1000

/**
 * The same text as `JSON.stringify(report, null, 2)`, in pieces: the results are rendered a
 * thousand at a time, so no single string grows with their number.
 */
export function* renderJsonChunks(report: Report): Generator<string> {
  if (report.results.length === 0) {
    yield `${JSON.stringify(report, null, 2)}\n`
    return
  }
  const frame = JSON.stringify({...report, results: RESULTS_MARK}, null, 2)
  const mark = frame.indexOf(JSON.stringify(RESULTS_MARK))
  yield `${frame.slice(0, mark)}[`
  for (let start = 0; start < report.results.length; start += RESULTS_PER_CHUNK) {
    const items: string[] = []
    for (const result of report.results.slice(start, start + RESULTS_PER_CHUNK)) {
      items.push(`\n    ${JSON.stringify(result, null, 2).replaceAll('\n', '\n    ')}`)
    }
    yield `${start === 0 ? '' : ','}${items.join(',')}`
  }
  yield `\n  ]${frame.slice(mark + JSON.stringify(RESULTS_MARK).length)}\n`
}
