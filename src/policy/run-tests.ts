import {compilePolicy, judge, type CompileOptions} from '../engine/evaluate.js'
import {trailFacts} from '../model/facts.js'
import type {Diagnostic, Subject, SubjectType, TrailDocument} from '../model/types.js'
import {resolveParams} from './resolve-params.js'
import {loadPolicyTests, testsFileFor} from './tests-file.js'
import type {Policy, PolicyTestCase} from './types.js'

export type CaseVerdict = PolicyTestCase['expect'] | 'error'

export interface CaseOutcome {
  policy: string
  testCase: PolicyTestCase
  actual: CaseVerdict
  message?: string
  ok: boolean
  /** Why a case failed, in words. */
  problem?: string
}

export interface PolicyTestRun {
  outcomes: CaseOutcome[]
  diagnostics: Diagnostic[]
  /** Policies with no tests file, or without both a passing and a failing case. */
  untested: {policy: string; reason: string}[]
}

/** Runs the cases kept beside each policy: each subject, with the case's params, must get the expected outcome. */
export function runPolicyTests(policies: Policy[], options: CompileOptions = {}): PolicyTestRun {
  const run: PolicyTestRun = {outcomes: [], diagnostics: [], untested: []}
  for (const policy of policies) {
    const file = testsFileFor(policy.source.file)
    if (!file) {
      run.untested.push({policy: policy.id, reason: `no tests file (${policy.id}.tests.yaml)`})
      continue
    }
    const {cases, diagnostics} = loadPolicyTests(file)
    run.diagnostics.push(...diagnostics)
    const expected = new Set(cases.map((c) => c.expect))
    if (!expected.has('pass') || !expected.has('fail')) run.untested.push({policy: policy.id, reason: 'needs at least one passing and one failing case'})
    for (const testCase of cases) run.outcomes.push(runCase(policy, testCase, options))
  }
  return run
}

function runCase(policy: Policy, testCase: PolicyTestCase, options: CompileOptions): CaseOutcome {
  const outcome = (actual: CaseVerdict, message?: string, problem?: string): CaseOutcome => {
    const matchesMessage = testCase.message === undefined || (message !== undefined && messageMatches(message, testCase.message))
    const ok = actual === testCase.expect && matchesMessage && !problem
    const why = problem ?? (actual !== testCase.expect ? `expected ${testCase.expect}, got ${actual}` : !matchesMessage ? `message "${message ?? ''}" does not match ${testCase.message}` : undefined)
    return {policy: policy.id, testCase, actual, ...(message !== undefined ? {message} : {}), ok, ...(why ? {problem: why} : {})}
  }
  const params = resolveParams(policy, undefined, testCase.params)
  const paramError = params.diagnostics.find((d) => d.severity === 'error')
  if (paramError) return outcome('error', undefined, paramError.message)
  try {
    const compiled = compilePolicy(policy, params.values, options)
    const judgement = judge(compiled, completeSubject(policy.subject, testCase.subject))
    if (!judgement.applicable) return outcome('not-applicable')
    return outcome(judgement.status, judgement.message)
  } catch (error) {
    return outcome('error', undefined, (error as Error).message)
  }
}

function messageMatches(message: string, expected: string): boolean {
  const regex = /^\/(.*)\/([a-z]*)$/s.exec(expected)
  return regex ? new RegExp(regex[1], regex[2]).test(message) : message.includes(expected)
}

type Doc = Record<string, unknown>

function completeTrail(raw: Doc, inView = false): TrailDocument {
  const given = (raw.Facts ?? {}) as Doc
  const {Facts: _ignored, ...rest} = raw
  const facts = trailFacts(rest as Omit<TrailDocument, 'Facts'>, {isShadow: inView && given.IsShadow === true, isOtherAccount: given.IsOtherAccount === true})
  return {...rest, Facts: {...facts, ...given}} as TrailDocument
}

/** Test subjects stay short: facts are computed as the readers would, and given facts win. */
export function completeSubject(type: SubjectType, raw: Doc): Subject<object> {
  const label = String(raw.Name ?? raw.Region ?? raw.AccountId ?? raw.eventName ?? 'test subject')
  const base = {type, id: String(raw.TrailARN ?? raw.eventID ?? label), label, provenance: {kind: 'live' as const}}
  if (type === 'trail') return {...base, document: completeTrail(raw)}
  if (type === 'event') return {...base, document: raw}
  const trails = ((raw.Trails ?? []) as Doc[]).map((t) => completeTrail(t, true))
  const given = (raw.Facts ?? {}) as Doc
  const isLogging = (t: TrailDocument) => t.Status?.IsLogging === true
  const facts =
    type === 'region'
      ? {TrailCount: trails.length, ShadowTrailCount: trails.filter((t) => t.Facts.IsShadow).length, OrganizationTrailCount: trails.filter((t) => t.IsOrganizationTrail === true).length}
      : {TrailCount: trails.length, MultiRegionTrailCount: trails.filter((t) => t.IsMultiRegionTrail === true).length, LoggingTrailCount: trails.filter(isLogging).length}
  return {...base, document: {...(type === 'account' ? {Regions: []} : {}), ...raw, Trails: trails, Facts: {...facts, ...given}}}
}
