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
export function describeValue(value: unknown): string {
  if (value === undefined) return 'missing'
  if (value === null || typeof value !== 'object') return formatScalar(value as string | number | boolean | null)
  if (isUnknown(value)) return unknownReason(value)
  if (Array.isArray(value)) {
    const text = `[${value.map(describeValue).join(', ')}]`
    return text.length > LONGEST_ACTUAL ? `${text.slice(0, LONGEST_ACTUAL - 2)}…]` : text
  }
  return 'an object'
}
