import {statSync} from 'node:fs'
import {availableParallelism} from 'node:os'
import {resolve} from 'node:path'
import {Worker} from 'node:worker_threads'

import type {Limits} from '../model/limits.js'
import type {Diagnostic, InputRecord, Result} from '../model/types.js'
import type {Policy} from '../policy/types.js'
import {displayPath} from '../util/paths.js'
import {walkFolder} from '../util/walk.js'
import {CoverageTally, mergeCoverage, type CoverageEvidence} from './coverage.js'
import {FindingListing, type UnlistedCounts} from './finding-listing.js'
import {compileEventPolicy, type EventPolicy} from './event-policy.js'
import {RecordJudge} from './judge-record.js'
import {checkRecord} from './record-schema.js'
import {scanFile, type EventFile, type FileOutcome, type RecordWindow} from './scan-file.js'
import {dict} from '../util/dict.js'

export interface ScanProgress {
  files: number
  /** Files the scan will read in all, known before the first is read. */
  totalFiles: number
  records: number
  bytes: number
}

export interface EventScanOptions {
  policies: Policy[]
  params: Record<string, Record<string, unknown>>
  /** Worker threads; default min(2, cpus). 0 or 1 scans on the calling thread. */
  workers?: number
  onProgress?: (progress: ScanProgress) => void
  /** Base of the paths printed in reports (default: process.cwd()). */
  cwd?: string
  /** Files larger than this (uncompressed) are streamed record by record. Default 256 MiB. */
  maxWholeFileBytes?: number
  /** Input and record size limits; the defaults when not given. */
  limits?: Limits
  /**
   * Objects read from elsewhere than the file system (S3), fetched by `fetch` on this thread just
   * before a worker needs them, so only a few are in memory whatever the archive's size.
   */
  remote?: {files: EventFile[]; fetch: (file: EventFile) => Promise<Uint8Array>}
  /** `--since`/`--until`: records whose eventTime lies outside are counted, not judged. */
  window?: RecordWindow
}

export interface EventScanResult {
  /** Fails (one per matching record per policy), unknowns and errors, by file path then record index. */
  results: Result[]
  /** Findings past the listing cap (MAX_LISTED_FINDINGS per policy): counted, not listed. */
  unlisted: UnlistedCounts
  /** Records judged and not matching, per policy id. */
  passes: Record<string, number>
  /** Records each policy did not apply to (`when`, `unless`), per policy id. */
  notApplicable: Record<string, number>
  inputs: InputRecord[]
  diagnostics: Diagnostic[]
  coverage: CoverageEvidence[]
  /** `bytes` counts uncompressed bytes; `outsideWindow` the records left out by `window`. */
  stats: {files: number; records: number; bytes: number; ms: number; outsideWindow: number}
}

/** What a worker is given once, at start. */
export interface WorkerSetup {
  policies: Policy[]
  params: Record<string, Record<string, unknown>>
  maxWholeFileBytes?: number
  limits?: Limits
  window?: RecordWindow
}

export type WorkerRequest = {index: number; file: EventFile}
export type WorkerReply = {index: number; outcome: FileOutcome} | {index: number; crash: string}

/**
 * Judges CloudTrail records in many files against event policies, a few files at a time so memory
 * stays bounded whatever the archive size. Files are spread over worker threads; the outcome is
 * merged in file-path order, so it is identical to a single-threaded run.
 */
