import {statSync} from 'node:fs'
import {dirname, resolve} from 'node:path'

import {readInputs} from '../inputs/index.js'
import type {ReadOptions} from '../inputs/types.js'
import {DEFAULT_LIMITS, type Limits} from '../model/limits.js'
import type {Diagnostic, InputRecord, Inventory, SavedPublicKeys} from '../model/types.js'
import {loadConfig} from '../policy/config.js'
import {loadPolicies} from '../policy/load.js'
import {checkParamTargets, parseParamFlag, resolveParams, splitParamFlag} from '../policy/resolve-params.js'
import type {Policy, TrailgateConfig} from '../policy/types.js'
import type {Report} from './report-types.js'
import {displayPath} from '../util/paths.js'
import {VERSION} from '../util/version.js'
import type {EventScanResult, ScanProgress} from '../events/scan.js'
import type {RecordWindow} from '../events/scan-file.js'
import {isDigestPath} from '../events/log-layout.js'
import {evaluate, type EvaluateOptions} from './evaluate.js'
import type {FailOn} from './exit-code.js'
import {buildReport} from './report.js'
import {selectPolicies} from './select.js'
import {dict, own} from '../util/dict.js'
import {waiveUnlisted} from './waivers.js'
import {appendAll} from '../util/arrays.js'
import type {ArchiveJudgement, PublicKey} from '../archive/integrity/index.js'
import type {S3EventSource} from '../archive/s3-events.js'
import type {LogWindow} from '../archive/log-window.js'

export interface PolicyOptions {
  cwd: string
  /** `--config FILE`; otherwise `.trailgate.yaml` in cwd, if any. */
  config?: string
  /** `--policies DIR`, added to the config's `policies.paths`. */
  policyPaths?: string[]
  /** False with `--no-builtin`. */
  builtin?: boolean
  only?: string[]
  skip?: string[]
  /** Raw `--param policy-id.name=value` flags. */
  params?: string[]
}

export interface CheckOptions extends PolicyOptions, Omit<ReadOptions, 'cwd'> {
  paths: string[]
  failOn?: FailOn
  /** `--fail-on-unknown`; otherwise the config's `failOnUnknown`. */
  failOnUnknown?: boolean
  now?: Date
  onEventProgress?: (progress: ScanProgress) => void
  /** CloudTrail public keys (ListPublicKeys) that digest signatures are checked with. */
  publicKeys?: PublicKey[]
  /** Why some keys may be missing from `publicKeys` (a region whose keys could not be saved). */
  whyNoKey?: string
  /** `--max-input-size`, `--max-record-size`: over the config file's `limits`, over the defaults. */
  limits?: Partial<Limits>
  /** `--engine`: who judges the CloudTrail log files (default: the native scanner). */
  engine?: EventEngine
  /** How `s3://` paths are read: `--region`, `--endpoint-url`, `--profile`. */
  s3?: {region?: string | undefined; endpointUrl?: string | undefined; profile?: string | undefined}
  /** `--since`, `--until`, `--accounts`: log files whose key (or path in the CloudTrail layout) lies outside are not read. */
  window?: {since?: Date | undefined; until?: Date | undefined; accounts?: string[] | undefined}
}

export type EventEngine = 'native' | 'duckdb'
export const EVENT_ENGINES: readonly EventEngine[] = ['native', 'duckdb']

export interface PreparedPolicies {
  config: TrailgateConfig
  configFile?: string
  /** The policies selected to run. */
  policies: Policy[]
  /** Every policy loaded, selected or not (opt-in ones included), with config severities applied. */
  available: Policy[]
  params: Record<string, Record<string, unknown>>
  diagnostics: Diagnostic[]
  /** Set when no policy is left to run: a check or audit then judges nothing and must say so. */
  nothingToRun?: Diagnostic
}

