import {
  isUnknown,
  unknown,
  type AdvancedFieldSelector,
  type ManagementEventsCoverage,
  type TrailDocument,
  type TrailFacts,
  type UnknownValue,
} from './types.js'

type Maybe<T> = T | UnknownValue

const CONDITION_OPERATORS = ['Equals', 'StartsWith', 'EndsWith', 'NotEquals', 'NotStartsWith', 'NotEndsWith'] as const

/**
 * The facts policies read under `Facts`, derived from a trail's own fields. Each fact whose inputs
 * hold an unknown value is itself unknown, with the first reason found. The rules are written out
 * for users in docs/inputs.md ("Trail facts").
 */
export function trailFacts(trail: Omit<TrailDocument, 'Facts'>, context: {isShadow: boolean; isOtherAccount: boolean}): TrailFacts {
  const basic = listOf(trail.EventSelectors, 'EventSelectors')
  const advanced = listOf(trail.AdvancedEventSelectors, 'AdvancedEventSelectors')
  return {
    ManagementEvents: managementEvents(basic, advanced),
    ExcludesManagementEventSources: excludesSources(basic, advanced),
    EventSelectorCount: isUnknown(basic) ? basic : basic.length,
    DataResourceCount: dataResourceCount(basic),
    AdvancedSelectorValueCount: advancedValueCount(advanced),
    LogsDataEvents: logsDataEvents(basic, advanced),
    IsShadow: context.isShadow,
    IsOtherAccount: context.isOtherAccount,
  }
}

/** A selector list as plain records; unknown as a whole if the list or any member is unknown. */
function listOf(value: unknown, field: string): Maybe<Record<string, unknown>[]> {
  if (value === undefined || value === null) return []
  if (isUnknown(value)) return value
  if (!Array.isArray(value)) return unknown(`${field} is not a list`)
  for (const [index, item] of value.entries()) {
    if (isUnknown(item)) return unknown(`${field}[${index}]: ${reasonOf(item)}`)
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return unknown(`${field}[${index}] is not an object`)
    const inner = findUnknown(item, `${field}[${index}]`)
    if (inner) return inner
  }
  return value as Record<string, unknown>[]
}

function findUnknown(value: unknown, path: string): UnknownValue | undefined {
  if (isUnknown(value)) return unknown(`${path}: ${reasonOf(value)}`)
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findUnknown(item, `${path}[${index}]`)
      if (found) return found
    }
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const found = findUnknown(item, `${path}.${key}`)
      if (found) return found
    }
  }
  return undefined
}

function reasonOf(value: UnknownValue): string {
  return value.$unknown === true ? 'unknown value' : value.$unknown
}

/** What one basic selector logs of management events; a selector omitting IncludeManagementEvents logs them (API default). */
function basicCoverage(selector: Record<string, unknown>): ManagementEventsCoverage {
  if (selector.IncludeManagementEvents === false) return 'None'
  switch (selector.ReadWriteType) {
    case 'ReadOnly':
      return 'ReadOnly'
    case 'WriteOnly':
      return 'WriteOnly'
    default:
      return 'ReadWrite'
  }
}

function fieldSelectors(selector: Record<string, unknown>): AdvancedFieldSelector[] {
  return Array.isArray(selector.FieldSelectors) ? (selector.FieldSelectors as AdvancedFieldSelector[]) : []
}

function condition(selector: Record<string, unknown>, field: string): AdvancedFieldSelector | undefined {
  return fieldSelectors(selector).find((candidate) => candidate.Field === field)
}

function isManagementSelector(selector: Record<string, unknown>): boolean {
  return condition(selector, 'eventCategory')?.Equals?.includes('Management') ?? false
}

/** What one advanced management selector logs, from its `readOnly` condition. */
function advancedCoverage(selector: Record<string, unknown>): Maybe<ManagementEventsCoverage> {
  const readOnly = condition(selector, 'readOnly')
  if (!readOnly) return 'ReadWrite'
  const only = (values: string[] | undefined, value: string): boolean => values?.length === 1 && values[0] === value
  const both = (values: string[] | undefined): boolean => values?.includes('true') === true && values.includes('false')
  const others = CONDITION_OPERATORS.filter((operator) => operator !== 'Equals' && operator !== 'NotEquals' && readOnly[operator] !== undefined)
  if (others.length === 0 && readOnly.NotEquals === undefined) {
    if (only(readOnly.Equals, 'true')) return 'ReadOnly'
    if (only(readOnly.Equals, 'false')) return 'WriteOnly'
    if (both(readOnly.Equals)) return 'ReadWrite'
  }
  if (others.length === 0 && readOnly.Equals === undefined) {
    if (only(readOnly.NotEquals, 'true')) return 'WriteOnly'
    if (only(readOnly.NotEquals, 'false')) return 'ReadOnly'
  }
  return unknown(`the readOnly condition of advanced selector ${JSON.stringify(selector.Name ?? '')} is not one trailgate understands`)
}

