import {basename} from 'node:path'

import {diagnosticAt, fieldLocations, describeValue, isRecord} from '../locations.js'
import {topLevelJsonKeys} from '../json-text.js'
import {failedOutput, parseInputText, startOf} from '../parse-input.js'
import {checkStatus} from '../trail-check.js'
import {emptyReaderOutput, type Reader, type ReaderOutput} from '../types.js'
import {appendAll} from '../../util/arrays.js'

const KIND = 'aws-cli/get-trail-status'

/**
 * The trail a get-trail-status output is about: the answer names no trail, so the file name must,
 * as `get-trail-status-<TrailName>.json` or `<TrailName>.status.json` (optionally gzipped).
 */
export function trailNameFromStatusFile(path: string): string | undefined {
  const name = basename(path.replace(/\\/g, '/')).replace(/\.gz$/i, '')
  const prefixed = /^get-trail-status[-_.](.+)\.json$/i.exec(name)
  if (prefixed) return prefixed[1]
  const suffixed = /^(.+)\.status\.json$/i.exec(name)
  return suffixed?.[1]
}

/** `aws cloudtrail get-trail-status --name <trail>`: `{"IsLogging": …, "LatestDeliveryTime": …}`. */
export const trailStatusReader: Reader = {
  kind: KIND,
  priority: 60,
  sniff(_file, head) {
    const keys = topLevelJsonKeys(head)
    return keys !== undefined && keys.has('IsLogging') && !keys.has('trailList') && !keys.has('TrailARN')
  },
  async read(file, options): Promise<ReaderOutput> {
    const parsed = parseInputText(file, options)
    const doc = parsed.document
    if (!doc) return failedOutput(KIND, 'get-trail-status', parsed.diagnostics)
    if (!isRecord(doc.value)) {
      return failedOutput(KIND, 'get-trail-status', [diagnosticAt(doc.locate([]), `a trail status must be an object, found ${describeValue(doc.value)}`, 'wrong-type')])
    }
    const trailName = trailNameFromStatusFile(file.path)
    if (!trailName) {
      const message = 'cannot tell which trail this get-trail-status output is for: name the file get-trail-status-<TrailName>.json or <TrailName>.status.json'
      return failedOutput(KIND, 'get-trail-status', [...parsed.diagnostics, diagnosticAt(startOf(file.path), message, 'status-trail-unknown')])
    }
    const checked = checkStatus(doc.value, {doc, path: []}, `status of ${trailName}`)
    const output = emptyReaderOutput(KIND, `get-trail-status: trail ${trailName}, IsLogging ${describeValue(checked.status.IsLogging)}`)
    appendAll(output.diagnostics, parsed.diagnostics, checked.diagnostics)
    output.fragments.push({
      kind: 'status',
      trailName,
      status: checked.status,
      provenance: {kind: KIND, location: doc.locate([]), fields: fieldLocations(doc, [], checked.status, 'Status')},
    })
    return output
  },
}
