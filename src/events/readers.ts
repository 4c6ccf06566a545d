import {emptyReaderOutput, type InputFile, type Reader, type ReaderOutput} from '../inputs/types.js'
import type {Diagnostic, EventSubject, InputKind} from '../model/types.js'
import {decodeEventFile, describeFormat, FORMAT_KIND} from './decode.js'
import {parseLogKey} from './log-layout.js'
import {sniffEventFile} from './sniff.js'

export {sniffEventFile, type EventFileShape} from './sniff.js'
import {checkRecord} from './record-schema.js'
import {callerOf} from './scan-file.js'

/** Which event-file shape a head of text looks like, if any. `scanEvents` accepts all of them. */

/**
 * Reads a small event file into event subjects, for callers that want an Inventory. Large archives go
 * through `scanEvents`, which never holds more than a few files' records at once.
 */
async function readEvents(file: InputFile, kind: InputKind): Promise<ReaderOutput> {
  const events: EventSubject[] = []
  const diagnostics: Diagnostic[] = []
  const fallbackAccount = parseLogKey(file.path)?.account
  const decoded = await decodeEventFile(file.path, file.absolutePath, file.bytes, (slot, index, locate) => {
    const location = {file: file.path, ...(locate(index) ?? {line: 1, column: 1})}
    if ('problem' in slot) {
      diagnostics.push({severity: 'error', code: 'record-syntax', ...location, ...(slot.position ?? {}), message: `record ${index}: ${slot.problem}; not checked`})
      return
    }
    const record = slot.record
    for (const problem of checkRecord(record)) diagnostics.push({severity: 'warning', code: 'record-schema', ...location, message: `record ${index}: ${problem.message}`})
    const identity = (record.userIdentity ?? {}) as Record<string, unknown>
    const account = String(record.recipientAccountId ?? identity.accountId ?? fallbackAccount ?? 'unknown')
    const eventID = String(record.eventID ?? `${file.path}#${index}`)
    events.push({
      type: 'event',
      id: `${account}/${eventID}`,
      label: `${String(record.eventName ?? 'event')} by ${callerOf(record)} at ${String(record.eventTime ?? 'an unknown time')}`,
      account,
      ...(typeof record.awsRegion === 'string' ? {region: record.awsRegion} : {}),
      document: record,
      provenance: {kind, location},
    })
  })
  const output = emptyReaderOutput(decoded.format ? FORMAT_KIND[decoded.format] : kind)
  output.events = events
  output.diagnostics = [...diagnostics, ...decoded.diagnostics]
  output.detail = decoded.status === 'read' ? `${describeFormat(decoded.format ?? 'cloudtrail-log')}: ${events.length} records` : (decoded.reason ?? decoded.status)
  if (decoded.status === 'failed' && !output.diagnostics.some((d) => d.severity === 'error')) {
    output.diagnostics.push({severity: 'error', code: 'read', file: file.path, line: 1, column: 1, message: output.detail})
  }
  return output
}

export const cloudTrailLogReader: Reader = {
  kind: 'cloudtrail/log',
  priority: 50,
  sniff: (file, head) => {
    const shape = sniffEventFile(file.path, head)
    return shape === 'cloudtrail-log' || shape === 'json-lines' || shape === 'eventbridge'
  },
  read: (file) => readEvents(file, 'cloudtrail/log'),
}

export const lookupEventsReader: Reader = {
  kind: 'cloudtrail/lookup-events',
  priority: 50,
  sniff: (file, head) => sniffEventFile(file.path, head) === 'lookup-events',
  read: (file) => readEvents(file, 'cloudtrail/lookup-events'),
}

/** Digest files are recognized so they can be said to be skipped, not mistaken for unknown JSON. */
export const cloudTrailDigestReader: Reader = {
  kind: 'cloudtrail/digest',
  priority: 40,
  sniff: (file, head) => sniffEventFile(file.path, head) === 'cloudtrail-digest',
  read: async () => emptyReaderOutput('cloudtrail/digest', 'CloudTrail digest file (integrity evidence, not events): skipped'),
}

export const eventReaders: readonly Reader[] = [cloudTrailDigestReader, cloudTrailLogReader, lookupEventsReader]