/** Config, policies, selection and params: everything about "what to check", shared by check and audit. */
export function preparePolicies(options: PolicyOptions): PreparedPolicies {
  const diagnostics: Diagnostic[] = []
  const {config, diagnostics: configDiagnostics} = loadConfig({file: options.config, cwd: options.cwd})
  appendAll(diagnostics, configDiagnostics)

  const configDir = config.file ? dirname(resolve(options.cwd, config.file)) : options.cwd
  const paths = [...config.policies.paths.map((p) => resolve(configDir, p)), ...(options.policyPaths ?? []).map((p) => resolve(options.cwd, p))]
  const loaded = loadPolicies({builtin: options.builtin ?? true, paths, cwd: options.cwd})
  appendAll(diagnostics, loaded.diagnostics)

  const regraded = loaded.policies.map((policy) => {
    const severity = own(config.policies.severity, policy.id)
    return severity ? {...policy, severity} : policy
  })
  const only = options.only && options.only.length > 0 ? options.only : config.policies.only
  const skip = [...config.policies.skip, ...(options.skip ?? [])]
  const {selected, diagnostics: selectionDiagnostics} = selectPolicies(regraded, {only, skip})
  appendAll(diagnostics, selectionDiagnostics)

  const flagValues = dict<Record<string, unknown>>()
  const flagTargets: {policy: string; name: string}[] = []
  const byId = new Map(loaded.policies.map((policy) => [policy.id, policy]))
  for (const flag of options.params ?? []) {
    const asYaml = parseParamFlag(flag)
    const split = splitParamFlag(flag)
    // A string param whose value YAML reads as something else takes it as written: a filter pattern `{ … }` is no mapping.
    const asText = split && byId.get(split.policy)?.params[split.name]?.type === 'string' && !('value' in asYaml && typeof asYaml.value === 'string')
    const parsed = asText ? {policy: split.policy, name: split.name, value: split.text} : asYaml
    if ('error' in parsed) {
      diagnostics.push({severity: 'error', code: 'param-flag', message: `--param ${flag}: ${parsed.error}`})
      continue
    }
    ;(flagValues[parsed.policy] ??= dict())[parsed.name] = parsed.value
    flagTargets.push({policy: parsed.policy, name: parsed.name})
  }
  appendAll(diagnostics, checkParamTargets(loaded.policies, config, flagTargets))

  const params = dict<Record<string, unknown>>()
  for (const policy of regraded) {
    const resolved = resolveParams(policy, own(config.params, policy.id), own(flagValues, policy.id))
    params[policy.id] = resolved.values
    if (selected.includes(policy)) appendAll(diagnostics, resolved.diagnostics)
  }
  const configFile = config.file ? displayPath(resolve(options.cwd, config.file), options.cwd) : undefined
  return {config, configFile, policies: selected, available: regraded, params, diagnostics, ...(selected.length === 0 ? {nothingToRun: noPolicyLeft(loaded.policies.length, options.builtin ?? true)} : {})}
}

export interface EvaluatedRun {
  inventory: Inventory
  prepared: PreparedPolicies
  now: Date
  /** The streamed event scan, when CloudTrail log files were among the inputs. */
  events?: EventScanResult
}

/** A run with nothing to apply judges nothing: that is never a pass. */
function noPolicyLeft(loaded: number, builtin: boolean): Diagnostic {
  const why =
    loaded === 0
      ? builtin
        ? 'no policy was loaded'
        : '--no-builtin was given and no --policies folder (or config policies.paths) added a policy'
      : `the selection (--only, --skip, or the config's policies.only and policies.skip) leaves none of the ${loaded} policies loaded`
  return {severity: 'error', code: 'no-policy', message: `no policy is left to run, so nothing was judged: ${why}`}
}

/** A check in which no input could be read judged nothing, whatever the policies say: one sentence of why. */
export function nothingReadDiagnostic(inputs: InputRecord[], paths: string[]): Diagnostic | undefined {
  if (inputs.some((input) => input.fate === 'read')) return undefined
  const why =
    inputs.length === 0
      ? `${paths.join(', ')} ${paths.length === 1 ? 'holds' : 'hold'} no file`
      : inputs.length === 1
        ? `${inputs[0]?.path}: ${inputs[0]?.detail}`
        : `${inputs.length} inputs, ${inputs.filter((input) => input.fate === 'skipped').length} skipped and ${inputs.filter((input) => input.fate === 'failed').length} failed (see inputs)`
  return {severity: 'error', code: 'nothing-read', message: `no input was read, so nothing was judged: ${why}`}
}

