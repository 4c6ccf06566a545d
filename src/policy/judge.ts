import type {AccountDocument, Detail, Subject, SubjectType} from '../model/types.js'
import {filterPatternClause} from './filter-clause.js'
import {compileFilterPattern} from './filter-pattern.js'
import {describeDetails, describeUnknowns, keptDetails} from './message.js'
import {decideMonitor, type MonitorDecision} from './monitor.js'
import {monitorPattern, substituteParams} from './params.js'
import {compilePattern, type LeafReport, type MatchResult, type Truth} from './pattern.js'
import {renderTemplate} from './template.js'
import type {Clause, Policy} from './types.js'

/** Anything that can judge a document: an EventBridge pattern or a CloudWatch Logs filter pattern. */
export interface ClauseMatcher {
  match(document: unknown): MatchResult
}

export interface CompiledPolicy {
  policy: Policy
  params: Record<string, unknown>
  when: ClauseMatcher[]
  unless: ClauseMatcher[]
  require: ClauseMatcher[]
  forbid: ClauseMatcher[]
  /** The reference filter pattern of a `monitor` clause, params substituted and parsed. */
  monitor?: string
}

/**
 * Substitutes params and compiles every clause: EventBridge patterns, and CloudWatch Logs filter
 * patterns written as strings. Throws (PatternError, FilterPatternError) when a clause is invalid.
 */
export function compilePolicy(policy: Policy, params: Record<string, unknown>): CompiledPolicy {
  const compileClause = (clause: Clause): ClauseMatcher => (typeof clause === 'string' ? filterPatternClause(clause) : compilePattern(substituteParams(clause, params)))
  return {
    policy,
    params,
    when: policy.when.map(compileClause),
    unless: policy.unless.map(compileClause),
    require: policy.require.map(compileClause),
    forbid: policy.forbid.map(compileClause),
    ...(policy.monitor !== undefined ? {monitor: compiledMonitor(policy.monitor, params)} : {}),
  }
}

function compiledMonitor(monitor: string, params: Record<string, unknown>): string {
  const pattern = monitorPattern(monitor, params)
  compileFilterPattern(pattern)
  return pattern
}

export type Judgement =
  | {applicable: false; exemptedBy?: 'when' | 'unless'}
  | {applicable: true; status: 'pass' | 'fail' | 'unknown'; details: Detail[]; message: string; /** Document paths to point the result at, before the details' own. */ at?: string[]}

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
  const requireFailures = requireResults.filter((r) => r.value === false).flatMap((r) => r.failures.map(toDetail))
  const forbidMatches = forbidResults.filter((r) => r.value === true).flatMap((r) => r.matched.map(toDetail))
  const failed: Detail[] = [...requireFailures, ...forbidMatches.map((leaf) => ({...leaf, expected: `not ${leaf.expected}`}))]
  const violated = requireResults.some((r) => r.value === false) || forbidResults.some((r) => r.value === true)
  const undecided = [...requireResults, ...forbidResults].filter((r) => r.value === 'unknown')
  const applicabilityUnknown = applies === 'unknown' || exempt === 'unknown'
  if (compiled.monitor !== undefined && subject.type === 'account') {
    const decision = decideMonitor(subject.document as AccountDocument, compiled.monitor)
    if (!violated && undecided.length === 0) return monitorJudgement(compiled, subject, applicabilityUnknown && decision.status === 'fail' ? {...decision, status: 'unknown'} : decision)
  }

  if (violated && !applicabilityUnknown) {
    return {applicable: true, status: 'fail', details: keptDetails(failed), message: failMessage(compiled, subject, requireFailures, forbidMatches)}
  }
  if (violated || undecided.length > 0) {
    const unknownLeaves = [...whenResults, ...unlessResults, ...undecided].flatMap((r) => r.unknowns.map(toDetail))
    return {applicable: true, status: 'unknown', details: keptDetails(unknownLeaves), message: unknownMessage(compiled, subject, unknownLeaves)}
  }
  return {applicable: true, status: 'pass', details: [], message: `${subjectNoun(subject.type)} ${subject.label} meets: ${compiled.policy.title}.`}
}

function monitorJudgement(compiled: CompiledPolicy, subject: Subject<object>, decision: MonitorDecision): Judgement {
  const reasons = `${decision.reasons.join('; ')}.`
  const message =
    decision.status === 'pass' ? `${subjectNoun(subject.type)} ${subject.label} meets: ${compiled.policy.title}: ${reasons}`
    : decision.status === 'unknown' ? `${subjectNoun(subject.type)} ${subject.label}: "${compiled.policy.title}" cannot be decided: ${reasons}`
    : `${withoutFinalStop(compiled.policy.message ? renderTemplate(compiled.policy.message, templateDocument(subject), compiled.params) : `${subjectNoun(subject.type)} ${subject.label} does not meet: ${compiled.policy.title}`)}: ${reasons}`
  return {applicable: true, status: decision.status, details: [], message, at: decision.paths}
}

function failMessage(compiled: CompiledPolicy, subject: Subject<object>, requireFailures: Detail[], forbidMatches: Detail[]): string {
  const template = compiled.policy.message
  if (subject.type === 'event') {
    // A detection says what happened; its template already names what matched, so nothing is appended.
    if (template) return renderTemplate(template, subject.document, compiled.params)
    const why = [...forbidMatches.map((d) => `${d.path} is ${d.actual}`), ...requireFailures.map((d) => `${d.path} is ${d.actual}, expected ${d.expected}`)]
    return `${compiled.policy.title}: ${subject.label}${why.length > 0 ? ` (${why.join('; ')})` : ''}.`
  }
  const base = template ? renderTemplate(template, templateDocument(subject), compiled.params) : `${subjectNoun(subject.type)} ${subject.label} does not meet: ${compiled.policy.title}.`
  const why = describeDetails([...requireFailures, ...forbidMatches.map((leaf) => ({...leaf, expected: `not ${leaf.expected}`}))])
  return why ? `${withoutFinalStop(base)} (${why}).` : base
}

function unknownMessage(compiled: CompiledPolicy, subject: Subject<object>, details: Detail[]): string {
  const why = details.length > 0 ? describeUnknowns(details) : 'a value it depends on is not known'
  return `${subjectNoun(subject.type)} ${subject.label}: "${compiled.policy.title}" cannot be decided: ${why}.`
}

/** A trail whose name is not known yet (generated at deploy) is named in messages by its label. */
export function templateDocument(subject: Subject<object>): object {
  const document = subject.document as {Name?: unknown}
  return typeof document.Name === 'string' || subject.type !== 'trail' ? document : {...document, Name: subject.label}
}

const withoutFinalStop = (text: string): string => text.trim().replace(/\.$/, '')

export function subjectNoun(type: SubjectType): string {
  return {trail: 'Trail', region: 'Region', account: 'Account', event: 'Event', archive: 'Object'}[type]
}

