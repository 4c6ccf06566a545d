/**
 * The trailgate snapshot: what live collection saw, as plain JSON that `trailgate check` reads back.
 * Trail objects keep AWS's own field names, as the AWS CLI prints them (timestamps as ISO strings).
 * Version 2 adds each account's CloudWatch monitoring (metric filters, alarms, SNS subscriptions);
 * version 1 snapshots are still read, their monitoring unknown.
 */

export const SNAPSHOT_KIND = 'trailgate-snapshot'
export const SNAPSHOT_VERSION = 2

/** What could not be read: one call that failed after retries, or a whole account that could not be entered. */
export interface SnapshotError {
  region?: string
  operation: string
  message: string
  code?: string
}

/** A `DescribeTrails` trail object plus what the trail's home region said about it. */
export interface SnapshotTrail {
  Name?: string
  TrailARN?: string
  HomeRegion?: string
  IsMultiRegionTrail?: boolean
  IsOrganizationTrail?: boolean
  HasCustomEventSelectors?: boolean
  HasInsightSelectors?: boolean
  /** `GetTrailStatus`; absent when it could not be read (see `errors`) or the trail belongs to another account. */
  Status?: Record<string, unknown>
  EventSelectors?: Record<string, unknown>[]
  AdvancedEventSelectors?: Record<string, unknown>[]
  InsightSelectors?: Record<string, unknown>[]
  Tags?: Record<string, string>
  [field: string]: unknown
}

/** What monitoring could not be read, and why: the reader makes it unknown, never absent. */
export interface SnapshotMonitoringGap {
  what: 'metric-filters' | 'alarms' | 'subscriptions'
  /** The log group ARN (without `:*`) or topic ARN the gap is about. */
  key?: string
  region?: string
  why: string
}

/** A topic's subscriptions as `ListSubscriptionsByTopic` lists them, every page. */
export interface SnapshotTopic {
  TopicArn: string
  region: string
  Subscriptions: Record<string, unknown>[]
}

/**
 * The CloudWatch monitoring of the log groups the account's own trails deliver to. Entries keep AWS's
 * field names (`DescribeMetricFilters`, `DescribeAlarms`, `ListSubscriptionsByTopic`) plus `region`.
 */
export interface SnapshotMonitoring {
  /** Each filter of each log group listed, with `logGroupName` and `region`. */
  metricFilters: Record<string, unknown>[]
  /** The metric alarms of each region listed that watch a metric of a listed filter. */
  alarms: Record<string, unknown>[]
  topics: SnapshotTopic[]
  /** What was listed completely, so that absence there is absence. */
  listed: {
    /** Log group ARNs (without `:*`) whose every metric filter was read. */
    logGroups: string[]
    /** Regions whose every metric alarm was read (DescribeAlarms, every page). */
    alarmRegions: string[]
    /** Topic ARNs whose every subscription was read. */
    topics: string[]
  }
  gaps: SnapshotMonitoringGap[]
}

export interface SnapshotAccount {
  accountId: string
  partition: string
  /** Regions examined. A region that failed is listed here and in `errors`, and has no `regionTrails` entry. */
  regions: string[]
  /** Each trail the account can see, once (organization trails of the management account included). */
  trails: SnapshotTrail[]
  /** Per region, the ARNs `DescribeTrails` (with shadow trails) listed there. */
  regionTrails: Record<string, string[]>
  /** Absent when the account could not be entered: its monitoring is then unknown. */
  monitoring?: SnapshotMonitoring
  errors?: SnapshotError[]
}

/** One key of `ListPublicKeys`, with the region that listed it: the DER key (PKCS#1) in base64. */
export interface SnapshotPublicKey {
  region: string
  fingerprint: string
  value: string
  validityStart?: string
  validityEnd?: string
}

/** The keys CloudTrail signed digests with over a span, for proving a bucket copy's integrity offline. */
export interface SnapshotPublicKeys {
  since: string
  until: string
  /** Regions asked (the audited trails' home regions); one that failed is in `errors`. */
  regions: string[]
  keys: SnapshotPublicKey[]
  errors: SnapshotError[]
}

export interface SnapshotDocument {
  kind: typeof SNAPSHOT_KIND
  version: typeof SNAPSHOT_VERSION
  collectedAt: string
  tool: {name: 'trailgate'; version: string}
  organization?: {id: string; managementAccountId: string}
  accounts: SnapshotAccount[]
  /** `audit --save-snapshot`: the CloudTrail public keys of the audited trails' home regions. */
  publicKeys?: SnapshotPublicKeys
}
