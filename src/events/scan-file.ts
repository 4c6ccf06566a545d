import {open} from 'node:fs/promises'

import {DEFAULT_LIMITS, type Limits} from '../model/limits.js'
import type {Diagnostic, InputRecord, Location, Result} from '../model/types.js'
import {CoverageTally, type CoverageEvidence} from './coverage.js'
import {DEFAULT_MAX_WHOLE_FILE_BYTES, decodeEventFile, describeFormat, FORMAT_KIND, type RecordSlot} from './decode.js'
import type {EventPolicy} from './event-policy.js'
import {FindingListing, type UnlistedCounts} from './finding-listing.js'
import {RecordJudge} from './judge-record.js'
import {parseLogKey} from './log-layout.js'
import {checkRecord} from './record-schema.js'
import type {TextPosition} from './json-text.js'
import {compactUtcMillis} from './utc-time.js'

/** Everything one file contributed; plain data, so it crosses from a worker thread unchanged. */
export interface FileOutcome {
  input: InputRecord
  /** At most MAX_LISTED_FINDINGS per policy; the others are only counted in `unlisted`. */
  results: Result[]
  unlisted: UnlistedCounts
  passes: Record<string, number>
  /** Records each policy did not apply to (`when`, `unless`), per policy id. */
  notApplicable: Record<string, number>
  diagnostics: Diagnostic[]
  coverage: CoverageEvidence[]
  records: number
  /** Records left out because their eventTime lies outside the window. */
  outsideWindow: number
  bytes: number
}

/** `--since`/`--until` as milliseconds since the epoch; either end may be open. */
export interface RecordWindow {
  sinceMs?: number
  untilMs?: number
}

export interface ScanFileOptions {
  maxWholeFileBytes?: number
  limits?: Limits
  /** Only records whose eventTime lies inside are judged; one whose eventTime cannot be read is judged. */
  window?: RecordWindow
}

export interface EventFile {
  /** As printed in reports (`s3://bucket/key` for an object). */
  path: string
  absolutePath: string
  /** The file's bytes as stored, when they were fetched already (an S3 object): the file system is not read. */
  bytes?: Uint8Array
}

/** Reads one event file and judges each of its records against every policy. Never throws. */
export async function scanFile(file: EventFile, policies: EventPolicy[], options: ScanFileOptions = {}): Promise<FileOutcome> {
  const results: Result[] = []
  const diagnostics: Diagnostic[] = []
  const coverage = new CoverageTally()
  const key = parseLogKey(file.path)
  const fallbackAccount = key?.account ?? 'unknown'
  let read: {bytes: Buffer; headOnly: boolean}
  try {
    read = file.bytes !== undefined ? {bytes: Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength), headOnly: false} : await readEventFile(file.absolutePath, Math.min(options.maxWholeFileBytes ?? DEFAULT_MAX_WHOLE_FILE_BYTES, (options.limits ?? DEFAULT_LIMITS).maxInputBytes))
  } catch (error) {
    const message = `cannot read the file: ${(error as Error).message}`
    return {
      input: {path: file.path, fate: 'failed', detail: message},
      results,
      unlisted: {},
      passes: {},
      notApplicable: {},
      diagnostics: [{severity: 'error', code: 'read', file: file.path, message}],
      coverage: [],
      records: 0,
      outsideWindow: 0,
      bytes: 0,
    }
  }
  let unreadable = 0
  let outsideWindow = 0
  const window = options.window
  const judge = new RecordJudge(policies)
  const listing = new FindingListing(results)
  const onFinding = (result: Result): void => {
    listing.add(result)
  }
  const judgeSlot = (slot: RecordSlot, index: number, locate: (index: number) => TextPosition | undefined): void => {
    if ('problem' in slot) {
      unreadable++
      diagnostics.push({severity: 'error', code: 'record-syntax', ...where(file, index, locate), ...(slot.position ?? {}), message: `record ${index + 1}: ${slot.problem}; not checked`})
      return
    }
    const record = slot.record
    if (window && isOutside(record, window)) {
      outsideWindow++
      return
    }
    const problems = checkRecord(record)
    for (const problem of problems) {
      diagnostics.push({severity: 'warning', code: 'record-schema', ...where(file, index, locate), message: `record ${index + 1}${idOf(record)}: ${problem.message}`})
    }
    coverage.add(record, fallbackAccount)
    judge.judge(record, index, () => where(file, index, locate), fallbackAccount, onFinding)
  }
  const decoded = await decodeEventFile(file.path, file.absolutePath, read.bytes, judgeSlot, {...options, headOnly: read.headOnly})
  for (const diagnostic of decoded.diagnostics) diagnostics.push(diagnostic)
  const checked = judge.judged
  const format = decoded.format ? describeFormat(decoded.format) : 'file'
  const kind = decoded.format ? FORMAT_KIND[decoded.format] : decoded.reason?.includes('digest') ? 'cloudtrail/digest' : undefined
  const outside = outsideWindow > 0 ? `, ${outsideWindow} outside --since/--until` : ''
  // A file whose every record lies outside the window was not judged at all: skipped, never read and passed.
  const allOutside = decoded.status === 'read' && checked === 0 && unreadable === 0 && outsideWindow > 0
  const detail = allOutside
    ? `${format}: all ${outsideWindow} record${outsideWindow === 1 ? '' : 's'} outside --since/--until: not judged`
    : decoded.status === 'read'
      ? `${format}: ${checked} record${checked === 1 ? '' : 's'} checked${outside}${unreadable > 0 ? `, ${unreadable} unreadable` : ''}${decoded.streamed ? ' (streamed: larger than the whole-file limit)' : ''}`
      : (decoded.reason ?? decoded.status)
  return {
    input: {path: file.path, ...(kind ? {kind} : {}), fate: allOutside ? 'skipped' : decoded.status, detail},
    results,
    unlisted: listing.unlisted,
    passes: judge.passes(),
    notApplicable: judge.notApplicable(),
    diagnostics,
    coverage: coverage.evidence(),
    records: checked,
    outsideWindow,
    bytes: decoded.bytes,
  }
}

/** True when the record's eventTime is readable and lies outside the window. */
function isOutside(record: Record<string, unknown>, window: RecordWindow): boolean {
  const text = record.eventTime
  if (typeof text !== 'string') return false
  const time = compactUtcMillis(text) ?? Date.parse(text)
  if (Number.isNaN(time)) return false
  return (window.sinceMs !== undefined && time < window.sinceMs) || (window.untilMs !== undefined && time > window.untilMs)
}

const HEAD_BYTES = 64 * 1024

/** The whole file, or only its start when it is too large to be read whole (it is then streamed). */
async function readEventFile(absolutePath: string, maxWholeBytes: number): Promise<{bytes: Buffer; headOnly: boolean}> {
  const handle = await open(absolutePath, 'r')
  try {
    const {size} = await handle.stat()
    if (size <= maxWholeBytes) return {bytes: await handle.readFile(), headOnly: false}
    const head = Buffer.alloc(HEAD_BYTES)
    const {bytesRead} = await handle.read(head, 0, HEAD_BYTES, 0)
    return {bytes: head.subarray(0, bytesRead), headOnly: true}
  } finally {
    await handle.close()
  }
}

function where(file: EventFile, index: number, locate: (index: number) => TextPosition | undefined): Location {
  return {file: file.path, ...(locate(index) ?? {line: 1, column: 1})}
}

function idOf(record: Record<string, unknown>): string {
  return typeof record.eventID === 'string' ? ` (eventID ${record.eventID})` : ''
}
