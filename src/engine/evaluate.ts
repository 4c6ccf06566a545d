import type {Detail, Diagnostic, Inventory, Result, Subject, SubjectType, TrailSubject} from '../model/types.js'
import {compilePattern, type LeafReport, type MatchResult, type Truth} from '../policy/pattern.js'
import {substituteParams} from '../policy/params.js'
import type {Clause, Policy, Waiver} from '../policy/types.js'
import {locateResult} from './locate.js'
import {describeDetails} from './message.js'
import {renderTemplate} from './template.js'
import {applySuppressions, type WaiverUse} from './waivers.js'

/** Anything that can judge a document: an EventBridge pattern or a CloudWatch Logs filter pattern. */
export interface ClauseMatcher {
  match(document: unknown): MatchResult
}

/** Filter-pattern strings are compiled by the events module; the engine only needs this hook. */
export type FilterPatternCompiler = (text: string) => ClauseMatcher

export interface CompiledPolicy {
  policy: Policy
  params: Record<string, unknown>
  when: ClauseMatcher[]
  unless: ClauseMatcher[]
  require: ClauseMatcher[]
  forbid: ClauseMatcher[]
}

export interface CompileOptions {
  compileFilterPattern?: FilterPatternCompiler
}

/** Substitutes params and compiles every clause. Throws (PatternError or Error) when a clause is invalid. */
export function compilePolicy(policy: Policy, params: Record<string, unknown>, options: CompileOptions = {}): CompiledPolicy {
  const compileClause = (clause: Clause): ClauseMatcher => {
    if (typeof clause === 'string') {
      if (!options.compileFilterPattern) throw new Error(`policy ${policy.id}: filter-pattern clauses are only supported for event policies`)
      return options.compileFilterPattern(clause)
    }
    return compilePattern(substituteParams(clause, params))
  }
  return {
    policy,
    params,
    when: policy.when.map(compileClause),
    unless: policy.unless.map(compileClause),
    require: policy.require.map(compileClause),
    forbid: policy.forbid.map(compileClause),
  }
}

export type Judgement =
  | {applicable: false; exemptedBy?: 'when' | 'unless'}
  | {applicable: true; status: 'pass' | 'fail' | 'unknown'; details: Detail[]; message: string}

const andTruth = (values: Truth[]): Truth => (values.includes(false) ? false : values.includes('unknown') ? 'unknown' : true)
const orTruth = (values: Truth[]): Truth => (values.includes(true) ? true : values.includes('unknown') ? 'unknown' : false)

const toDetail = (leaf: LeafReport): Detail => ({path: leaf.path, expected: leaf.expected, actual: leaf.actual})

/**
 * Decides one policy for one subject: `when` (all must match) → `unless` (any exempts) →
 * `require` (all must match) and `forbid` (none may match). Three-valued throughout: a subject is
 * failed only when the failure does not depend on an unknown value.
 */
export function judge(compiled: CompiledPolicy, subject: Subject<object>): Judgement {
  const document = subject.document
  const whenResults = compiled.when.map((clause) => clause.match(document))
  const applies = andTruth(whenResults.map((r) => r.value))
  if (applies === false) return {applicable: false, exemptedBy: 'when'}
  const unlessResults = compiled.unless.map((clause) => clause.match(document))
  const exempt = orTruth(unlessResults.map((r) => r.value))
  if (exempt === true) return {applicable: false, exemptedBy: 'unless'}

  const requireResults = compiled.require.map((clause) => clause.match(document))
  const forbidResults = compiled.forbid.map((clause) => clause.match(document))
  const failed: Detail[] = [
    ...requireResults.filter((r) => r.value === false).flatMap((r) => r.failures.map(toDetail)),
    ...forbidResults.filter((r) => r.value === true).flatMap((r) => r.matched.map((leaf) => ({...toDetail(leaf), expected: `not ${leaf.expected}`}))),
  ]
  const violated = requireResults.some((r) => r.value === false) || forbidResults.some((r) => r.value === true)
  const undecided = [...requireResults, ...forbidResults].filter((r) => r.value === 'unknown')
  const applicabilityUnknown = applies === 'unknown' || exempt === 'unknown'

  if (violated && !applicabilityUnknown) {
    return {applicable: true, status: 'fail', details: failed, message: failMessage(compiled, subject, failed)}
  }
  if (violated || undecided.length > 0) {
    const unknownLeaves = [...whenResults, ...unlessResults, ...undecided].flatMap((r) => r.unknowns.map(toDetail))
    return {applicable: true, status: 'unknown', details: unknownLeaves, message: unknownMessage(compiled, subject, unknownLeaves)}
  }
  return {applicable: true, status: 'pass', details: [], message: `${subjectNoun(subject.type)} ${subject.label} meets: ${compiled.policy.title}.`}
}

function failMessage(compiled: CompiledPolicy, subject: Subject<object>, details: Detail[]): string {
  const base = compiled.policy.message
    ? renderTemplate(compiled.policy.message, templateDocument(subject), compiled.params)
    : `${subjectNoun(subject.type)} ${subject.label} does not meet: ${compiled.policy.title}.`
  const why = describeDetails(details)
  return why ? `${withoutFinalStop(base)} (${why}).` : base
}

function unknownMessage(compiled: CompiledPolicy, subject: Subject<object>, details: Detail[]): string {
  const why = details.length > 0 ? details.map((d) => `${d.path} is ${d.actual}`).join('; ') : 'a value is not known'
  return `${subjectNoun(subject.type)} ${subject.label}: cannot decide "${compiled.policy.title}" before the value is known (${why}).`
}

