import type {Diagnostic} from '../model/types.js'
import {collectAccount, recordFailure, type AccountTarget, type CollectionContext, type RegionPlan} from './account.js'
import type {AwsClients, CredentialSource} from './aws-clients.js'
import {CallFailure} from './call.js'
import {
  assumedRoleCredentials,
  callerIdentity,
  describeOrganization,
  listOrganizationAccounts,
  type CallerIdentity,
  type OrganizationInfo,
} from './organization.js'
import {collectMonitoring} from './monitoring.js'
import {ProgressTracker, type LiveProgress} from './progress.js'
import {accountOfArn, defaultRegions, isOptInRegion} from './regions.js'
import {openSession, type SessionOptions} from './session.js'
import {shareOrganizationTrailDetails} from './share.js'
import {SNAPSHOT_KIND, SNAPSHOT_VERSION, type SnapshotAccount, type SnapshotDocument, type SnapshotError, type SnapshotPublicKeys} from './snapshot.js'
import {collectPublicKeys} from './public-keys.js'
import {VERSION} from '../util/version.js'
import {appendAll} from '../util/arrays.js'

export type {LiveProgress} from './progress.js'
export {formatProgress} from './progress.js'
export type {SnapshotAccount, SnapshotDocument, SnapshotError, SnapshotPublicKeys, SnapshotTrail} from './snapshot.js'
export {SNAPSHOT_KIND, SNAPSHOT_VERSION} from './snapshot.js'
export {lookupRecentEvents, type LookupEventsOptions, type LookupEventsResult, type LookedUpEvent} from './events.js'

export interface LiveOptions extends SessionOptions {
  /** The session's region, as the AWS CLI's --region (STS and Organizations are asked there); default: AWS_REGION, the profile's region, else us-east-1. Not what is audited: see `regions`. */
  region?: string
  /** Regions to examine; default: every commercial region of the partition (opt-in ones when enabled). */
  regions?: string[]
  org?: boolean
  /** Role assumed in each account other than the caller's (default OrganizationAccountAccessRole). */
  roleName?: string
  externalId?: string
  /** Only these accounts (with `org`: a filter on the organization's accounts; without: accounts to assume `roleName` in). */
  accounts?: string[]
  excludeAccounts?: string[]
  /** Longest wait for one answer (default 30 s); a call that times out is reported, not retried. */
  callTimeoutMs?: number
  /** Fixed credentials instead of the default chain (tests, embedding). */
  credentials?: {accessKeyId: string; secretAccessKey: string; sessionToken?: string}
  /** Attempts per call (default: AWS_MAX_ATTEMPTS, else the profile's max_attempts, else 8) and the first backoff step (default 200 ms). */
  retry?: {maxAttempts?: number; baseDelayMs?: number}
  /** Requests per second per account and region, by CloudTrail operation class (defaults 10 / 2 / 1). */
  rateLimits?: {describe?: number; lookup?: number; other?: number}
  /** Also list the CloudTrail public keys of the audited trails' home regions over this span (ListPublicKeys). */
  publicKeySpan?: {since: Date; until: Date}
  onProgress?: (progress: LiveProgress) => void
}

export interface LiveStats {
  /** Requests sent, retries included. */
  calls: number
  callsByOperation: Record<string, number>
  /** Throttling answers received (each was retried). */
  throttles: number
  /** HTTP 5xx answers received (retried while attempts remained). */
  serverErrors: number
  /** Calls sent again with renewed credentials after the service said they had expired. */
  renewals: number
  retries: number
  accounts: number
  /** Account × region pairs examined. */
  regions: number
  ms: number
}

export interface LiveResult {
  snapshot: SnapshotDocument
  diagnostics: Diagnostic[]
  stats: LiveStats
}

export const DEFAULT_ROLE_NAME = 'OrganizationAccountAccessRole'
const SESSION_NAME = 'trailgate-audit'

interface Plan {
  targets: string[]
  organization?: OrganizationInfo
}

/**
 * Collect a snapshot of one account or a whole AWS Organization with the AWS SDK. Failures of an
 * account, a region or a call are part of the result (snapshot `errors` and diagnostics); the rest
 * is still collected.
 */
