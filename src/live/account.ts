import type {CloudTrailClient, ResourceTag} from '@aws-sdk/client-cloudtrail'
import type {Diagnostic} from '../model/types.js'
import {loadCloudTrail, type AwsClients, type CredentialSource} from './aws-clients.js'
import {CallFailure, type CallRunner} from './call.js'
import {isRegionNotEnabled} from './errors.js'
import type {ProgressTracker} from './progress.js'
import {accountOfArn} from './regions.js'
import {toPlainRecord} from './plain.js'
import type {SnapshotAccount, SnapshotError, SnapshotTrail} from './snapshot.js'

/** ListTags accepts at most this many trail ARNs per call. */
const LIST_TAGS_BATCH = 20
const DETAIL_ORDER = ['Status', 'EventSelectors', 'AdvancedEventSelectors', 'InsightSelectors', 'Tags'] as const

export interface CollectionContext {
  clients: AwsClients
  runner: CallRunner
  progress: ProgressTracker
  diagnostics: Diagnostic[]
}

export interface AccountTarget {
  accountId: string
  partition: string
  /** Undefined: the clients' own default credential chain (profile, environment, SSO, web identity). */
  credentials: CredentialSource | undefined
  /** Assumed roles: renew the credentials when the service says they expired. */
  renewCredentials?: (since: number) => void
}

export interface RegionPlan {
  region: string
  /** An opt-in region tried by default: if the account has not enabled it, it is skipped, not failed. */
  optional: boolean
}

export interface AccountOutcome {
  account: SnapshotAccount
  /** Opt-in regions that answered "not enabled". */
  skippedRegions: string[]
}

/** A stable code for a failed call's diagnostic (SNS says AuthorizationError where others say AccessDenied). */
function diagnosticCode(failure: CallFailure): string {
  if (failure.code === 'Timeout') return 'live-timeout'
  if (/AccessDenied|UnauthorizedOperation|NotAuthorized|AuthorizationError/i.test(failure.code)) return 'live-access-denied'
  return 'live-call-failed'
}

export function recordFailure(
  context: CollectionContext,
  errors: SnapshotError[],
  accountId: string,
  error: unknown,
  about?: string,
): void {
  const failure = error instanceof CallFailure ? error : undefined
  const operation = failure?.operation ?? 'collect'
  const code = failure?.code
  const message = error instanceof Error ? error.message : String(error)
  errors.push({...(failure?.region === undefined ? {} : {region: failure.region}), operation, message, ...(code === undefined ? {} : {code})})
  const where = failure?.region === undefined ? `account ${accountId}` : `account ${accountId}, ${failure.region}`
  const subject = about === undefined ? '' : ` of ${about}`
  context.diagnostics.push({
    severity: 'error',
    code: failure === undefined ? 'live-call-failed' : diagnosticCode(failure),
    message: `${where}: ${operation}${subject} failed: ${code === undefined ? '' : `${code}: `}${message}`,
  })
}

/**
 * Everything one account shows: `DescribeTrails` (with shadow trails) once per region, then each of
 * its own trails' status, event selectors, insight selectors and tags once, from the trail's home
 * region. Trails owned by another account (organization trails seen from a member) are kept as
 * `DescribeTrails` gave them: their details are not readable from here.
 */
