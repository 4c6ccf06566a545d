import type {Diagnostic} from '../model/types.js'
import {accountOfArn} from './regions.js'
import type {SnapshotAccount, SnapshotTrail} from './snapshot.js'

const DETAIL_FIELDS = ['Status', 'EventSelectors', 'AdvancedEventSelectors', 'InsightSelectors', 'Tags'] as const

/**
 * A member account lists the organization trail but cannot read its details. When the trail's owner
 * (the management account) was audited in the same run, its details are copied to every member's
 * copy, so the members are judged on what the trail really does. Otherwise each such trail is said
 * once: its details stay unknown.
 */
export function shareOrganizationTrailDetails(accounts: readonly SnapshotAccount[]): Diagnostic[] {
  const ownTrails = new Map<string, SnapshotTrail>()
  for (const account of accounts) {
    for (const trail of account.trails) {
      if (trail.TrailARN !== undefined && accountOfArn(trail.TrailARN) === account.accountId) ownTrails.set(trail.TrailARN, trail)
    }
  }
  const unreadable = new Map<string, string[]>()
  for (const account of accounts) {
    for (const trail of account.trails) {
      const arn = trail.TrailARN
      if (arn === undefined || accountOfArn(arn) === account.accountId) continue
      const source = ownTrails.get(arn)
      if (source === undefined) {
        unreadable.set(arn, [...(unreadable.get(arn) ?? []), account.accountId])
        continue
      }
      const copy: Record<string, unknown> = trail
      for (const field of DETAIL_FIELDS) {
        if (source[field] !== undefined) copy[field] = structuredClone(source[field])
      }
    }
  }
  return [...unreadable].map(([arn, viewers]) => {
    const owner = accountOfArn(arn) ?? 'another account'
    const who = viewers.length === 1 ? `account ${viewers[0]}` : `${viewers.length} accounts`
    return {
      severity: 'warning',
      code: 'live-other-account-trail',
      message: `trail ${arn} belongs to account ${owner}, which was not audited: ${who} show it, but its status, selectors and tags can only be read in ${owner}`,
    }
  })
}
