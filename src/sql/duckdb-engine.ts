import type {DuckDBConnection} from '@duckdb/node-api'

import {compileEventPolicy, type EventPolicy} from '../events/event-policy.js'
import {FindingListing} from '../events/finding-listing.js'
import {finding} from '../events/judge-record.js'
import {isDigestPath, parseLogKey} from '../events/log-layout.js'
import {scanEvents, type EventScanOptions, type EventScanResult} from '../events/scan.js'
import type {RecordWindow} from '../events/scan-file.js'
import type {Diagnostic, InputRecord, Result} from '../model/types.js'
import type {Policy} from '../policy/types.js'
import {dict} from '../util/dict.js'
import {displayPath} from '../util/paths.js'
import {sqlString} from './dialect.js'
import {policyConditions, RECORD_COLUMN} from './policy-sql.js'

/**
 * Largest log file DuckDB reads (it buffers a whole JSON document, twice this size at worst); a larger
 * file is a failed input naming DuckDB's error. CloudTrail delivers files far smaller.
 */
const MAX_DUCKDB_FILE_BYTES = 256 * 1024 * 1024

/** Files read by one INSERT; a batch that fails is read again file by file to name the bad one. */
const BATCH_FILES = 256

/** The files DuckDB reads: CloudTrail log files in the AWSLogs layout. Everything else goes to the native scanner. */
export function duckdbReads(path: string): boolean {
  return parseLogKey(path) !== undefined && !isDigestPath(path) && /\.json(\.gz)?$/i.test(path)
}

interface CompiledSql {
  policy: Policy
  native: EventPolicy
  applies: string
  violated: string
}

/**
 * `check --engine duckdb`: the event policies run as SQL over the CloudTrail log files, then each
 * failing record is explained by the native judge so the finding reads exactly as the native scan's.
 * The location is the file (record number in the message), not the record's line and column.
 */
