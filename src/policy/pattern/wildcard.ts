/**
 * EventBridge wildcards: `*` matches any run of characters (also none), `\*` is a literal star,
 * `\\` a literal backslash; any other escape and two stars in a row are invalid.
 */
export interface Wildcard {
  /** Literal text between the stars; one segment means no star at all. */
  segments: string[]
}

/**
 * How many pattern positions a value may keep alive at once. EventBridge rejects patterns whose
 * matching machine would track too many (many stars, or text after a star that repeats itself) but
 * does not publish its measure, so this bound is trailgate's, set between what AWS is known to accept
 * (a star followed by `/dir` five times: 8) and to reject (`*:*:*:*:*:event-bus/*`: 13).
 */
export const MAX_WILDCARD_COMPLEXITY = 10

/**
 * EventBridge refuses an event pattern longer than 4096 characters, so no wildcard it accepts is
 * longer; refusing longer ones here bounds the complexity search below as well.
 */
export const MAX_WILDCARD_LENGTH = 4096

/** Bounds the search for the worst input; a pattern that needs more is too complex anyway. */
const MAX_EXPLORED_STATE_SETS = 4096

export const TOO_COMPLEX =
  'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character'

type Token = {star: true} | {star: false; char: string}

export function parseWildcard(text: string): Wildcard | {error: string} {
  if (text.length > MAX_WILDCARD_LENGTH) {
    return {error: `wildcard pattern is ${text.length} characters long; EventBridge accepts event patterns of at most ${MAX_WILDCARD_LENGTH}`}
  }
  const tokens: Token[] = []
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!
    if (char === '*') {
      if (text[index + 1] === '*') return {error: `Consecutive wildcard characters at pos ${index + 1}`}
      tokens.push({star: true})
    } else if (char === '\\') {
      const next = text[index + 1]
      if (next !== '*' && next !== '\\') return {error: `Invalid escape character at pos ${index}`}
      tokens.push({star: false, char: next})
      index++
    } else {
      tokens.push({star: false, char})
    }
  }
  if (complexity(tokens) > MAX_WILDCARD_COMPLEXITY) return {error: TOO_COMPLEX}
  const segments: string[] = ['']
  for (const token of tokens) {
    if (token.star) segments.push('')
    else segments[segments.length - 1] += token.char
  }
  return {segments}
}

export function wildcardMatches(wildcard: Wildcard, value: string): boolean {
  const {segments} = wildcard
  const first = segments[0]!
  if (segments.length === 1) return value === first
  const last = segments[segments.length - 1]!
  if (value.length < first.length + last.length) return false
  if (!value.startsWith(first) || !value.endsWith(last)) return false
  // Leftmost placement of each middle segment is optimal for star-only globs.
  let position = first.length
  const end = value.length - last.length
  for (let index = 1; index < segments.length - 1; index++) {
    const segment = segments[index]!
    const found = value.indexOf(segment, position)
    if (found < 0 || found + segment.length > end) return false
    position = found + segment.length
  }
  return true
}

/**
 * The largest number of pattern positions any input keeps alive at once (a subset construction).
 * From a set of positions only the characters those positions expect lead anywhere new; every other
 * character behaves alike, so one stands for them all. That keeps the cost proportional to the
 * pattern, however many distinct characters it holds.
 */
function complexity(tokens: Token[]): number {
  if (!tokens.some((token) => token.star)) return 1
  const closure = (states: Set<number>): Set<number> => {
    for (const state of states) {
      // Adding to a Set while iterating it visits the added members too: the closure completes.
      const token = tokens[state]
      if (token?.star) states.add(state + 1)
    }
    return states
  }
  const OTHER = -1
  const start = closure(new Set([0]))
  const seen = new Set<string>([key(start)])
  const queue: Set<number>[] = [start]
  let worst = start.size
  for (let head = 0; head < queue.length; head++) {
    const states = queue[head]!
    const expected = new Set<string | number>([OTHER])
    for (const state of states) {
      const token = tokens[state]
      if (token !== undefined && !token.star) expected.add(token.char)
    }
    for (const char of expected) {
      const next = new Set<number>()
      for (const state of states) {
        const token = tokens[state]
        if (token === undefined) continue
        if (token.star) next.add(state)
        else if (token.char === char) next.add(state + 1)
      }
      closure(next)
      if (next.size === 0) continue
      const id = key(next)
      if (seen.has(id)) continue
      seen.add(id)
      worst = Math.max(worst, next.size)
      if (worst > MAX_WILDCARD_COMPLEXITY || seen.size > MAX_EXPLORED_STATE_SETS) return Number.POSITIVE_INFINITY
      queue.push(next)
    }
  }
  return worst
}

const key = (states: Set<number>): string => [...states].sort((a, b) => a - b).join(',')
