import {isUnknown, unknown, type UnknownValue, type AdvancedEventSelector, type Diagnostic, type EventSelector, type Location, type TrailDocument} from '../../model/types.js'
import {render, toLongForm} from './intrinsics.js'
import {child, entry, type SourceIndex, type PNode} from './nodes.js'
import {NO_VALUE, partitionOf, type Resolver} from './resolve.js'
import {asBoolean, asText, defaultEventSelectors, logGroupArnAsAwsReportsIt, topicArn, trailArn, type Known} from './values.js'

export type PlannedTrail = Omit<TrailDocument, 'Facts'>

export interface TrailEnvironment {
  region?: string
  account?: string
}

export interface NormalizedTrail {
  document: PlannedTrail
  fields: Record<string, Location>
  diagnostics: Diagnostic[]
}

const KNOWN_PROPERTIES = new Set([
  'TrailName', 'S3BucketName', 'S3KeyPrefix', 'SnsTopicName', 'IsLogging', 'IsMultiRegionTrail', 'IncludeGlobalServiceEvents',
  'EnableLogFileValidation', 'KMSKeyId', 'CloudWatchLogsLogGroupArn', 'CloudWatchLogsRoleArn', 'EventSelectors',
  'AdvancedEventSelectors', 'InsightSelectors', 'IsOrganizationTrail', 'Tags',
])

/** CloudFormation property → DescribeTrails field, for the properties that map one to one. */
const TEXT_FIELDS: Record<string, string> = {
  S3BucketName: 'S3BucketName',
  S3KeyPrefix: 'S3KeyPrefix',
  KMSKeyId: 'KmsKeyId',
  CloudWatchLogsRoleArn: 'CloudWatchLogsRoleArn',
}

/** CloudFormation property → DescribeTrails field and the value AWS uses when the property is absent. */
const BOOLEAN_FIELDS: Record<string, [string, boolean]> = {
  IsMultiRegionTrail: ['IsMultiRegionTrail', false],
  IncludeGlobalServiceEvents: ['IncludeGlobalServiceEvents', true],
  EnableLogFileValidation: ['LogFileValidationEnabled', false],
  IsOrganizationTrail: ['IsOrganizationTrail', false],
}

/**
 * Turns the properties of an `AWS::CloudTrail::Trail` into the trail as DescribeTrails (plus
 * GetTrailStatus and GetEventSelectors) will show it once deployed, with CloudFormation's defaults
 * for absent properties and the source location of every property that was written.
 */