export async function scanEvents(files: string[], options: EventScanOptions): Promise<EventScanResult> {
  const started = performance.now()
  const cwd = options.cwd ?? process.cwd()
  const {files: localFiles, settled, diagnostics: walkProblems} = expand(files, cwd)
  const eventFiles = [...localFiles, ...(options.remote?.files ?? [])]
  const remote = options.remote
  const remoteFiles = new Set(remote?.files)
  // A fetched object carries its bytes; one that cannot be fetched is scanned as unreadable, naming why.
  const prepare = async (file: EventFile): Promise<EventFile | {failed: FileOutcome}> => {
    if (remote === undefined || !remoteFiles.has(file)) return file
    try {
      return {...file, bytes: await remote.fetch(file)}
    } catch (error) {
      return {failed: crashedOutcome(file, (error as Error).message, 'cannot read the object')}
    }
  }
  const {compiled, failures} = compileAll(options.policies, options.params)
  const requested = options.workers ?? Math.min(2, availableParallelism())
  const workers = Math.max(0, Math.min(requested, eventFiles.length))
  const merger = new OutcomeMerger(compiled, failures)
  const progress: ScanProgress = {files: 0, totalFiles: eventFiles.length, records: 0, bytes: 0}
  const done = (index: number, outcome: FileOutcome): void => {
    merger.add(index, outcome)
    progress.files++
    progress.records += outcome.records
    progress.bytes += outcome.bytes
    options.onProgress?.({...progress})
  }
  const setup: WorkerSetup = {policies: options.policies, params: options.params, ...(options.maxWholeFileBytes ? {maxWholeFileBytes: options.maxWholeFileBytes} : {}), ...(options.limits ? {limits: options.limits} : {}), ...(options.window ? {window: options.window} : {})}
  if (workers <= 1) {
    for (const [index, file] of eventFiles.entries()) {
      const ready = await prepare(file)
      done(index, 'failed' in ready ? ready.failed : await scanFile(ready, compiled, setup))
    }
  } else {
    await runPool(eventFiles, workers, setup, done, prepare)
  }
  const merged = merger.finish(performance.now() - started)
  for (const record of settled) merged.inputs.push(record)
  for (const diagnostic of walkProblems) merged.diagnostics.push(diagnostic)
  return merged
}

function compileAll(policies: Policy[], params: Record<string, Record<string, unknown>>): {compiled: EventPolicy[]; failures: {policy: Policy; message: string}[]} {
  const compiled: EventPolicy[] = []
  const failures: {policy: Policy; message: string}[] = []
  for (const policy of policies) {
    // Whether a policy runs was decided by selection; an opt-in policy that reached here was asked for.
    if (policy.subject !== 'event') continue
    try {
      compiled.push(compileEventPolicy(policy, params[policy.id]))
    } catch (error) {
      failures.push({policy, message: `policy ${policy.id} could not be compiled: ${(error as Error).message}`})
    }
  }
  return {compiled, failures}
}

/** Records already in memory (a LookupEvents answer), grouped by where they came from. */
export interface RecordBatch {
  /** Where the records came from, as printed in reports (`aws://123456789012/eu-west-1 (LookupEvents)`). */
  source: string
  /** The account a record is charged to when it names none. */
  account: string
  records: Record<string, unknown>[]
}

/** Judges in-memory records with the same judge as log files, one input per batch. */
export function scanRecordBatches(batches: RecordBatch[], options: Pick<EventScanOptions, 'policies' | 'params'>): EventScanResult {
  const started = performance.now()
  const {compiled, failures} = compileAll(options.policies, options.params)
  const outcomes = batches.map((batch) => judgeBatch(batch, compiled))
  return merge(outcomes, compiled, failures, performance.now() - started)
}

function judgeBatch(batch: RecordBatch, policies: EventPolicy[]): FileOutcome {
  const judge = new RecordJudge(policies)
  const results: Result[] = []
  const listing = new FindingListing(results)
  const diagnostics: Diagnostic[] = []
  const coverage = new CoverageTally()
  batch.records.forEach((record, offset) => {
    const index = offset
    for (const problem of checkRecord(record)) diagnostics.push({severity: 'warning', code: 'record-schema', message: `${batch.source}: record ${index + 1}: ${problem.message}`})
    coverage.add(record, batch.account)
    judge.judge(record, index, () => ({file: batch.source, line: 1, column: 1}), batch.account, (result) => {
      delete result.location
      listing.add(result)
    })
  })
  const records = judge.judged
  return {
    input: {path: batch.source, kind: 'live', fate: 'read', detail: `LookupEvents: ${records} record${records === 1 ? '' : 's'} checked`},
    results,
    unlisted: listing.unlisted,
    passes: judge.passes(),
    notApplicable: judge.notApplicable(),
    diagnostics,
    coverage: coverage.evidence(),
    records,
    outsideWindow: 0,
    bytes: 0,
  }
}

/** The policies a worker compiles for itself; the same filter as `compileAll`, so both agree. */
export function compileForWorker(setup: WorkerSetup): EventPolicy[] {
  return compileAll(setup.policies, setup.params).compiled
}

function merge(outcomes: FileOutcome[], compiled: EventPolicy[], failures: {policy: Policy; message: string}[], ms: number): EventScanResult {
  const merger = new OutcomeMerger(compiled, failures)
  outcomes.forEach((outcome, index) => merger.add(index, outcome))
  return merger.finish(ms)
}

