/**
 * The trailgate snapshot: what live collection saw, as plain JSON that `trailgate check` reads back.
 * Trail objects keep AWS's own field names, as the AWS CLI prints them (timestamps as ISO strings).
 */

export const SNAPSHOT_KIND = 'trailgate-snapshot'
export const SNAPSHOT_VERSION = 1

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

export interface SnapshotAccount {
  accountId: string
  partition: string
  /** Regions examined. A region that failed is listed here and in `errors`, and has no `regionTrails` entry. */
  regions: string[]
  /** Each trail the account can see, once (organization trails of the management account included). */
  trails: SnapshotTrail[]
  /** Per region, the ARNs `DescribeTrails` (with shadow trails) listed there. */
  regionTrails: Record<string, string[]>
  errors?: SnapshotError[]
}

export interface SnapshotDocument {
  kind: typeof SNAPSHOT_KIND
  version: typeof SNAPSHOT_VERSION
  collectedAt: string
  tool: {name: 'trailgate'; version: string}
  organization?: {id: string; managementAccountId: string}
  accounts: SnapshotAccount[]
}