/** A --tf-dir that is not a folder: the plan is still judged, but its results cannot point at the .tf source asked for. */
function tfDirDiagnostic(tfDir: string | undefined, cwd: string): Diagnostic | undefined {
  if (tfDir === undefined || statSync(resolve(cwd, tfDir), {throwIfNoEntry: false})?.isDirectory()) return undefined
  return {severity: 'error', code: 'tf-dir', message: `--tf-dir ${tfDir}: not a folder, so results point at the plan and not at the .tf source`}
}

/** Evaluates prepared policies over an inventory and puts everything into one report. */
export function reportRun(run: EvaluatedRun, options: {command: 'check' | 'audit'; category: string; cwd: string; failOn?: FailOn; failOnUnknown?: boolean; startedAt: Date; extraDiagnostics?: Diagnostic[]}): Report {
  const {inventory, prepared, now} = run
  const events = run.events
  const evaluateOptions: EvaluateOptions = {params: prepared.params, waivers: prepared.config.waivers, now, ...(events ? {streamedResults: events.results} : {})}
  const evaluation = evaluate(inventory, prepared.policies, evaluateOptions)
  return buildReport({
    command: options.command,
    category: options.category,
    version: VERSION,
    startedAt: options.startedAt,
    finishedAt: new Date(),
    workingDirectory: options.cwd,
    configFile: prepared.configFile,
    failOn: options.failOn ?? prepared.config.failOn ?? 'low',
    failOnUnknown: options.failOnUnknown ?? prepared.config.failOnUnknown ?? false,
    policies: prepared.policies,
    params: prepared.params,
    notApplicable: {...evaluation.notApplicable, ...(events?.notApplicable ?? {})},
    results: evaluation.results,
    inputs: [...inventory.inputs, ...(events?.inputs ?? [])],
    diagnostics: [...prepared.diagnostics, ...inventory.diagnostics, ...(events?.diagnostics ?? []), ...evaluation.diagnostics, ...(prepared.nothingToRun ? [prepared.nothingToRun] : []), ...(options.extraDiagnostics ?? [])],
    notes: [...inventory.notes, ...(events ? eventNotes(events) : [])],
    // Event and subject policies have distinct ids, so their counts of unlisted results never meet.
    unlisted: {...evaluation.unlisted, ...(events ? waiveUnlisted(events.unlisted, prepared.config.waivers, now) : {})},
    ...(events ? {recordsPassed: events.passes, coverage: events.coverage} : {}),
  })
}

function eventNotes(events: EventScanResult): string[] {
  const {records, files, ms, outsideWindow} = events.stats
  const notes = [`${records} CloudTrail records in ${files} files judged in ${(ms / 1000).toFixed(1)} s`]
  if (outsideWindow > 0) notes.push(`${outsideWindow} record${outsideWindow === 1 ? '' : 's'} outside --since/--until not judged`)
  return notes
}

