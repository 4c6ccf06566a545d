/**
 * Judges deployed CloudWatch Logs metric filters against a reference pattern by what they match,
 * not by their text: both sides run over a corpus of CloudTrail records generated from the values
 * the patterns compare against (docs/monitoring.md).
 *
 * The corpus: for every selector any pattern reads, the values that separate its truth classes
 * (each literal, each wildcard with `*` as "" and as text plus a near miss, numbers either side of
 * each bound, null/true/false, the field missing, one value no pattern names), set on a realistic
 * base record. Up to MAX_CROSS_PRODUCT records it is the full cross product over the selectors;
 * beyond, it is every record one selector away from a seed, the seeds being the base record and a
 * record satisfying each conjunctive term of each pattern (bounded by MAX_TERMS_PER_PATTERN and
 * MAX_NEIGHBOURHOOD). Records that cannot exist, a known event name with a service that never
 * emits it (event-sources.ts), are left out.
 */
import {EVENT_SOURCES} from './event-sources.js'
import {compileFilterPattern, type CompiledFilterPattern, type FilterNode, type Step} from './filter-pattern.js'

export type CoverageRelation = 'equivalent' | 'broader' | 'narrower'

export interface CoverageVerdict {
  /** narrower = some record the reference matches is not matched. */
  relation: CoverageRelation
  /** Records judged. */
  corpusSize: number
  /** Of them, matched by the reference. */
  referenceMatches: number
  /** Records the reference matches and no deployed filter does (narrower). */
  missed: {count: number; sample?: Record<string, unknown>; eventNames: string[]; clauses: string[]}
  /** Records some deployed filter matches and the reference does not (broader or narrower-and-noisier). */
  extra: {count: number; sample?: Record<string, unknown>}
  /** The deployed union matches no record at all (e.g. `&&` of two event names). */
  matchesNothing: boolean
}

/** Above this many records the corpus is the neighbourhood of the seeds instead of the cross product. */
export const MAX_CROSS_PRODUCT = 20_000
/** The most records the neighbourhood corpus holds. */
export const MAX_NEIGHBOURHOOD = 20_000
/** The most conjunctive terms of one pattern that seed the neighbourhood corpus. */
export const MAX_TERMS_PER_PATTERN = 256
const MAX_DESCRIBED_MISSES = 5
/** Missed records and covered records examined to describe a miss that is not a whole event name. */
const MAX_EXAMINED_MISSES = 200
const MAX_KEPT_MISSES_PER_NAME = 20
const MAX_EXAMINED_COVERED = 2_000

type Rec = Record<string, unknown>
type Comparison = Extract<FilterNode, {kind: 'comparison'}>

const ABSENT = Symbol('absent')
type Candidate = unknown

/** A management event as CloudTrail writes it; generated records vary the selectors on top of it. */
const BASE_RECORD: Rec = {
  eventVersion: '1.09',
  userIdentity: {
    type: 'IAMUser',
    principalId: 'AIDAEXAMPLEPRINCIPAL',
    arn: 'arn:aws:iam::111122223333:user/alice',
    accountId: '111122223333',
    accessKeyId: 'AKIAEXAMPLEKEY',
    userName: 'alice',
  },
  eventTime: '2024-05-01T12:00:00Z',
  eventSource: 'ec2.amazonaws.com',
  eventName: 'DescribeInstances',
  awsRegion: 'us-east-1',
  sourceIPAddress: '198.51.100.7',
  userAgent: 'aws-cli/2.15.0',
  requestParameters: null,
  responseElements: null,
  requestID: '00000000-0000-4000-8000-000000000000',
  eventID: '00000000-0000-4000-8000-000000000001',
  eventType: 'AwsApiCall',
  managementEvent: true,
  recipientAccountId: '111122223333',
  eventCategory: 'Management',
}

/** Fields every CloudTrail record has: a record without one is not generated. */
const ALWAYS_PRESENT = new Set(['eventVersion', 'eventTime', 'eventSource', 'eventName', 'awsRegion', 'eventID', 'eventType', 'recipientAccountId', 'userIdentity.type', 'sourceIPAddress'])

