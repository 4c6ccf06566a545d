import type {Detail} from '../model/types.js'

const MAX_DETAILS_IN_MESSAGE = 3

/** "LogFileValidationEnabled is false, expected true; …" — the first few leaves that decided a failure. */
export function describeDetails(details: Detail[]): string {
  const shown = details.slice(0, MAX_DETAILS_IN_MESSAGE).map((d) => `${d.path} is ${d.actual}, expected ${d.expected}`)
  const more = details.length - shown.length
  return more > 0 ? `${shown.join('; ')}; and ${more} more` : shown.join('; ')
}