/**
 * Folds file outcomes into the scan's result as they arrive, in file order whatever order the workers
 * finish in. A file's findings are folded as soon as the files before it are, so the result holds at
 * most the listed findings (MAX_LISTED_FINDINGS per policy and status) and not every file's own list:
 * memory does not grow with the archive.
 */
class OutcomeMerger {
  private readonly results: Result[] = []
  private readonly diagnostics: Diagnostic[] = []
  private readonly inputs: InputRecord[] = []
  private readonly passes: Record<string, number>
  private readonly notApplicable: Record<string, number>
  private coverage: CoverageEvidence[] = []
  private readonly stats = {files: 0, records: 0, bytes: 0, ms: 0, outsideWindow: 0}
  private readonly listing: FindingListing
  /** Outcomes that arrived before a file ahead of them. */
  private readonly waiting = new Map<number, FileOutcome>()
  private next = 0

  constructor(compiled: EventPolicy[], failures: {policy: Policy; message: string}[]) {
    this.passes = dict<number>(compiled.map((c) => [c.policy.id, 0]))
    this.notApplicable = dict<number>(compiled.map((c) => [c.policy.id, 0]))
    for (const failure of failures) {
      this.diagnostics.push({severity: 'error', code: 'policy-compile', file: failure.policy.source.file, line: 1, column: 1, message: failure.message})
      this.results.push({
        policy: failure.policy.id,
        title: failure.policy.title,
        severity: failure.policy.severity,
        status: 'error',
        message: failure.message,
        subject: {type: 'event', id: '*', label: 'all event records'},
      })
    }
    this.listing = new FindingListing(this.results)
  }

  /** The outcome of file `index` (counted from 0); each index is given once. */
  add(index: number, outcome: FileOutcome): void {
    this.waiting.set(index, outcome)
    for (let ready = this.waiting.get(this.next); ready !== undefined; ready = this.waiting.get(this.next)) {
      this.waiting.delete(this.next)
      this.fold(ready)
      this.next++
    }
  }

  /** The merged result; every file before the last one given must have been given. */
  finish(ms: number): EventScanResult {
    if (this.waiting.size > 0) throw new Error(`trailgate: the outcome of file ${this.next + 1} never arrived`)
    return {results: this.results, unlisted: this.listing.unlisted, passes: this.passes, notApplicable: this.notApplicable, inputs: this.inputs, diagnostics: this.diagnostics, coverage: this.coverage, stats: {...this.stats, ms: Math.round(ms)}}
  }

  private fold(outcome: FileOutcome): void {
    for (const result of outcome.results) this.listing.add(result)
    this.listing.addUnlisted(outcome.unlisted)
    for (const diagnostic of outcome.diagnostics) this.diagnostics.push(diagnostic)
    this.inputs.push(outcome.input)
    if (outcome.coverage.length > 0) this.coverage = mergeCoverage(this.coverage.concat(outcome.coverage))
    for (const [id, count] of Object.entries(outcome.passes)) this.passes[id] = (this.passes[id] ?? 0) + count
    for (const [id, count] of Object.entries(outcome.notApplicable)) this.notApplicable[id] = (this.notApplicable[id] ?? 0) + count
    this.stats.files++
    this.stats.records += outcome.records
    this.stats.outsideWindow += outcome.outsideWindow
    this.stats.bytes += outcome.bytes
  }
}

/**
 * Files in path order; folders are walked as every walk is (util/walk.ts), and what the walk did not
 * read (a link out of the folder, a dangling link) is an input of its own, skipped or failed.
 */
