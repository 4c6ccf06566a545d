import {trailFacts} from '../model/facts.js'
import {
  emptyInventory,
  unknown,
  type Diagnostic,
  type InputRecord,
  type Inventory,
  type Location,
  type Provenance,
  type SavedPublicKeys,
  type TrailDocument,
  type TrailSubject,
} from '../model/types.js'
import {mergeMonitoringEvidence} from '../model/monitoring-view.js'
import {buildViews, type Coverage} from '../model/views.js'
import {parseTrailArn} from './arn.js'
import {resolveAccount} from './account.js'
import {settleMonitoringAccount} from './monitoring-account.js'
import {diagnosticAt} from './locations.js'
import {regionFromPath} from './parse-input.js'
import type {ReadOptions, ReaderOutput, TrailEvidence, TrailFragment} from './types.js'
import {appendAll} from '../util/arrays.js'

/** One input in the order it was given: a reader's output, or a record settled before reading. */
export interface AssemblyEntry {
  file?: string
  output?: ReaderOutput
  record?: InputRecord
  diagnostics?: Diagnostic[]
  /** From `--baseline`: the account as it is, merged with planned trails for region and account views. */
  baseline?: boolean
  /** Left to the event scan; not assembled. */
  deferred?: boolean
}

type TrailBody = Omit<TrailDocument, 'Facts'>

interface TrailUnderConstruction {
  id: string
  document: TrailBody
  provenance: Provenance
  account?: string
  primaryFile?: string
  files: Set<string>
  evidence: TrailEvidence[]
}

/** Joins reader outputs into an Inventory: trails deduplicated by ARN, fragments attached, facts and views computed. */
export function assembleEntries(entries: AssemblyEntry[], options: ReadOptions): Inventory {
  const inventory = emptyInventory()
  const perEntryDiagnostics: Diagnostic[][] = entries.map((entry) => [...(entry.diagnostics ?? []), ...(entry.output?.diagnostics ?? [])])
  const evidence = withBaseline(entries, inventory.notes)

  const account = resolveAccount(entries.flatMap((entry) => entry.output?.coverage ?? []), evidence, options)
  appendAll(inventory.notes, entries.flatMap((entry) => entry.output?.notes ?? []), account.notes)

  const trails = mergeEvidence(evidence, account.evidenceAccount, perEntryDiagnostics, entries)
  // A baseline's status or selectors belong to its own trails, never to a planned trail of the same name.
  const isBaselineTrail = (trail: TrailUnderConstruction) => trail.evidence.every((item) => item.baseline === true)
  const baselineTrails = new Map([...trails].filter(([, trail]) => isBaselineTrail(trail)))
  const changeTrails = new Map([...trails].filter(([, trail]) => !isBaselineTrail(trail)))
  const fragmentOutcomes = entries.map((entry, index) =>
    (entry.output?.fragments ?? []).map((fragment) =>
      entry.baseline
        ? joinBaselineFragment(fragment, baselineTrails, account.evidenceAccounts, perEntryDiagnostics[index] as Diagnostic[])
        : joinFragment(fragment, baselineTrails.size > 0 ? changeTrails : trails, account.evidenceAccounts, perEntryDiagnostics[index] as Diagnostic[]),
    ),
  )

  const subjects = [...trails.values()].map((trail) => finishTrail(trail, account.evidenceAccounts))
  const baselineOnly = new Set([...trails.values()].filter((trail) => trail.evidence.every((item) => item.baseline === true)).map((trail) => trail.id))
  const coverage = entries
    .flatMap((entry) => (entry.output?.coverage ?? []) as Coverage[])
    .map((entry) => (entry.account === '' && account.evidenceAccount ? {...entry, account: account.evidenceAccount} : entry))
  if (options.regions?.length) {
    for (const owner of account.evidenceAccounts) coverage.push({account: owner, regions: options.regions})
  }
  const merged = mergeMonitoringEvidence(entries.flatMap((entry) => (entry.output?.monitoring ? [entry.output.monitoring] : [])))
  const settled = settleMonitoringAccount(merged, options.account === undefined && !account.ambiguous ? account.evidenceAccount : options.account, subjects)
  appendAll(inventory.notes, settled.notes)
  const monitoring = settled.evidence
  const views = buildViews(subjects, coverage, monitoring)

  // Baseline trails are the account as it is: they count in views, but the change under review is what is judged.
  inventory.trails = subjects.filter((subject) => !baselineOnly.has(subject.id))
  inventory.regions = views.regions
  inventory.accounts = views.accounts
  inventory.diagnostics = [...perEntryDiagnostics.flat(), ...account.diagnostics]
  inventory.inputs = entries.map((entry, index) => inputRecord(entry, fragmentOutcomes[index] ?? [], perEntryDiagnostics[index] ?? []))
  const keys = savedPublicKeys(entries)
  if (keys) inventory.publicKeys = keys
  return inventory
}

