import {mkdirSync, writeFileSync} from 'node:fs'
import {dirname, resolve} from 'node:path'

import {assemble} from '../inputs/index.js'
import {snapshotReader} from '../inputs/snapshot/reader.js'
import type {InputFile, ReadOptions} from '../inputs/types.js'
import type {LiveOptions, LiveStats, SnapshotDocument} from '../live/index.js'
import type {InputRecord, Inventory} from '../model/types.js'
import type {EventScanResult, RecordBatch} from '../events/scan.js'
import type {Report} from './report-types.js'
import type {FailOn} from './exit-code.js'
import {displayPath, preparePolicies, reportRun, type PolicyOptions, type PreparedPolicies} from './run.js'
import {appendAll} from '../util/arrays.js'

export interface AuditOptions extends PolicyOptions, Omit<LiveOptions, 'credentials'> {
  credentials?: LiveOptions['credentials']
  failOn?: FailOn
  /** Write the collected snapshot here; results then point into it, as `check` on it would. */
  saveSnapshot?: string
  /** Also judge the caller account's recent management events (LookupEvents) since this time. */
  eventsSince?: Date
  eventsUntil?: Date
  now?: Date
}

export interface AuditRun {
  report: Report
  stats: LiveStats
  snapshot: SnapshotDocument
}

/**
 * `trailgate audit`: collect the live configuration with the AWS SDK, then evaluate and report it
 * exactly as `check` would evaluate the same snapshot read from a file.
 */
export async function runAudit(options: AuditOptions): Promise<AuditRun> {
  const startedAt = new Date()
  const prepared = preparePolicies(options)
  // The SDK is loaded only by the command that needs it, so every other command starts fast.
  const {collectLive} = await import('../live/index.js')
  const live = await collectLive(options)
  const text = `${JSON.stringify(live.snapshot, null, 2)}\n`

  let file: InputFile
  if (options.saveSnapshot) {
    const absolutePath = resolve(options.cwd, options.saveSnapshot)
    mkdirSync(dirname(absolutePath), {recursive: true})
    writeFileSync(absolutePath, text)
    file = {path: displayPath(options.cwd, absolutePath), absolutePath, bytes: Buffer.from(text)}
  } else {
    file = {path: 'live audit', absolutePath: resolve(options.cwd, 'live audit'), bytes: Buffer.from(text)}
  }
  const readOptions: ReadOptions = {cwd: options.cwd}
  const output = await snapshotReader.read(file, readOptions)
  const inventory = assemble([{file: file.path, output}], readOptions)
  if (!options.saveSnapshot) forgetLocations(inventory)
  inventory.inputs = accountRegionInputs(live.snapshot)
  appendAll(inventory.diagnostics, live.diagnostics)
  inventory.notes.push(`${live.stats.calls} AWS calls for ${live.stats.accounts} account${live.stats.accounts === 1 ? '' : 's'} × regions (${live.stats.regions} account-regions), ${live.stats.throttles} throttled and retried, in ${(live.stats.ms / 1000).toFixed(1)} s`)

  const events = options.eventsSince ? await recentEvents(options, prepared) : undefined

  const scope = live.snapshot.organization?.id ?? (live.snapshot.accounts.map((a) => a.accountId).join('+') || 'none')
  const report = reportRun({inventory, prepared, now: options.now ?? startedAt, ...(events ? {events} : {})}, {command: 'audit', category: `trailgate/audit/${scope}/`, cwd: options.cwd, failOn: options.failOn, startedAt})
  return {report, stats: live.stats, snapshot: live.snapshot}
}

/**
 * The caller account's recent management events, judged by the event policies exactly as log files
 * are: the same judge, one input per account and region, straight from memory.
 */
async function recentEvents(options: AuditOptions, prepared: PreparedPolicies): Promise<EventScanResult> {
  const {lookupRecentEvents} = await import('../live/index.js')
  const {scanRecordBatches} = await import('../events/scan.js')
  const looked = await lookupRecentEvents({
    ...sessionOptions(options),
    since: options.eventsSince as Date,
    ...(options.eventsUntil ? {until: options.eventsUntil} : {}),
    ...(options.regions ? {regions: options.regions} : {}),
  })
  const byPlace = new Map<string, RecordBatch>()
  for (const event of looked.events) {
    const source = `aws://${event.account}/${event.region} (LookupEvents)`
    let batch = byPlace.get(source)
    if (!batch) {
      batch = {source, account: event.account, records: []}
      byPlace.set(source, batch)
    }
    batch.records.push(event.record)
  }
  const batches = [...byPlace.values()].sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0))
  const scan = scanRecordBatches(batches, {policies: prepared.policies.filter((p) => p.subject === 'event'), params: prepared.params})
  appendAll(scan.diagnostics, looked.diagnostics)
  return scan
}

function sessionOptions(options: AuditOptions): LiveOptions {
  const {profile, region, endpointUrl, credentials, callTimeoutMs, retry, rateLimits} = options
  return {
    ...(profile ? {profile} : {}),
    ...(region ? {region} : {}),
    ...(endpointUrl ? {endpointUrl} : {}),
    ...(credentials ? {credentials} : {}),
    ...(callTimeoutMs ? {callTimeoutMs} : {}),
    ...(retry ? {retry} : {}),
    ...(rateLimits ? {rateLimits} : {}),
  }
}

/** A live finding has no file to point at; reports then use the ARN, account and region. */
function forgetLocations(inventory: Inventory): void {
  for (const subject of [...inventory.trails, ...inventory.regions, ...inventory.accounts]) {
    delete subject.provenance.location
    delete subject.provenance.fields
    delete subject.provenance.files
  }
  for (const diagnostic of inventory.diagnostics) {
    if (diagnostic.file === 'live audit') {
      delete diagnostic.file
      delete diagnostic.line
      delete diagnostic.column
    }
  }
}

/** Every account and region asked for is an input: read, or failed with what went wrong. */
function accountRegionInputs(snapshot: SnapshotDocument): InputRecord[] {
  const records: InputRecord[] = []
  for (const account of snapshot.accounts) {
    const errors = account.errors ?? []
    const accountWide = errors.filter((e) => !e.region)
    if (account.regions.length === 0 && accountWide.length > 0) {
      records.push({path: `aws://${account.accountId}`, kind: 'live', fate: 'failed', detail: accountWide.map((e) => `${e.operation}: ${e.message}`).join('; ')})
      continue
    }
    for (const region of account.regions) {
      const failed = errors.filter((e) => e.region === region)
      const visible = account.regionTrails?.[region]?.length
      records.push(
        failed.length > 0
          ? {path: `aws://${account.accountId}/${region}`, kind: 'live', fate: 'failed', detail: failed.map((e) => `${e.operation}: ${e.message}`).join('; ')}
          : {path: `aws://${account.accountId}/${region}`, kind: 'live', fate: 'read', detail: visible === undefined ? 'read' : `${visible} trail${visible === 1 ? '' : 's'} visible`},
      )
    }
    for (const error of accountWide) records.push({path: `aws://${account.accountId}`, kind: 'live', fate: 'failed', detail: `${error.operation}: ${error.message}`})
  }
  return records
}