export async function collectLive(options: LiveOptions): Promise<LiveResult> {
  const started = performance.now()
  const diagnostics: Diagnostic[] = []
  // Retries are progress too; the tracker exists before the first call is sent.
  const session = await openSession(options, () => progress.emit())
  const {runner, sts, baseCredentials} = session
  const progress = new ProgressTracker(runner.counters, options.onProgress)
  const context: CollectionContext = {clients: session.clients, runner, progress, diagnostics}
  const accounts: SnapshotAccount[] = []
  let organization: OrganizationInfo | undefined
  let publicKeys: SnapshotPublicKeys | undefined
  try {
    let caller: CallerIdentity | undefined
    try {
      caller = await callerIdentity(runner, sts)
    } catch (error) {
      const reason = error instanceof CallFailure ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error)
      diagnostics.push({severity: 'error', code: 'live-credentials', message: `no account could be audited: GetCallerIdentity failed: ${reason}`})
    }
    if (caller !== undefined) {
      const plan = await planTargets(context, options, caller, session.region, baseCredentials)
      organization = plan.organization
      const regionPlan = planRegions(options.regions, caller.partition)
      progress.plan(plan.targets.length, regionPlan.length)
      const skipped = new Map<string, string[]>()
      // Every account is scheduled at once; the runner's slots pace them: a new account starts only
      // when no call of a started one is waiting, and a slow region holds only its own share.
      const outcomes = await Promise.all(plan.targets.map(async (accountId) => {
        const admitted = await runner.admit()
        const target = await enterAccount(context, options, caller, accountId, sts, baseCredentials).finally(admitted)
        if ('failed' in target) {
          progress.accountDone(regionPlan.length)
          return target.failed
        }
        const outcome = await collectAccount(context, target, regionPlan)
        await addMonitoring(context, target, outcome.account)
        progress.accountDone()
        for (const region of outcome.skippedRegions) skipped.set(region, [...(skipped.get(region) ?? []), accountId])
        return outcome.account
      }))
      appendAll(accounts, outcomes)
      reportSkippedRegions(diagnostics, skipped)
      appendAll(diagnostics, shareOrganizationTrailDetails(accounts))
      if (options.publicKeySpan) publicKeys = await collectPublicKeys(context, {accountId: caller.accountId, credentials: baseCredentials}, homeRegions(accounts), options.publicKeySpan)
    }
  } finally {
    session.close()
  }
  const snapshot: SnapshotDocument = {
    kind: SNAPSHOT_KIND,
    version: SNAPSHOT_VERSION,
    collectedAt: new Date().toISOString(),
    tool: {name: 'trailgate', version: VERSION},
    ...(organization === undefined ? {} : {organization}),
    accounts,
    ...(publicKeys === undefined ? {} : {publicKeys}),
  }
  const counters = runner.counters
  return {
    snapshot,
    diagnostics,
    stats: {
      calls: counters.calls,
      callsByOperation: {...counters.callsByOperation},
      throttles: counters.throttles,
      serverErrors: counters.serverErrors,
      renewals: counters.renewals,
      retries: counters.retries,
      accounts: accounts.length,
      regions: accounts.reduce((sum, account) => sum + account.regions.length, 0),
      ms: Math.round(performance.now() - started),
    },
  }
}

/** Where the audited trails' digests are signed: each trail's home region. */
function homeRegions(accounts: SnapshotAccount[]): string[] {
  return [...new Set(accounts.flatMap((account) => account.trails.map((trail) => trail.HomeRegion).filter((region): region is string => typeof region === 'string' && region !== '')))]
}

function planRegions(asked: string[] | undefined, partition: string): RegionPlan[] {
  if (asked !== undefined && asked.length > 0) return [...new Set(asked)].map((region) => ({region, optional: false}))
  return defaultRegions(partition).map((region) => ({region, optional: isOptInRegion(region)}))
}

