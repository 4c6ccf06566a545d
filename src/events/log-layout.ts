/** What the S3 key of a CloudTrail object says about it. */

export interface LogKey {
  organizationId?: string
  account: string
  region: string
  /** YYYY-MM-DD of the delivery folder. */
  date: string
}

const LOG_KEY = /(?:^|\/)AWSLogs\/(?:(o-[a-z0-9]{10,32})\/)?(\d{12})\/CloudTrail\/([a-z0-9-]+)\/(\d{4})\/(\d{2})\/(\d{2})\//

/** Account, region and day from `AWSLogs/[<org-id>/]<account>/CloudTrail/<region>/YYYY/MM/DD/…`. */
export function parseLogKey(path: string): LogKey | undefined {
  const match = LOG_KEY.exec(path.replace(/\\/g, '/'))
  if (!match) return undefined
  const [, organizationId, account, region, year, month, day] = match
  return {...(organizationId ? {organizationId} : {}), account: account!, region: region!, date: `${year}-${month}-${day}`}
}

/** Digest files sit under `CloudTrail-Digest/` and are named `<account>_CloudTrail-Digest_<region>_…`. */
export function isDigestPath(path: string): boolean {
  const normalized = path.replace(/\\/g, '/')
  return normalized.includes('/CloudTrail-Digest/') || normalized.includes('_CloudTrail-Digest_')
}

/** Digest file content: the fields only a digest has. */
export function looksLikeDigest(head: string): boolean {
  return head.includes('"digestPublicKeyFingerprint"') || (head.includes('"digestStartTime"') && head.includes('"logFiles"'))
}
