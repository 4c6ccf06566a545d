import {MAX_LISTED_FINDINGS} from '../model/limits.js'
import type {Result, Status} from '../model/types.js'

/** Findings counted but not listed, per policy id and status. */
export type UnlistedCounts = Record<string, Partial<Record<Status, number>>>

/** Keeps the first MAX_LISTED_FINDINGS findings of each policy in `results` and counts the rest. */
export class FindingListing {
  readonly unlisted: UnlistedCounts = Object.create(null) as UnlistedCounts
  private readonly listed = new Map<string, number>()

  constructor(private readonly results: Result[]) {}

  add(result: Result): void {
    const listed = this.listed.get(result.policy) ?? 0
    if (listed < MAX_LISTED_FINDINGS) {
      this.listed.set(result.policy, listed + 1)
      this.results.push(result)
      return
    }
    this.count(result.policy, result.status, 1)
  }

  /** Adds counts of findings another listing did not keep. */
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
