import {isUtf8} from 'node:buffer'
import {constants as zlibConstants, gunzipSync} from 'node:zlib'

import {DEFAULT_LIMITS, overLimit, type Limits} from '../model/limits.js'
import {GzipMemberTooLarge, inflateGzipMembers} from '../util/gzip-members.js'
import type {Diagnostic, InputKind} from '../model/types.js'
import {recordValueProblem} from './record-values.js'
import {streamRecords} from './stream-records.js'
import {hexByte, invalidUtf8Characters} from '../util/utf8.js'
import {appendAll} from '../util/arrays.js'
import {isDigestPath, looksLikeDigest} from './log-layout.js'
import {jsonErrorMessage, jsonErrorOffset, LineIndex, splitTopLevelArray, type TextPosition} from './json-text.js'

/** Files above this many uncompressed bytes are read as a stream of records instead of one string. */
export const DEFAULT_MAX_WHOLE_FILE_BYTES = 256 * 1024 * 1024

/** How the file carries its records, for the inputs list. */
export type EventFileFormat = 'cloudtrail-log' | 'lookup-events' | 'eventbridge' | 'json-lines' | 'record-array' | 'single-record'

export const FORMAT_KIND: Record<EventFileFormat, InputKind> = {
  'cloudtrail-log': 'cloudtrail/log',
  'lookup-events': 'cloudtrail/lookup-events',
  // The shared InputKind has no EventBridge or JSON Lines kind; their records are CloudTrail records.
  eventbridge: 'cloudtrail/log',
  'json-lines': 'cloudtrail/log',
  'record-array': 'cloudtrail/log',
  'single-record': 'cloudtrail/log',
}

const FORMAT_WORDS: Record<EventFileFormat, string> = {
  'cloudtrail-log': 'CloudTrail log file',
  'lookup-events': 'lookup-events output',
  eventbridge: 'EventBridge events',
  'json-lines': 'JSON Lines records',
  'record-array': 'JSON array of records',
  'single-record': 'single record',
}

export function describeFormat(format: EventFileFormat): string {
  return FORMAT_WORDS[format]
}

/** One slot of the file's record list: a record, or why there is none at that index. */
export type RecordSlot = {record: Record<string, unknown>} | {problem: string; position?: TextPosition}

/** Receives each record slot in file order. */
export type RecordSink = (slot: RecordSlot, index: number, locate: (index: number) => TextPosition | undefined) => void

export interface DecodedEventFile {
  status: 'read' | 'skipped' | 'failed'
  format?: EventFileFormat
  /** Why the file was skipped or failed. */
  reason?: string
  /** Number of slots handed to the sink. */
  records: number
  /** True when the file was too large for one string and was read as a stream. */
  streamed?: boolean
  /** File-level problems (truncation, syntax errors between records). */
  diagnostics: Diagnostic[]
  /** Where record `index` starts, when the text is plain enough to say (uncompressed files, JSON Lines). */
  locate(index: number): TextPosition | undefined
  /** Uncompressed size. */
  bytes: number
  compressed: boolean
}

export interface DecodeOptions {
  maxWholeFileBytes?: number
  limits?: Limits
  /** `bytes` is only the start of a plain file too large to read whole: stream it. */
  headOnly?: boolean
}

const CLOUDTRAIL_DETAIL_TYPES = new Set([
  'AWS API Call via CloudTrail',
  'AWS Console Sign In via CloudTrail',
  'AWS Console Action via CloudTrail',
  'AWS Service Event via CloudTrail',
  'AWS Insight via CloudTrail',
])

