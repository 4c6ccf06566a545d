import {readFile} from 'node:fs/promises'

import type {Diagnostic, InputRecord, Location, Result} from '../model/types.js'
import {CoverageTally, type CoverageEvidence} from './coverage.js'
import {decodeEventFile, describeFormat, FORMAT_KIND, type RecordSlot} from './decode.js'
import type {EventPolicy} from './event-policy.js'
import {RecordJudge} from './judge-record.js'
import {parseLogKey} from './log-layout.js'
import {checkRecord} from './record-schema.js'
import type {TextPosition} from './json-text.js'

/** Everything one file contributed; plain data, so it crosses from a worker thread unchanged. */
export interface FileOutcome {
  input: InputRecord
  results: Result[]
  passes: Record<string, number>
  /** Records each policy did not apply to (`when`, `unless`), per policy id. */
  notApplicable: Record<string, number>
  diagnostics: Diagnostic[]
  coverage: CoverageEvidence[]
  records: number
  bytes: number
}

export interface ScanFileOptions {
  maxWholeFileBytes?: number
}

export interface EventFile {
  /** As printed in reports. */
  path: string
  absolutePath: string
}

/** Reads one event file and judges each of its records against every policy. Never throws. */
export async function scanFile(file: EventFile, policies: EventPolicy[], options: ScanFileOptions = {}): Promise<FileOutcome> {
  const results: Result[] = []
  const diagnostics: Diagnostic[] = []
  const coverage = new CoverageTally()
  const key = parseLogKey(file.path)
  const fallbackAccount = key?.account ?? 'unknown'
  let bytes: Buffer
  try {
    bytes = await readFile(file.absolutePath)
  } catch (error) {
    const message = `cannot read the file: ${(error as Error).message}`
    return {
      input: {path: file.path, fate: 'failed', detail: message},
      results,
      passes: {},
      notApplicable: {},
      diagnostics: [{severity: 'error', code: 'read', file: file.path, message}],
      coverage: [],
      records: 0,
      bytes: 0,
    }
  }
  let unreadable = 0
  const judge = new RecordJudge(policies)
  const onFinding = (result: Result): void => {
    results.push(result)
  }
  const judgeSlot = (slot: RecordSlot, index: number, locate: (index: number) => TextPosition | undefined): void => {
    if ('problem' in slot) {
      unreadable++
      diagnostics.push({severity: 'error', code: 'record-syntax', ...where(file, index, locate), ...(slot.position ?? {}), message: `record ${index}: ${slot.problem}; not checked`})
      return
    }
    const record = slot.record
    const problems = checkRecord(record)
    for (const problem of problems) {
      diagnostics.push({severity: 'warning', code: 'record-schema', ...where(file, index, locate), message: `record ${index}${idOf(record)}: ${problem.message}`})
    }
    coverage.add(record, fallbackAccount)
    judge.judge(record, index, where(file, index, locate), fallbackAccount, onFinding)
  }
  const decoded = await decodeEventFile(file.path, file.absolutePath, bytes, judgeSlot, options)
  diagnostics.push(...decoded.diagnostics)
  const checked = judge.judged
  const format = decoded.format ? describeFormat(decoded.format) : 'file'
  const kind = decoded.format ? FORMAT_KIND[decoded.format] : decoded.reason?.includes('digest') ? 'cloudtrail/digest' : undefined
  const detail =
    decoded.status === 'read'
      ? `${format}: ${checked} record${checked === 1 ? '' : 's'} checked${unreadable > 0 ? `, ${unreadable} unreadable` : ''}${decoded.streamed ? ' (streamed: larger than the whole-file limit)' : ''}`
      : (decoded.reason ?? decoded.status)
  return {
    input: {path: file.path, ...(kind ? {kind} : {}), fate: decoded.status, detail},
    results,
    passes: judge.passes(),
    notApplicable: judge.notApplicable(),
    diagnostics,
    coverage: coverage.evidence(),
    records: checked,
    bytes: decoded.bytes,
  }
}

function where(file: EventFile, index: number, locate: (index: number) => TextPosition | undefined): Location {
  return {file: file.path, ...(locate(index) ?? {line: 1, column: 1})}
}

function idOf(record: Record<string, unknown>): string {
  return typeof record.eventID === 'string' ? ` (eventID ${record.eventID})` : ''
}
