import {compactUtcMillis} from './utc-time.js'

/** What the event samples prove about a trail's coverage, per account. */
export interface CoverageEvidence {
  account: string
  /** Regions that delivered events (awsRegion of the records), sorted. */
  regions: string[]
  /** True when events of a global service (IAM, STS, CloudFront, Route 53, …) are present. */
  globalServiceEvents: boolean
  /** True when data events (eventCategory Data, or managementEvent false) are present. */
  dataEvents: boolean
  records: number
  firstEventTime?: string
  lastEventTime?: string
}

/** Services whose events CloudTrail logs as global (delivered with us-east-1 to trails that include global services). */
export const GLOBAL_SERVICE_SOURCES: ReadonlySet<string> = new Set([
  'iam.amazonaws.com',
  'sts.amazonaws.com',
  'cloudfront.amazonaws.com',
  'route53.amazonaws.com',
  'route53domains.amazonaws.com',
  'waf.amazonaws.com',
  'organizations.amazonaws.com',
  'globalaccelerator.amazonaws.com',
  'shield.amazonaws.com',
])

interface AccountTally {
  regions: Set<string>
  globalServiceEvents: boolean
  dataEvents: boolean
  records: number
  first?: {time: number; text: string}
  last?: {time: number; text: string}
}

export class CoverageTally {
  private readonly accounts = new Map<string, AccountTally>()

  add(record: Record<string, unknown>, fallbackAccount: string): void {
    const identity = record.userIdentity as {accountId?: unknown} | undefined
    const account = typeof record.recipientAccountId === 'string' ? record.recipientAccountId : typeof identity?.accountId === 'string' ? identity.accountId : fallbackAccount
    let tally = this.accounts.get(account)
    if (!tally) {
      tally = {regions: new Set(), globalServiceEvents: false, dataEvents: false, records: 0}
      this.accounts.set(account, tally)
    }
    tally.records++
    if (typeof record.awsRegion === 'string') tally.regions.add(record.awsRegion)
    if (!tally.globalServiceEvents && typeof record.eventSource === 'string' && GLOBAL_SERVICE_SOURCES.has(record.eventSource)) tally.globalServiceEvents = true
    if (!tally.dataEvents && (record.eventCategory === 'Data' || record.managementEvent === false)) tally.dataEvents = true
    if (typeof record.eventTime === 'string') {
      const time = compactUtcMillis(record.eventTime) ?? Date.parse(record.eventTime)
      if (!Number.isNaN(time)) {
        if (!tally.first || time < tally.first.time) tally.first = {time, text: record.eventTime}
        if (!tally.last || time > tally.last.time) tally.last = {time, text: record.eventTime}
      }
    }
  }

  evidence(): CoverageEvidence[] {
    return [...this.accounts.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([account, tally]) => ({
        account,
        regions: [...tally.regions].sort(),
        globalServiceEvents: tally.globalServiceEvents,
        dataEvents: tally.dataEvents,
        records: tally.records,
        ...(tally.first ? {firstEventTime: tally.first.text} : {}),
        ...(tally.last ? {lastEventTime: tally.last.text} : {}),
      }))
  }
}

/** Joins per-file evidence into one entry per account. */
export function mergeCoverage(parts: CoverageEvidence[]): CoverageEvidence[] {
  const byAccount = new Map<string, CoverageEvidence>()
  for (const part of parts) {
    const seen = byAccount.get(part.account)
    if (!seen) {
      byAccount.set(part.account, {...part, regions: [...part.regions]})
      continue
    }
    seen.regions = [...new Set([...seen.regions, ...part.regions])].sort()
    seen.globalServiceEvents ||= part.globalServiceEvents
    seen.dataEvents ||= part.dataEvents
    seen.records += part.records
    if (part.firstEventTime && (!seen.firstEventTime || Date.parse(part.firstEventTime) < Date.parse(seen.firstEventTime))) seen.firstEventTime = part.firstEventTime
    if (part.lastEventTime && (!seen.lastEventTime || Date.parse(part.lastEventTime) > Date.parse(seen.lastEventTime))) seen.lastEventTime = part.lastEventTime
  }
  return [...byAccount.values()].sort((a, b) => (a.account < b.account ? -1 : a.account > b.account ? 1 : 0))
}