/** `trailgate check`: read evidence and IaC files, evaluate the policies, report. */
export async function runCheck(options: CheckOptions): Promise<Report> {
  const startedAt = new Date()
  const now = options.now ?? startedAt
  const prepared = preparePolicies(options)
  const limits: Limits = {...DEFAULT_LIMITS, ...prepared.config.limits, ...options.limits}
  const s3Paths = options.paths.filter((path) => path.startsWith('s3://'))
  const localPaths = options.paths.filter((path) => !path.startsWith('s3://'))
  const s3 = s3Paths.length > 0 ? await listS3(s3Paths, options, limits) : undefined
  const inventory = await readInputs(localPaths, {
    limits,
    cwd: options.cwd,
    ...(options.account ? {account: options.account} : {}),
    ...(options.regions ? {regions: options.regions} : {}),
    ...(options.cfnParams ? {cfnParams: options.cfnParams} : {}),
    ...(options.tfDir ? {tfDir: options.tfDir} : {}),
    ...(options.baseline ? {baseline: options.baseline} : {}),
  })
  if (options.window) await leaveOutsideWindow(inventory, options)
  const events = inventory.eventFiles.length > 0 || s3 ? await scanEventFiles(inventory.eventFiles, prepared, options, limits, s3).finally(() => s3?.close()) : undefined
  if (s3 && events) joinS3Listing(events, s3, inventory.notes)
  // An S3 archive's integrity is judged where its listing met digests: a walk pruned to a window lists only log folders.
  const digestPaths = (s3?.files ?? []).map((file) => file.path).filter((path) => isDigestPath(path))
  const s3Archives = s3Paths.filter((url) => digestPaths.some((path) => path.startsWith(url)))
  const keys = savedKeys(options, inventory)
  const archives = await judgeArchives(inventory.eventFiles, {urls: s3Archives, digestPaths}, prepared, {...options, ...keys}, limits)
  if (archives) joinArchives(inventory, archives, events)
  // Said only where the keys checked something: a snapshot judged without a bucket copy needs no word on them.
  if (keys.publicKeys && inventory.publicKeys && archives && archives.subjects.length > 0) inventory.notes.push(keysNote(inventory.publicKeys))
  const extraDiagnostics = [nothingReadDiagnostic([...inventory.inputs, ...(events?.inputs ?? [])], options.paths), tfDirDiagnostic(options.tfDir, options.cwd)].filter((d): d is Diagnostic => d !== undefined)
  return reportRun(
    {inventory, prepared, now, ...(events ? {events} : {})},
    {command: 'check', category: 'trailgate/check/', cwd: options.cwd, failOn: options.failOn, failOnUnknown: options.failOnUnknown, startedAt, ...(extraDiagnostics.length > 0 ? {extraDiagnostics} : {})},
  )
}

/**
 * Without --public-keys, the keys a snapshot among the inputs saved (`audit --save-snapshot`) prove
 * the digests' signatures offline; what could not be saved is the why of each signature left unknown.
 */
function savedKeys(options: CheckOptions, inventory: Inventory): Pick<CheckOptions, 'publicKeys' | 'whyNoKey'> {
  const saved = inventory.publicKeys
  if (options.publicKeys !== undefined || saved === undefined) return {}
  return {publicKeys: saved.keys, ...(saved.problems.length > 0 ? {whyNoKey: saved.problems.join('; ')} : {})}
}

function keysNote(saved: SavedPublicKeys): string {
  return `${saved.keys.length} CloudTrail public key${saved.keys.length === 1 ? '' : 's'} from the snapshot, listed for ${saved.since} to ${saved.until}`
}

/** Log file integrity of the local bucket copies and `s3://` archives among the inputs, when an archive policy is to run. */
async function judgeArchives(files: string[], s3: {urls: string[]; digestPaths: string[]}, prepared: PreparedPolicies, options: CheckOptions, limits: Limits): Promise<ArchiveJudgement | undefined> {
  if (!prepared.policies.some((policy) => policy.subject === 'archive')) return undefined
  // No log files and no S3 archive: nothing to judge, and the integrity modules are not loaded.
  if (files.length === 0 && s3.urls.length === 0) return undefined
  const {judgeLocalArchives, judgeS3Archives, localArchiveRoots, merge} = await import('../archive/integrity/index.js')
  const judging = {cwd: options.cwd, publicKeys: options.publicKeys ?? [], maxBytes: limits.maxInputBytes, ...(options.whyNoKey ? {whyNoKey: options.whyNoKey} : {})}
  const local = localArchiveRoots(files).length > 0 ? await judgeLocalArchives(files, judging) : undefined
  // Without --public-keys, an S3 archive's keys are asked of CloudTrail, as validate-logs asks.
  const remote = s3.urls.length > 0 ? await judgeS3Archives(s3.urls, {...judging, ...options.s3, digestPaths: s3.digestPaths, liveKeys: options.publicKeys === undefined}) : undefined
  if (!local || !remote) return local ?? remote
  merge(local, remote)
  return local
}

/** The digests judged are inputs read, not the "skipped" the event scan calls them. */
function joinArchives(inventory: Inventory, archives: ArchiveJudgement, events: EventScanResult | undefined): void {
  appendAll(inventory.archives, archives.subjects)
  appendAll(inventory.notes, archives.notes)
  appendAll(inventory.diagnostics, archives.diagnostics)
  const judged = new Map(archives.inputs.map((input) => [input.path, input]))
  if (events) events.inputs = events.inputs.map((input) => judged.get(input.path) ?? input)
}

