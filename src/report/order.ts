import {SEVERITIES, STATUSES} from '../model/types.js'
import type {Result, Severity} from '../model/types.js'

export function severityRank(severity: Severity): number {
  const rank = SEVERITIES.indexOf(severity)
  return rank === -1 ? SEVERITIES.length : rank
}

function compareText(a: string, b: string): number {
  if (a === b) return 0
  return a < b ? -1 : 1
}

/** Most severe first, then policy id, then subject id: the order reports list and truncate in. */
export function compareResults(a: Result, b: Result): number {
  return (
    severityRank(a.severity) - severityRank(b.severity) ||
    compareText(a.policy, b.policy) ||
    compareText(a.subject.id, b.subject.id) ||
    STATUSES.indexOf(a.status) - STATUSES.indexOf(b.status)
  )
}

export function sortResults(results: readonly Result[]): Result[] {
  return [...results].sort(compareResults)
}