/**
 * What the selectors log of management events together: AWS logs an event when any selector selects
 * it, so a read-only and a write-only selector add up to ReadWrite. None when no selector logs
 * management events.
 */
function managementEvents(basic: Maybe<Record<string, unknown>[]>, advanced: Maybe<Record<string, unknown>[]>): Maybe<ManagementEventsCoverage> {
  if (isUnknown(basic)) return basic
  if (isUnknown(advanced)) return advanced
  if (basic.length === 0 && advanced.length === 0) return 'ReadWrite'
  const coverages: Maybe<ManagementEventsCoverage>[] = [
    ...basic.map(basicCoverage),
    ...advanced.filter(isManagementSelector).map(advancedCoverage),
  ]
  const unknownCoverage = coverages.find(isUnknown)
  if (unknownCoverage) return unknownCoverage
  const reads = coverages.includes('ReadWrite') || coverages.includes('ReadOnly')
  const writes = coverages.includes('ReadWrite') || coverages.includes('WriteOnly')
  if (reads && writes) return 'ReadWrite'
  return reads ? 'ReadOnly' : writes ? 'WriteOnly' : 'None'
}

/**
 * True when a selector that logs management events leaves some sources out: a basic selector's
 * ExcludeManagementEventSources, or any eventSource condition on an advanced management selector
 * (NotEquals excludes sources; Equals and StartsWith keep only some).
 */
function excludesSources(basic: Maybe<Record<string, unknown>[]>, advanced: Maybe<Record<string, unknown>[]>): Maybe<boolean> {
  if (isUnknown(basic)) return basic
  if (isUnknown(advanced)) return advanced
  const basicExcludes = basic.some(
    (selector) =>
      basicCoverage(selector) !== 'None' &&
      Array.isArray(selector.ExcludeManagementEventSources) &&
      selector.ExcludeManagementEventSources.length > 0,
  )
  const advancedExcludes = advanced.some((selector) => isManagementSelector(selector) && condition(selector, 'eventSource') !== undefined)
  return basicExcludes || advancedExcludes
}

/**
 * The values that select every resource of a type (`arn:aws:s3`, `arn:aws:s3:::`, `arn:aws:lambda`,
 * `arn:aws:dynamodb`, in any partition): AWS does not count them toward the 250 data resources.
 */
const ALL_RESOURCES = /^arn:[a-z-]+:(?:s3(?::::)?|lambda|dynamodb)$/

function dataResourceCount(basic: Maybe<Record<string, unknown>[]>): Maybe<number> {
  if (isUnknown(basic)) return basic
  let count = 0
  for (const selector of basic) {
    const resources = Array.isArray(selector.DataResources) ? (selector.DataResources as Record<string, unknown>[]) : []
    for (const resource of resources) {
      if (!Array.isArray(resource.Values)) continue
      for (const value of resource.Values) if (typeof value !== 'string' || !ALL_RESOURCES.test(value)) count++
    }
  }
  return count
}

function advancedValueCount(advanced: Maybe<Record<string, unknown>[]>): Maybe<number> {
  if (isUnknown(advanced)) return advanced
  let count = 0
  for (const selector of advanced) {
    for (const fieldSelector of fieldSelectors(selector)) {
      for (const operator of CONDITION_OPERATORS) count += fieldSelector[operator]?.length ?? 0
    }
  }
  return count
}

type DataEventFamilies = {S3: boolean; Lambda: boolean; DynamoDB: boolean; Other: boolean}

function familyOf(resourceType: string): keyof DataEventFamilies {
  if (resourceType.startsWith('AWS::S3::')) return 'S3'
  if (resourceType === 'AWS::Lambda::Function') return 'Lambda'
  if (resourceType.startsWith('AWS::DynamoDB::')) return 'DynamoDB'
  return 'Other'
}

/**
 * Which data event families the trail logs: basic DataResources with at least one value, and
 * advanced selectors with `eventCategory` Equals `Data`, by their `resources.type` Equals values
 * (a data selector that names no type exactly counts as Other).
 */
function logsDataEvents(basic: Maybe<Record<string, unknown>[]>, advanced: Maybe<Record<string, unknown>[]>): Maybe<DataEventFamilies> {
  if (isUnknown(basic)) return basic
  if (isUnknown(advanced)) return advanced
  const families: DataEventFamilies = {S3: false, Lambda: false, DynamoDB: false, Other: false}
  for (const selector of basic) {
    const resources = Array.isArray(selector.DataResources) ? (selector.DataResources as Record<string, unknown>[]) : []
    for (const resource of resources) {
      if (typeof resource.Type === 'string' && Array.isArray(resource.Values) && resource.Values.length > 0) families[familyOf(resource.Type)] = true
    }
  }
  for (const selector of advanced) {
    if (!(condition(selector, 'eventCategory')?.Equals?.includes('Data') ?? false)) continue
    const types = condition(selector, 'resources.type')?.Equals ?? []
    if (types.length === 0) families.Other = true
    for (const type of types) families[familyOf(type)] = true
  }
  return families
}
