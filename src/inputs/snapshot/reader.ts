import type {Diagnostic, SavedPublicKeys} from '../../model/types.js'
import type {Coverage} from '../../model/views.js'
import type {PositionedDocument} from '../../util/positions.js'
import {regionNameProblem} from '../../util/region-name.js'
import {diagnosticAt, fieldLocations, isRecord} from '../locations.js'
import {topLevelJsonKeys} from '../json-text.js'
import {failedOutput, parseInputText, plural} from '../parse-input.js'
import {checkShape, type SchemaProblem} from '../schema.js'
import {checkTrailObject, locateProblem} from '../trail-check.js'
import {emptyReaderOutput, type Reader, type ReaderOutput, type TrailEvidence} from '../types.js'
import {appendAll} from '../../util/arrays.js'
import {emptyMonitoringEvidence} from '../../model/monitoring.js'
import {readSnapshotMonitoring} from './monitoring.js'

const KIND = 'trailgate/snapshot'
const SNAPSHOT_KIND = 'trailgate-snapshot'

/** Problems that make the whole document unusable, as opposed to one account's or trail's. */
function isFatal(problem: SchemaProblem): boolean {
  const [top, index] = problem.path
  if (problem.atKey) return false
  if (top === undefined || top === 'kind' || top === 'version') return true
  return top === 'accounts' && index === undefined
}

/** Problems that make one account unusable: no accountId, no regions or trails list. */
function isAccountFatal(problem: SchemaProblem): boolean {
  const [, , field, member] = problem.path
  if (problem.atKey) return false
  if (field === undefined) return true
  if (field === 'accountId' || field === 'trails') return member === undefined
  return field === 'regions'
}

