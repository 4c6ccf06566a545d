/**
 * The data that flows between trailgate's stages. Everything here is plain JSON-compatible data:
 * readers produce it, the engine consumes it, renderers print it.
 */

import type {MonitoringView} from './monitoring.js'

export type SubjectType = 'trail' | 'region' | 'account' | 'event' | 'archive'
export const SUBJECT_TYPES: readonly SubjectType[] = ['trail', 'region', 'account', 'event', 'archive']

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info'
/** Most severe first; the order of `--fail-on` thresholds and of report sorting. */
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info']

export type Status = 'pass' | 'fail' | 'unknown' | 'suppressed' | 'error'
export const STATUSES: readonly Status[] = ['fail', 'error', 'unknown', 'suppressed', 'pass']

/** 1-based line and column, as editors and SARIF count them. `endColumn` is the column after the last character. */
export interface Location {
  file: string
  line: number
  column: number
  endLine?: number
  endColumn?: number
}

/**
 * A value that cannot be known before deploy (a CloudFormation `!GetAtt`, a Terraform `after_unknown`).
 * It is present (so `exists: true` matches it) but its value is not known, so any other matcher on it
 * is unknown. `$unknown` says why, in the user's own terms (e.g. "!Ref AuditKey").
 */
export interface UnknownValue {
  $unknown: string | true
}

export function isUnknown(value: unknown): value is UnknownValue {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && '$unknown' in value
}

export function unknown(reason: string): UnknownValue {
  return {$unknown: reason}
}

export type InputKind =
  | 'aws-cli/describe-trails'
  | 'aws-cli/get-trail-status'
  | 'aws-cli/get-event-selectors'
  | 'aws-cli/get-insight-selectors'
  | 'aws-cli/list-tags'
  | 'aws-cli/describe-metric-filters'
  | 'aws-cli/describe-alarms'
  | 'aws-cli/list-subscriptions-by-topic'
  | 'trailgate/snapshot'
  | 'cloudformation'
  | 'cdk/assembly'
  | 'terraform/plan'
  | 'cloudtrail/log'
  | 'cloudtrail/lookup-events'
  | 'cloudtrail/digest'
  | 'live'

/** Where a subject came from. Reports use it; policies never match on it. */
export interface Provenance {
  kind: InputKind
  /** The trail object / resource / record in its file, when it came from one. */
  location?: Location
  /** Locations of the subject document's own fields, keyed by dotted document path (e.g. `KmsKeyId`,
   *  `EventSelectors.0.DataResources`). Used to point a failure at the offending property. */
  fields?: Record<string, Location>
  /** CloudFormation logical id, Terraform resource address, CDK construct path. */
  logicalId?: string
  address?: string
  constructPath?: string
  /** Source files that contributed to the subject besides `location.file` (status, selectors, tags). */
  files?: string[]
  /** Region and account subjects: the trail subject id of each entry of `document.Trails`, in order. */
  trails?: string[]
  /** Trails: the log group the trail delivers to, as `model/monitoring.ts` keys it, when its ARN is not
   *  known before deploy (a template's `!GetAtt TrailLogs.Arn`). Joins the trail to its metric filters. */
  logGroupKey?: string
}

export interface SubjectRef {
  type: SubjectType
  /** Stable identity: trail ARN (or `<file>#<logicalId>` / Terraform address for IaC without an ARN),
   *  `<account>/<region>`, `<account>`, `<account>/<eventID>`. */
  id: string
  /** What a person reads: the trail name, `111122223333/us-east-1`, … */
  label: string
  account?: string
  region?: string
}

export interface Subject<D = Record<string, unknown>> extends SubjectRef {
  /** The document policies match against, in AWS's own field names. */
  document: D
  provenance: Provenance
}

/** `error` means the run cannot be trusted (exit 2); `warning` is worth saying but changes nothing. */
export interface Diagnostic {
  severity: 'error' | 'warning'
  message: string
  file?: string
  line?: number
  column?: number
  endLine?: number
  endColumn?: number
  /** A short stable code, e.g. `json-syntax`, `unknown-trail`, `policy-schema`. */
  code?: string
}

