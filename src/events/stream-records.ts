import {createReadStream} from 'node:fs'
import {Readable} from 'node:stream'
import {isUtf8} from 'node:buffer'
import {StringDecoder} from 'node:string_decoder'

import {overLimit, type Limits} from '../model/limits.js'
import {GzipMemberTooLarge, inflateGzipMembers} from '../util/gzip-members.js'
import {appendAll} from '../util/arrays.js'
import type {Diagnostic} from '../model/types.js'

/** One element of the streamed Records array: its text, or why it was not kept. */
export type StreamedElement = {text: string} | {problem: string}

export interface StreamOutcome {
  /** Elements handed to `onElement`. */
  count: number
  /** Inflated bytes read. */
  bytes: number
  inArray: boolean
  finished: boolean
  /** The file went past the input size limit: it fails, the records before are still judged. */
  overLimit: boolean
  diagnostics: Diagnostic[]
}

const RECORDS_KEY = /"Records"\s*:\s*\[/g
/** How far back a search for the Records key restarts, so a key cut by a chunk boundary is found. */
const KEY_OVERLAP = 256

function indexOrEnd(text: string, char: string, from: number): number {
  const at = text.indexOf(char, from)
  return at < 0 ? text.length : at
}

/** Offsets of U+FFFD in `text`. */
function replacementOffsets(text: string): number[] {
  const found: number[] = []
  for (let at = text.indexOf('\uFFFD'); at !== -1; at = text.indexOf('\uFFFD', at + 1)) found.push(at)
  return found
}

/** Bytes of `bytes` up to the start of a UTF-8 sequence the end cuts short (at most 3 bytes are left). */
function completeLength(bytes: Buffer): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back]!
    if ((byte & 0xc0) === 0x80) continue
    const needs = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1
    return needs > back ? bytes.length - back : bytes.length
  }
  return bytes.length
}

/** The chunk size of a file read stream: the inflater's output per step stays as small as from disk. */
const SLICE_BYTES = 64 * 1024

function* slices(bytes: Buffer): Iterable<Buffer> {
  for (let at = 0; at < bytes.length; at += SLICE_BYTES) yield bytes.subarray(at, at + SLICE_BYTES)
}

const QUOTE = 34
const BACKSLASH = 92

/**
 * Cuts the `Records` array of a CloudTrail log too large for one string into its elements as the
 * text streams by. Every character is looked at once: the scan keeps its place (bracket depth,
 * inside a string or not) across chunks instead of rescanning an unfinished record. An element
 * over the record size limit is skipped without being kept (an error names it) and the next ones
 * are still read; the separators before an element count toward its size, so a file of blanks
 * stops at the limit instead of being read to its end.
 */