/** A trailgate snapshot (JSON or YAML), as written by the live audit; schemas/snapshot.schema.json. */
export const snapshotReader: Reader = {
  kind: KIND,
  priority: 20,
  sniff(_file, head) {
    const keys = topLevelJsonKeys(head)
    if (keys) return keys.get('kind') === SNAPSHOT_KIND
    return /^kind:[ \t]*["']?trailgate-snapshot["']?[ \t]*(#.*)?$/m.test(head)
  },
  async read(file, options): Promise<ReaderOutput> {
    const parsed = parseInputText(file, options)
    const doc = parsed.document
    if (!doc) return failedOutput(KIND, 'snapshot', parsed.diagnostics)
    const problems = checkShape('snapshot', doc.value)
    const place = {doc, path: []}
    const diagnosticOf = (problem: SchemaProblem): Diagnostic =>
      diagnosticAt(locateProblem(place, problem), `snapshot: ${problem.message}`, 'snapshot-schema')
    const inTrail = (problem: SchemaProblem): boolean => problem.path[0] === 'accounts' && problem.path[2] === 'trails' && problem.path.length >= 4
    const outsideTrails = problems.filter((problem) => !inTrail(problem))
    if (outsideTrails.some(isFatal)) return failedOutput(KIND, 'snapshot', [...parsed.diagnostics, ...outsideTrails.map(diagnosticOf)])
    const root = doc.value as Record<string, unknown>
    const output = emptyReaderOutput(KIND)
    appendAll(output.diagnostics, parsed.diagnostics, outsideTrails.filter((problem) => problem.path[0] !== 'accounts').map(diagnosticOf))
    const accounts = root.accounts as unknown[]
    // Version 1 has no monitoring: it is left unknown (not given), never taken as absent.
    const monitoring = root.version === 2 ? emptyMonitoringEvidence() : undefined
    let trailCount = 0
    let accountCount = 0
    accounts.forEach((account, index) => {
      const accountProblems = outsideTrails.filter((problem) => problem.path[0] === 'accounts' && problem.path[1] === index)
      appendAll(output.diagnostics, accountProblems.map(diagnosticOf))
      if (!isRecord(account) || accountProblems.some(isAccountFatal)) {
        output.diagnostics.push(diagnosticAt(doc.locate(['accounts', index]), `snapshot: accounts[${index}] is left out`, 'snapshot-schema'))
        return
      }
      accountCount++
      const read = readAccount(doc, account, index, accountProblems)
      const accountMonitoring = monitoring === undefined ? undefined : readSnapshotMonitoring(doc, account, index, accountProblems)
      if (monitoring !== undefined && accountMonitoring !== undefined) {
        appendAll(monitoring.metricFilters, accountMonitoring.metricFilters)
        appendAll(monitoring.alarms, accountMonitoring.alarms)
        appendAll(monitoring.topics, accountMonitoring.topics)
        appendAll(monitoring.scopes, accountMonitoring.scopes)
        appendAll(monitoring.gaps, accountMonitoring.gaps)
      } else if (monitoring === undefined && 'monitoring' in account) {
        output.diagnostics.push(diagnosticAt(doc.locate(['accounts', index, 'monitoring']), 'snapshot: monitoring needs version 2; it is not read', 'snapshot-schema', 'warning'))
      }
      trailCount += read.trails.length
      appendAll(output.trails, read.trails)
      output.coverage.push(read.coverage)
      appendAll(output.diagnostics, read.diagnostics)
    })
    if (monitoring !== undefined) output.monitoring = monitoring
    if ('publicKeys' in root) {
      // Keys a schema problem was found in are not used: a signature they would check stays unknown, said why.
      const keyProblems = outsideTrails.filter((problem) => problem.path[0] === 'publicKeys')
      output.publicKeys = keyProblems.length === 0 ? savedKeys(root.publicKeys as SnapshotKeys) : {keys: [], problems: [`${file.path}: its publicKeys do not match the snapshot schema`], since: '', until: ''}
    }
    const collectedAt = String(root.collectedAt)
    const tool = isRecord(root.tool) ? ` by ${String(root.tool.name)} ${String(root.tool.version)}` : ''
    output.notes.push(`${file.path}: snapshot collected at ${collectedAt}${tool}`)
    output.detail = `snapshot: ${plural(accountCount, 'account')}, ${plural(trailCount, 'trail')}, collected at ${collectedAt}`
    return output
  },
}

interface SnapshotKeys {
  since: string
  until: string
  keys: {region: string; fingerprint: string; value: string; validityStart?: string; validityEnd?: string}[]
  errors: {region?: string; operation: string; message: string; code?: string}[]
}

function savedKeys(saved: SnapshotKeys): SavedPublicKeys {
  return {
    keys: saved.keys.map(({region: _region, ...key}) => key),
    problems: saved.errors.map((error) => `ListPublicKeys${error.region ? ` in ${error.region}` : ''} failed when the snapshot was saved: ${error.code ? `${error.code}: ` : ''}${error.message}`),
    since: saved.since,
    until: saved.until,
  }
}

function readAccount(doc: PositionedDocument, account: Record<string, unknown>, index: number, problems: SchemaProblem[]): {trails: TrailEvidence[]; coverage: Coverage; diagnostics: Diagnostic[]} {
  const accountId = account.accountId as string
  const base = ['accounts', index]
  const diagnostics: Diagnostic[] = []
  const trails: TrailEvidence[] = []
  ;(account.trails as unknown[]).forEach((raw, trailIndex) => {
    const path = [...base, 'trails', trailIndex]
    const checked = checkTrailObject(raw, {doc, path}, `account ${accountId} trails[${trailIndex}]`)
    appendAll(diagnostics, checked.diagnostics)
    if (!checked.trail) return
    trails.push({
      document: checked.trail,
      account: accountId,
      provenance: {kind: KIND, location: doc.locate(path), fields: fieldLocations(doc, path, checked.trail)},
    })
  })
  // A region name that is no AWS region is an error, and no region view is made for it.
  const regions = (account.regions as string[]).filter((region, regionIndex) => {
    const problem = regionNameProblem(region)
    if (problem !== undefined) diagnostics.push(diagnosticAt(doc.locate([...base, 'regions', regionIndex]), `snapshot: account ${accountId}: ${problem}`, 'snapshot-schema'))
    return problem === undefined
  })
  // A snapshot lists every region it examined: a region it did not is not judged as one without trails.
  const coverage: Coverage = {account: accountId, regions, exhaustive: true, provenance: {kind: KIND, location: doc.locate(base)}}
  const regionTrailsValid = !problems.some((problem) => problem.path[2] === 'regionTrails')
  if (isRecord(account.regionTrails) && regionTrailsValid) {
    const regionTrails = account.regionTrails as Record<string, string[]>
    const known = new Set(trails.map((trail) => trail.document.TrailARN))
    for (const [region, arns] of Object.entries(regionTrails)) {
      arns.forEach((arn, arnIndex) => {
        if (known.has(arn)) return
        const message = `snapshot: regionTrails.${region} lists ${arn}, which is not among account ${accountId}'s trails`
        diagnostics.push(diagnosticAt(doc.locate([...base, 'regionTrails', region, arnIndex]), message, 'unknown-trail'))
      })
    }
    coverage.regionTrails = regionTrails
  }
  if (Array.isArray(account.errors)) {
    account.errors.forEach((error, errorIndex) => {
      if (!isRecord(error) || typeof error.operation !== 'string') return
      const region = typeof error.region === 'string' ? ` in ${error.region}` : ''
      const code = typeof error.code === 'string' ? `${error.code}: ` : ''
      const message = `account ${accountId}${region}: ${error.operation} could not be read: ${code}${String(error.message)}`
      diagnostics.push(diagnosticAt(doc.locate([...base, 'errors', errorIndex]), message, 'collection-error'))
      if (error.operation === 'DescribeTrails' && typeof error.region === 'string') {
        coverage.unread = {...coverage.unread, [error.region]: `DescribeTrails failed in ${error.region}: ${code}${String(error.message)}`}
      }
    })
  }
  return {trails, coverage, diagnostics}
}
