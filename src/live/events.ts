import type {Diagnostic} from '../model/types.js'
import {loadCloudTrail} from './aws-clients.js'
import {CallFailure} from './call.js'
import {callerIdentity} from './organization.js'
import {defaultRegions, isOptInRegion} from './regions.js'
import {isRegionNotEnabled} from './errors.js'
import {openSession, type SessionOptions} from './session.js'

export interface LookupEventsOptions extends SessionOptions {
  /** Events at or after this time (CloudTrail keeps 90 days of event history). */
  since: Date
  until?: Date
  /** Regions to read; default: every commercial region of the partition (opt-in ones when enabled). */
  regions?: string[]
  /** Stop a region after this many events (default: no limit). */
  maxEventsPerRegion?: number
}

export interface LookedUpEvent {
  account: string
  region: string
  /** The CloudTrail record, parsed from LookupEvents' `CloudTrailEvent`. */
  record: Record<string, unknown>
}

export interface LookupEventsResult {
  events: LookedUpEvent[]
  diagnostics: Diagnostic[]
  stats: {calls: number; throttles: number; serverErrors: number; retries: number; ms: number}
}

/** LookupEvents answers at most 50 events per page. */
const PAGE_SIZE = 50

/**
 * The caller's account's recent management events, region by region, paged within LookupEvents'
 * limit of 2 requests per second per account and region.
 */
export async function lookupRecentEvents(options: LookupEventsOptions): Promise<LookupEventsResult> {
  const started = performance.now()
  const diagnostics: Diagnostic[] = []
  const events: LookedUpEvent[] = []
  const session = await openSession(options, () => {})
  const {runner} = session
  try {
    const caller = await callerIdentity(runner, session.sts)
    const sdk = await loadCloudTrail()
    const asked = options.regions !== undefined && options.regions.length > 0
    const regions = asked ? [...new Set(options.regions)] : defaultRegions(caller.partition)
    await Promise.all(
      regions.map(async (region) => {
        const client = await session.clients.cloudTrail(caller.accountId, region, session.baseCredentials)
        let nextToken: string | undefined
        let count = 0
        try {
          do {
            const token = nextToken
            const page = await runner.run({operation: 'LookupEvents', account: caller.accountId, region, rateLimited: true}, (abortSignal) =>
              client.send(
                new sdk.LookupEventsCommand({
                  StartTime: options.since,
                  ...(options.until === undefined ? {} : {EndTime: options.until}),
                  MaxResults: PAGE_SIZE,
                  ...(token === undefined ? {} : {NextToken: token}),
                }),
                {abortSignal},
              ),
            )
            for (const event of page.Events ?? []) {
              const record = parseRecord(event.CloudTrailEvent)
              if (record === undefined) {
                diagnostics.push({
                  severity: 'warning',
                  code: 'live-event-unreadable',
                  message: `account ${caller.accountId}, ${region}: event ${event.EventId ?? '(no id)'} has no readable CloudTrailEvent JSON`,
                })
              } else {
                events.push({account: caller.accountId, region, record})
              }
              count++
            }
            nextToken = page.NextToken
          } while (nextToken !== undefined && (options.maxEventsPerRegion === undefined || count < options.maxEventsPerRegion))
          if (nextToken !== undefined) {
            diagnostics.push({
              severity: 'warning',
              code: 'live-events-truncated',
              message: `account ${caller.accountId}, ${region}: stopped after ${count} events (maxEventsPerRegion); later events were not judged`,
            })
          }
        } catch (error) {
          if (!asked && isOptInRegion(region) && isRegionNotEnabled(error)) return
          const reason = error instanceof CallFailure ? `${error.code}: ${error.message}` : String(error)
          diagnostics.push({
            severity: 'error',
            code: 'live-call-failed',
            message: `account ${caller.accountId}, ${region}: LookupEvents failed after ${count} events: ${reason}`,
          })
        }
      }),
    )
  } catch (error) {
    const reason = error instanceof CallFailure ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error)
    diagnostics.push({severity: 'error', code: 'live-credentials', message: `no events could be read: GetCallerIdentity failed: ${reason}`})
  } finally {
    session.close()
  }
  const {calls, throttles, serverErrors, retries} = runner.counters
  return {events, diagnostics, stats: {calls, throttles, serverErrors, retries, ms: Math.round(performance.now() - started)}}
}

function parseRecord(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}
