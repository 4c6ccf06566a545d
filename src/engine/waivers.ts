import type {Result, Subject} from '../model/types.js'
import type {Waiver} from '../policy/types.js'
import type {UnlistedCounts} from '../events/finding-listing.js'
import {matchesGlob} from '../util/glob.js'
import {own} from '../util/dict.js'

export interface WaiverUse {
  waiver: Waiver
  used: number
  expiredHits?: number
}

const TAG_PREFIX = 'trailgate:skip:'

/**
 * Turns a failing result into a suppressed one when a waiver of the config file or a
 * `trailgate:skip:<policy>` tag on the trail covers it. An expired waiver or tag does not apply,
 * and the result says so.
 */
export function applySuppressions(result: Result, subject: Subject<object>, uses: WaiverUse[], now: Date): Result {
  if (result.status !== 'fail') return result
  const today = now.toISOString().slice(0, 10)
  const names = subjectNames(subject)

  let expiredNote: string | undefined
  for (const use of uses) {
    const {waiver} = use
    if (!matchesGlob(result.policy, waiver.policy)) continue
    if (!names.some((name) => matchesGlob(name, waiver.subject))) continue
    if (waiver.expires < today) {
      use.expiredHits = (use.expiredHits ?? 0) + 1
      expiredNote = `waiver expired on ${waiver.expires}: ${waiver.reason}`
      continue
    }
    use.used++
    return {
      ...result,
      status: 'suppressed',
      suppression: {kind: 'waiver', reason: waiver.reason, expires: waiver.expires, ...(waiver.approvedBy ? {approvedBy: waiver.approvedBy} : {}), ...(waiver.location ? {source: waiver.location} : {})},
    }
  }

  const tags = (subject.document as {Tags?: Record<string, unknown>}).Tags
  const tagValue = own(tags, `${TAG_PREFIX}${result.policy}`)
  if (typeof tagValue === 'string') {
    const {until, reason} = parseTagValue(tagValue)
    if (until && until < today) {
      expiredNote = `tag ${TAG_PREFIX}${result.policy} expired on ${until}: ${reason}`
    } else {
      const source = own(subject.provenance.fields, `Tags.${TAG_PREFIX}${result.policy}`) ?? own(subject.provenance.fields, 'Tags')
      return {...result, status: 'suppressed', suppression: {kind: 'tag', reason, ...(until ? {expires: until} : {}), ...(source ? {source} : {})}}
    }
  }
  return expiredNote ? {...result, message: `${result.message} (${expiredNote})`} : result
}

/**
 * Findings past the listing cap have no subject left to match a waiver against; a waiver of the
 * policy for every subject (`subject: "*"`) still covers them, as it covers the listed ones.
 */
export function waiveUnlisted(unlisted: UnlistedCounts, waivers: readonly Waiver[], now: Date): UnlistedCounts {
  const today = now.toISOString().slice(0, 10)
  const waived: UnlistedCounts = Object.create(null) as UnlistedCounts
  for (const [policy, counts] of Object.entries(unlisted)) {
    const covered = (counts.fail ?? 0) > 0 && waivers.some((waiver) => waiver.subject === '*' && waiver.expires >= today && matchesGlob(policy, waiver.policy))
    waived[policy] = covered ? {...counts, fail: 0, suppressed: (counts.suppressed ?? 0) + (counts.fail ?? 0)} : counts
  }
  return waived
}

/** A waiver's subject names a trail (ARN or name), a region (`account/region`) or an account (its id), or globs over them. */
function subjectNames(subject: Subject<object>): string[] {
  const names = [subject.id, subject.label]
  const name = (subject.document as {Name?: unknown}).Name
  if (typeof name === 'string') names.push(name)
  return names
}

/** Tag values follow AWS's character rules, so the expiry is written `until=YYYY-MM-DD reason…`. */
function parseTagValue(value: string): {until?: string; reason: string} {
  const match = /^until=(\d{4}-\d{2}-\d{2})\s*(.*)$/.exec(value.trim())
  if (!match) return {reason: value.trim() || 'suppressed by tag'}
  return {until: match[1], reason: match[2] || 'suppressed by tag'}
}
