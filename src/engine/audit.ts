import {mkdirSync, writeFileSync} from 'node:fs'
import {dirname, resolve} from 'node:path'

import {parseTrailArn} from '../inputs/arn.js'
import {assemble} from '../inputs/index.js'
import {snapshotReader} from '../inputs/snapshot/reader.js'
import type {InputFile, ReadOptions} from '../inputs/types.js'
import type {LiveOptions, LiveStats, SnapshotDocument, SnapshotError} from '../live/index.js'
import type {InputRecord, Inventory} from '../model/types.js'
import type {EventScanResult, RecordBatch} from '../events/scan.js'
import {displayPath} from '../util/paths.js'
import type {Report} from './report-types.js'
import type {FailOn} from './exit-code.js'
import {preparePolicies, reportRun, scanS3Logs, type PolicyOptions, type PreparedPolicies} from './run.js'
import {appendAll} from '../util/arrays.js'

export interface AuditOptions extends PolicyOptions, Omit<LiveOptions, 'credentials'> {
  credentials?: LiveOptions['credentials']
  failOn?: FailOn
  /** `--fail-on-unknown`; otherwise the config's `failOnUnknown`. */
  failOnUnknown?: boolean
  /** Write the collected snapshot here; results then point into it, as `check` on it would. */
  saveSnapshot?: string
  /** Also judge the caller account's recent management events (LookupEvents) since this time. */
  eventsSince?: Date
  eventsUntil?: Date
  /** `--events-from-bucket`: judge the window's log files in each audited trail's own S3 bucket instead of LookupEvents. */
  eventsFromBucket?: boolean
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
    file = {path: displayPath(absolutePath, options.cwd), absolutePath, bytes: Buffer.from(text)}
  } else {
    file = {path: 'live audit', absolutePath: resolve(options.cwd, 'live audit'), bytes: Buffer.from(text)}
  }
  const readOptions: ReadOptions = {cwd: options.cwd}
  const output = await snapshotReader.read(file, readOptions)
  const inventory = assemble([{file: file.path, output}], readOptions)
  if (!options.saveSnapshot) forgetLocations(inventory)
  inventory.inputs = accountRegionInputs(live.snapshot)
  // Each snapshot error is already one live diagnostic (with its code): reading it back must not say it again.
  inventory.diagnostics = inventory.diagnostics.filter((diagnostic) => diagnostic.code !== 'collection-error')
  appendAll(inventory.diagnostics, live.diagnostics)
  inventory.notes.push(callsNote(live.stats))

  const events = options.eventsFromBucket ? await bucketEvents(live.snapshot, options, prepared, inventory.notes) : options.eventsSince ? await recentEvents(options, prepared) : undefined

  const scope = live.snapshot.organization?.id ?? (live.snapshot.accounts.map((a) => a.accountId).join('+') || 'none')
  const report = reportRun({inventory, prepared, now: options.now ?? startedAt, ...(events ? {events} : {})}, {command: 'audit', category: `trailgate/audit/${scope}/`, cwd: options.cwd, failOn: options.failOn, failOnUnknown: options.failOnUnknown, startedAt})
  return {report, stats: live.stats, snapshot: live.snapshot}
}

/**
 * Each audited trail's own bucket, for the window: `s3://<S3BucketName>/<S3KeyPrefix>/AWSLogs/` walked
 * down to the audited accounts, the regions asked for and the window's days, and judged as `check`
 * judges it. Trails that deliver to the same place are read once.
 */
