import {MAX_LISTED_FINDINGS} from '../model/limits.js'
import type {Result, Status} from '../model/types.js'

/** Results counted but not listed, per policy id and status. */
export type UnlistedCounts = Record<string, Partial<Record<Status, number>>>

/**
 * Keeps the first MAX_LISTED_FINDINGS results of each policy and status in `results` and counts
 * the rest. Capping per status keeps a policy's failures listed however many subjects pass it.
 */
export class FindingListing {
  readonly unlisted: UnlistedCounts = Object.create(null) as UnlistedCounts
  private readonly listed = new Map<string, Partial<Record<Status, number>>>()

  constructor(private readonly results: Result[]) {}

  /** True when a result of this policy and status would only be counted: the caller need not build it. */
  isFull(policy: string, status: Status): boolean {
    return (this.listed.get(policy)?.[status] ?? 0) >= MAX_LISTED_FINDINGS
  }

  add(result: Result): void {
    if (this.isFull(result.policy, result.status)) {
      this.count(result.policy, result.status, 1)
      return
    }
    const listed = this.listed.get(result.policy) ?? {}
    listed[result.status] = (listed[result.status] ?? 0) + 1
    this.listed.set(result.policy, listed)
    this.results.push(result)
  }

  /** Counts a result the caller did not build because `isFull` said it would not be listed. */
  countUnlisted(policy: string, status: Status): void {
    this.count(policy, status, 1)
  }

  /** Adds counts of results another listing did not keep. */
  addUnlisted(unlisted: UnlistedCounts): void {
    for (const [policy, counts] of Object.entries(unlisted)) {
      for (const [status, count] of Object.entries(counts) as [Status, number][]) this.count(policy, status, count)
    }
  }

  private count(policy: string, status: Status, count: number): void {
    const counts = (this.unlisted[policy] ??= {})
    counts[status] = (counts[status] ?? 0) + count
  }
}
