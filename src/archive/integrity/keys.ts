/** What the key of a CloudTrail object says: whose it is, where it came from, and when. */

export interface DigestKey {
  /** Everything before `AWSLogs/`: the trail's S3 key prefix, with its `/`. */
  prefix: string
  organizationId?: string
  account: string
  region: string
  trail: string
  homeRegion: string
  /** `YYYYMMDDTHHMMSSZ`, the end of the hour the digest covers (the CLI reads it as `key[-24:-8]`). */
  stamp: string
  /** The same as epoch milliseconds, for ordering. */
  time: number
}

const DIGEST_KEY = /^(.*?)AWSLogs\/(?:(o-[a-z0-9]{10,32})\/)?(\d{12})\/CloudTrail-Digest\/([a-z0-9-]+)\/\d{4}\/\d{2}\/\d{2}\/\3_CloudTrail-Digest_\4_(.+)_([a-z0-9-]+)_(\d{8}T\d{6}Z)\.json\.gz$/

export function parseDigestKey(key: string): DigestKey | undefined {
  const match = DIGEST_KEY.exec(key)
  if (!match) return undefined
  const [, prefix, organizationId, account, region, trail, homeRegion, stamp] = match
  const time = stampTime(stamp!)
  if (time === undefined) return undefined
  return {prefix: prefix!, ...(organizationId ? {organizationId} : {}), account: account!, region: region!, trail: trail!, homeRegion: homeRegion!, stamp: stamp!, time}
}

export interface LogFileKey {
  prefix: string
  organizationId?: string
  account: string
  region: string
  /** When the file was delivered, to the minute (`…_20250501T1205Z_…`), as epoch milliseconds. */
  time: number
}

const LOG_KEY = /^(.*?)AWSLogs\/(?:(o-[a-z0-9]{10,32})\/)?(\d{12})\/CloudTrail\/([a-z0-9-]+)\/\d{4}\/\d{2}\/\d{2}\/\3_CloudTrail_\4_(\d{8}T\d{4}Z)_[^/]+\.json\.gz$/

export function parseLogFileKey(key: string): LogFileKey | undefined {
  const match = LOG_KEY.exec(key)
  if (!match) return undefined
  const [, prefix, organizationId, account, region, minute] = match
  const time = stampTime(`${minute!.slice(0, 13)}00Z`)
  if (time === undefined) return undefined
  return {prefix: prefix!, ...(organizationId ? {organizationId} : {}), account: account!, region: region!, time}
}

/** `20250501T120000Z` → epoch ms; undefined for a date that does not exist. */
function stampTime(stamp: string): number | undefined {
  const iso = `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(9, 11)}:${stamp.slice(11, 13)}:${stamp.slice(13, 15)}Z`
  const time = Date.parse(iso)
  return Number.isNaN(time) || new Date(time).toISOString().replace('.000', '') !== iso ? undefined : time
}

/** The part of a key from `AWSLogs/` on: a local copy may be rooted above or below the trail's prefix. */
export function fromAwsLogs(key: string): string | undefined {
  const at = key.startsWith('AWSLogs/') ? 0 : key.indexOf('/AWSLogs/') + 1
  return at === 0 && !key.startsWith('AWSLogs/') ? undefined : key.slice(at)
}
