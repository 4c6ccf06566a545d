import type {Diagnostic} from '../../model/types.js'
import type {PositionedDocument} from '../../util/positions.js'
import {diagnosticAt, describeValue, fieldLocations, isRecord} from '../locations.js'
import {topLevelJsonKeys} from '../json-text.js'
import {failedOutput, parseInputText, plural} from '../parse-input.js'
import {checkMembers} from '../trail-check.js'
import {emptyReaderOutput, type Reader, type ReaderOutput} from '../types.js'
import {appendAll} from '../../util/arrays.js'

const EVENT_KIND = 'aws-cli/get-event-selectors'
const INSIGHT_KIND = 'aws-cli/get-insight-selectors'

/** The TrailARN a selectors answer names, or the diagnostic saying why it has none. */
function trailArnOf(doc: PositionedDocument, root: Record<string, unknown>): {arn?: string; diagnostic?: Diagnostic} {
  if (typeof root.TrailARN === 'string' && root.TrailARN !== '') return {arn: root.TrailARN}
  return {diagnostic: diagnosticAt(doc.locate(['TrailARN']), `TrailARN must be a string, found ${describeValue(root.TrailARN)}`, 'wrong-type')}
}

/** `aws cloudtrail get-event-selectors`: `{TrailARN, EventSelectors}` or `{TrailARN, AdvancedEventSelectors}`. */
export const eventSelectorsReader: Reader = {
  kind: EVENT_KIND,
  priority: 50,
  sniff(_file, head) {
    const keys = topLevelJsonKeys(head)
    return keys !== undefined && keys.has('TrailARN') && (keys.has('EventSelectors') || keys.has('AdvancedEventSelectors'))
  },
  async read(file, options): Promise<ReaderOutput> {
    const parsed = parseInputText(file, options)
    const doc = parsed.document
    if (!doc) return failedOutput(EVENT_KIND, 'get-event-selectors', parsed.diagnostics)
    const root = doc.value
    if (!isRecord(root)) return failedOutput(EVENT_KIND, 'get-event-selectors', [diagnosticAt(doc.locate([]), 'the output must be an object', 'wrong-type')])
    const {arn, diagnostic} = trailArnOf(doc, root)
    if (!arn) return failedOutput(EVENT_KIND, 'get-event-selectors', [diagnostic as Diagnostic])
    const diagnostics: Diagnostic[] = [...parsed.diagnostics]
    const lists: {field: 'EventSelectors' | 'AdvancedEventSelectors'; items: unknown[]}[] = []
    for (const field of ['EventSelectors', 'AdvancedEventSelectors'] as const) {
      const value = root[field]
      if (value === undefined) continue
      if (!Array.isArray(value)) {
        diagnostics.push(diagnosticAt(doc.locate([field]), `${field} must be an array, found ${describeValue(value)}`, 'wrong-type'))
        continue
      }
      const checked = checkMembers(field === 'EventSelectors' ? 'eventSelector' : 'advancedEventSelector', value, {doc, path: [field]}, field)
      appendAll(diagnostics, checked.diagnostics)
      lists.push({field, items: checked.items})
    }
    if (lists.length === 0) return failedOutput(EVENT_KIND, 'get-event-selectors', diagnostics)
    const basic = lists.find((list) => list.field === 'EventSelectors')?.items
    const advanced = lists.find((list) => list.field === 'AdvancedEventSelectors')?.items
    const fields = lists.reduce((all, list) => Object.assign(all, fieldLocations(doc, [list.field], list.items, list.field)), {} as ReturnType<typeof fieldLocations>)
    const counts = lists.map((list) => `${plural(list.items.length, list.field === 'EventSelectors' ? 'event selector' : 'advanced event selector')}`)
    const output = emptyReaderOutput(EVENT_KIND, `get-event-selectors: ${counts.join(', ')} for ${arn}`)
    appendAll(output.diagnostics, diagnostics)
    output.fragments.push({
      kind: 'event-selectors',
      trailArn: arn,
      ...(basic ? {eventSelectors: basic} : {}),
      ...(advanced ? {advancedEventSelectors: advanced} : {}),
      provenance: {kind: EVENT_KIND, location: doc.locate(['TrailARN']), fields},
    })
    return output
  },
}

/** `aws cloudtrail get-insight-selectors`: `{TrailARN, InsightSelectors}`. */
export const insightSelectorsReader: Reader = {
  kind: INSIGHT_KIND,
  priority: 50,
  sniff(_file, head) {
    const keys = topLevelJsonKeys(head)
    return keys !== undefined && keys.has('TrailARN') && keys.has('InsightSelectors')
  },
  async read(file, options): Promise<ReaderOutput> {
    const parsed = parseInputText(file, options)
    const doc = parsed.document
    if (!doc) return failedOutput(INSIGHT_KIND, 'get-insight-selectors', parsed.diagnostics)
    const root = doc.value
    if (!isRecord(root)) return failedOutput(INSIGHT_KIND, 'get-insight-selectors', [diagnosticAt(doc.locate([]), 'the output must be an object', 'wrong-type')])
    const {arn, diagnostic} = trailArnOf(doc, root)
    if (!arn) return failedOutput(INSIGHT_KIND, 'get-insight-selectors', [diagnostic as Diagnostic])
    if (!Array.isArray(root.InsightSelectors)) {
      const wrong = diagnosticAt(doc.locate(['InsightSelectors']), `InsightSelectors must be an array, found ${describeValue(root.InsightSelectors)}`, 'wrong-type')
      return failedOutput(INSIGHT_KIND, 'get-insight-selectors', [wrong])
    }
    const checked = checkMembers('insightSelector', root.InsightSelectors, {doc, path: ['InsightSelectors']}, 'InsightSelectors')
    const output = emptyReaderOutput(INSIGHT_KIND, `get-insight-selectors: ${plural(checked.items.length, 'insight selector')} for ${arn}`)
    appendAll(output.diagnostics, parsed.diagnostics, checked.diagnostics)
    output.fragments.push({
      kind: 'insight-selectors',
      trailArn: arn,
      insightSelectors: checked.items,
      provenance: {kind: INSIGHT_KIND, location: doc.locate(['TrailARN']), fields: fieldLocations(doc, ['InsightSelectors'], checked.items, 'InsightSelectors')},
    })
    return output
  },
}
