import {topLevelJsonKeys} from '../util/json-keys.js'

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

const DIGEST_FOLDER = /(?:^|\/)AWSLogs\/(?:o-[a-z0-9]{10,32}\/)?\d{12}\/CloudTrail-Digest\/[a-z0-9-]+\/\d{4}\/\d{2}\/\d{2}\/[^/]+$/
const DIGEST_NAME = /(?:^|\/)\d{12}_CloudTrail-Digest_[a-z0-9-]+_[^/]+\.json(?:\.gz)?$/i

/**
 * Digest files sit in the `AWSLogs/<account>/CloudTrail-Digest/<region>/YYYY/MM/DD/` layout and are
 * named `<account>_CloudTrail-Digest_<region>_…`: the layout, not a word anywhere in the path.
 */
export function isDigestPath(path: string): boolean {
  const normalized = path.replace(/\\/g, '/')
  return DIGEST_FOLDER.test(normalized) || DIGEST_NAME.test(normalized)
}

/**
 * Digest file content: top-level keys only a digest has. Keys inside records do not count: a log
 * file whose records hold these words (a request parameter, a session name) is still a log file.
 */
export function looksLikeDigest(head: string): boolean {
  // The cheap test keeps the key scan off the many log files that never mention a digest.
  if (!head.includes('digest')) return false
  const keys = topLevelJsonKeys(head)
  if (keys === undefined || keys.has('Records')) return false
  return keys.has('digestPublicKeyFingerprint') || (keys.has('digestStartTime') && keys.has('digestEndTime'))
}
