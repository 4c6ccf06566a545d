import type {Detail} from '../model/types.js'

const MAX_DETAILS_IN_MESSAGE = 3

/**
 * Leaves kept in a result's `details`. An account of 71,000 trails with no trail status has 71,000
 * unknown leaves; the message counts them all, the result keeps the first ones.
 */
export const MAX_DETAILS_PER_RESULT = 100

export function keptDetails(details: Detail[]): Detail[] {
  return details.length > MAX_DETAILS_PER_RESULT ? details.slice(0, MAX_DETAILS_PER_RESULT) : details
}

/** "LogFileValidationEnabled is false, expected true; …" — the first few leaves that decided a failure. */
export function describeDetails(details: Detail[]): string {
  const shown = details.slice(0, MAX_DETAILS_IN_MESSAGE).map((d) => `${d.path} is ${d.actual}, expected ${d.expected}`)
  const more = details.length - shown.length
  return more > 0 ? `${shown.join('; ')}; and ${more} more` : shown.join('; ')
}

/** "Status.IsLogging is not known (no get-trail-status output was given for this trail)": each field once. */
export function describeUnknowns(details: Detail[]): string {
  const reasons = new Map<string, string>()
  for (const detail of details) if (!reasons.has(detail.path)) reasons.set(detail.path, detail.actual)
  const shown = [...reasons].slice(0, MAX_DETAILS_IN_MESSAGE).map(([path, reason]) => (reason === 'unknown' ? `${path} is not known` : `${path} is not known (${reason})`))
  const more = reasons.size - shown.length
  return more > 0 ? `${shown.join('; ')}; and ${more} more` : shown.join('; ')
}