export async function scanEventsWithDuckDB(files: string[], options: EventScanOptions): Promise<EventScanResult> {
  const started = performance.now()
  const cwd = options.cwd ?? process.cwd()
  const mine = files.filter(duckdbReads)
  const others = files.filter((file) => !duckdbReads(file))
  const native = others.length > 0 ? await scanEvents(others, options) : undefined

  const results: Result[] = []
  const diagnostics: Diagnostic[] = []
  const compiled: CompiledSql[] = []
  for (const policy of options.policies) {
    if (policy.subject !== 'event') continue
    try {
      const conditions = policyConditions(policy, options.params[policy.id], 'duckdb')
      compiled.push({policy, native: compileEventPolicy(policy, options.params[policy.id]), ...conditions})
    } catch (error) {
      const message = `policy ${policy.id} could not be compiled for --engine duckdb: ${(error as Error).message}`
      diagnostics.push({severity: 'error', code: 'policy-compile', file: policy.source.file, line: 1, column: 1, message})
      results.push({policy: policy.id, title: policy.title, severity: policy.severity, status: 'error', message, subject: {type: 'event', id: '*', label: 'all event records'}})
    }
  }
  if (others.length > 0) {
    diagnostics.push({severity: 'warning', code: 'duckdb-engine', message: `--engine duckdb reads CloudTrail log files in the AWSLogs layout only; ${others.length} other event input${others.length === 1 ? ' was' : 's were'} judged by the native scanner`})
  }

  const inputs: InputRecord[] = []
  const passes = dict<number>(compiled.map((entry) => [entry.policy.id, 0]))
  const notApplicable = dict<number>(compiled.map((entry) => [entry.policy.id, 0]))
  let records = 0
  let left = 0
  if (mine.length > 0) {
    const {DuckDBInstance} = await import('@duckdb/node-api')
    // DuckDB's own memory policy (80% of RAM); a tighter limit made the verdict pass run out of memory on a 256 MB archive.
    const instance = await DuckDBInstance.create(':memory:')
    const connection = await instance.connect()
    try {
      const read = await loadFiles(connection, mine, options.limits?.maxInputBytes)
      for (const failure of read.failed) {
        const path = displayPath(failure.file, cwd)
        inputs.push({path, kind: 'cloudtrail/log', fate: 'failed', detail: failure.message})
        diagnostics.push({severity: 'error', code: 'scan', file: path, message: `${path}: ${failure.message}`})
      }
      const outsideWindow = options.window ? await dropOutsideWindow(connection, options.window) : new Map<string, number>()
      const counts = new Map<string, number>()
      for (const row of (await connection.runAndReadAll('SELECT filename, count(record) AS n FROM records GROUP BY filename')).getRowObjectsJS()) {
        counts.set(String(row.filename), Number(row.n))
      }
      for (const file of read.read) {
        const count = counts.get(file) ?? 0
        const outside = outsideWindow.get(file) ?? 0
        records += count
        left += outside
        if (count === 0 && outside > 0) inputs.push({path: displayPath(file, cwd), kind: 'cloudtrail/log', fate: 'skipped', detail: `all ${outside} record${outside === 1 ? '' : 's'} outside --since/--until: not judged`})
        else inputs.push({path: displayPath(file, cwd), kind: 'cloudtrail/log', fate: 'read', detail: `${count} CloudTrail record${count === 1 ? '' : 's'} checked by DuckDB${outside > 0 ? `, ${outside} outside --since/--until` : ''}`})
      }
      const found: {file: string; index: number; order: number; result: Result}[] = []
      if (compiled.length > 0) {
        // One pass computes every policy's two conditions per record; counts and failing rows read the result.
        const columns = compiled.map((entry, order) => `(${entry.applies}) AS a${order}, (${entry.violated}) AS v${order}`).join(',\n  ')
        await connection.run(`CREATE TEMP TABLE verdicts AS SELECT filename, record_index, ${columns} FROM records WHERE ${RECORD_COLUMN} IS NOT NULL`)
        const sums = compiled.map((_, order) => `count_if(NOT a${order}) AS na${order}, count_if(a${order} AND v${order}) AS f${order}`).join(', ')
        const summary = (await connection.runAndReadAll(`SELECT ${sums} FROM verdicts`)).getRowObjectsJS()[0]!
        for (const [order, entry] of compiled.entries()) {
          const id = entry.policy.id
          notApplicable[id] = Number(summary[`na${order}`])
          passes[id] = records - Number(summary[`na${order}`]) - Number(summary[`f${order}`])
        }
        const any = compiled.map((_, order) => `(a${order} AND v${order})`).join(' OR ')
        const flags = compiled.map((_, order) => `(a${order} AND v${order}) AS f${order}`).join(', ')
        const failing = await connection.runAndReadAll(
          `SELECT v.filename, v.record_index, CAST(r.${RECORD_COLUMN} AS VARCHAR) AS text, ${flags} FROM verdicts v JOIN records r USING (filename, record_index) WHERE ${any}`,
        )
        for (const row of failing.getRowObjectsJS()) {
          const file = String(row.filename)
          const index = Number(row.record_index)
          const record = JSON.parse(String(row.text)) as Record<string, unknown>
          const location = {file: displayPath(file, cwd), line: 1, column: 1}
          for (const [order, entry] of compiled.entries()) {
            if (row[`f${order}`] !== true) continue
            const result = finding(entry.native, record, index, location, parseLogKey(file)?.account ?? 'unknown')
            found.push({file, index, order, result: result ?? disagreement(entry.policy, location.file, index)})
          }
        }
      }
      found.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.index - b.index || a.order - b.order))
      const listing = new FindingListing(results)
      for (const item of found) listing.add(item.result)
      return merge(native, {results, unlisted: listing.unlisted, passes, notApplicable, inputs, diagnostics, coverage: [], stats: {files: mine.length, records, bytes: 0, ms: Math.round(performance.now() - started), outsideWindow: left}})
    } finally {
      connection.closeSync()
      instance.closeSync()
    }
  }
  return merge(native, {results, unlisted: {}, passes, notApplicable, inputs, diagnostics, coverage: [], stats: {files: 0, records: 0, bytes: 0, ms: Math.round(performance.now() - started), outsideWindow: 0}})
}

/** The SQL said fail and the native judge did not: never dropped, said as an error on the record. */
function disagreement(policy: Policy, file: string, index: number): Result {
  return {
    policy: policy.id,
    title: policy.title,
    severity: policy.severity,
    status: 'error',
    message: `--engine duckdb found record ${index + 1} of ${file} failing ${policy.id}, but the native judge does not: please report this record`,
    subject: {type: 'event', id: `${file}#${index + 1}`, label: `record ${index + 1} of ${file}`},
    location: {file, line: 1, column: 1},
  }
}