/**
 * CloudTrail log objects under `s3://` paths, listed and judged as `check s3://…` judges them: what
 * `audit --events-from-bucket` reads from each trail's bucket. Listing notes go into `notes`.
 */
export async function scanS3Logs(paths: string[], options: CheckOptions, prepared: PreparedPolicies, notes: string[]): Promise<EventScanResult> {
  const limits: Limits = {...DEFAULT_LIMITS, ...prepared.config.limits, ...options.limits}
  const s3 = await listS3(paths, options, limits)
  const events = await scanEventFiles([], prepared, options, limits, s3).finally(() => s3.close())
  joinS3Listing(events, s3, notes)
  return events
}

/** What the listing settled (failed objects and prefixes, its notes, the requests made) joins the scan's results. */
function joinS3Listing(events: EventScanResult, s3: S3EventSource, notes: string[]): void {
  appendAll(events.inputs, s3.settled)
  appendAll(events.diagnostics, s3.diagnostics)
  appendAll(notes, s3.notes)
  notes.push(s3.requestsNote())
}

/** The CloudTrail objects under each `s3://` path given, listed before anything is fetched. */
async function listS3(paths: string[], options: CheckOptions, limits: Limits): Promise<S3EventSource> {
  const {listS3Events} = await import('../archive/s3-events.js')
  return listS3Events(paths, {...options.s3, ...logWindow(options), maxObjectBytes: limits.maxInputBytes})
}

function logWindow(options: CheckOptions): LogWindow {
  const {since, until, accounts} = options.window ?? {}
  return {...(since ? {since} : {}), ...(until ? {until} : {}), ...(accounts ? {accounts} : {}), ...(options.regions ? {regions: options.regions} : {})}
}

/** Local log files in the CloudTrail layout are pruned by the same rule as S3 keys: skipped, with why. */
async function leaveOutsideWindow(inventory: Inventory, options: CheckOptions): Promise<void> {
  const {excludedBy} = await import('../archive/log-window.js')
  const window = logWindow(options)
  const flag = {account: '--accounts', region: '--regions', time: '--since/--until'} as const
  const kept: string[] = []
  for (const file of inventory.eventFiles) {
    const exclusion = excludedBy(file, window)
    if (exclusion === undefined || exclusion === 'region') {
      // --regions already has its meaning for local files (regions judged besides the home regions).
      kept.push(file)
      continue
    }
    inventory.inputs.push({path: displayPath(file, options.cwd), fate: 'skipped', detail: `CloudTrail log file outside ${flag[exclusion]}: not read`})
  }
  const left = inventory.eventFiles.length - kept.length
  if (left > 0) inventory.notes.push(`${left} local log file${left === 1 ? '' : 's'} outside --since/--until or --accounts not read`)
  inventory.eventFiles = kept
}

async function scanEventFiles(files: string[], prepared: PreparedPolicies, options: CheckOptions, limits: Limits, s3?: S3EventSource): Promise<EventScanResult> {
  if (s3 && options.engine === 'duckdb') throw new Error('--engine duckdb reads local files only; check s3:// paths with the native engine')
  // Loaded only when asked for: DuckDB ships a native engine that a plain check never needs.
  const window = recordWindow(options)
  const {scanEvents} = options.engine === 'duckdb' ? {scanEvents: (await import('../sql/duckdb-engine.js')).scanEventsWithDuckDB} : await import('../events/scan.js')
  return scanEvents(files, {
    limits,
    policies: prepared.policies.filter((policy) => policy.subject === 'event'),
    params: prepared.params,
    cwd: options.cwd,
    ...(options.onEventProgress ? {onProgress: options.onEventProgress} : {}),
    ...(s3 ? {remote: {files: s3.files, fetch: s3.fetch}} : {}),
    ...(window ? {window} : {}),
  })
}

/** The window each record's eventTime is held to, when --since or --until was given. */
function recordWindow(options: CheckOptions): RecordWindow | undefined {
  const {since, until} = options.window ?? {}
  if (!since && !until) return undefined
  return {...(since ? {sinceMs: since.getTime()} : {}), ...(until ? {untilMs: until.getTime()} : {})}
}