/** The public keys of every snapshot among the inputs, together. */
function savedPublicKeys(entries: AssemblyEntry[]): SavedPublicKeys | undefined {
  const saved = entries.flatMap((entry) => (entry.output?.publicKeys ? [entry.output.publicKeys] : []))
  if (saved.length === 0) return undefined
  const spans = saved.filter((keys) => keys.since !== '')
  return {
    keys: saved.flatMap((keys) => keys.keys),
    problems: saved.flatMap((keys) => keys.problems),
    since: spans.map((keys) => keys.since).sort()[0] ?? '',
    until: spans.map((keys) => keys.until).sort().at(-1) ?? '',
  }
}

/**
 * The evidence to assemble. With a baseline, a planned trail replaces the deployed trail of the same
 * ARN or name, and a trail the plan deletes leaves the account; without one, region and account
 * policies judge the planned trails alone, and the notes say so.
 */
function withBaseline(entries: AssemblyEntry[], notes: string[]): TrailEvidence[] {
  const current = entries.filter((entry) => !entry.baseline).flatMap((entry) => entry.output?.trails ?? [])
  const baseline = entries.filter((entry) => entry.baseline).flatMap((entry) => entry.output?.trails ?? [])
  const planned = current.filter((trail) => trail.planned === true)
  if (planned.length === 0) return [...current, ...baseline]
  if (entries.every((entry) => !entry.baseline)) {
    notes.push('no --baseline given: region and account policies judge the planned trails alone, not the trails the account already has')
    return current
  }
  const removed = entries.flatMap((entry) => entry.output?.removedTrails ?? [])
  const plannedArns = new Set(planned.map((trail) => trail.document.TrailARN).filter((arn): arn is string => typeof arn === 'string'))
  const plannedNames = new Set(planned.map((trail) => trail.document.Name).filter((name): name is string => typeof name === 'string'))
  const gone = (trail: TrailEvidence): boolean => {
    const {TrailARN: arn, Name: name} = trail.document
    if (typeof arn === 'string' && (plannedArns.has(arn) || removed.some((r) => r.arn === arn))) return true
    return typeof name === 'string' && (plannedNames.has(name) || removed.some((r) => r.name === name))
  }
  const kept = baseline.filter((trail) => !gone(trail))
  const keptTrails = new Set(kept.map((trail) => String(trail.document.TrailARN ?? trail.document.Name)))
  const replaced = new Set(baseline.map((trail) => String(trail.document.TrailARN ?? trail.document.Name))).size - keptTrails.size
  notes.push(`region and account policies judge the planned trails together with the baseline's ${keptTrails.size} other trail${keptTrails.size === 1 ? '' : 's'}${replaced > 0 ? ` (${replaced} replaced or deleted by the change)` : ''}`)
  return [...current, ...kept]
}

function inputRecord(entry: AssemblyEntry, outcomes: (string | undefined)[], diagnostics: Diagnostic[]): InputRecord {
  if (entry.record) return entry.record
  const output = entry.output as ReaderOutput
  const path = entry.file ?? '(input)'
  const unmatched = outcomes.filter((outcome): outcome is string => outcome !== undefined)
  const usable = output.trails.length + output.coverage.length + outcomes.length - unmatched.length
  const hasError = diagnostics.some((diagnostic) => diagnostic.severity === 'error')
  if (usable === 0 && (hasError || unmatched.length > 0)) {
    return {path, kind: output.kind, fate: 'failed', detail: unmatched[0] ?? output.detail}
  }
  const suffix = unmatched.length > 0 ? ` (${unmatched.length} not matched to a trail)` : ''
  return {path, kind: output.kind, fate: 'read', detail: `${output.detail}${suffix}`}
}

/** The key a trail is known by: its ARN, else (IaC) its address, construct path or logical id in its file. */
function trailKey(trail: TrailEvidence, index: number): string {
  if (typeof trail.document.TrailARN === 'string') return trail.document.TrailARN
  const {address, constructPath, logicalId, location} = trail.provenance
  if (address) return address
  if (constructPath) return constructPath
  return `${location?.file ?? 'input'}#${logicalId ?? index}`
}