export function normalizeTrail(logicalId: string, resource: PNode, resolver: Resolver, index: SourceIndex, environment: TrailEnvironment): NormalizedTrail {
  const diagnostics: Diagnostic[] = []
  const fields: Record<string, Location> = {}
  const properties = child(resource, 'Properties')
  const values = new Map<string, unknown>()
  const problem = (offset: number, code: string, message: string, severity: Diagnostic['severity'] = 'error'): void => {
    diagnostics.push({severity, code, file: index.file, ...index.position(offset), message})
  }

  if (properties?.kind === 'map') {
    for (const property of properties.entries) {
      if (!KNOWN_PROPERTIES.has(property.key)) {
        problem(property.keyStart, 'cfn-unknown-property', `${logicalId}: AWS::CloudTrail::Trail has no property ${property.key}; it is ignored`, 'warning')
        continue
      }
      const resolved = resolver.resolve(toLongForm(property.value))
      if (resolved === NO_VALUE) continue
      values.set(property.key, resolved)
    }
  } else if (properties !== undefined) {
    problem(properties.start, 'cfn-properties', `${logicalId}: Properties must be a mapping`)
  }
  const locate = (property: string): Location | undefined => {
    const found = entry(properties, property)
    return found ? index.span(found.keyStart, found.value.end) : undefined
  }
  const mark = (path: string, property: string): void => {
    const location = locate(property)
    if (location) fields[path] = location
  }
  const typed = <T>(property: string, coerce: (value: unknown) => Known<T> | undefined, expected: string): Known<T> | undefined => {
    if (!values.has(property)) return undefined
    const value = values.get(property)
    const result = coerce(value)
    if (result === undefined) {
      problem(entry(properties, property)?.value.start ?? resource.start, 'cfn-property-type', `${logicalId}: ${property} must be ${expected}, found ${render(value)}`)
      return unknown(`${property}: ${render(value)}`)
    }
    return result
  }

  const {region, account} = environment
  const partition = region === undefined ? 'aws' : partitionOf(region)
  const document: PlannedTrail = {}
  const name = typed('TrailName', asText, 'a string')
  document.Name = name ?? unknown('a name CloudFormation generates')
  document.TrailARN = trailArn(name, region, account, partition)
  document.HomeRegion = region ?? unknown("the stack's region")
  mark('Name', 'TrailName')

  for (const [property, field] of Object.entries(TEXT_FIELDS)) {
    const value = typed(property, asText, 'a string')
    if (value === undefined || value === '') continue
    document[field] = value
    mark(field, property)
  }
  const topic = typed('SnsTopicName', asText, 'a string')
  if (topic !== undefined && topic !== '') {
    document.SnsTopicName = topic
    document.SnsTopicARN = topicArn(topic, region, account, partition)
    mark('SnsTopicName', 'SnsTopicName')
    mark('SnsTopicARN', 'SnsTopicName')
  }
  const logGroup = typed('CloudWatchLogsLogGroupArn', asText, 'a string')
  if (logGroup !== undefined && logGroup !== '') {
    document.CloudWatchLogsLogGroupArn = logGroupArnAsAwsReportsIt(logGroup)
    mark('CloudWatchLogsLogGroupArn', 'CloudWatchLogsLogGroupArn')
  }
  for (const [property, [field, fallback]] of Object.entries(BOOLEAN_FIELDS)) {
    document[field] = typed(property, asBoolean, 'true or false') ?? fallback
    mark(field, property)
  }

  const isLogging = typed('IsLogging', asBoolean, 'true or false')
  if (isLogging === undefined) {
    problem(entry(resource, 'Properties')?.keyStart ?? resource.start, 'cfn-required-property', `${logicalId}: IsLogging is required for AWS::CloudTrail::Trail`)
  }
  document.Status = isLogging === undefined ? {} : {IsLogging: isLogging}
  mark('Status.IsLogging', 'IsLogging')
  if (!values.has('S3BucketName')) problem(entry(resource, 'Properties')?.keyStart ?? resource.start, 'cfn-required-property', `${logicalId}: S3BucketName is required for AWS::CloudTrail::Trail`)

  // An empty list (CDK's L2 Trail writes `EventSelectors: []`) leaves AWS's default selector in place.
  const advanced = emptyAsAbsent(values.get('AdvancedEventSelectors'))
  const basic = emptyAsAbsent(values.get('EventSelectors'))
  if (advanced !== undefined) {
    document.AdvancedEventSelectors = opaqueList(advanced) ?? advancedSelectors(advanced)
    markTree(fields, 'AdvancedEventSelectors', entry(properties, 'AdvancedEventSelectors'), index)
  } else if (basic !== undefined) {
    document.EventSelectors = opaqueList(basic) ?? basicSelectors(basic)
    markTree(fields, 'EventSelectors', entry(properties, 'EventSelectors'), index)
  } else {
    document.EventSelectors = defaultEventSelectors()
  }
  document.HasCustomEventSelectors = advanced !== undefined || basic !== undefined
  mark('HasCustomEventSelectors', advanced !== undefined ? 'AdvancedEventSelectors' : 'EventSelectors')

  const insights = values.get('InsightSelectors')
  if (insights !== undefined) {
    document.InsightSelectors = opaqueList(insights) ?? insightSelectors(insights)
    markTree(fields, 'InsightSelectors', entry(properties, 'InsightSelectors'), index)
    const count = Array.isArray(document.InsightSelectors) ? document.InsightSelectors.length > 0 : unknown(render(insights))
    document.HasInsightSelectors = count
    mark('HasInsightSelectors', 'InsightSelectors')
  } else {
    document.HasInsightSelectors = false
  }

  const tags = values.get('Tags')
  if (tags !== undefined) {
    document.Tags = tagMap(tags)
    const tagsEntry = entry(properties, 'Tags')
    if (tagsEntry) fields.Tags = index.span(tagsEntry.keyStart, tagsEntry.value.end)
    if (tagsEntry?.value.kind === 'seq') {
      for (const item of tagsEntry.value.items) {
        const key = child(item, 'Key')
        if (key?.kind === 'scalar' && key.tag === undefined) fields[`Tags.${String(key.value)}`] = index.span(item.start, item.end)
      }
    }
  }
  return {document, fields, diagnostics}
}

