import {parseLogKey} from '../events/log-layout.js'
import {appendAll} from '../util/arrays.js'
import type {ArchiveStore} from './store.js'

/** Which log files of a trail bucket are wanted: `--since`/`--until`, `--accounts`, `--regions`. */
export interface LogWindow {
  since?: Date
  until?: Date
  accounts?: string[]
  regions?: string[]
}

export type Exclusion = 'account' | 'region' | 'time'

/**
 * CloudTrail names a log file by when it delivered it, after the records it holds: a record of time
 * T is in a file stamped at T or later, typically within 15 minutes. So a file stamped before
 * `since` holds nothing of the window, and a file stamped more than this long after `until` is
 * taken to hold nothing of it either. Generous, so that a late delivery is still read.
 */
export const DELIVERY_SLACK_MS = 60 * 60_000

const STAMP = /_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})Z_[^/]*$/

/** The delivery time in a log file's name (`…_20160520T0830Z_…`), if it has one. */
export function deliveryTime(key: string): Date | undefined {
  const match = STAMP.exec(key)
  if (!match) return undefined
  const [, year, month, day, hour, minute] = match
  return new Date(`${year}-${month}-${day}T${hour}:${minute}:00Z`)
}

/** Why the key says its object lies outside the window; undefined when it may hold something of it (or its key does not say). */
export function excludedBy(key: string, window: LogWindow): Exclusion | undefined {
  const layout = parseLogKey(key)
  if (layout) {
    if (window.accounts && window.accounts.length > 0 && !window.accounts.includes(layout.account)) return 'account'
    if (window.regions && window.regions.length > 0 && !window.regions.includes(layout.region)) return 'region'
  }
  const stamped = deliveryTime(key)
  // Without a stamp, the day folder says only that delivery was on that day: a day late at most.
  const delivered = stamped ?? (layout ? new Date(`${layout.date}T00:00:00Z`) : undefined)
  if (delivered === undefined) return undefined
  if (window.since && delivered.getTime() < window.since.getTime() - (stamped ? 0 : 86_400_000)) return 'time'
  if (window.until && delivered.getTime() > window.until.getTime() + DELIVERY_SLACK_MS) return 'time'
  return undefined
}

const ACCOUNT_LEVEL = /(?:^|\/)AWSLogs\/(?:o-[a-z0-9]{10,32}\/)?$/
const TRAIL_LEVEL = /(?:^|\/)AWSLogs\/(?:o-[a-z0-9]{10,32}\/)?\d{12}\/$/
const REGION_LEVEL = /(?:^|\/)AWSLogs\/(?:o-[a-z0-9]{10,32}\/)?\d{12}\/CloudTrail\/$/
const DAY_LEVEL = /(?:^|\/)AWSLogs\/(?:o-[a-z0-9]{10,32}\/)?\d{12}\/CloudTrail\/[a-z0-9-]+\/$/

/**
 * The prefixes to list for `prefix` so that folders outside the window are never listed: the
 * bucket's own folders are walked down the CloudTrail layout (`AWSLogs/[o-id/]account/CloudTrail/
 * region/`), keeping the accounts and regions wanted, then only the day folders the window touches
 * are listed. A prefix outside the layout is listed as it is, and its keys filtered one by one.
 */
export async function windowPrefixes(store: ArchiveStore, prefix: string, window: LogWindow, now: Date): Promise<string[]> {
  const wanted = (values: string[] | undefined, folder: string): boolean => values === undefined || values.length === 0 || values.includes(folder.replace(/\/$/, '').split('/').pop()!)
  if (DAY_LEVEL.test(prefix)) return window.since || window.until ? dayFolders(store, prefix, window.since ?? new Date(0), window.until ?? now) : [prefix]
  let children: string[]
  if (prefix === '' || prefix.endsWith('/')) {
    if (REGION_LEVEL.test(prefix)) children = (await store.folders(prefix)).filter((folder) => wanted(window.regions, folder))
    else if (TRAIL_LEVEL.test(prefix)) children = [`${prefix}CloudTrail/`]
    else if (ACCOUNT_LEVEL.test(prefix)) children = (await store.folders(prefix)).filter((folder) => /\/o-[a-z0-9]{10,32}\/$/.test(folder) || wanted(window.accounts, folder))
    else {
      // Above the layout (the bucket, or a trail's key prefix): descend only where AWSLogs/ is.
      const logs = `${prefix}AWSLogs/`
      if (!(await store.folders(prefix)).includes(logs)) return [prefix]
      children = [logs]
    }
  } else return [prefix]
  const found: string[] = []
  for (const child of children) appendAll(found, await windowPrefixes(store, child, window, now))
  return found
}

/**
 * The day folders under a region that the window touches, found by listing the year, then month,
 * folders that intersect it: a few requests for a short window, and never more than the archive
 * has folders for a long one.
 */
async function dayFolders(store: ArchiveStore, regionPrefix: string, since: Date, until: Date): Promise<string[]> {
  const first = since.toISOString().slice(0, 10).replace(/-/g, '/')
  const last = new Date(until.getTime() + DELIVERY_SLACK_MS).toISOString().slice(0, 10).replace(/-/g, '/')
  let level = [regionPrefix]
  for (const width of [4, 7, 10]) {
    const next: string[] = []
    for (const prefix of level) {
      for (const folder of await store.folders(prefix)) {
        const date = folder.slice(regionPrefix.length, -1)
        if (date.length === width && date >= first.slice(0, width) && date <= last.slice(0, width)) next.push(folder)
      }
    }
    level = next
  }
  return level
}
