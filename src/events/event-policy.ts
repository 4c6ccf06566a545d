import {compilePolicy, judge, type ClauseMatcher, type CompiledPolicy, type Judgement} from '../engine/evaluate.js'
import type {EventSubject} from '../model/types.js'
import {compilePattern, type LeafReport, type MatchResult, type Truth} from '../policy/pattern.js'
import {substituteParams} from '../policy/params.js'
import type {Clause, Policy} from '../policy/types.js'
import {compileFilterPattern, type CompiledFilterPattern} from './filter-pattern.js'

type QuickTest = (record: Record<string, unknown>) => Truth

/** An event policy ready for millions of records: fast tests for the verdict, the engine for the explanation. */
export interface EventPolicy {
  policy: Policy
  params: Record<string, unknown>
  engine: CompiledPolicy
  when: QuickTest[]
  unless: QuickTest[]
  require: QuickTest[]
  /** Each forbid clause with the event names it can match at all (undefined: any). */
  forbid: {test: QuickTest; eventNames?: Set<string>}[]
}

export type QuickVerdict = 'pass' | 'fail' | 'unknown' | 'not-applicable'

/** A CloudWatch Logs filter pattern as a clause the engine can explain. */
export function filterPatternClause(text: string): ClauseMatcher {
  const compiled = compileFilterPattern(text)
  return {match: (document) => explainFilter(compiled, document)}
}

function explainFilter(compiled: CompiledFilterPattern, document: unknown): MatchResult {
  const value = compiled.test(document)
  const leaves: LeafReport[] = compiled.selectors.map((path) => ({path, expected: `to satisfy ${compiled.source}`, actual: showValue(read(document, path))}))
  return {value, failures: value ? [] : leaves, matched: value ? leaves : [], unknowns: []}
}

function read(document: unknown, path: string): unknown {
  let current = document
  for (const step of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined
    current = (current as Record<string, unknown>)[step]
  }
  return current
}

function showValue(value: unknown): string {
  return value === undefined ? 'missing' : JSON.stringify(value)
}

/** Defaults of the policy's params, overridden by the given values. */
export function paramsFor(policy: Policy, given: Record<string, unknown> | undefined): Record<string, unknown> {
  const values: Record<string, unknown> = {}
  for (const [name, spec] of Object.entries(policy.params)) if (spec.default !== undefined) values[name] = spec.default
  return {...values, ...(given ?? {})}
}

/** Compiles one event policy; throws (with the pattern's own message) when a clause is invalid. */
export function compileEventPolicy(policy: Policy, given: Record<string, unknown> | undefined): EventPolicy {
  const params = paramsFor(policy, given)
  const engine = compilePolicy(policy, params, {compileFilterPattern: filterPatternClause})
  const quick = (clause: Clause): QuickTest => {
    if (typeof clause === 'string') return compileFilterPattern(clause).test
    const compiled = compilePattern(substituteParams(clause, params))
    return (record) => compiled.test(record)
  }
  return {
    policy,
    params,
    engine,
    when: policy.when.map(quick),
    unless: policy.unless.map(quick),
    require: policy.require.map(quick),
    forbid: policy.forbid.map((clause) => {
      const eventNames = typeof clause === 'string' ? undefined : eventNamesOf(clause)
      return {test: quick(clause), ...(eventNames ? {eventNames} : {})}
    }),
  }
}

/** The event names a pattern can match when it pins `eventName` to plain strings; else undefined. */
function eventNamesOf(pattern: Record<string, unknown>): Set<string> | undefined {
  const values = pattern.eventName
  if (!Array.isArray(values) || values.length === 0 || !values.every((value) => typeof value === 'string')) return undefined
  return new Set(values as string[])
}

/**
 * The verdict with the same rules as the engine's `judge` (when → unless → require/forbid, three-valued),
 * skipping forbid clauses whose event names cannot match. Explanations are left to `explain`.
 */
export function quickVerdict(compiled: EventPolicy, record: Record<string, unknown>): QuickVerdict {
  let applies: Truth = true
  for (const test of compiled.when) {
    const value = test(record)
    if (value === false) return 'not-applicable'
    if (value === 'unknown') applies = 'unknown'
  }
  let exempt: Truth = false
  for (const test of compiled.unless) {
    const value = test(record)
    if (value === true) return 'not-applicable'
    if (value === 'unknown') exempt = 'unknown'
  }
  let violated = false
  let undecided = false
  for (const test of compiled.require) {
    const value = test(record)
    if (value === false) violated = true
    else if (value === 'unknown') undecided = true
  }
  const eventName = record.eventName
  for (const clause of compiled.forbid) {
    if (clause.eventNames && !(typeof eventName === 'string' && clause.eventNames.has(eventName))) continue
    const value = clause.test(record)
    if (value === true) violated = true
    else if (value === 'unknown') undecided = true
  }
  if (violated && applies === true && exempt === false) return 'fail'
  if (violated || undecided) return 'unknown'
  return 'pass'
}

/** The engine's judgement, with the failing or matching leaves, for a record whose quick verdict was not a pass. */
export function explain(compiled: EventPolicy, subject: EventSubject): Judgement {
  return judge(compiled.engine, subject)
}