const RECORD_START = /\{\s*"eventVersion"\s*:/

const nowhere = (): undefined => undefined

function isGzip(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b
}

/**
 * Reads one event file (plain or gzipped) into its records. Never throws for bad content: a corrupt
 * gzip, a truncated file or a broken record becomes a diagnostic, and every record that can be
 * recovered is returned. `absolutePath` is only used to stream a file of which only the head was read.
 */
export async function decodeEventFile(file: string, absolutePath: string, bytes: Buffer, sink: RecordSink, options: DecodeOptions = {}): Promise<DecodedEventFile> {
  const limits = options.limits ?? DEFAULT_LIMITS
  const maxBytes = Math.min(options.maxWholeFileBytes ?? DEFAULT_MAX_WHOLE_FILE_BYTES, limits.maxInputBytes)
  const compressed = isGzip(bytes)
  const base = {records: 0, diagnostics: [], locate: nowhere, compressed}
  if (isDigestPath(file)) return {...base, status: 'skipped', reason: 'CloudTrail digest file (integrity evidence, not events)', bytes: bytes.length}
  if (options.headOnly) return streamLargeLog(file, absolutePath, compressed, sink, limits)
  // From here the whole file is in hand (an S3 object has no path): past the limit it streams from `bytes`.
  let content: Buffer
  if (compressed) {
    try {
      content = gunzipSync(bytes, {maxOutputLength: maxBytes + 1, chunkSize: outputChunkSize(bytes, maxBytes)})
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) return streamLargeLog(file, bytes, true, sink, limits)
      const partial = truncatedGzip(error, bytes, maxBytes)
      const message = partial ? 'the gzip stream is truncated; the records before the cut are checked' : `not a readable gzip file: ${(error as Error).message}`
      const diagnostic: Diagnostic = {severity: 'error', code: 'gzip', file, line: 1, column: 1, message}
      if (!partial) return {...base, status: 'failed', reason: message, bytes: bytes.length, diagnostics: [diagnostic]}
      const partialText = partial.toString('utf8')
      const {slots, ...decoded} = decodeText(file, partialText, true, limits.maxDepth)
      if (decoded.format && !isUtf8(partial)) appendAll(decoded.diagnostics, invalidUtf8Diagnostics(file, partial, partialText, 0, decoded.format))
      emit(slots, sink, decoded.locate)
      return {...decoded, diagnostics: [diagnostic, ...decoded.diagnostics], records: slots.length, bytes: partial.length, compressed}
    }
  } else {
    content = bytes
  }
  if (content.length > maxBytes) return streamLargeLog(file, bytes, compressed, sink, limits)
  // All members together are within the member limit in the common case; only past it are they told apart.
  if (compressed && content.length > limits.maxMemberBytes) {
    const tooLarge = await memberOverLimit(bytes, limits.maxMemberBytes)
    if (tooLarge) {
      const reason = `gzip member ${tooLarge.member} is, once inflated, ${overLimit('maxMemberBytes', tooLarge.limit)}`
      return {...base, status: 'failed', reason, bytes: content.length, diagnostics: [{severity: 'error', code: 'gzip', file, line: 1, column: 1, message: reason}]}
    }
  }
  let text = content.toString('utf8')
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0
  if (bom) text = text.slice(1)
  const {slots, ...decoded} = decodeText(file, text, compressed, limits.maxDepth)
  // A fast check of the whole file; the bad bytes are looked for only when there are some.
  if (decoded.format && !isUtf8(content)) appendAll(decoded.diagnostics, invalidUtf8Diagnostics(file, content, text, bom, decoded.format))
  emit(slots, sink, decoded.locate)
  return {...decoded, records: slots.length, bytes: content.length, compressed}
}

/**
 * CloudTrail writes UTF-8; bytes that are not are damage or tampering. The records are still judged
 * with U+FFFD in their place (as evidence files are read), and each record holding such bytes is
 * named by an error, with the line and column of its first one, so the run cannot pass silently.
 */
function invalidUtf8Diagnostics(file: string, content: Buffer, text: string, bom: number, format: EventFileFormat): Diagnostic[] {
  const starts = recordStarts(text, format)
  const lines = new LineIndex(text)
  const diagnostics: Diagnostic[] = []
  let lastRecord: number | undefined = -1
  for (const {char, byte} of invalidUtf8Characters(content)) {
    const offset = Math.max(0, char - bom)
    const record = recordAt(starts, offset)
    if (record === lastRecord) continue
    lastRecord = record
    const which = record === undefined ? '' : `record ${record + 1}: `
    diagnostics.push({
      severity: 'error',
      code: 'invalid-utf8',
      file,
      ...lines.position(offset),
      message: `${which}invalid UTF-8 (byte ${hexByte(byte)}): read with U+FFFD in its place, so the record may not be what CloudTrail wrote`,
    })
  }
  return diagnostics
}

/** Character offsets where each record of the file starts, in record order. */
function recordStarts(text: string, format: EventFileFormat): number[] {
  if (format === 'cloudtrail-log') return splitTopLevelArray(text, 'Records').elements.map((element) => element.start)
  if (format === 'lookup-events') return splitTopLevelArray(text, 'Events').elements.map((element) => element.start)
  if (format === 'json-lines') {
    const starts: number[] = []
    let start = 0
    for (const line of text.split('\n')) {
      if (line.trim() !== '') starts.push(start)
      start += line.length + 1
    }
    return starts
  }
  return text.trimStart()[0] === '[' ? topLevelArrayStarts(text) : [0]
}