export async function streamRecords(file: string, from: string | Buffer, compressed: boolean, limits: Limits, onElement: (element: StreamedElement, index: number) => void): Promise<StreamOutcome> {
  const diagnostics: Diagnostic[] = []
  const error = (message: string): void => {
    diagnostics.push({severity: 'error', code: 'json-syntax', file, line: 1, column: 1, message})
  }
  const outcome: StreamOutcome = {count: 0, bytes: 0, inArray: false, finished: false, overLimit: false, diagnostics}
  // Text before the Records array is found (the key may be cut by a chunk boundary).
  let head = ''
  let searched = 0
  // The unfinished element as the chunks that hold it, joined once when it ends: appending to one
  // string would make V8 flatten the whole of it again on every chunk.
  let parts: string[] = []
  let inElement = false
  let depth = 0
  let inString = false
  let escaped = false
  let skipping = false
  let elementChars = 0
  let stop = false

  // Offsets in the current chunk of U+FFFD that stand for bytes that were not UTF-8, and the next one.
  const invalidText: Diagnostic[] = []
  let marks: number[] = []
  let mark = 0
  let flagged = -1
  const flagInvalid = (index: number): void => {
    if (index === flagged) return
    flagged = index
    invalidText.push({severity: 'error', code: 'invalid-utf8', file, line: 1, column: 1, message: `record ${index + 1}: invalid UTF-8: read with U+FFFD in its place, so the record may not be what CloudTrail wrote`})
  }
  const finishElement = (chunk: string, from: number, end: number): void => {
    while (mark < marks.length && marks[mark]! < end) {
      flagInvalid(outcome.count)
      mark++
    }
    if (skipping) {
      skipping = false
    } else {
      parts.push(chunk.slice(from, end))
      onElement({text: parts.join('')}, outcome.count)
    }
    parts = []
    outcome.count++
    inElement = false
    elementChars = 0
  }

  const consume = (text: string, suspect: boolean): void => {
    let chunk = text
    if (!outcome.inArray) {
      head += chunk
      RECORDS_KEY.lastIndex = Math.max(0, searched - KEY_OVERLAP)
      const match = RECORDS_KEY.exec(head)
      if (!match) {
        searched = head.length
        if (head.length > limits.maxRecordBytes) {
          error(`no Records array in the first ${head.length} characters: ${overLimit('maxRecordBytes', limits.maxRecordBytes)}`)
          stop = true
        }
        return
      }
      chunk = head.slice(match.index + match[0].length)
      head = ''
      outcome.inArray = true
    }
    marks = suspect ? replacementOffsets(chunk) : []
    mark = 0
    let pos = 0
    let from = 0
    const length = chunk.length
    // Where the next quote and backslash are in this chunk: a long string is crossed in one jump.
    let nextQuote = -1
    let nextBackslash = -1
    while (pos < length && !stop) {
      if (inString && !escaped) {
        if (nextQuote < pos) nextQuote = indexOrEnd(chunk, '"', pos)
        if (nextBackslash < pos) nextBackslash = indexOrEnd(chunk, '\\', pos)
        const jump = Math.min(nextQuote, nextBackslash)
        if (jump > pos) {
          elementChars += jump - pos
          pos = jump
          if (elementChars > limits.maxRecordBytes && !skipping) {
            onElement({problem: overLimit('maxRecordBytes', limits.maxRecordBytes)}, outcome.count)
            skipping = true
            parts = []
          }
          continue
        }
      }
      const code = chunk.charCodeAt(pos)
      if (!inElement) {
        // space, tab, CR, LF, comma
        if (code === 32 || code === 9 || code === 13 || code === 10 || code === 44) {
          pos++
          if (++elementChars > limits.maxRecordBytes) {
            error(`after record ${outcome.count}: more than ${limits.maxRecordBytes} characters of blanks between records: ${overLimit('maxRecordBytes', limits.maxRecordBytes)}; the rest of the file was not read`)
            stop = true
          }
          continue
        }
        if (code === 93) {
          outcome.finished = true
          stop = true
          break
        }
        inElement = true
        from = pos
        depth = 0
        inString = false
        escaped = false
      }
      // Inside an element: track strings and brackets; the element ends when its brackets close.
      if (inString) {
        if (escaped) escaped = false
        else if (code === BACKSLASH) escaped = true
        else if (code === QUOTE) {
          inString = false
          if (depth === 0) {
            pos++
            finishElement(chunk, from, pos)
            continue
          }
        }
      } else if (code === QUOTE) {
        inString = true
      } else if (code === 123 || code === 91) {
        depth++
      } else if (code === 93 && depth === 0) {
        // A bare value last in the array: the `]` closes the array, not the element.
        finishElement(chunk, from, pos)
        continue
      } else if (code === 125 || code === 93) {
        depth--
        if (depth <= 0) {
          pos++
          finishElement(chunk, from, pos)
          continue
        }
      } else if (depth === 0 && (code === 44 || code === 32 || code === 10 || code === 13 || code === 9)) {
        // A bare value (number, literal) ends at the next separator.
        finishElement(chunk, from, pos)
        continue
      }
      pos++
      if (++elementChars > limits.maxRecordBytes && !skipping) {
        onElement({problem: overLimit('maxRecordBytes', limits.maxRecordBytes)}, outcome.count)
        skipping = true
        parts = []
      }
    }
    // Keep the unfinished element's part of this chunk (nothing while it is being skipped).
    if (inElement && !skipping) parts.push(chunk.slice(from))
    if (inElement && mark < marks.length) flagInvalid(outcome.count)
  }

  const decoder = new StringDecoder('utf8')
  // The bytes of a character cut by the end of the last chunk.
  let tail: Buffer = Buffer.alloc(0)
  // A path is read from disk; bytes in hand (an S3 object) are fed in the same slices, without a copy.
  const source = typeof from === 'string' ? createReadStream(from) : Readable.from(slices(from))
  try {
    // A member past the input limit is the input past it: that is the limit to name.
    const memberLimit = limits.maxMemberBytes < limits.maxInputBytes ? limits.maxMemberBytes : Number.POSITIVE_INFINITY
    const stream = compressed ? inflateGzipMembers(source, memberLimit) : (source as AsyncIterable<Buffer>)
    for await (const chunk of stream) {
      outcome.bytes += chunk.length
      if (outcome.bytes > limits.maxInputBytes) {
        error(`stopped reading after ${outcome.count} records: the file is ${overLimit('maxInputBytes', limits.maxInputBytes)}`)
        outcome.overLimit = true
        break
      }
      const text = decoder.write(chunk)
      // The decoded text is searched for U+FFFD (fast); only then are the bytes checked.
      const joined = tail.length > 0 ? Buffer.concat([tail, chunk]) : chunk
      const complete = completeLength(joined)
      consume(text, text.includes('\uFFFD') && !isUtf8(joined.subarray(0, complete)))
      tail = joined.subarray(complete)
      if (stop) break
    }
    if (!stop && !outcome.overLimit) consume(decoder.end(), tail.length > 0)
  } catch (failure) {
    const message = (failure as Error).message
    const unreadable = compressed && outcome.bytes === 0
    if (failure instanceof GzipMemberTooLarge) {
      error(`stopped reading after ${outcome.count} records: gzip member ${failure.member} is, once inflated, ${overLimit('maxMemberBytes', failure.limit)}`)
      outcome.overLimit = true
    } else diagnostics.push({severity: 'error', code: compressed ? 'gzip' : 'read', file, line: 1, column: 1, message: unreadable ? `not a readable gzip file: ${message}` : `stopped reading after ${outcome.count} records: ${message}`})
  } finally {
    source.destroy()
  }
  if (inElement && !outcome.finished && diagnostics.length === 0) {
    error(`Records[${outcome.count}]: the record is not closed (the file is truncated); the rest of the file was not read`)
  } else if (!outcome.finished && diagnostics.length === 0) {
    error(outcome.inArray ? `the Records array is not closed (the file is truncated) after ${outcome.count} records` : 'no Records array found')
  }
  appendAll(diagnostics, invalidText)
  return outcome
}