/** Which accounts to audit: the organization's active accounts, the accounts named, or the caller's own. */
async function planTargets(
  context: CollectionContext,
  options: LiveOptions,
  caller: CallerIdentity,
  region: string,
  baseCredentials: CredentialSource | undefined,
): Promise<Plan> {
  const excluded = new Set(options.excludeAccounts ?? [])
  const named = options.accounts !== undefined && options.accounts.length > 0 ? [...new Set(options.accounts)] : undefined
  if (options.org !== true) {
    return {targets: (named ?? [caller.accountId]).filter((id) => !excluded.has(id))}
  }
  const organizations = await context.clients.organizations(region, baseCredentials)
  let organization: OrganizationInfo | undefined
  try {
    organization = await describeOrganization(context.runner, organizations)
    const members = await listOrganizationAccounts(context.runner, organizations)
    const inactive = members.filter((account) => account.status !== 'ACTIVE')
    if (inactive.length > 0) {
      context.diagnostics.push({
        severity: 'warning',
        code: 'live-account-inactive',
        message: `not audited, not active in the organization: ${inactive.map((account) => `${account.id} (${account.status})`).join(', ')}`,
      })
    }
    const active = new Set(members.filter((account) => account.status === 'ACTIVE').map((account) => account.id))
    for (const id of named ?? []) {
      if (!members.some((account) => account.id === id)) {
        context.diagnostics.push({severity: 'error', code: 'live-unknown-account', message: `account ${id} was asked for but is not in organization ${organization.id}`})
      }
    }
    const wanted = named === undefined ? [...active] : named.filter((id) => active.has(id))
    return {targets: wanted.filter((id) => !excluded.has(id)), organization}
  } catch (error) {
    recordFailure(context, [], caller.accountId, error)
    context.diagnostics.push({
      severity: 'error',
      code: 'live-organization',
      message: `the organization's accounts could not be listed from account ${caller.accountId}; only that account is audited`,
    })
    return {targets: excluded.has(caller.accountId) ? [] : [caller.accountId], ...(organization === undefined ? {} : {organization})}
  }
}

/** Credentials for one account: the caller's own, or the role assumed in it. */
async function enterAccount(
  context: CollectionContext,
  options: LiveOptions,
  caller: CallerIdentity,
  accountId: string,
  sts: Awaited<ReturnType<AwsClients['sts']>>,
  baseCredentials: CredentialSource | undefined,
): Promise<AccountTarget | {failed: SnapshotAccount}> {
  if (accountId === caller.accountId) return {accountId, partition: caller.partition, credentials: baseCredentials}
  const roleArn = `arn:${caller.partition}:iam::${accountId}:role/${options.roleName ?? DEFAULT_ROLE_NAME}`
  const credentials = assumedRoleCredentials(context.runner, sts, {
    roleArn,
    sessionName: SESSION_NAME,
    ...(options.externalId === undefined ? {} : {externalId: options.externalId}),
  })
  try {
    await credentials()
    return {accountId, partition: caller.partition, credentials, renewCredentials: credentials.renew}
  } catch (error) {
    const errors: SnapshotError[] = []
    recordFailure(context, errors, accountId, error, roleArn)
    return {failed: {accountId, partition: caller.partition, regions: [], trails: [], regionTrails: {}, errors}}
  }
}

/** The monitoring of the log groups the account's own trails deliver to; its failed calls join the account's errors. */
async function addMonitoring(context: CollectionContext, target: AccountTarget, account: SnapshotAccount): Promise<void> {
  const own = account.trails.filter((trail) => accountOfArn(trail.TrailARN ?? '') === account.accountId)
  const errors = account.errors ?? []
  delete account.errors
  account.monitoring = await collectMonitoring(context, target, own, new Set(account.regions), errors)
  if (errors.length > 0) account.errors = errors
}

/** Opt-in regions an account has not enabled are not failures, but they are said, once per region. */
function reportSkippedRegions(diagnostics: Diagnostic[], skipped: Map<string, string[]>): void {
  for (const [region, accountIds] of [...skipped].sort(([a], [b]) => a.localeCompare(b))) {
    const who = accountIds.length === 1 ? `account ${accountIds[0]}` : `${accountIds.length} accounts (${[...accountIds].sort().join(', ')})`
    diagnostics.push({
      severity: 'warning',
      code: 'live-region-not-enabled',
      message: `opt-in region ${region} is not enabled in ${who}: not examined there`,
    })
  }
}