/** Values CloudTrail writes in fields the CIS filters read, so a miss is shown with a value a reader recognizes. */
const KNOWN_VALUES: Readonly<Record<string, readonly string[]>> = {
  'userIdentity.type': ['Root', 'IAMUser', 'AssumedRole', 'FederatedUser', 'AWSService', 'AWSAccount', 'IdentityCenterUser'],
  eventType: ['AwsApiCall', 'AwsServiceEvent', 'AwsConsoleSignIn', 'AwsConsoleAction'],
  'additionalEventData.MFAUsed': ['Yes', 'No'],
  'responseElements.ConsoleLogin': ['Success', 'Failure'],
}

interface Selector {
  name: string
  path: Step[]
  comparisons: Comparison[]
  candidates: Candidate[]
  /** The value a record carries when this selector is not being varied. */
  fallback: Candidate
}

/** Throws FilterPatternError (src/policy/filter-pattern.ts) when a pattern does not parse. */
export function compareFilterPatterns(reference: string, deployed: readonly string[]): CoverageVerdict {
  const referencePattern = compileFilterPattern(reference)
  const deployedPatterns = deployed.map((text) => compileFilterPattern(text))
  const patterns = [referencePattern, ...deployedPatterns]
  const selectors = collectSelectors(patterns)

  // Records are judged as they are generated; only counts and bounded samples are kept.
  const missed: Rec[] = []
  const missedPerName = new Map<unknown, number>()
  const covered: Rec[] = []
  let extraSample: Rec | undefined
  let corpusSize = 0
  let referenceMatches = 0
  let deployedMatches = 0
  let missedCount = 0
  let extraCount = 0
  /** Per event name, whether some record the reference matches under it is covered. */
  const nameCovered = new Map<unknown, boolean>()
  for (const record of corpusRecords(patterns, selectors)) {
    corpusSize++
    const byReference = referencePattern.test(record)
    const byDeployed = deployedPatterns.some((pattern) => pattern.test(record))
    if (byReference) referenceMatches++
    if (byDeployed) deployedMatches++
    if (byReference) nameCovered.set(record.eventName, (nameCovered.get(record.eventName) ?? false) || byDeployed)
    if (byReference && !byDeployed) {
      missedCount++
      const kept = missedPerName.get(record.eventName) ?? 0
      if (kept < MAX_KEPT_MISSES_PER_NAME && missed.length < MAX_EXAMINED_MISSES) {
        missed.push(record)
        missedPerName.set(record.eventName, kept + 1)
      }
    } else if (!byReference && byDeployed) {
      extraCount++
      extraSample ??= record
    } else if (byReference && covered.length < MAX_EXAMINED_COVERED) {
      covered.push(record)
    }
  }

  const eventNames = referenceEventNames(referencePattern).filter((name) => nameCovered.get(name) === false)
  const clauses = [...eventNames.map((name) => `($.eventName = ${showValue(name)})`), ...describeOtherMisses(selectors, new Set(referencePattern.selectors), missed, covered, new Set(eventNames))]
  return {
    relation: missedCount > 0 ? 'narrower' : extraCount > 0 ? 'broader' : 'equivalent',
    corpusSize,
    referenceMatches,
    missed: {count: missedCount, ...(missed[0] ? {sample: structuredClone(missed[0])} : {}), eventNames, clauses},
    extra: {count: extraCount, ...(extraSample ? {sample: structuredClone(extraSample)} : {})},
    matchesNothing: deployedMatches === 0,
  }
}

// ---------------------------------------------------------------------------------------------
// The corpus

