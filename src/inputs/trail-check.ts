import {unknown, type Diagnostic} from '../model/types.js'
import type {PathSegment, PositionedDocument} from '../util/positions.js'
import {regionNameProblem} from '../util/region-name.js'
import {diagnosticAt, isRecord} from './locations.js'
import {checkShape, type SchemaProblem, type ShapeName} from './schema.js'

/** Where a value sits: its document and path, for diagnostics. */
export interface Place {
  doc: PositionedDocument
  path: readonly PathSegment[]
}

/** DescribeTrails fields that AWS leaves out when unset; some hand-made files write them as null or "". */
const OPTIONAL_STRING_FIELDS = [
  'S3KeyPrefix',
  'SnsTopicName',
  'SnsTopicARN',
  'CloudWatchLogsLogGroupArn',
  'CloudWatchLogsRoleArn',
  'KmsKeyId',
]

/** Fields that give a trail its identity: a trail without them cannot be joined or reported. */
const IDENTITY_FIELDS = new Set(['Name', 'TrailARN'])

/** Fields whose members are checked one by one, so one bad member does not hide the others. */
const MEMBER_FIELDS = new Set(['Status', 'Tags', 'EventSelectors', 'AdvancedEventSelectors', 'InsightSelectors'])

export interface CheckedTrail {
  /** Absent when the trail had to be left out (no Name, no TrailARN, not an object). */
  trail?: Record<string, unknown>
  diagnostics: Diagnostic[]
}

/**
 * Checks one DescribeTrails-shaped trail object (also a snapshot trail) against the schema. A field
 * with a wrong type becomes an unknown value with the reason, so policies that read it say
 * "unknown" instead of guessing; a trail without Name or TrailARN is left out with an error.
 */
export function checkTrailObject(raw: unknown, place: Place, what: string): CheckedTrail {
  if (!isRecord(raw)) {
    return {diagnostics: [diagnosticAt(place.doc.locate(place.path), `${what} is not an object; it is left out`, 'trail-shape')]}
  }
  const trail: Record<string, unknown> = {...raw}
  for (const field of OPTIONAL_STRING_FIELDS) {
    if (trail[field] === null || trail[field] === '') delete trail[field]
  }
  const diagnostics: Diagnostic[] = []
  const label = typeof trail.Name === 'string' ? `trail ${trail.Name}` : what
  let keep = true
  for (const problem of checkShape('trail', trail)) {
    const [field, member] = problem.path
    const location = locateProblem(place, problem)
    if (field === undefined || (IDENTITY_FIELDS.has(String(field)) && problem.path.length === 1)) {
      keep = false
      const message = problem.missing ? `${label} has no ${problem.missing}` : `${label}: ${problem.message}`
      diagnostics.push(diagnosticAt(location, `${message}; the trail is left out`, 'trail-identity'))
      continue
    }
    if (problem.atKey) {
      diagnostics.push(diagnosticAt(location, `${label}: ${problem.message}`, 'trail-field', 'warning'))
      continue
    }
    diagnostics.push(diagnosticAt(location, `${label}: ${problem.message}`, 'trail-field'))
    markUnknown(trail, String(field), member, problem.message)
  }
  const badRegion = typeof trail.HomeRegion === 'string' ? regionNameProblem(trail.HomeRegion) : undefined
  if (badRegion !== undefined) {
    diagnostics.push(diagnosticAt(place.doc.locate([...place.path, 'HomeRegion']), `${label}: HomeRegion ${badRegion}`, 'trail-field'))
    markUnknown(trail, 'HomeRegion', undefined, badRegion)
  }
  return keep ? {trail, diagnostics} : {diagnostics}
}

function markUnknown(trail: Record<string, unknown>, field: string, member: PathSegment | undefined, reason: string): void {
  const container = trail[field]
  if (MEMBER_FIELDS.has(field) && member !== undefined && (Array.isArray(container) || isRecord(container))) {
    const copy: Record<string, unknown> | unknown[] = Array.isArray(container) ? [...container] : {...container}
    ;(copy as Record<string, unknown>)[String(member)] = unknown(reason)
    trail[field] = copy
  } else {
    trail[field] = unknown(reason)
  }
}

/**
 * Checks each member of a list (event selectors, insight selectors) on its own; a bad member is
 * replaced by an unknown value, so counts stay right and facts that depend on it become unknown.
 */
export function checkMembers(shape: ShapeName, items: unknown[], place: Place, what: string): {items: unknown[]; diagnostics: Diagnostic[]} {
  const diagnostics: Diagnostic[] = []
  const checked = items.map((item, index) => {
    const memberPlace = {doc: place.doc, path: [...place.path, index]}
    let bad: string | undefined
    for (const problem of checkShape(shape, item)) {
      const location = locateProblem(memberPlace, problem)
      if (problem.atKey) {
        diagnostics.push(diagnosticAt(location, `${what}[${index}]: ${problem.message}`, 'selector-field', 'warning'))
        continue
      }
      diagnostics.push(diagnosticAt(location, `${what}[${index}]: ${problem.message}`, 'selector-field'))
      bad ??= problem.message
    }
    return bad === undefined ? item : unknown(bad)
  })
  return {items: checked, diagnostics}
}

/** The GetTrailStatus fields of timestamp type in the CloudTrail service model. */
const STATUS_TIMESTAMPS = ['LatestDeliveryTime', 'LatestNotificationTime', 'StartLoggingTime', 'StopLoggingTime', 'LatestCloudWatchLogsDeliveryTime', 'LatestDigestDeliveryTime']

/**
 * AWS CLI v1 prints timestamps as epoch seconds by default, and v2 does with
 * `cli_timestamp_format = wire`; both mean the instant that ISO 8601 spells, which is what is kept.
 */
function isoFromEpoch(value: unknown): unknown {
  if (typeof value !== 'number' || !Number.isFinite(value)) return value
  const time = new Date(value * 1000)
  return Number.isNaN(time.getTime()) ? value : time.toISOString()
}

/** Checks a GetTrailStatus answer; a field with a wrong type becomes unknown. */
export function checkStatus(raw: Record<string, unknown>, place: Place, what: string): {status: Record<string, unknown>; diagnostics: Diagnostic[]} {
  const status = {...raw}
  for (const field of STATUS_TIMESTAMPS) if (Object.hasOwn(status, field)) status[field] = isoFromEpoch(status[field])
  const diagnostics: Diagnostic[] = []
  for (const problem of checkShape('status', status)) {
    const location = locateProblem(place, problem)
    diagnostics.push(diagnosticAt(location, `${what}: ${problem.message}`, 'status-field'))
    const field = problem.path[0]
    if (field !== undefined) status[String(field)] = unknown(problem.message)
  }
  return {status, diagnostics}
}

export function locateProblem(place: Place, problem: SchemaProblem) {
  const path = [...place.path, ...problem.path]
  return problem.atKey ? place.doc.locateKey(path) : place.doc.locate(path)
}