export type InputFate = 'read' | 'skipped' | 'failed'

/** One entry per input given (file, folder member, account/region asked for): nothing is silently dropped. */
export interface InputRecord {
  path: string
  kind?: InputKind
  fate: InputFate
  /** What was found (`3 trails`), why it was skipped, or what failed. */
  detail: string
}

export interface TrailStatus {
  IsLogging?: boolean | UnknownValue
  LatestDeliveryError?: string
  LatestNotificationError?: string
  LatestDeliveryTime?: string
  LatestNotificationTime?: string
  StartLoggingTime?: string
  StopLoggingTime?: string
  LatestCloudWatchLogsDeliveryError?: string
  LatestCloudWatchLogsDeliveryTime?: string
  LatestDigestDeliveryTime?: string
  LatestDigestDeliveryError?: string
  [key: string]: unknown
}

export interface DataResource {
  Type?: string
  Values?: string[]
}

export interface EventSelector {
  ReadWriteType?: 'ReadOnly' | 'WriteOnly' | 'All'
  IncludeManagementEvents?: boolean
  DataResources?: DataResource[]
  ExcludeManagementEventSources?: string[]
}

export interface AdvancedFieldSelector {
  Field: string
  Equals?: string[]
  StartsWith?: string[]
  EndsWith?: string[]
  NotEquals?: string[]
  NotStartsWith?: string[]
  NotEndsWith?: string[]
}

export interface AdvancedEventSelector {
  Name?: string
  FieldSelectors: AdvancedFieldSelector[]
}

export type ManagementEventsCoverage = 'ReadWrite' | 'ReadOnly' | 'WriteOnly' | 'None'

/** Derived once in code; policies read them under `Facts`. */
export interface TrailFacts {
  /** Basic and advanced selectors alike; a trail with no selectors logs all management events. */
  ManagementEvents: ManagementEventsCoverage | UnknownValue
  ExcludesManagementEventSources: boolean | UnknownValue
  EventSelectorCount: number | UnknownValue
  /** Σ values of basic selectors' DataResources (quota 250 per trail). */
  DataResourceCount: number | UnknownValue
  /** Σ condition values across all advanced selectors (quota 500 per trail). */
  AdvancedSelectorValueCount: number | UnknownValue
  LogsDataEvents: {S3: boolean; Lambda: boolean; DynamoDB: boolean; Other: boolean} | UnknownValue
  /** False on the trail subject itself; true on copies shown in a region other than its home. */
  IsShadow: boolean
  /** True when the trail belongs to another account than the one whose evidence it is (organization trails). */
  IsOtherAccount: boolean
}

/** The `DescribeTrails` object plus what the other CloudTrail calls say about the trail. */
export interface TrailDocument {
  Name?: string | UnknownValue
  TrailARN?: string | UnknownValue
  HomeRegion?: string | UnknownValue
  S3BucketName?: string | UnknownValue
  S3KeyPrefix?: string | UnknownValue
  SnsTopicName?: string | UnknownValue
  SnsTopicARN?: string | UnknownValue
  IncludeGlobalServiceEvents?: boolean | UnknownValue
  IsMultiRegionTrail?: boolean | UnknownValue
  LogFileValidationEnabled?: boolean | UnknownValue
  CloudWatchLogsLogGroupArn?: string | UnknownValue
  CloudWatchLogsRoleArn?: string | UnknownValue
  KmsKeyId?: string | UnknownValue
  HasCustomEventSelectors?: boolean | UnknownValue
  HasInsightSelectors?: boolean | UnknownValue
  IsOrganizationTrail?: boolean | UnknownValue
  Status?: TrailStatus
  EventSelectors?: EventSelector[] | UnknownValue
  AdvancedEventSelectors?: AdvancedEventSelector[] | UnknownValue
  InsightSelectors?: {InsightType: string}[] | UnknownValue
  Tags?: Record<string, string | UnknownValue>
  Facts: TrailFacts
  [key: string]: unknown
}

export interface RegionDocument {
  AccountId: string
  Region: string
  /** Every trail that logs in the region: its own, shadow copies of multi-region trails, organization trails. Unknown when the region's listing could not be read. */
  Trails: TrailDocument[] | UnknownValue
  Facts: {TrailCount: number | UnknownValue; ShadowTrailCount: number | UnknownValue; OrganizationTrailCount: number | UnknownValue}
  [key: string]: unknown
}