async function bucketEvents(snapshot: SnapshotDocument, options: AuditOptions, prepared: PreparedPolicies, notes: string[]): Promise<EventScanResult> {
  // Each place with the trails that deliver there, so that a place that cannot be read names them.
  const places = new Map<string, Set<string>>()
  for (const account of snapshot.accounts) {
    for (const trail of account.trails) {
      if (typeof trail.S3BucketName !== 'string' || trail.S3BucketName === '') continue
      const prefix = typeof trail.S3KeyPrefix === 'string' && trail.S3KeyPrefix !== '' ? `${trail.S3KeyPrefix.replace(/\/$/, '')}/` : ''
      const place = `s3://${trail.S3BucketName}/${prefix}AWSLogs/`
      places.set(place, (places.get(place) ?? new Set()).add(trail.TrailARN ?? trail.Name ?? 'an unnamed trail'))
    }
  }
  const accounts = snapshot.accounts.map((account) => account.accountId)
  notes.push(places.size === 0 ? 'no audited trail names an S3 bucket: no log file was read' : `log files read from ${[...places.keys()].sort().join(', ')}`)
  const scan = await scanS3Logs(
    [...places.keys()].sort(),
    {
      ...options,
      paths: [],
      ...(options.regions ? {regions: options.regions} : {}),
      window: {since: options.eventsSince, until: options.eventsUntil, accounts},
      s3: {region: options.region, endpointUrl: options.endpointUrl, profile: options.profile},
    },
    prepared,
    notes,
  )
  const delivering = (path: string | undefined): string | undefined => {
    const trails = path === undefined ? undefined : places.get(path)
    return trails && `; ${trails.size === 1 ? 'trail' : 'trails'} ${[...trails].sort().join(', ')} ${trails.size === 1 ? 'delivers' : 'deliver'} here`
  }
  for (const input of scan.inputs) if (input.fate === 'failed') input.detail += delivering(input.path) ?? ''
  for (const diagnostic of scan.diagnostics) if (diagnostic.severity === 'error') diagnostic.message += delivering(diagnostic.file) ?? ''
  return scan
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

function callsNote(stats: LiveStats): string {
  const retried = [`${stats.throttles} throttled and retried`, `${stats.serverErrors} server error${stats.serverErrors === 1 ? '' : 's'} retried`]
  if (stats.renewals > 0) retried.push(`${stats.renewals} sent again with renewed credentials`)
  const accounts = `${stats.accounts} account${stats.accounts === 1 ? '' : 's'}`
  return `${stats.calls} AWS calls for ${accounts} × regions (${stats.regions} account-regions), ${retried.join(', ')}, in ${(stats.ms / 1000).toFixed(1)} s`
}

const errorText = (error: SnapshotError): string => `${error.operation}: ${error.code === undefined ? '' : `${error.code}: `}${error.message}`

/**
 * Every account and region asked for is an input: read, or failed with what went wrong. So is a
 * region the account's trails live in that the audit never examined (outside --regions): not
 * audited, so not judged.
 */
function accountRegionInputs(snapshot: SnapshotDocument): InputRecord[] {
  const records: InputRecord[] = []
  for (const account of snapshot.accounts) {
    const errors = account.errors ?? []
    const accountWide = errors.filter((e) => !e.region)
    if (account.regions.length === 0 && accountWide.length > 0) {
      records.push({path: `aws://${account.accountId}`, kind: 'live', fate: 'failed', detail: `not audited: ${accountWide.map(errorText).join('; ')}`})
      continue
    }
    const examined = new Set(account.regions)
    const homedElsewhere = new Map<string, string[]>()
    for (const trail of account.trails) {
      const home = trail.HomeRegion
      if (home === undefined || examined.has(home) || parseTrailArn(trail.TrailARN)?.account !== account.accountId) continue
      homedElsewhere.set(home, [...(homedElsewhere.get(home) ?? []), trail.Name ?? String(trail.TrailARN)])
    }
    for (const [region, names] of [...homedElsewhere].sort(([a], [b]) => a.localeCompare(b))) {
      const which = names.length === 1 ? `trail ${names[0]} is` : `trails ${names.join(', ')} are`
      records.push({path: `aws://${account.accountId}/${region}`, kind: 'live', fate: 'skipped', detail: `not audited: not among the regions examined (--regions); ${which} homed there`})
    }
    for (const region of account.regions) {
      const failed = errors.filter((e) => e.region === region)
      const visible = account.regionTrails?.[region]?.length
      records.push(
        failed.length > 0
          ? {path: `aws://${account.accountId}/${region}`, kind: 'live', fate: 'failed', detail: failed.map(errorText).join('; ')}
          : {path: `aws://${account.accountId}/${region}`, kind: 'live', fate: 'read', detail: visible === undefined ? 'read' : `${visible} trail${visible === 1 ? '' : 's'} visible`},
      )
    }
    for (const error of accountWide) records.push({path: `aws://${account.accountId}`, kind: 'live', fate: 'failed', detail: errorText(error)})
  }
  return records
}