/** Locations for a selector property and everything inside it; selector keys are DescribeTrails' own. */
function markTree(fields: Record<string, Location>, path: string, found: {keyStart: number; value: PNode} | undefined, index: SourceIndex): void {
  if (!found) return
  fields[path] = index.span(found.keyStart, found.value.end)
  const walk = (prefix: string, node: PNode): void => {
    if (node.kind === 'seq') {
      node.items.forEach((item, position) => {
        fields[`${prefix}.${position}`] = index.span(item.start, item.end)
        walk(`${prefix}.${position}`, item)
      })
    } else if (node.kind === 'map' && node.tag === undefined) {
      for (const item of node.entries) {
        fields[`${prefix}.${item.key}`] = index.span(item.keyStart, item.value.end)
        walk(`${prefix}.${item.key}`, item.value)
      }
    }
  }
  walk(path, found.value)
}

function emptyAsAbsent(value: unknown): unknown {
  return Array.isArray(value) && value.length === 0 ? undefined : value
}

/** A list whose elements are not known (`!If` on a whole selector) is unknown as a whole. */
function opaqueList(value: unknown): UnknownValue | undefined {
  if (isUnknown(value)) return value
  if (!Array.isArray(value)) return unknown(render(value))
  const opaque = value.find(isUnknown)
  return opaque === undefined ? undefined : unknown(opaque.$unknown === true ? 'unknown' : opaque.$unknown)
}

function records(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null && !isUnknown(item)) : []
}

/** A list of strings; elements only known at deploy time stay in it as unknown values. */
function textList(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined
  const texts = value.map(asText)
  return texts.every((text) => text !== undefined) ? (texts as string[]) : undefined
}

export function basicSelectors(value: unknown): EventSelector[] {
  return records(value).map((selector) => {
    // Unknown leaves are kept as they are: the matcher treats them as unknown, not as a mismatch.
    const readWrite = asText(selector.ReadWriteType) ?? 'All'
    const management = asBoolean(selector.IncludeManagementEvents) ?? true
    return {
      ReadWriteType: readWrite as EventSelector['ReadWriteType'],
      IncludeManagementEvents: management as boolean,
      DataResources: records(selector.DataResources).map((resource) => ({
        ...(resource.Type !== undefined ? {Type: asText(resource.Type) as string} : {}),
        Values: textList(resource.Values) ?? [],
      })),
      ExcludeManagementEventSources: textList(selector.ExcludeManagementEventSources) ?? [],
    }
  })
}

const FIELD_OPERATORS = ['Equals', 'StartsWith', 'EndsWith', 'NotEquals', 'NotStartsWith', 'NotEndsWith'] as const

export function advancedSelectors(value: unknown): AdvancedEventSelector[] {
  return records(value).map((selector) => {
    const name = asText(selector.Name)
    return {
      ...(name !== undefined ? {Name: name as string} : {}),
      FieldSelectors: records(selector.FieldSelectors).map((field) => {
        const result: AdvancedEventSelector['FieldSelectors'][number] = {Field: (asText(field.Field) ?? '') as string}
        for (const operator of FIELD_OPERATORS) {
          const list = textList(field[operator])
          if (list !== undefined) result[operator] = list
        }
        return result
      }),
    }
  })
}

function insightSelectors(value: unknown): {InsightType: string}[] {
  return records(value).flatMap((selector) => (typeof selector.InsightType === 'string' ? [{InsightType: selector.InsightType}] : []))
}

function tagMap(value: unknown): Record<string, string | ReturnType<typeof unknown>> {
  const tags: Record<string, string | ReturnType<typeof unknown>> = {}
  for (const tag of records(value)) {
    const key = asText(tag.Key)
    const tagValue = asText(tag.Value)
    if (typeof key === 'string' && tagValue !== undefined) tags[key] = tagValue
  }
  return tags
}
