import {isDigestPath, looksLikeDigest} from './log-layout.js'

// Kept apart from the readers so that telling a log file from other inputs loads nothing heavy.

export type EventFileShape = 'cloudtrail-log' | 'cloudtrail-digest' | 'lookup-events' | 'eventbridge' | 'json-lines'

export function sniffEventFile(path: string, head: string): EventFileShape | undefined {
  if (isDigestPath(path) || looksLikeDigest(head)) return 'cloudtrail-digest'
  const start = head.trimStart()
  if (/^\{\s*"Records"\s*:\s*\[/.test(start) || (/"Records"\s*:\s*\[/.test(head) && head.includes('"eventVersion"'))) return 'cloudtrail-log'
  if (/"Events"\s*:\s*\[/.test(head) && head.includes('"CloudTrailEvent"')) return 'lookup-events'
  if (/"detail-type"\s*:\s*"AWS [A-Za-z ]+ via CloudTrail"/.test(head)) return 'eventbridge'
  if (/^\{\s*"eventVersion"\s*:/.test(start)) return 'json-lines'
  return undefined
}
