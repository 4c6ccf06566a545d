/** Small helpers for pointing into JSON text without a positioned parser (which is too slow for logs). */

export {LineIndex, type TextPosition} from '../util/line-index.js'

/** The character offset a `JSON.parse` error names, when it names one. */
export function jsonErrorOffset(error: unknown): number | undefined {
  const match = /at position (\d+)/.exec(error instanceof Error ? error.message : String(error))
  return match ? Number(match[1]) : undefined
}

/** `JSON.parse`'s message without the offset, which diagnostics give as line and column instead. */
export function jsonErrorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return message.replace(/\s*in JSON at position \d+.*$/s, '').replace(/^Unexpected end of JSON input$/, 'unexpected end of JSON input')
}

export interface ArrayElement {
  start: number
  end: number
}

export interface SplitProblem {
  offset: number
  message: string
}

export interface SplitResult {
  /** Offset of the array's `[`, or -1 when `"<key>": [` was not found. */
  arrayStart: number
  elements: ArrayElement[]
  problems: SplitProblem[]
}

/**
 * Finds the elements of the array under `key` in the top-level object (`Records`, `Events`) by
 * tracking strings and bracket depth, without parsing values. When an element's brackets do not
 * balance (a missing `}` or `,` inside a record), it resynchronizes at the next element that starts
 * like one of the others (`{"eventVersion"` for CloudTrail records), so one broken record does not
 * hide the records after it.
 */
export function splitTopLevelArray(text: string, key: string, resyncMarker?: RegExp): SplitResult {
  const keyMatch = new RegExp(`"${key}"\\s*:\\s*\\[`).exec(text)
  if (!keyMatch) return {arrayStart: -1, elements: [], problems: []}
  const arrayStart = keyMatch.index + keyMatch[0].length - 1
  const elements: ArrayElement[] = []
  const problems: SplitProblem[] = []
  let pos = arrayStart + 1
  for (;;) {
    pos = skipSeparators(text, pos)
    if (pos >= text.length) {
      problems.push({offset: text.length, message: `the ${key} array is not closed (the file is truncated)`})
      break
    }
    if (text[pos] === ']') break
    const end = elementEnd(text, pos)
    if (end.ok) {
      elements.push({start: pos, end: end.offset})
      pos = end.offset
      continue
    }
    const next = resyncMarker ? findFrom(resyncMarker, text, pos + 1) : -1
    if (next < 0) {
      elements.push({start: pos, end: end.offset})
      problems.push({offset: end.offset, message: end.reason})
      break
    }
    // The broken element runs up to the next record start; JSON.parse will say what is wrong in it.
    elements.push({start: pos, end: next})
    pos = next
  }
  return {arrayStart, elements, problems}
}

function skipSeparators(text: string, pos: number): number {
  while (pos < text.length) {
    const char = text.charCodeAt(pos)
    // space, tab, CR, LF, comma
    if (char === 32 || char === 9 || char === 13 || char === 10 || char === 44) pos++
    else break
  }
  return pos
}

function findFrom(pattern: RegExp, text: string, from: number): number {
  const global = new RegExp(pattern.source, 'g')
  global.lastIndex = from
  const match = global.exec(text)
  return match ? match.index : -1
}

export type ElementEnd = {ok: true; offset: number} | {ok: false; offset: number; reason: string}

/** The offset just past the value starting at `start`; strings and brackets are tracked. */
export function elementEnd(text: string, start: number): ElementEnd {
  const stack: number[] = []
  let pos = start
  const length = text.length
  while (pos < length) {
    const char = text.charCodeAt(pos)
    if (char === 34) {
      pos++
      while (pos < length) {
        const inner = text.charCodeAt(pos)
        if (inner === 92) pos += 2
        else if (inner === 34) break
        else pos++
      }
      pos++
      if (stack.length === 0) return {ok: true, offset: pos}
      continue
    }
    if (stack.length === 0 && (char === 44 || char === 93)) {
      return {ok: true, offset: pos}
    } else if (char === 123 || char === 91) {
      stack.push(char === 123 ? 125 : 93)
    } else if (char === 125 || char === 93) {
      if (stack.pop() !== char) return {ok: false, offset: pos, reason: `unbalanced "${String.fromCharCode(char)}"`}
      if (stack.length === 0) return {ok: true, offset: pos + 1}
    }
    pos++
  }
  return {ok: false, offset: length, reason: 'the record is not closed (the file is truncated)'}
}
