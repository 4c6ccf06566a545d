import {unknown, type Location} from '../../model/types.js'
import {diagnosticAt, describeValue, isRecord} from '../locations.js'
import {topLevelJsonKeys} from '../json-text.js'
import {failedOutput, parseInputText, plural} from '../parse-input.js'
import {emptyReaderOutput, type Reader, type ReaderOutput} from '../types.js'
import {appendAll} from '../../util/arrays.js'

const KIND = 'aws-cli/list-tags'

/** `aws cloudtrail list-tags --resource-id-list …`: `{"ResourceTagList": [{ResourceId, TagsList: [{Key, Value}]}]}`. */
export const listTagsReader: Reader = {
  kind: KIND,
  priority: 50,
  sniff: (_file, head) => topLevelJsonKeys(head)?.has('ResourceTagList') ?? false,
  async read(file, options): Promise<ReaderOutput> {
    const parsed = parseInputText(file, options)
    const doc = parsed.document
    if (!doc) return failedOutput(KIND, 'list-tags', parsed.diagnostics)
    const root = doc.value
    if (!isRecord(root) || !Array.isArray(root.ResourceTagList)) {
      const found = isRecord(root) ? describeValue(root.ResourceTagList) : describeValue(root)
      return failedOutput(KIND, 'list-tags', [diagnosticAt(doc.locate(['ResourceTagList']), `ResourceTagList must be an array, found ${found}`, 'wrong-type')])
    }
    const output = emptyReaderOutput(KIND)
    appendAll(output.diagnostics, parsed.diagnostics)
    root.ResourceTagList.forEach((entry, index) => {
      const path = ['ResourceTagList', index]
      if (!isRecord(entry) || typeof entry.ResourceId !== 'string') {
        output.diagnostics.push(diagnosticAt(doc.locate(path), `ResourceTagList[${index}] has no ResourceId; its tags are left out`, 'wrong-type'))
        return
      }
      const list = entry.TagsList ?? []
      if (!Array.isArray(list)) {
        output.diagnostics.push(diagnosticAt(doc.locate([...path, 'TagsList']), `TagsList must be an array, found ${describeValue(list)}`, 'wrong-type'))
        return
      }
      const tags: Record<string, unknown> = {}
      const fields: Record<string, Location> = {Tags: doc.locate([...path, 'TagsList'])}
      list.forEach((tag, tagIndex) => {
        const tagPath = [...path, 'TagsList', tagIndex]
        if (!isRecord(tag) || typeof tag.Key !== 'string') {
          output.diagnostics.push(diagnosticAt(doc.locate(tagPath), `tag ${tagIndex} of ${entry.ResourceId} has no Key; it is left out`, 'wrong-type'))
          return
        }
        const value = tag.Value ?? ''
        if (typeof value === 'string') {
          tags[tag.Key] = value
        } else {
          const message = `the value of tag ${tag.Key} must be a string, found ${describeValue(value)}`
          output.diagnostics.push(diagnosticAt(doc.locate([...tagPath, 'Value']), message, 'wrong-type'))
          tags[tag.Key] = unknown(message)
        }
        fields[`Tags.${tag.Key}`] = doc.locate(tagPath)
      })
      output.fragments.push({kind: 'tags', resourceId: entry.ResourceId, tags: tags as Record<string, string>, provenance: {kind: KIND, location: doc.locate(path), fields}})
    })
    if (output.fragments.length === 0 && output.diagnostics.some((diagnostic) => diagnostic.severity === 'error')) return failedOutput(KIND, 'list-tags', output.diagnostics)
    output.detail = `list-tags: tags of ${plural(output.fragments.length, 'resource')}`
    return output
  },
}
