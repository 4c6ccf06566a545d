export type RateClass = 'describe' | 'lookup' | 'other' | 'metric-filters' | 'alarms' | 'subscriptions'
export type FakeService = 'cloudtrail' | 'organizations' | 'sts' | 'logs' | 'cloudwatch' | 'sns'

export interface FakeTrail {
  Name: string
  HomeRegion: string
  S3BucketName?: string
  IsMultiRegionTrail?: boolean
  IsOrganizationTrail?: boolean
  [field: string]: unknown
  /** GetTrailStatus answer; timestamps as ISO strings (sent as epoch seconds). IsLogging defaults to true. */
  status?: Record<string, unknown>
  eventSelectors?: Record<string, unknown>[]
  advancedEventSelectors?: Record<string, unknown>[]
  insightSelectors?: {InsightType: string}[]
  tags?: Record<string, string>
}

/** Which requests a fault hits: those of these services, regions and operations (each: all when absent). */
export interface FaultScope {
  services?: FakeService[]
  regions?: string[]
  operations?: string[]
}

export interface FakeFaults {
  /** Access denied (CloudTrail, Organizations, CloudWatch Logs, CloudWatch and SNS unless `services` says otherwise). */
  accessDenied?: true | FaultScope
  /** These requests are never answered (the client's call timeout ends them). */
  timeout?: true | FaultScope
  /** Extra delay per region for CloudTrail and monitoring calls (a slow region). */
  delayMs?: Record<string, number>
  /** The first N requests of an operation answer ThrottlingException. */
  throttle?: Record<string, number>
  /** The first N requests of an operation answer 503 with an HTML body. */
  serverError?: Record<string, number>
  /** The first N requests of an operation answer HTTP 500 InternalFailure. */
  internalError?: Record<string, number>
}

export interface FakeAccount {
  name?: string
  status?: 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE'
  /** Access key ids that act as this account's own principal (the caller's base credentials). */
  accessKeyIds?: string[]
  /** Roles that can be assumed into this account; a role with `externalId` demands it; one with `webIdentityToken` accepts AssumeRoleWithWebIdentity with that token. */
  roles?: Record<string, {externalId?: string; webIdentityToken?: string}>
  /** Opt-in regions this account has not enabled: CloudTrail answers UnrecognizedClientException. */
  disabledRegions?: string[]
  outsideOrganization?: boolean
  trails?: FakeTrail[]
  /** CloudTrail records per region, served by LookupEvents. */
  events?: Record<string, ({eventID: string; eventName: string; eventSource: string; eventTime: string} & Record<string, unknown>)[]>
  /** `DescribeMetricFilters` entries, each with the region its log group is in. */
  metricFilters?: FakeMetricFilter[]
  /** Log groups (per region) that exist without a metric filter. */
  logGroups?: Record<string, string[]>
  /** `DescribeAlarms` metric alarms, each with its region (AlarmArn, ActionsEnabled, StateValue are filled in). */
  alarms?: FakeAlarm[]
  /** SNS topics of this account: topic ARN → its subscriptions (Owner and TopicArn are filled in). */
  topics?: Record<string, {SubscriptionArn: string; Protocol: string; Endpoint: string}[]>
  faults?: FakeFaults
  /** ListPublicKeys per region: Value is the DER public key, base64 as the API carries blobs. */
  publicKeys?: Record<string, {Value: string; Fingerprint: string; ValidityStartTime: string; ValidityEndTime: string}[]>
}

export interface FakeMetricFilter {
  region: string
  logGroupName: string
  filterName: string
  filterPattern: string
  metricTransformations: {metricName: string; metricNamespace: string; metricValue: string; defaultValue?: number}[]
}

export interface FakeAlarm {
  region: string
  AlarmName: string
  MetricName?: string
  Namespace?: string
  ActionsEnabled?: boolean
  AlarmActions?: string[]
  [field: string]: unknown
}

export interface FakeWorld {
  partition?: string
  /** Regions CloudTrail answers in (default: any). */
  regions?: string[]
  organization?: {id: string; managementAccountId: string; delegatedAdministrators?: string[]; pageSize?: number}
  listTrailsPageSize?: number
  /** Items per page of an operation the service model declares a paginator for (default: AWS's). */
  pageSize?: Record<string, number>
  /** The service stops honouring assumed-role credentials after this long, whatever their Expiration says. */
  sessionLifetimeMs?: number
  accounts: Record<string, FakeAccount>
}

export interface FakeServerOptions {
  /** Delay before each answer: fixed, or uniformly random in [min, max]. */
  latencyMs?: number | [number, number]
  /** Requests per second per account + region + class; `false` disables enforcement. */
  rateLimits?: Partial<Record<RateClass, number>> | false
}

export interface FakeRequest {
  service: FakeService | 'unknown'
  operation: string
  region: string
  account: string | undefined
  status: number
  error?: string
  input: Record<string, unknown> | undefined
  /** The page token answered, when the service model pages the operation and more pages remain. */
  nextToken?: string
}

export interface FakeAws {
  url: string
  port: number
  /** Every request received, in arrival order. */
  requests: FakeRequest[]
  close(): Promise<void>
}

export interface OrganizationWorldOptions {
  accounts: number
  regions: string[]
  roleName: string
  managementAccountId?: string
  organizationId?: string
  pageSize?: number
}

export function cloudTrailRateClass(operation: string): RateClass
/** Operations the vendored service model of `service` declares a paginator for, with the token names. */
export function modelPaginators(service: FakeService): Record<string, {input_token: string; output_token: string; result_key: string | string[]; limit_key?: string}>
export function startFakeAws(world: FakeWorld, options?: FakeServerOptions): Promise<FakeAws>
export function organizationWorld(options: OrganizationWorldOptions): FakeWorld
