import {listPublicKeys} from '../../live/public-keys.js'
import {parseDigestKey} from './keys.js'
import type {PublicKey} from './signature.js'

export interface LiveKeys {
  keys: PublicKey[]
  /** Why some signatures cannot be checked: a region whose keys could not be listed. */
  problems: string[]
}

/**
 * The keys the digests given were signed with, asked of CloudTrail as `aws cloudtrail validate-logs`
 * asks: ListPublicKeys in each trail's home region, over the hours the digests cover.
 */
export async function livePublicKeys(digestKeys: string[], profile: string | undefined): Promise<LiveKeys> {
  const spans = new Map<string, {start: number; end: number}>()
  for (const key of digestKeys) {
    const digest = parseDigestKey(key)
    if (digest === undefined) continue
    const span = spans.get(digest.homeRegion) ?? {start: digest.time, end: digest.time}
    spans.set(digest.homeRegion, {start: Math.min(span.start, digest.time), end: Math.max(span.end, digest.time)})
  }
  const found: LiveKeys = {keys: [], problems: []}
  for (const [region, span] of spans) {
    try {
      const listed = await listPublicKeys({region, start: new Date(span.start - 3_600_000), end: new Date(span.end), profile})
      for (const key of listed) found.keys.push(key)
    } catch (error) {
      found.problems.push(`ListPublicKeys in ${region} failed: ${(error as Error).name}: ${(error as Error).message}`)
    }
  }
  return found
}