function expand(paths: string[], cwd: string): {files: EventFile[]; settled: InputRecord[]; diagnostics: Diagnostic[]} {
  const found = new Map<string, EventFile>()
  const settled: InputRecord[] = []
  const diagnostics: Diagnostic[] = []
  const shown = (absolutePath: string): string => displayPath(absolutePath, cwd)
  const add = (absolutePath: string): void => {
    found.set(absolutePath, {path: shown(absolutePath), absolutePath})
  }
  for (const path of paths) {
    const absolutePath = resolve(cwd, path)
    // A path that cannot be read is kept: scanFile reports it as a failed input.
    if (!statSync(absolutePath, {throwIfNoEntry: false})?.isDirectory()) {
      add(absolutePath)
      continue
    }
    for (const entry of walkFolder(absolutePath, {shown})) {
      if (entry.type === 'file') add(entry.path)
      else if (entry.type === 'skipped') settled.push({path: shown(entry.path), fate: 'skipped', detail: entry.reason})
      else {
        settled.push({path: shown(entry.path), fate: 'failed', detail: entry.reason})
        diagnostics.push({severity: 'error', code: entry.missing ? 'input-missing' : 'input-unreadable', file: shown(entry.path), message: `cannot read ${shown(entry.path)}: ${entry.reason}`})
      }
    }
  }
  const files = [...found.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  return {files, settled, diagnostics}
}

/**
 * A worker's young generation. Records die as they are judged (decode.ts lets go of each), but a
 * file's records are all made at once by JSON.parse; with V8's default young generation they are
 * copied by several scavenges and promoted before the judge reaches them. 32 MB is as fast as 96 MB
 * on the benchmark (8.5 s either way) and peaks about 30 MB lower; 16 MB is 17% slower.
 */
const WORKER_YOUNG_GENERATION_MB = 32

/** The worker entry; under the test runner the sources are TypeScript, which tsx loads inside the worker. */
function startWorker(setup: WorkerSetup): Worker {
  const self = new URL(import.meta.url)
  const options = {workerData: setup, resourceLimits: {maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB}}
  if (!self.pathname.endsWith('.ts')) return new Worker(new URL('./scan-worker.js', self), options)
  const entry = new URL('./scan-worker.ts', self).href
  const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}) })`
  return new Worker(boot, {...options, eval: true})
}

/**
 * Files handed to a worker before its previous one is back: the next path waits in the worker's
 * queue, so the worker never idles for a round trip. Only the file being scanned is in memory.
 */
const FILES_QUEUED_PER_WORKER = 2

async function runPool(files: EventFile[], size: number, setup: WorkerSetup, done: (index: number, outcome: FileOutcome) => void, prepare: (file: EventFile) => Promise<EventFile | {failed: FileOutcome}>): Promise<void> {
  let next = 0
  const runWorker = (): Promise<void> =>
    new Promise((resolvePool, rejectPool) => {
      const worker = startWorker(setup)
      const inFlight = new Set<number>()
      const feed = (): void => {
        while (inFlight.size < FILES_QUEUED_PER_WORKER && next < files.length) {
          const index = next++
          inFlight.add(index)
          void prepare(files[index]!).then((ready) => {
            if ('failed' in ready) {
              inFlight.delete(index)
              done(index, ready.failed)
              feed()
              return
            }
            const moved = ownBytes(ready)
            worker.postMessage({index, file: moved} satisfies WorkerRequest, moved.bytes ? [moved.bytes.buffer] : [])
          })
        }
        if (inFlight.size === 0) void worker.terminate().then(() => resolvePool())
      }
      worker.on('message', (reply: WorkerReply) => {
        inFlight.delete(reply.index)
        done(reply.index, 'crash' in reply ? crashedOutcome(files[reply.index]!, reply.crash) : reply.outcome)
        feed()
      })
      worker.on('error', (error) => {
        for (const index of inFlight) done(index, crashedOutcome(files[index]!, error.message))
        inFlight.clear()
        rejectPool(error)
      })
      feed()
    })
  await Promise.all(Array.from({length: size}, () => runWorker()))
}

/**
 * A fetched object moves to its worker instead of being copied, so each object is in memory once.
 * Bytes that share their memory with others (a small Buffer lives in Node's shared pool, which must
 * never be detached) are first copied into memory of their own.
 */
function ownBytes(file: EventFile): EventFile & {bytes?: Uint8Array<ArrayBuffer>} {
  const bytes = file.bytes
  if (bytes === undefined) return file as EventFile & {bytes?: undefined}
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer
  return {...file, bytes: whole ? new Uint8Array(bytes.buffer as ArrayBuffer) : new Uint8Array(bytes)}
}

function crashedOutcome(file: EventFile, message: string, what = 'could not be scanned'): FileOutcome {
  const text = `${what}: ${message}`
  return {input: {path: file.path, fate: 'failed', detail: text}, results: [], unlisted: {}, passes: {}, notApplicable: {}, diagnostics: [{severity: 'error', code: what === 'could not be scanned' ? 'scan' : 'read', file: file.path, message: text}], coverage: [], records: 0, outsideWindow: 0, bytes: 0}
}
