import type {EventSubject} from '../model/types.js'
import {compileFilterPattern} from '../policy/filter-pattern.js'
import {compilePolicy, judge, type CompiledPolicy, type Judgement} from '../policy/judge.js'
import {substituteParams} from '../policy/params.js'
import {compilePattern, type Truth} from '../policy/pattern.js'
import {compileTree} from '../policy/pattern/compile.js'
import type {Clause, Policy} from '../policy/types.js'

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

/** Defaults of the policy's params, overridden by the given values. */
export function paramsFor(policy: Policy, given: Record<string, unknown> | undefined): Record<string, unknown> {
  const values: Record<string, unknown> = {}
  for (const [name, spec] of Object.entries(policy.params)) if (spec.default !== undefined) values[name] = spec.default
  return {...values, ...(given ?? {})}
}

/** Compiles one event policy; throws (with the pattern's own message) when a clause is invalid. */
export function compileEventPolicy(policy: Policy, given: Record<string, unknown> | undefined): EventPolicy {
  const params = paramsFor(policy, given)
  const engine = compilePolicy(policy, params)
  const quick = (clause: Clause): QuickTest => {
    if (typeof clause === 'string') return compileFilterPattern(clause).test
    const pattern = substituteParams(clause, params)
    const compiled = compilePattern(pattern)
    const required = requiredFields(pattern)
    if (required.length === 0) return (record) => compiled.test(record)
    return (record) => {
      // A field the pattern cannot do without is missing: false, as the full test would say.
      for (let index = 0; index < required.length; index++) {
        if (record[required[index]!] === undefined && !('$unknown' in record)) return false
      }
      return compiled.test(record)
    }
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

/**
 * Top-level fields whose absence makes the pattern false (`errorCode: [{prefix: …}]`, not
 * `{exists: false}`), read from the compiled tree so absence means exactly what the matcher says.
 * Fields with sub-fields are left out: a record may spell them with dots (`"a.b"`).
 */
function requiredFields(pattern: unknown): string[] {
  const {root, errors} = compileTree(pattern)
  if (errors.length > 0) return []
  return root.children.filter((child) => !child.node.absent && child.dotted.length === 0 && !child.ownOnly).map((child) => child.key)
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
    // An array of names matches when any element does (EventBridge's arrays): only a single name can rule a clause out.
    if (clause.eventNames && !Array.isArray(eventName) && !(typeof eventName === 'string' && clause.eventNames.has(eventName))) continue
    const value = clause.test(record)
    if (value === true) violated = true
    else if (value === 'unknown') undecided = true
  }
  if (violated && applies === true && exempt === false) return 'fail'
  if (violated || undecided) return 'unknown'
  return 'pass'
}

/**
 * A set of event policies arranged so that each record meets only the policies that could fail it.
 * Most detections forbid a handful of event names and nothing else: on any other record their
 * verdict is a pass without a test, and records of routine calls skip them altogether.
 */
export interface PolicyPlan {
  policies: EventPolicy[]
  /** Indices (ascending, so findings keep policy order) of the policies to try on a record of this event name. */
  byEventName: Map<string, number[]>
  /** Indices of the policies to try on a record whose event name is not in `byEventName`. */
  otherwise: number[]
  /** Every index: a record whose eventName is an array may match any policy through any element. */
  all: number[]
}

/** The event names outside which the policy passes every record untested; undefined when there are none. */
function passesOutside(compiled: EventPolicy): Set<string> | undefined {
  if (compiled.when.length > 0 || compiled.unless.length > 0 || compiled.require.length > 0 || compiled.forbid.length === 0) return undefined
  const names = new Set<string>()
  for (const clause of compiled.forbid) {
    if (!clause.eventNames) return undefined
    for (const name of clause.eventNames) names.add(name)
  }
  return names
}

export function planPolicies(policies: EventPolicy[]): PolicyPlan {
  const otherwise: number[] = []
  const named: {index: number; names: Set<string>}[] = []
  policies.forEach((compiled, index) => {
    const names = passesOutside(compiled)
    if (names) named.push({index, names})
    else otherwise.push(index)
  })
  const byEventName = new Map<string, number[]>()
  for (const {names} of named) {
    for (const name of names) {
      if (byEventName.has(name)) continue
      const indices = [...otherwise, ...named.filter((entry) => entry.names.has(name)).map((entry) => entry.index)]
      byEventName.set(name, indices.sort((a, b) => a - b))
    }
  }
  return {policies, byEventName, otherwise, all: policies.map((_, index) => index)}
}

/** The indices of the policies a record must be tried against; every other policy passes it. */
export function policiesFor(plan: PolicyPlan, record: Record<string, unknown>): number[] {
  const name = record.eventName
  if (typeof name === 'string') return plan.byEventName.get(name) ?? plan.otherwise
  return Array.isArray(name) ? plan.all : plan.otherwise
}

/** The engine's judgement, with the failing or matching leaves, for a record whose quick verdict was not a pass. */
export function explain(compiled: EventPolicy, subject: EventSubject): Judgement {
  return judge(compiled.engine, subject)
}