function mergeEvidence(evidence: TrailEvidence[], evidenceAccount: string | undefined, perEntryDiagnostics: Diagnostic[][], entries: AssemblyEntry[]): Map<string, TrailUnderConstruction> {
  const groups = new Map<string, TrailEvidence[]>()
  evidence.forEach((trail, index) => {
    const key = trailKey(trail, index)
    groups.set(key, [...(groups.get(key) ?? []), trail])
  })
  const diagnosticsOfFile = (file: string | undefined): Diagnostic[] => {
    const index = entries.findIndex((entry) => entry.file === file)
    return perEntryDiagnostics[index >= 0 ? index : perEntryDiagnostics.length - 1] ?? []
  }
  const trails = new Map<string, TrailUnderConstruction>()
  for (const [id, group] of groups) {
    // The home region's listing is the authority: a field it leaves out (AWS omits KmsKeyId on an
    // unencrypted trail) is unset, so another listing that has it disagrees. Without a home listing,
    // copies fill each other's gaps.
    const home = group.find((trail) => trail.seenInRegion !== undefined && trail.seenInRegion === trail.document.HomeRegion)
    const primary = home ?? (group[0] as TrailEvidence)
    const document: TrailBody = {...primary.document}
    const fields: Record<string, Location> = {...(primary.provenance.fields ?? {})}
    const files = new Set<string>(primary.provenance.files ?? [])
    for (const other of group) {
      if (other === primary) continue
      const otherFile = other.provenance.location?.file
      if (otherFile) files.add(otherFile)
      for (const file of other.provenance.files ?? []) files.add(file)
      for (const [field, value] of Object.entries(other.document)) {
        if (!(field in document) && home !== undefined && other.seenInRegion !== undefined) {
          const at = other.provenance.fields?.[field] ?? other.provenance.location
          const message = `conflicting evidence for trail ${String(document.Name ?? id)}: ${field} is ${shortJson(value)} here but not set in the home region's listing at ${where(primary.provenance.location)}, which is used`
          diagnosticsOfFile(otherFile).push(at ? diagnosticAt(at, message, 'conflicting-evidence') : {severity: 'error', code: 'conflicting-evidence', message})
        } else if (!(field in document)) {
          document[field] = value
          const location = other.provenance.fields?.[field]
          if (location) fields[field] = location
        } else if (!sameValue(document[field], value)) {
          const at = other.provenance.fields?.[field] ?? other.provenance.location
          const kept = fields[field] ?? primary.provenance.location
          const message = `conflicting evidence for trail ${String(document.Name ?? id)}: ${field} is ${shortJson(value)} here but ${shortJson(document[field])} at ${where(kept)}, which is used`
          diagnosticsOfFile(otherFile).push(at ? diagnosticAt(at, message, 'conflicting-evidence') : {severity: 'error', code: 'conflicting-evidence', message})
        }
      }
    }
    const arn = parseTrailArn(document.TrailARN)
    if (document.HomeRegion === undefined && arn) document.HomeRegion = arn.region
    const provenance: Provenance = {...primary.provenance, fields}
    const primaryFile = primary.provenance.location?.file
    if (primaryFile) files.delete(primaryFile)
    const owner = arn?.account ?? primary.account ?? evidenceAccount
    trails.set(id, {id, document, provenance, ...(owner ? {account: owner} : {}), ...(primaryFile ? {primaryFile} : {}), files, evidence: group})
  }
  return trails
}

/** Attaches one fragment to its trail; returns why it could not be, or undefined when it was. */
function joinFragment(fragment: TrailFragment, trails: Map<string, TrailUnderConstruction>, evidenceAccounts: string[], diagnostics: Diagnostic[]): string | undefined {
  const at = fragment.provenance.location
  const fail = (message: string, code: string): string => {
    diagnostics.push(at ? diagnosticAt(at, message, code) : {severity: 'error', code, message})
    return message
  }
  let target: TrailUnderConstruction | undefined
  if (fragment.kind === 'status') {
    const named = [...trails.values()].filter((trail) => trail.document.Name === fragment.trailName)
    target = pickByName(named, evidenceAccounts, at ? regionFromPath(at.file) : undefined)
    if (!target) {
      return named.length === 0
        ? fail(`get-trail-status output for trail ${fragment.trailName} (from the file name), but no trail of that name is among the inputs`, 'unknown-trail')
        : fail(`get-trail-status output for trail ${fragment.trailName}, but ${named.length} trails have that name: put the status file in a folder named after the trail's region`, 'ambiguous-trail')
    }
    return attach(target, 'Status', fragment.status, fragment.provenance, diagnostics)
  }
  const arn = fragment.kind === 'tags' ? fragment.resourceId : fragment.trailArn
  target = trails.get(arn)
  const what = {'event-selectors': 'get-event-selectors', 'insight-selectors': 'get-insight-selectors', tags: 'list-tags'}[fragment.kind]
  if (!target) return fail(`${what} output for ${arn}, but no trail with that ARN is among the inputs`, 'unknown-trail')
  if (fragment.kind === 'event-selectors') {
    let problem: string | undefined
    if (fragment.eventSelectors) problem = attach(target, 'EventSelectors', fragment.eventSelectors, fragment.provenance, diagnostics)
    if (fragment.advancedEventSelectors) problem = attach(target, 'AdvancedEventSelectors', fragment.advancedEventSelectors, fragment.provenance, diagnostics) ?? problem
    return problem
  }
  if (fragment.kind === 'insight-selectors') return attach(target, 'InsightSelectors', fragment.insightSelectors, fragment.provenance, diagnostics)
  return attach(target, 'Tags', fragment.tags, fragment.provenance, diagnostics)
}

