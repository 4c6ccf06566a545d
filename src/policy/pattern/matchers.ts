import {cidrContains, type CidrRange} from './cidr.js'
import {formatScalar} from './describe.js'
import type {Truth} from './types.js'
import {wildcardMatches, type Wildcard} from './wildcard.js'

export type Scalar = string | number | boolean | null

/** One entry of a pattern's value array other than a plain value. */
export interface Matcher {
  test(value: Scalar): boolean
  /** Outcome where the path holds no leaf value: absent, an object, an empty array. */
  onAbsent: boolean
  /** Outcome on a value that is present but not known. */
  onUnknown: Truth
  /** What the matcher expects, as an explanation shows it. */
  text: string
}

export interface Bound {
  value: number
  inclusive: boolean
}

const lower = (value: string): string => value.toLowerCase()

export function prefixMatcher(prefix: string, ignoreCase: boolean): Matcher {
  const wanted = ignoreCase ? lower(prefix) : prefix
  return {
    test: ignoreCase
      ? (value) => typeof value === 'string' && lower(value).startsWith(wanted)
      : (value) => typeof value === 'string' && value.startsWith(wanted),
    onAbsent: false,
    onUnknown: 'unknown',
    text: `prefix ${formatScalar(prefix)}${ignoreCase ? ' (any case)' : ''}`,
  }
}

export function suffixMatcher(suffix: string, ignoreCase: boolean): Matcher {
  const wanted = ignoreCase ? lower(suffix) : suffix
  return {
    test: ignoreCase
      ? (value) => typeof value === 'string' && lower(value).endsWith(wanted)
      : (value) => typeof value === 'string' && value.endsWith(wanted),
    onAbsent: false,
    onUnknown: 'unknown',
    text: `suffix ${formatScalar(suffix)}${ignoreCase ? ' (any case)' : ''}`,
  }
}

export function equalsIgnoreCaseMatcher(text: string): Matcher {
  const wanted = lower(text)
  return {
    test: (value) => typeof value === 'string' && lower(value) === wanted,
    onAbsent: false,
    onUnknown: 'unknown',
    text: `${formatScalar(text)} (any case)`,
  }
}

export function wildcardMatcher(source: string, wildcard: Wildcard): Matcher {
  return {
    test: (value) => typeof value === 'string' && wildcardMatches(wildcard, value),
    onAbsent: false,
    onUnknown: 'unknown',
    text: `wildcard ${source}`,
  }
}

export function numericMatcher(low: Bound | undefined, high: Bound | undefined, equals: number | undefined): Matcher {
  const parts: string[] = []
  if (equals !== undefined) parts.push(`= ${equals}`)
  if (low) parts.push(`${low.inclusive ? '>=' : '>'} ${low.value}`)
  if (high) parts.push(`${high.inclusive ? '<=' : '<'} ${high.value}`)
  return {
    test: (value) => {
      if (typeof value !== 'number') return false
      if (equals !== undefined) return value === equals
      if (low && (low.inclusive ? value < low.value : value <= low.value)) return false
      if (high && (high.inclusive ? value > high.value : value >= high.value)) return false
      return true
    },
    onAbsent: false,
    onUnknown: 'unknown',
    text: `numeric ${parts.join(', ')}`,
  }
}

export function existsMatcher(present: boolean): Matcher {
  return {test: () => present, onAbsent: !present, onUnknown: present, text: present ? 'present' : 'absent'}
}

export function cidrMatcher(source: string, range: CidrRange): Matcher {
  return {
    test: (value) => typeof value === 'string' && cidrContains(range, value),
    onAbsent: false,
    onUnknown: 'unknown',
    text: `cidr ${source}`,
  }
}

/** Stands for an empty list param: matches nothing, not even an unknown value. */
export function neverMatcher(reason: string): Matcher {
  return {test: () => false, onAbsent: false, onUnknown: false, text: `nothing (${reason})`}
}

/**
 * `anything-but`: matches every leaf value the inner test rejects — other types and `null` included —
 * but never a missing path.
 */
export function anythingButMatcher(excluded: (value: Scalar) => boolean, text: string): Matcher {
  return {test: (value) => !excluded(value), onAbsent: false, onUnknown: 'unknown', text: `anything but ${text}`}
}

export function anythingButValues(values: (string | number)[]): Matcher {
  const strings = new Set(values.filter((value) => typeof value === 'string'))
  const numbers = new Set(values.filter((value) => typeof value === 'number'))
  return anythingButMatcher(
    (value) => (typeof value === 'string' ? strings.has(value) : typeof value === 'number' && numbers.has(value)),
    values.map(formatScalar).join(', '),
  )
}

export function anythingButStrings(kind: 'prefix' | 'suffix' | 'equals-ignore-case', values: string[]): Matcher {
  const shown = values.map(formatScalar).join(', ')
  if (kind === 'equals-ignore-case') {
    const lowered = new Set(values.map(lower))
    return anythingButMatcher((value) => typeof value === 'string' && lowered.has(lower(value)), `${shown} (any case)`)
  }
  const test =
    kind === 'prefix'
      ? (value: string) => values.some((prefix) => value.startsWith(prefix))
      : (value: string) => values.some((suffix) => value.endsWith(suffix))
  return anythingButMatcher((value) => typeof value === 'string' && test(value), `${kind} ${shown}`)
}

export function anythingButWildcards(sources: string[], wildcards: Wildcard[]): Matcher {
  return anythingButMatcher(
    (value) => typeof value === 'string' && wildcards.some((wildcard) => wildcardMatches(wildcard, value)),
    `wildcard ${sources.join(', ')}`,
  )
}

/** A pattern's value array: an OR of plain values and matchers. */
export interface Leaf {
  strings: Set<string> | null
  numbers: Set<number> | null
  matchTrue: boolean
  matchFalse: boolean
  matchNull: boolean
  matchers: Matcher[]
  onAbsent: boolean
  onUnknown: Truth
  text: string
}

export function buildLeaf(values: Scalar[], matchers: Matcher[], texts: string[]): Leaf {
  const strings = values.filter((value): value is string => typeof value === 'string')
  const numbers = values.filter((value): value is number => typeof value === 'number')
  let onUnknown: Truth = values.length > 0 ? 'unknown' : false
  for (const matcher of matchers) {
    if (matcher.onUnknown === true) onUnknown = true
    else if (matcher.onUnknown === 'unknown' && onUnknown === false) onUnknown = 'unknown'
  }
  return {
    strings: strings.length > 0 ? new Set(strings) : null,
    numbers: numbers.length > 0 ? new Set(numbers) : null,
    matchTrue: values.includes(true),
    matchFalse: values.includes(false),
    matchNull: values.includes(null),
    matchers,
    onAbsent: matchers.some((matcher) => matcher.onAbsent),
    onUnknown,
    text: texts.join(' or '),
  }
}

export function leafAccepts(leaf: Leaf, value: Scalar): boolean {
  switch (typeof value) {
    case 'string':
      if (leaf.strings !== null && leaf.strings.has(value)) return true
      break
    case 'number':
      if (leaf.numbers !== null && leaf.numbers.has(value)) return true
      break
    case 'boolean':
      if (value ? leaf.matchTrue : leaf.matchFalse) return true
      break
    default:
      if (leaf.matchNull) return true
  }
  const matchers = leaf.matchers
  for (let index = 0; index < matchers.length; index++) {
    if (matchers[index]!.test(value)) return true
  }
  return false
}
