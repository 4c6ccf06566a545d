import type {Coverage} from '../../model/views.js'
import {fieldLocations, diagnosticAt, describeValue, isRecord} from '../locations.js'
import {topLevelJsonKeys} from '../json-text.js'
import {failedOutput, parseInputText, plural, regionFromPath} from '../parse-input.js'
import {checkTrailObject} from '../trail-check.js'
import {emptyReaderOutput, type Reader, type ReaderOutput} from '../types.js'
import {appendAll} from '../../util/arrays.js'

const KIND = 'aws-cli/describe-trails'

/** `aws cloudtrail describe-trails [--include-shadow-trails]`: `{"trailList": [...]}`. */
export const describeTrailsReader: Reader = {
  kind: KIND,
  priority: 50,
  sniff: (_file, head) => topLevelJsonKeys(head)?.has('trailList') ?? false,
  async read(file, options): Promise<ReaderOutput> {
    const parsed = parseInputText(file, options)
    const doc = parsed.document
    if (!doc) return failedOutput(KIND, 'describe-trails', parsed.diagnostics)
    const root = doc.value
    if (!isRecord(root) || !Array.isArray(root.trailList)) {
      const found = isRecord(root) ? describeValue(root.trailList) : describeValue(root)
      const diagnostic = diagnosticAt(doc.locate(['trailList']), `trailList must be an array, found ${found}`, 'wrong-type')
      return failedOutput(KIND, 'describe-trails', [...parsed.diagnostics, diagnostic])
    }
    const region = regionFromPath(file.path)
    const output = emptyReaderOutput(KIND)
    appendAll(output.diagnostics, parsed.diagnostics)
    let leftOut = 0
    root.trailList.forEach((raw, index) => {
      const path = ['trailList', index]
      const checked = checkTrailObject(raw, {doc, path}, `trailList[${index}]`)
      appendAll(output.diagnostics, checked.diagnostics)
      if (!checked.trail) {
        leftOut++
        return
      }
      output.trails.push({
        document: checked.trail,
        provenance: {kind: KIND, location: doc.locate(path), fields: fieldLocations(doc, path, checked.trail)},
        ...(region ? {seenInRegion: region} : {}),
      })
    })
    // '' stands for the account this evidence belongs to, settled when all inputs are joined. A listing
    // is evidence of an account even when it lists no trail: that account then has none.
    const empty = root.trailList.length === 0
    const coverage: Coverage = {account: '', regions: region ? [region] : [], ...(region || empty ? {provenance: {kind: KIND, location: doc.locate([])}} : {})}
    output.coverage.push(coverage)
    const where = region ? ` in ${region}` : ''
    const dropped = leftOut > 0 ? ` (${leftOut} left out, see diagnostics)` : ''
    output.detail = `describe-trails: ${plural(output.trails.length, 'trail')}${where}${dropped}`
    return output
  },
}