/** The index of the record holding `offset`, or undefined when it lies before the first. */
function recordAt(starts: number[], offset: number): number | undefined {
  let low = 0
  let high = starts.length - 1
  if (high < 0 || starts[0]! > offset) return undefined
  while (low < high) {
    const middle = (low + high + 1) >> 1
    if (starts[middle]! <= offset) low = middle
    else high = middle - 1
  }
  return low
}

const MIN_CHUNK = 64 * 1024

/**
 * One output chunk as large as the inflated file, read from the gzip trailer (ISIZE, the size modulo
 * 2^32), so the output is not gathered from many small chunks and copied once more. A trailer that
 * understates the size (several members, a file over 4 GiB) only means more chunks.
 */
function outputChunkSize(bytes: Buffer, maxBytes: number): number {
  if (bytes.length < 18) return MIN_CHUNK
  const stated = bytes.readUInt32LE(bytes.length - 4)
  return Math.max(MIN_CHUNK, Math.min(stated + 1, maxBytes + 1))
}

/** The text inflated before a gzip stream ends early, when that is what went wrong. */
function truncatedGzip(error: unknown, bytes: Buffer, maxBytes: number): Buffer | undefined {
  if (!/unexpected end of file/i.test((error as Error).message)) return undefined
  try {
    const partial = gunzipSync(bytes, {finishFlush: zlibConstants.Z_SYNC_FLUSH, maxOutputLength: maxBytes + 1})
    return partial.length > 0 ? partial : undefined
  } catch {
    return undefined
  }
}

/**
 * A file's record slots, made one at a time as the sink takes them: no second list of 10,000 objects
 * is built beside the records (and copied by the garbage collector while they are all alive).
 */
interface SlotSource {
  length: number
  slot(index: number): RecordSlot
}

function mapped(items: unknown[], make: (item: unknown) => RecordSlot): SlotSource {
  return {
    length: items.length,
    slot: (index) => {
      // Each slot is taken once. Letting go of its record here lets it die as soon as it is judged,
      // so a scavenge during the judging copies only the records still ahead, not the whole file.
      const item = items[index]
      items[index] = undefined
      return make(item)
    },
  }
}

function emit(slots: SlotSource | RecordSlot[], sink: RecordSink, locate: (index: number) => TextPosition | undefined): void {
  if (Array.isArray(slots)) {
    slots.forEach((slot, index) => sink(slot, index, locate))
    return
  }
  for (let index = 0; index < slots.length; index++) sink(slots.slot(index), index, locate)
}

type TextDecoded = Omit<DecodedEventFile, 'bytes' | 'compressed' | 'records'> & {slots: SlotSource | RecordSlot[]}

function decodeText(file: string, text: string, compressed: boolean, maxDepth: number): TextDecoded {
  const lines = new LineIndex(text)
  const failed = (reason: string, offset?: number): TextDecoded => {
    const at = offset === undefined ? {line: 1, column: 1} : lines.position(offset)
    return {status: 'failed', reason, slots: [], locate: nowhere, diagnostics: [{severity: 'error', code: 'json-syntax', file, ...at, message: reason}]}
  }
  const head = text.slice(0, 65536)
  if (looksLikeDigest(head)) return {status: 'skipped', reason: 'CloudTrail digest file (integrity evidence, not events)', slots: [], diagnostics: [], locate: nowhere}
  const trimmed = text.trimStart()
  if (trimmed === '') return failed('the file is empty')
  let whole: unknown
  let parseError: unknown
  try {
    whole = JSON.parse(text)
  } catch (error) {
    parseError = error
  }
  if (parseError === undefined) return fromValue(text, whole, lines, compressed, maxDepth)
  if (isJsonLines(text)) return fromJsonLines(text, maxDepth)
  for (const key of ['Records', 'Events']) {
    const split = splitTopLevelArray(text, key, key === 'Records' ? RECORD_START : undefined)
    if (split.arrayStart >= 0) return recovered(file, text, key, split.elements, split.problems, lines, maxDepth)
  }
  const offset = jsonErrorOffset(parseError)
  return failed(`invalid JSON: ${jsonErrorMessage(parseError)}`, offset)
}