/** A baseline fragment whose trail the change replaces or deletes has nothing left to describe. */
function joinBaselineFragment(fragment: TrailFragment, trails: Map<string, TrailUnderConstruction>, evidenceAccounts: string[], diagnostics: Diagnostic[]): string | undefined {
  const known =
    fragment.kind === 'status'
      ? [...trails.values()].some((trail) => trail.document.Name === fragment.trailName)
      : trails.has(fragment.kind === 'tags' ? fragment.resourceId : fragment.trailArn)
  return known ? joinFragment(fragment, trails, evidenceAccounts, diagnostics) : undefined
}

/** Several trails share a name across accounts and regions: prefer the evidence account's, then the file's region. */
function pickByName(named: TrailUnderConstruction[], evidenceAccounts: string[], region: string | undefined): TrailUnderConstruction | undefined {
  if (named.length <= 1) return named[0]
  const own = named.filter((trail) => trail.account !== undefined && evidenceAccounts.includes(trail.account))
  const pool = own.length > 0 ? own : named
  if (pool.length === 1) return pool[0]
  const inRegion = region ? pool.filter((trail) => trail.document.HomeRegion === region) : []
  return inRegion.length === 1 ? inRegion[0] : undefined
}

function attach(trail: TrailUnderConstruction, field: string, value: unknown, provenance: Provenance, diagnostics: Diagnostic[]): string | undefined {
  const existing = trail.document[field]
  if (existing !== undefined && !sameValue(existing, value)) {
    const kept = trail.provenance.fields?.[field] ?? trail.provenance.location
    const message = `conflicting evidence for trail ${String(trail.document.Name ?? trail.id)}: ${field} here differs from ${where(kept)}, which is used`
    const at = provenance.location
    diagnostics.push(at ? diagnosticAt(at, message, 'conflicting-evidence') : {severity: 'error', code: 'conflicting-evidence', message})
  } else {
    trail.document[field] = value
    trail.provenance.fields = {...trail.provenance.fields, ...provenance.fields}
  }
  const file = provenance.location?.file
  if (file && file !== trail.primaryFile) trail.files.add(file)
  return undefined
}

/** Fills what the evidence did not say with unknowns (never with guesses), then derives the facts. */
function finishTrail(trail: TrailUnderConstruction, evidenceAccounts: string[]): TrailSubject {
  const document = trail.document
  const planned = trail.evidence.some((item) => item.planned === true)
  if (!planned && document.Status === undefined) {
    document.Status = {IsLogging: unknown('no get-trail-status output was given for this trail')}
  }
  if (document.HasCustomEventSelectors === true && document.EventSelectors === undefined && document.AdvancedEventSelectors === undefined) {
    document.EventSelectors = unknown('the trail has custom event selectors, but no get-event-selectors output was given for it')
  }
  if (document.HasInsightSelectors === true && document.InsightSelectors === undefined) {
    document.InsightSelectors = unknown('the trail has insight selectors, but no get-insight-selectors output was given for it')
  }
  const isOtherAccount = trail.account !== undefined && evidenceAccounts.length > 0 && !evidenceAccounts.includes(trail.account)
  const full: TrailDocument = {...document, Facts: trailFacts(document, {isShadow: false, isOtherAccount})}
  const home = typeof document.HomeRegion === 'string' ? document.HomeRegion : undefined
  const name = typeof document.Name === 'string' ? document.Name : (trail.provenance.logicalId ?? trail.id)
  const provenance: Provenance = {...trail.provenance}
  if (trail.files.size > 0) provenance.files = [...trail.files]
  else delete provenance.files
  return {
    type: 'trail',
    id: trail.id,
    label: home ? `${name} (${home})` : name,
    ...(trail.account ? {account: trail.account} : {}),
    ...(home ? {region: home} : {}),
    document: full,
    provenance,
  }
}

function where(location: Location | undefined): string {
  return location ? `${location.file}:${location.line}:${location.column}` : 'another input'
}

function shortJson(value: unknown): string {
  const text = JSON.stringify(value) ?? 'nothing'
  return text.length > 80 ? `${text.slice(0, 77)}...` : text
}

function sameValue(a: unknown, b: unknown): boolean {
  return stableJson(a) === stableJson(b)
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`
  if (typeof value === 'object' && value !== null) {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${stableJson((value as Record<string, unknown>)[key])}`)
      .join(',')}}`
  }
  return JSON.stringify(value) ?? 'undefined'
}