/** The corpus, each record once. Records share the base record's untouched parts: read them, never change them. */
function* corpusRecords(patterns: readonly CompiledFilterPattern[], selectors: readonly Selector[]): Generator<Rec> {
  const product = selectors.reduce((size, selector) => size * selector.candidates.length, 1)
  const seen = new Set<string>()
  const fresh = (record: Rec | undefined): record is Rec => {
    if (!record) return false
    // Records differ only where a selector points, and in the service an event name brings along.
    const key = `${selectors.map((selector) => valueKey(readPath(record, selector.path))).join('\u0001')}\u0001${String(record.eventSource)}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  }
  if (product <= MAX_CROSS_PRODUCT) {
    for (const assignment of crossProduct(selectors)) {
      const record = materialize(selectors, assignment, false)
      if (fresh(record)) yield record
    }
    return
  }
  const seeds = [selectors.map((selector) => selector.fallback), ...patterns.flatMap((pattern) => witnesses(pattern.tree, selectors))]
  for (const seed of seeds) {
    const record = materialize(selectors, seed, true)
    if (fresh(record)) yield record
    for (let index = 0; index < selectors.length; index++) {
      for (const candidate of selectors[index]!.candidates) {
        if (seen.size >= MAX_NEIGHBOURHOOD) return
        const assignment = [...seed]
        assignment[index] = candidate
        // Varying the event name brings its service along; varying the source keeps records real.
        const neighbour = materialize(selectors, assignment, selectors[index]!.name === 'eventName')
        if (fresh(neighbour)) yield neighbour
      }
    }
  }
}

function collectSelectors(patterns: readonly CompiledFilterPattern[]): Selector[] {
  const byName = new Map<string, Selector>()
  for (const pattern of patterns) {
    for (const comparison of comparisonsOf(pattern.tree)) {
      let selector = byName.get(comparison.selector)
      if (!selector) {
        const fallback = readPath(BASE_RECORD, comparison.path)
        selector = {name: comparison.selector, path: comparison.path, comparisons: [], candidates: [], fallback: isScalar(fallback) ? fallback : ABSENT}
        byName.set(comparison.selector, selector)
      }
      selector.comparisons.push(comparison)
    }
  }
  for (const selector of byName.values()) selector.candidates = candidatesFor(selector)
  const source = byName.get('eventSource')
  const name = byName.get('eventName')
  if (source && name) {
    // Every service that emits a named event, so a filter that keeps only one of them is found narrower.
    const services = name.candidates.flatMap((candidate) => (typeof candidate === 'string' ? (EVENT_SOURCES[candidate] ?? []) : []))
    source.candidates = unique([...source.candidates, ...services])
  }
  // Shorter paths first, so that a deeper selector under the same field is set after it.
  return [...byName.values()].sort((a, b) => a.path.length - b.path.length || a.name.localeCompare(b.name))
}

function comparisonsOf(node: FilterNode): Comparison[] {
  return node.kind === 'comparison' ? [node] : node.operands.flatMap(comparisonsOf)
}

/** The values that separate the truth classes of every comparison on one selector. */
function candidatesFor(selector: Selector): Candidate[] {
  const values: Candidate[] = [selector.fallback, ...(KNOWN_VALUES[selector.name] ?? [])]
  if (!ALWAYS_PRESENT.has(selector.name)) values.push(ABSENT)
  for (const {operand} of selector.comparisons) {
    switch (operand.kind) {
      case 'literal':
        values.push(operand.text)
        break
      case 'number':
        values.push(operand.value, operand.value - 1, operand.value + 1, String(operand.value))
        break
      case 'wildcard':
        values.push(instantiate(operand.text, () => ''), instantiate(operand.text, wildcardFill), nearMiss(instantiate(operand.text, () => '')))
        break
      case 'regex':
        for (const candidate of regexCandidates(operand.source)) values.push(candidate)
        break
      case 'null':
      case 'true':
      case 'false':
        values.push(null, true, false)
        break
      case 'missing':
        values.push(ABSENT, 'present')
        break
    }
  }
  values.push(otherValue(selector))
  const bounds = [...new Set(selector.comparisons.flatMap((comparison) => (comparison.operand.kind === 'number' ? [comparison.operand.value] : [])))].sort((a, b) => a - b)
  // Between two bounds lies a value on one side of each (`> 5` against `>= 6` differ at 5.5).
  for (let i = 1; i < bounds.length; i++) values.push((bounds[i - 1]! + bounds[i]!) / 2)
  return unique(values)
}

/**
 * A value equal to nothing any comparison on the selector names (a known one when the field has
 * them), so that each `=` has a record where it is false and each `!=` one where it is true.
 */
function otherValue(selector: Selector): string {
  const known = KNOWN_VALUES[selector.name] ?? []
  const attempts = [...known, 'OtherValue', ...Array.from({length: 8}, (_, i) => `OtherValue${i + 1}`)]
  const other = attempts.find((value) => {
    const record = setPath({}, selector.path, value)
    return selector.comparisons.every((comparison) => {
      if (comparison.operator === '=') return !comparison.test(record)
      if (comparison.operator === '!=') return comparison.test(record)
      return true
    })
  })
  return other ?? 'OtherValue'
}

function instantiate(wildcard: string, fill: (at: 'start' | 'end' | 'inside') => string): string {
  let text = ''
  for (let i = 0; i < wildcard.length; i++) {
    if (wildcard[i] === '\\' && wildcard[i + 1] === '*') {
      text += '*'
      i++
    } else if (wildcard[i] === '*') {
      text += fill(i === 0 ? 'start' : i === wildcard.length - 1 ? 'end' : 'inside')
    } else {
      text += wildcard[i]
    }
  }
  return text
}

/** Text for a `*` shaped like what CloudTrail writes there (`Client.UnauthorizedOperation`, `AccessDeniedException`). */
function wildcardFill(at: 'start' | 'end' | 'inside'): string {
  return at === 'start' ? 'Client.' : at === 'end' ? 'Exception' : 'x'
}

/** The same text with its last character changed: what a wildcard around it no longer matches. */
function nearMiss(text: string): string {
  if (text === '') return 'x'
  const last = text.at(-1)!
  return text.slice(0, -1) + (last === 'x' ? 'y' : 'x')
}

/** Strings a regex matches, found by reading its literal characters; other values come from the rest of the corpus. */
function regexCandidates(source: string): string[] {
  let regex: RegExp
  try {
    regex = new RegExp(source)
  } catch {
    return []
  }
  const literal = source.replace(/^\^/, '').replace(/\$$/, '')
  const attempts = [
    literal.replace(/\.[*+?]/g, '').replace(/\\(.)/g, '$1').replace(/[*+?]/g, ''),
    literal.replace(/\.[*+?]/g, 'x').replace(/\\(.)/g, '$1').replace(/[*+?]/g, ''),
    literal.replace(/\\d[*+]?/g, '1').replace(/\\w[*+]?/g, 'a').replace(/\[([^\]^])[^\]]*\][*+?]?/g, '$1').replace(/\.[*+?]?/g, 'x').replace(/\\(.)/g, '$1').replace(/[*+?]/g, ''),
  ]
  const matching = attempts.filter((attempt) => regex.test(attempt))
  return [...matching, ...matching.map((value) => nearMiss(value))]
}

function* crossProduct(selectors: readonly Selector[]): Generator<Candidate[]> {
  const indexes = selectors.map(() => 0)
  for (;;) {
    yield selectors.map((selector, i) => selector.candidates[indexes[i]!])
    let position = selectors.length - 1
    while (position >= 0 && indexes[position] === selectors[position]!.candidates.length - 1) {
      indexes[position] = 0
      position--
    }
    if (position < 0) return
    indexes[position]!++
  }
}

/** A seed for each conjunctive term of the pattern: the first candidates that satisfy the term. */
function witnesses(tree: FilterNode, selectors: readonly Selector[]): Candidate[][] {
  const seeds: Candidate[][] = []
  for (const term of conjunctiveTerms(tree)) {
    const seed = selectors.map((selector) => selector.fallback)
    let satisfiable = true
    for (let index = 0; index < selectors.length && satisfiable; index++) {
      const selector = selectors[index]!
      const constraints = term.filter((comparison) => comparison.selector === selector.name)
      if (constraints.length === 0) continue
      const value = selector.candidates.find((candidate) => {
        const record = candidate === ABSENT ? {} : setPath({}, selector.path, candidate)
        return constraints.every((comparison) => comparison.test(record))
      })
      if (value === undefined) satisfiable = false
      else seed[index] = value
    }
    if (satisfiable) seeds.push(seed)
  }
  return seeds
}

function conjunctiveTerms(node: FilterNode): Comparison[][] {
  if (node.kind === 'comparison') return [[node]]
  if (node.kind === 'or') return node.operands.flatMap(conjunctiveTerms).slice(0, MAX_TERMS_PER_PATTERN)
  let terms: Comparison[][] = [[]]
  for (const operand of node.operands) {
    const rights = conjunctiveTerms(operand)
    const next: Comparison[][] = []
    for (const left of terms) {
      for (const right of rights) {
        if (next.length >= MAX_TERMS_PER_PATTERN) break
        next.push([...left, ...right])
      }
    }
    terms = next
  }
  return terms
}

/**
 * The record for one assignment of values to the selectors, or none when it cannot exist. With
 * `followName`, a known event name brings its service along instead of dropping the record.
 */
function materialize(selectors: readonly Selector[], assignment: readonly Candidate[], followName: boolean): Rec | undefined {
  // Object.assign, not spread: V8 adds properties to a spread copy far more slowly.
  let record: Rec = Object.assign({}, BASE_RECORD)
  selectors.forEach((selector, index) => {
    const value = assignment[index]
    record = value === ABSENT ? deletePath(record, selector.path) : setPath(record, selector.path, value)
  })
  const services = typeof record.eventName === 'string' && Object.hasOwn(EVENT_SOURCES, record.eventName) ? EVENT_SOURCES[record.eventName]! : undefined
  if (services && !services.includes(record.eventSource as string)) {
    const sourceVaries = selectors.some((selector) => selector.name === 'eventSource')
    if (sourceVaries && !followName) return undefined
    record.eventSource = services[0]
  }
  return record
}

// ---------------------------------------------------------------------------------------------
// What a narrower filter misses

/** The event names the reference compares `$.eventName =` against. */
function referenceEventNames(reference: CompiledFilterPattern): string[] {
  const names = comparisonsOf(reference.tree).flatMap((comparison) => (comparison.selector === 'eventName' && comparison.operator === '=' && comparison.operand.kind === 'literal' ? [comparison.operand.text] : []))
  return [...new Set(names)]
}

/**
 * For misses that are not a whole event name: the selector values where a missed record differs
 * from the nearest covered one, preferring the selectors only the deployed filters read (the
 * conditions they add). Misses that differ in the same single selector are told as one.
 */
function describeOtherMisses(selectors: readonly Selector[], referenceSelectors: ReadonlySet<string>, missed: readonly Rec[], covered: readonly Rec[], wholeNames: ReadonlySet<string>): string[] {
  const valuesOf = (record: Rec): unknown[] => selectors.map((selector) => readPath(record, selector.path))
  const coveredValues = covered.slice(0, MAX_EXAMINED_COVERED).map((record) => valuesOf(record).map(valueKey))
  const cost = (indexes: readonly number[]): number => indexes.reduce((sum, index) => sum + (referenceSelectors.has(selectors[index]!.name) ? 1.5 : 1), 0)
  /** Differing selector indexes (joined) → the missed values seen there. */
  const groups = new Map<string, {indexes: number[]; values: unknown[][]}>()
  for (const record of missed.slice(0, MAX_EXAMINED_MISSES)) {
    if (typeof record.eventName === 'string' && wholeNames.has(record.eventName)) continue
    const values = valuesOf(record)
    const keys = values.map(valueKey)
    let nearest: number[] | undefined
    for (const other of coveredValues) {
      const differing = keys.flatMap((key, index) => (key === other[index] ? [] : [index]))
      if (!nearest || cost(differing) < cost(nearest)) nearest = differing
    }
    const shown = nearest && nearest.length > 0 ? nearest : selectors.flatMap((selector, index) => (referenceSelectors.has(selector.name) ? [index] : []))
    const key = shown.join(',')
    const group = groups.get(key) ?? {indexes: shown, values: []}
    const picked = shown.map((index) => values[index])
    if (!group.values.some((seen) => seen.every((value, i) => valueKey(value) === valueKey(picked[i])))) group.values.push(picked)
    groups.set(key, group)
  }
  const descriptions: string[] = []
  for (const {indexes, values} of groups.values()) {
    if (indexes.length === 1) {
      descriptions.push(`records with ${oneOf(selectorText(selectors[indexes[0]!]!.path), values.map((picked) => picked[0]))}`)
    } else {
      for (const picked of values) descriptions.push(`records with ${indexes.map((index, i) => condition(selectorText(selectors[index]!.path), picked[i])).join(' && ')}`)
    }
  }
  return descriptions.slice(0, MAX_DESCRIBED_MISSES)
}

/** `$.a = X`, or `$.a = X, Y or Z` for several values of one selector. */
function oneOf(selector: string, values: readonly unknown[]): string {
  const plain = values.filter((value): value is string | number => typeof value === 'string' || typeof value === 'number')
  if (plain.length < 2) return values.map((value) => condition(selector, value)).join(' or ')
  const others = values.filter((value) => typeof value !== 'string' && typeof value !== 'number').map((value) => condition(selector, value))
  const listed = plain.map(showValue)
  return [`${selector} = ${listed.length > 1 ? `${listed.slice(0, -1).join(', ')} or ${listed.at(-1)}` : listed[0]}`, ...others].join(' or ')
}

/** A selector as filter patterns write it: `$.resources[0].type`. */
function selectorText(path: readonly Step[]): string {
  return `$${path.map((step) => (typeof step === 'number' ? `[${step}]` : `.${step}`)).join('')}`
}

function condition(selector: string, value: unknown): string {
  if (value === ABSENT) return `${selector} NOT EXISTS`
  if (value === null) return `${selector} IS NULL`
  if (value === true) return `${selector} IS TRUE`
  if (value === false) return `${selector} IS FALSE`
  return `${selector} = ${showValue(value)}`
}

function showValue(value: unknown): string {
  if (typeof value === 'number') return String(value)
  const text = String(value)
  return /^[A-Za-z0-9_.:/@-]+$/.test(text) ? text : JSON.stringify(text)
}

// ---------------------------------------------------------------------------------------------
// Records as plain data

function readPath(record: unknown, path: readonly Step[]): unknown {
  let current = record
  for (const step of path) {
    if (typeof step === 'number') {
      if (!Array.isArray(current) || step >= current.length) return ABSENT
      current = current[step]
    } else {
      if (!isPlainObject(current) || !Object.hasOwn(current, step)) return ABSENT
      current = current[step]
    }
  }
  return current
}

/**
 * Sets a value at a path, turning scalars on the way into objects or arrays. The containers on the
 * path are copied first, so the base record they may come from is never changed.
 */
function setPath(record: Rec, path: readonly Step[], value: unknown): Rec {
  let holder: Record<string | number, unknown> = record
  path.forEach((step, index) => {
    if (index === path.length - 1) {
      holder[step] = value
      return
    }
    const nextStep = path[index + 1]
    const child = holder[step]
    let copy: Rec | unknown[]
    if (typeof nextStep === 'number') {
      copy = Array.isArray(child) ? [...(child as unknown[])] : []
      while (copy.length <= nextStep) copy.push({})
    } else {
      copy = isPlainObject(child) ? Object.assign({}, child) : {}
    }
    holder[step] = copy
    holder = copy as Record<string | number, unknown>
  })
  return record
}

/** Removes the value at a path, copying the containers on the way as setPath does. */
function deletePath(record: Rec, path: readonly Step[]): Rec {
  let holder: Record<string | number, unknown> = record
  for (let index = 0; index < path.length - 1; index++) {
    const child = holder[path[index]!]
    const nextStep = path[index + 1]
    if (typeof nextStep === 'number' ? !Array.isArray(child) : !isPlainObject(child)) return record
    const copy = Array.isArray(child) ? [...(child as unknown[])] : Object.assign({}, child as Rec)
    holder[path[index]!] = copy
    holder = copy as Record<string | number, unknown>
  }
  const step = path.at(-1)!
  if (typeof step === 'number') {
    if (Array.isArray(holder) && step < holder.length) holder.length = step
  } else if (Object.hasOwn(holder, step)) {
    delete holder[step]
  }
  return record
}

function isPlainObject(value: unknown): value is Rec {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isScalar(value: unknown): boolean {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value)
}

function valueKey(value: unknown): string {
  if (value === ABSENT) return '\u0000absent'
  // Strings are most values; they need no encoding to be told apart from the other types.
  return typeof value === 'string' ? `s${value}` : `${typeof value}:${JSON.stringify(value)}`
}

function unique<T>(values: readonly T[]): T[] {
  const seen = new Set<string>()
  return values.filter((value) => {
    const key = valueKey(value)
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}