function fromValue(text: string, value: unknown, lines: LineIndex, compressed: boolean, maxDepth: number): TextDecoded {
  const slotOf = (item: unknown): RecordSlot => slotFor(item, maxDepth)
  const diagnostics: Diagnostic[] = []
  const lazyLocate = (key: string): ((index: number) => TextPosition | undefined) => {
    // Delivered log files are one line; positions help only in files people wrote or pretty-printed.
    if (compressed) return nowhere
    let starts: number[] | undefined
    return (index) => {
      starts ??= splitTopLevelArray(text, key).elements.map((element) => element.start)
      const offset = starts[index]
      return offset === undefined ? undefined : lines.position(offset)
    }
  }
  if (Array.isArray(value)) {
    const locate = compressed ? nowhere : arrayLocator(text, lines)
    const envelopes = value.length > 0 && value.every((item) => isEnvelope(item))
    return {status: 'read', format: envelopes ? 'eventbridge' : 'record-array', slots: mapped(value, slotOf), diagnostics, locate}
  }
  if (isObject(value)) {
    if (Array.isArray(value.Records)) {
      return {status: 'read', format: 'cloudtrail-log', slots: mapped(value.Records, slotOf), diagnostics, locate: lazyLocate('Records')}
    }
    if (Array.isArray(value.Events)) {
      return {status: 'read', format: 'lookup-events', slots: mapped(value.Events, (item) => lookupSlot(item, maxDepth)), diagnostics, locate: lazyLocate('Events')}
    }
    if (isEnvelope(value)) return {status: 'read', format: 'eventbridge', slots: [slotOf(value)], diagnostics, locate: () => ({line: 1, column: 1})}
    if ('eventVersion' in value || 'eventName' in value) return {status: 'read', format: 'single-record', slots: [slotOf(value)], diagnostics, locate: () => ({line: 1, column: 1})}
  }
  return {status: 'skipped', reason: 'JSON that holds no CloudTrail records (no Records, Events, detail or eventName)', slots: [], diagnostics, locate: nowhere}
}

function arrayLocator(text: string, lines: LineIndex): (index: number) => TextPosition | undefined {
  let starts: number[] | undefined
  return (index) => {
    starts ??= topLevelArrayStarts(text)
    const offset = starts[index]
    return offset === undefined ? undefined : lines.position(offset)
  }
}

/** The first gzip member past the limit, when one is; the whole file already inflated, so it is not corrupt. */
async function memberOverLimit(bytes: Buffer, maxMemberBytes: number): Promise<GzipMemberTooLarge | undefined> {
  try {
    const whole = (async function* () {
      yield bytes
    })()
    for await (const chunk of inflateGzipMembers(whole, maxMemberBytes)) void chunk
    return undefined
  } catch (error) {
    if (error instanceof GzipMemberTooLarge) return error
    throw error
  }
}

/** Where each element of a top-level array starts. */
function topLevelArrayStarts(text: string): number[] {
  // Wrapped as the value of a key, so the same splitter finds its elements.
  const open = text.indexOf('[')
  return splitTopLevelArray(`{"_":${text.slice(open)}`, '_').elements.map((element) => element.start - 5 + open)
}

/** Lines looked at to tell JSON Lines from one broken JSON document. */
const JSON_LINES_PROBE = 16

/**
 * JSON Lines: one record per line. A broken line, the first included, must not hide the records
 * around it, so any of the first lines that is a whole JSON object on its own will do, as long as the
 * text does not open like one `{"Records": [...]}` document.
 */