export async function collectAccount(context: CollectionContext, target: AccountTarget, plan: readonly RegionPlan[]): Promise<AccountOutcome> {
  const sdk = await loadCloudTrail()
  const {accountId} = target
  const errors: SnapshotError[] = []
  const regionTrails: Record<string, string[]> = {}
  const examined = new Set<string>()
  const skippedRegions: string[] = []
  const trails = new Map<string, {trail: SnapshotTrail; fromHome: boolean}>()

  const call = async <T>(region: string, operation: string, send: (client: CloudTrailClient, abortSignal: AbortSignal) => Promise<T>) => {
    const client = await context.clients.cloudTrail(accountId, region, target.credentials)
    const renew = target.renewCredentials === undefined ? {} : {renewCredentials: target.renewCredentials}
    return context.runner.run({operation, account: accountId, region, rateLimited: true, ...renew}, (abortSignal) => send(client, abortSignal))
  }
  const fail = (error: unknown, about?: string) => recordFailure(context, errors, accountId, error, about)
  // CloudTrail's model pages ListTags (NextToken): every page is read, or the tags would be cut short.
  const listTags = async (region: string, ids: string[]) => {
    const entries: ResourceTag[] = []
    let nextToken: string | undefined
    do {
      const token = nextToken
      const page = await call(region, 'ListTags', (client, abortSignal) =>
        client.send(new sdk.ListTagsCommand({ResourceIdList: ids, ...(token === undefined ? {} : {NextToken: token})}), {abortSignal}),
      )
      for (const entry of page.ResourceTagList ?? []) entries.push(entry)
      nextToken = page.NextToken
    } while (nextToken !== undefined && nextToken !== '')
    return entries
  }

  await Promise.all(
    plan.map(async ({region, optional}) => {
      try {
        const answer = await call(region, 'DescribeTrails', (client, abortSignal) =>
          client.send(new sdk.DescribeTrailsCommand({includeShadowTrails: true}), {abortSignal}),
        )
        examined.add(region)
        const arns: string[] = []
        for (const listed of answer.trailList ?? []) {
          const trail: SnapshotTrail = toPlainRecord(listed)
          const arn = trail.TrailARN ?? trail.Name ?? ''
          arns.push(arn)
          const fromHome = trail.HomeRegion === region
          const known = trails.get(arn)
          if (known === undefined || (fromHome && !known.fromHome)) trails.set(arn, {trail, fromHome})
        }
        regionTrails[region] = arns
      } catch (error) {
        if (optional && isRegionNotEnabled(error)) {
          skippedRegions.push(region)
        } else {
          examined.add(region)
          fail(error)
        }
      } finally {
        context.progress.regionDone()
      }
    }),
  )

  const owned = [...trails.values()].map(({trail}) => trail).filter((trail) => accountOfArn(trail.TrailARN ?? '') === accountId)

  const details = owned.map(async (trail) => {
    const arn = trail.TrailARN as string
    const home = trail.HomeRegion ?? plan[0]?.region ?? 'us-east-1'
    const status = call(home, 'GetTrailStatus', (client, abortSignal) => client.send(new sdk.GetTrailStatusCommand({Name: arn}), {abortSignal}))
      .then((answer) => {
        trail.Status = toPlainRecord(answer)
      })
      .catch((error: unknown) => fail(error, `trail ${arn}`))
    const selectors = call(home, 'GetEventSelectors', (client, abortSignal) =>
      client.send(new sdk.GetEventSelectorsCommand({TrailName: arn}), {abortSignal}),
    )
      .then((answer) => {
        const plain = toPlainRecord(answer)
        if (Array.isArray(plain.EventSelectors)) trail.EventSelectors = plain.EventSelectors as Record<string, unknown>[]
        if (Array.isArray(plain.AdvancedEventSelectors)) trail.AdvancedEventSelectors = plain.AdvancedEventSelectors as Record<string, unknown>[]
      })
      .catch((error: unknown) => fail(error, `trail ${arn}`))
    const insights =
      trail.HasInsightSelectors === true
        ? call(home, 'GetInsightSelectors', (client, abortSignal) =>
            client.send(new sdk.GetInsightSelectorsCommand({TrailName: arn}), {abortSignal}),
          )
            .then((answer) => {
              const plain = toPlainRecord(answer)
              trail.InsightSelectors = Array.isArray(plain.InsightSelectors) ? (plain.InsightSelectors as Record<string, unknown>[]) : []
            })
            .catch((error: unknown) => {
              // Insights switched off between DescribeTrails and this call: there are none.
              if (error instanceof CallFailure && error.code === 'InsightNotEnabledException') trail.InsightSelectors = []
              else fail(error, `trail ${arn}`)
            })
        : Promise.resolve()
    await Promise.all([status, selectors, insights])
  })

  const byHome = new Map<string, SnapshotTrail[]>()
  for (const trail of owned) {
    const home = trail.HomeRegion ?? ''
    byHome.set(home, [...(byHome.get(home) ?? []), trail])
  }
  const tagBatches: Promise<void>[] = []
  for (const [home, homed] of byHome) {
    for (let start = 0; start < homed.length; start += LIST_TAGS_BATCH) {
      const batch = homed.slice(start, start + LIST_TAGS_BATCH)
      const ids = batch.map((trail) => trail.TrailARN as string)
      tagBatches.push(
        listTags(home, ids)
          .then((entries) => {
            const byArn = new Map(entries.map((entry) => [entry.ResourceId, entry.TagsList ?? []]))
            for (const trail of batch) {
              const tags = byArn.get(trail.TrailARN) ?? []
              trail.Tags = Object.fromEntries(tags.map((tag) => [tag.Key ?? '', tag.Value ?? '']))
            }
          })
          .catch((error: unknown) => fail(error, `${ids.length === 1 ? 'trail' : 'trails'} ${ids.join(', ')}`)),
      )
    }
  }
  await Promise.all([...details, ...tagBatches])

  // Answers arrive in any order; the snapshot lists each trail's details in one fixed order.
  for (const trail of owned) {
    const record: Record<string, unknown> = trail
    for (const field of DETAIL_ORDER) {
      if (field in record) {
        const value = record[field]
        delete record[field]
        record[field] = value
      }
    }
  }

  const regionOrder = plan.map(({region}) => region)
  const account: SnapshotAccount = {
    accountId,
    partition: target.partition,
    regions: regionOrder.filter((region) => examined.has(region)),
    trails: [...trails.values()].map(({trail}) => trail).sort((a, b) => String(a.TrailARN).localeCompare(String(b.TrailARN))),
    regionTrails: Object.fromEntries(regionOrder.filter((region) => region in regionTrails).map((region) => [region, regionTrails[region]])),
  }
  if (errors.length > 0) account.errors = errors
  return {account, skippedRegions}
}
