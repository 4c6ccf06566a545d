import {isUnknown} from '../../model/types.js'

const LONGEST_ACTUAL = 200
const READS_AS_OTHER_TYPE = /^(true|false|null|-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?)$/

/** Strings are shown bare unless they would read as another JSON type (`"true"`, `"5"`, `""`). */
export function formatScalar(value: string | number | boolean | null): string {
  if (typeof value !== 'string') return String(value)
  return value === '' || READS_AS_OTHER_TYPE.test(value) || value.trim() !== value ? JSON.stringify(value) : value
}

export function unknownReason(value: {$unknown: unknown}): string {
  return typeof value.$unknown === 'string' && value.$unknown !== '' ? value.$unknown : 'unknown'
}

/** How a document value reads in an explanation. */
export function describeValue(value: unknown, depth = 0): string {
  if (value === undefined) return 'missing'
  if (value === null || typeof value !== 'object') return formatScalar(value as string | number | boolean | null)
  if (isUnknown(value)) return unknownReason(value)
  if (Array.isArray(value)) {
    // Hostile data nests arrays thousands deep; a few levels say enough and keep the stack small.
    if (depth >= 8) return '[…]'
    const text = `[${value.map((item) => describeValue(item, depth + 1)).join(', ')}]`
    return text.length > LONGEST_ACTUAL ? `${text.slice(0, LONGEST_ACTUAL - 2)}…]` : text
  }
  return 'an object'
}