function isJsonLines(text: string): boolean {
  const firstBreak = text.indexOf('\n')
  if (firstBreak < 0) return false
  const first = text.slice(0, firstBreak).trim()
  if (!first.startsWith('{') || first === '{' || /^\{\s*"(Records|Events)"\s*:/.test(first)) return false
  let start = 0
  for (let probed = 0; probed < JSON_LINES_PROBE && start < text.length; probed++) {
    const end = text.indexOf('\n', start)
    const line = text.slice(start, end < 0 ? text.length : end).trim()
    start = end < 0 ? text.length : end + 1
    if (!line.startsWith('{')) continue
    try {
      if (isObject(JSON.parse(line))) return true
    } catch {
      // A broken line: look at the next one.
    }
  }
  return false
}

function fromJsonLines(text: string, maxDepth: number): TextDecoded {
  const slots: RecordSlot[] = []
  const positions: TextPosition[] = []
  const lineTexts = text.split('\n')
  for (let i = 0; i < lineTexts.length; i++) {
    const line = lineTexts[i]!.trim()
    if (line === '') continue
    positions.push({line: i + 1, column: 1})
    try {
      slots.push(slotFor(JSON.parse(line), maxDepth))
    } catch (error) {
      const offset = jsonErrorOffset(error)
      const position = {line: i + 1, column: (offset ?? 0) + 1}
      slots.push({problem: `invalid JSON: ${jsonErrorMessage(error)}`, position})
    }
  }
  return {status: 'read', format: 'json-lines', slots, diagnostics: [], locate: (index) => positions[index]}
}

function recovered(file: string, text: string, key: string, elements: {start: number; end: number}[], problems: {offset: number; message: string}[], lines: LineIndex, maxDepth: number): TextDecoded {
  const slots: RecordSlot[] = []
  const starts: number[] = []
  for (const element of elements) {
    starts.push(element.start)
    // A resynchronized (broken) element runs up to the next record and carries its separator.
    const piece = text.slice(element.start, element.end).replace(/[\s,]*$/, '')
    try {
      const value = JSON.parse(piece)
      slots.push(key === 'Events' ? lookupSlot(value, maxDepth) : slotFor(value, maxDepth))
    } catch (error) {
      const offset = jsonErrorOffset(error)
      const position = lines.position(element.start + (offset ?? 0))
      slots.push({problem: `invalid JSON in this record: ${jsonErrorMessage(error)}`, position})
    }
  }
  const diagnostics: Diagnostic[] = problems.map((problem) => ({severity: 'error', code: 'json-syntax', file, ...lines.position(problem.offset), message: problem.message}))
  const good = slots.filter((slot) => 'record' in slot).length
  const status = good === 0 && slots.length === 0 ? 'failed' : 'read'
  return {
    status,
    format: key === 'Events' ? 'lookup-events' : 'cloudtrail-log',
    ...(status === 'failed' ? {reason: problems[0]?.message ?? 'no record could be read'} : {}),
    slots,
    diagnostics,
    locate: (index) => (starts[index] === undefined ? undefined : lines.position(starts[index]!)),
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isEnvelope(value: unknown): value is Record<string, unknown> & {'detail-type': string; detail: unknown} {
  return isObject(value) && typeof value['detail-type'] === 'string' && 'detail' in value
}

function slotFor(value: unknown, maxDepth: number): RecordSlot {
  if (isEnvelope(value)) {
    if (!CLOUDTRAIL_DETAIL_TYPES.has(value['detail-type'])) {
      return {problem: `EventBridge event of detail-type ${JSON.stringify(value['detail-type'])} is not a CloudTrail record`}
    }
    return isObject(value.detail) ? recordSlot(value.detail, maxDepth) : {problem: 'EventBridge event has no detail object'}
  }
  if (isObject(value)) return recordSlot(value, maxDepth)
  return {problem: `a record must be a JSON object, found ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`}`}
}

function recordSlot(record: Record<string, unknown>, maxDepth: number): RecordSlot {
  const problem = recordValueProblem(record, maxDepth)
  return problem === undefined ? {record} : {problem}
}

function lookupSlot(value: unknown, maxDepth: number): RecordSlot {
  if (!isObject(value)) return {problem: 'an Events entry must be a JSON object'}
  const raw = value.CloudTrailEvent
  if (typeof raw !== 'string') return {problem: 'Events entry has no CloudTrailEvent string'}
  try {
    return slotFor(JSON.parse(raw), maxDepth)
  } catch (error) {
    return {problem: `CloudTrailEvent is not valid JSON: ${jsonErrorMessage(error)}`}
  }
}

/**
 * The fallback for files too large for one string: the Records array is cut into records as the
 * text streams by, and each record is parsed on its own. Only the CloudTrail log layout is streamed.
 */
async function streamLargeLog(file: string, source: string | Buffer, compressed: boolean, sink: RecordSink, limits: Limits): Promise<DecodedEventFile> {
  const streamed = await streamRecords(file, source, compressed, limits, (element, index) => {
    let slot: RecordSlot
    if ('problem' in element) {
      slot = {problem: element.problem}
    } else {
      try {
        slot = slotFor(JSON.parse(element.text), limits.maxDepth)
      } catch (error) {
        slot = {problem: `invalid JSON in this record: ${jsonErrorMessage(error)}`}
      }
    }
    sink(slot, index, nowhere)
  })
  const {count, bytes, diagnostics} = streamed
  const status = streamed.overLimit ? 'failed' : streamed.inArray || count > 0 ? 'read' : 'failed'
  const reason = streamed.overLimit || status === 'failed' ? diagnostics[0]?.message : undefined
  return {status, format: 'cloudtrail-log', ...(reason ? {reason} : {}), records: count, diagnostics, locate: nowhere, bytes, compressed, streamed: true}
}
