import type {Report} from '../engine/report-types.js'

/** The stable, documented machine-readable report (schemas/report.schema.json). */
export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`
}