/** A trail whose name is not known yet (generated at deploy) is named in messages by its label. */
function templateDocument(subject: Subject<object>): object {
  const document = subject.document as {Name?: unknown}
  return typeof document.Name === 'string' || subject.type !== 'trail' ? document : {...document, Name: subject.label}
}

const withoutFinalStop = (text: string): string => text.trim().replace(/\.$/, '')

export function subjectNoun(type: SubjectType): string {
  return {trail: 'Trail', region: 'Region', account: 'Account', event: 'Event'}[type]
}

export interface EvaluateOptions extends CompileOptions {
  /** Resolved params per policy id (defaults, config and flags already merged and validated). */
  params: Record<string, Record<string, unknown>>
  waivers: Waiver[]
  now: Date
  /** Results judged elsewhere (the streamed event scan): they get the same waivers, and count for waiver use. */
  streamedResults?: Result[]
}

export interface Evaluation {
  results: Result[]
  /** Per policy id: subjects it did not apply to. */
  notApplicable: Record<string, number>
  diagnostics: Diagnostic[]
}

export function subjectsOf(inventory: Inventory, type: SubjectType): Subject<object>[] {
  switch (type) {
    case 'trail':
      return inventory.trails
    case 'region':
      return inventory.regions
    case 'account':
      return inventory.accounts
    case 'event':
      return inventory.events
  }
}

/** Every policy × every subject of its kind → results, with waivers and inline suppressions applied. */
export function evaluate(inventory: Inventory, policies: Policy[], options: EvaluateOptions): Evaluation {
  const results: Result[] = []
  const notApplicable: Record<string, number> = {}
  const diagnostics: Diagnostic[] = []
  const trailsById = new Map<string, TrailSubject>(inventory.trails.map((t) => [t.id, t]))
  const waiverUses: WaiverUse[] = options.waivers.map((waiver) => ({waiver, used: 0}))

  for (const policy of policies) {
    notApplicable[policy.id] = 0
    const subjects = subjectsOf(inventory, policy.subject)
    let compiled: CompiledPolicy
    try {
      compiled = compilePolicy(policy, options.params[policy.id] ?? {}, options)
    } catch (error) {
      const message = `policy ${policy.id} could not be compiled: ${(error as Error).message}`
      diagnostics.push({severity: 'error', code: 'policy-compile', file: policy.source.file, line: 1, column: 1, message})
      for (const subject of subjects) results.push(errorResult(policy, subject, message))
      continue
    }
    for (const subject of subjects) {
      let judgement: Judgement
      try {
        judgement = judge(compiled, subject)
      } catch (error) {
        results.push(errorResult(policy, subject, `evaluation failed: ${(error as Error).message}`))
        continue
      }
      if (!judgement.applicable) {
        notApplicable[policy.id]++
        continue
      }
      const result: Result = {
        policy: policy.id,
        title: policy.title,
        severity: policy.severity,
        status: judgement.status,
        message: judgement.message,
        subject: refOf(subject),
        location: locateResult(subject, judgement.details, trailsById),
        ...logicalOf(subject),
        ...(judgement.details.length > 0 ? {details: judgement.details} : {}),
        ...(judgement.status === 'fail' ? {remediation: renderTemplate(policy.remediation, templateDocument(subject), compiled.params)} : {}),
      }
      results.push(applySuppressions(result, subject, waiverUses, options.now))
    }
  }
  for (const result of options.streamedResults ?? []) {
    const subject: Subject<object> = {...result.subject, document: {}, provenance: {kind: 'cloudtrail/log'}}
    results.push(applySuppressions(result, subject, waiverUses, options.now))
  }
  diagnostics.push(...waiverDiagnostics(waiverUses, options.now))
  return {results, notApplicable, diagnostics}
}

function refOf(subject: Subject<object>): Result['subject'] {
  return {
    type: subject.type,
    id: subject.id,
    label: subject.label,
    ...(subject.account ? {account: subject.account} : {}),
    ...(subject.region ? {region: subject.region} : {}),
  }
}

function logicalOf(subject: Subject<object>): Pick<Result, 'logical'> {
  const {logicalId, address, constructPath} = subject.provenance
  if (!logicalId && !address && !constructPath) return {}
  return {logical: {...(logicalId ? {logicalId} : {}), ...(address ? {address} : {}), ...(constructPath ? {constructPath} : {})}}
}

function errorResult(policy: Policy, subject: Subject<object>, message: string): Result {
  return {
    policy: policy.id,
    title: policy.title,
    severity: policy.severity,
    status: 'error',
    message,
    subject: refOf(subject),
    ...(subject.provenance.location ? {location: subject.provenance.location} : {}),
  }
}

function waiverDiagnostics(uses: WaiverUse[], now: Date): Diagnostic[] {
  const today = now.toISOString().slice(0, 10)
  return uses.flatMap(({waiver, used, expiredHits}) => {
    const where = waiver.location ? {file: waiver.location.file, line: waiver.location.line, column: waiver.location.column} : {}
    if (waiver.expires < today) {
      return [{severity: 'warning' as const, code: 'waiver-expired', ...where, message: `waiver for ${waiver.policy} on ${waiver.subject} expired on ${waiver.expires} and no longer applies${expiredHits ? ` (${expiredHits} result${expiredHits === 1 ? '' : 's'} would have been suppressed)` : ''}`}]
    }
    if (used === 0) return [{severity: 'warning' as const, code: 'waiver-unused', ...where, message: `waiver for ${waiver.policy} on ${waiver.subject} matched no failing result`}]
    return []
  })
}