export interface AccountDocument {
  AccountId: string
  Regions: string[]
  /** Each trail once, and one unknown for each region whose listing could not be read; unknown when none could. */
  Trails: (TrailDocument | UnknownValue)[] | UnknownValue
  Facts: {TrailCount: number; MultiRegionTrailCount: number; LoggingTrailCount: number}
  /** The metric filters, alarms and topics on the log groups the account's trails deliver to. */
  Monitoring?: MonitoringView
  [key: string]: unknown
}

/** What log file integrity found of one object of a CloudTrail archive: a log file, or a digest (present or named and absent). */
export interface ArchiveDocument {
  Object: 'log' | 'digest'
  /** `s3://bucket/key`, or the local path as shown in reports. */
  Key: string
  AccountId: string
  Region: string
  /** Digests: the trail named in the digest's key. Log files: the trails whose digests list it. */
  Trails: string[]
  /** `valid`, or the first thing wrong with the object; unknown when nothing can say (a log file no digest covers yet). */
  Verdict: 'valid' | 'modified' | 'deleted' | 'not-covered' | 'invalid-format' | 'unreadable' | 'moved' | 'missing' | 'reordered' | UnknownValue
  /** Every problem found, as the AWS CLI words them where it has words (`hash value doesn't match`). */
  Problems: string[]
  /** Digests: the RSA signature over the digest; unknown when it could not be checked (and why). */
  Signature?: 'valid' | 'invalid' | UnknownValue
  /** Digests that start a chain after an earlier one: the span with no digest (logging or validation was off). */
  Gap?: string
  [key: string]: unknown
}

export type TrailSubject = Subject<TrailDocument>
export type RegionSubject = Subject<RegionDocument>
export type AccountSubject = Subject<AccountDocument>
export type EventSubject = Subject<Record<string, unknown>>
export type ArchiveSubject = Subject<ArchiveDocument>

/** Everything the readers learned, ready for evaluation. */
export interface Inventory {
  trails: TrailSubject[]
  regions: RegionSubject[]
  accounts: AccountSubject[]
  /** Objects of CloudTrail archives judged for log file integrity (empty when no digest was among the inputs). */
  archives: ArchiveSubject[]
  inputs: InputRecord[]
  diagnostics: Diagnostic[]
  /** Statements about how the evidence was read, shown in reports, e.g.
   *  "account 111122223333 inferred from the trails' ARNs". */
  notes: string[]
  /** CloudTrail log files (absolute paths) left for the streaming event scan rather than read into memory. */
  eventFiles: string[]
  /** CloudTrail public keys a snapshot among the inputs carries (`audit --save-snapshot`). */
  publicKeys?: SavedPublicKeys
}

/** CloudTrail public keys saved with a snapshot, and why some could not be (a region ListPublicKeys failed in). */
export interface SavedPublicKeys {
  keys: {fingerprint: string; value: string; validityStart?: string; validityEnd?: string}[]
  problems: string[]
  /** The span they were listed for, as ISO times. */
  since: string
  until: string
}

export function emptyInventory(): Inventory {
  return {trails: [], regions: [], accounts: [], archives: [], inputs: [], diagnostics: [], notes: [], eventFiles: []}
}

/** Why a `require` failed or what a `forbid` matched, per leaf. */
export interface Detail {
  path: string
  expected: string
  actual: string
}

export interface Suppression {
  kind: 'waiver' | 'inline' | 'tag'
  reason: string
  expires?: string
  approvedBy?: string
  source?: Location
}

export interface Result {
  policy: string
  title: string
  severity: Severity
  status: Status
  message: string
  subject: SubjectRef
  /** Where a person should look: the offending property, else the resource / trail object. */
  location?: Location
  /** Logical identity for reports that have no file (CDK construct path, Terraform address, ARN). */
  logical?: {logicalId?: string; address?: string; constructPath?: string}
  details?: Detail[]
  suppression?: Suppression
  remediation?: string
}