/**
 * Deletes the records whose eventTime lies outside the window, as the native scan leaves them out:
 * TIMESTAMPTZ reads an offset as Date.parse does, and a time it cannot read stays (it is judged).
 * Returns how many each file lost.
 */
async function dropOutsideWindow(connection: DuckDBConnection, window: RecordWindow): Promise<Map<string, number>> {
  const time = `epoch_ms(try_cast(json_extract_string(${RECORD_COLUMN}, '$.eventTime') AS TIMESTAMPTZ))`
  const bounds = [window.sinceMs !== undefined ? `${time} < ${window.sinceMs}` : undefined, window.untilMs !== undefined ? `${time} > ${window.untilMs}` : undefined].filter((bound) => bound !== undefined)
  const dropped = new Map<string, number>()
  if (bounds.length === 0) return dropped
  const outside = bounds.join(' OR ')
  for (const row of (await connection.runAndReadAll(`SELECT filename, count(*) AS n FROM records WHERE ${outside} GROUP BY filename`)).getRowObjectsJS()) dropped.set(String(row.filename), Number(row.n))
  await connection.run(`DELETE FROM records WHERE ${outside}`)
  return dropped
}

async function loadFiles(connection: DuckDBConnection, files: string[], maxBytes: number | undefined): Promise<{read: string[]; failed: {file: string; message: string}[]}> {
  await connection.run(`CREATE TEMP TABLE records (filename VARCHAR, record_index BIGINT, ${RECORD_COLUMN} JSON)`)
  const read: string[] = []
  const failed: {file: string; message: string}[] = []
  const insert = (batch: string[]): Promise<unknown> =>
    connection.run(
      `INSERT INTO records SELECT filename, unnest(range(len(Records))) AS record_index, unnest(Records) AS ${RECORD_COLUMN} ` +
        `FROM read_json([${batch.map(sqlString).join(', ')}], columns = {Records: 'JSON[]'}, format = 'auto', filename = true, maximum_object_size = ${Math.min(maxBytes ?? MAX_DUCKDB_FILE_BYTES, MAX_DUCKDB_FILE_BYTES)})`,
    )
  for (let start = 0; start < files.length; start += BATCH_FILES) {
    const batch = files.slice(start, start + BATCH_FILES)
    try {
      await insert(batch)
      for (const file of batch) read.push(file)
    } catch {
      for (const file of batch) {
        try {
          await insert([file])
          read.push(file)
        } catch (error) {
          failed.push({file, message: `DuckDB could not read it: ${(error as Error).message.split('\n')[0]}`})
        }
      }
    }
  }
  return {read, failed}
}

function merge(native: EventScanResult | undefined, mine: EventScanResult): EventScanResult {
  if (!native) return mine
  const sum = (a: Record<string, number>, b: Record<string, number>): Record<string, number> => {
    const out = dict<number>(Object.entries(a))
    for (const [id, count] of Object.entries(b)) out[id] = (out[id] ?? 0) + count
    return out
  }
  const results: Result[] = []
  const listing = new FindingListing(results)
  // A policy that failed to compile is said once, by the DuckDB side.
  for (const result of native.results) if (result.status !== 'error' || result.subject.id !== '*') listing.add(result)
  for (const result of mine.results) listing.add(result)
  listing.addUnlisted(native.unlisted)
  listing.addUnlisted(mine.unlisted)
  return {
    results,
    unlisted: listing.unlisted,
    passes: sum(native.passes, mine.passes),
    notApplicable: sum(native.notApplicable, mine.notApplicable),
    inputs: [...native.inputs, ...mine.inputs],
    diagnostics: [...native.diagnostics, ...mine.diagnostics],
    coverage: native.coverage,
    stats: {files: native.stats.files + mine.stats.files, records: native.stats.records + mine.stats.records, bytes: native.stats.bytes, ms: native.stats.ms + mine.stats.ms, outsideWindow: native.stats.outsideWindow + mine.stats.outsideWindow},
  }
}
