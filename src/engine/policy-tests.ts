import {compileEventPolicy} from '../events/event-policy.js'
import {RecordJudge} from '../events/judge-record.js'
import {assemble} from '../inputs/index.js'
import {emptyReaderOutput, type ReadOptions, type ReaderOutput, type TrailEvidence} from '../inputs/types.js'
import type {AlarmEvidence, MetricFilterEvidence, MonitoringEvidence, MonitoringGap, MonitoringScope, TopicEvidence} from '../model/monitoring.js'
import {emptyInventory, type ArchiveDocument, type ArchiveSubject, type Diagnostic, type Inventory, type Result, type Subject, type TrailDocument} from '../model/types.js'
import {resolveParams} from '../policy/resolve-params.js'
import {loadPolicyTests, testsFileFor} from '../policy/tests-file.js'
import type {Policy, PolicyTestCase} from '../policy/types.js'
import {evaluate} from './evaluate.js'
import {appendAll} from '../util/arrays.js'

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

/**
 * Runs the cases kept beside each policy. A case is judged as a user's input would be: trail,
 * region and account subjects are assembled from the case's trails into an inventory (facts and views
 * computed by the readers' code) and evaluated by `check`'s evaluator; a record goes through the event
 * scan's judge. What a case proves is what `check`, `audit` and the Action do.
 */
export function runPolicyTests(policies: Policy[]): PolicyTestRun {
  const run: PolicyTestRun = {outcomes: [], diagnostics: [], untested: []}
  for (const policy of policies) {
    const file = testsFileFor(policy.source.file)
    if (!file) {
      run.untested.push({policy: policy.id, reason: `no tests file (${policy.id}.tests.yaml)`})
      continue
    }
    const {cases, diagnostics} = loadPolicyTests(file)
    appendAll(run.diagnostics, diagnostics)
    const expected = new Set(cases.map((c) => c.expect))
    if (!expected.has('pass') || !expected.has('fail')) run.untested.push({policy: policy.id, reason: 'needs at least one passing and one failing case'})
    for (const testCase of cases) run.outcomes.push(runCase(policy, testCase))
  }
  return run
}

interface Verdict {
  actual: CaseVerdict
  message?: string
  problem?: string
}

function runCase(policy: Policy, testCase: PolicyTestCase): CaseOutcome {
  const verdict = judgeCase(policy, testCase)
  const {actual, message} = verdict
  const matchesMessage = testCase.message === undefined || (message !== undefined && messageMatches(message, testCase.message))
  const ok = actual === testCase.expect && matchesMessage && !verdict.problem
  const why = verdict.problem ?? (actual !== testCase.expect ? `expected ${testCase.expect}, got ${actual}` : !matchesMessage ? `message "${message ?? ''}" does not match ${testCase.message}` : undefined)
  return {policy: policy.id, testCase, actual, ...(message !== undefined ? {message} : {}), ok, ...(why ? {problem: why} : {})}
}

function judgeCase(policy: Policy, testCase: PolicyTestCase): Verdict {
  const params = resolveParams(policy, undefined, testCase.params)
  const paramError = params.diagnostics.find((d) => d.severity === 'error')
  if (paramError) return {actual: 'error', problem: paramError.message}
  if (policy.subject !== 'event' && containsFacts(testCase.subject)) {
    return {actual: 'error', problem: 'the subject gives Facts: trailgate computes them from the trails as it does for real inputs; describe the trails (selectors, Status, ARNs) instead'}
  }
  try {
    return policy.subject === 'event' ? judgeRecordCase(policy, params.values, testCase) : judgeConfigurationCase(policy, params.values, testCase)
  } catch (error) {
    return {actual: 'error', problem: (error as Error).message}
  }
}

function judgeRecordCase(policy: Policy, params: Record<string, unknown>, testCase: PolicyTestCase): Verdict {
  const judge = new RecordJudge([compileEventPolicy(policy, params)])
  let found: Result | undefined
  judge.judge(testCase.subject, 0, () => testCase.location, 'unknown', (result) => {
    found = result
  })
  if (found) return verdictOf(found)
  return {actual: judge.notPassed[0] === 0 ? 'pass' : 'not-applicable'}
}

function judgeConfigurationCase(policy: Policy, params: Record<string, unknown>, testCase: PolicyTestCase): Verdict {
  if (policy.subject === 'archive') return judgeArchiveCase(policy, params, testCase)
  const {output, options, pick} = evidenceOf(policy.subject as 'trail' | 'region' | 'account', testCase)
  const inventory = assemble([{file: testCase.location.file, output}], options)
  const subject = pick(inventory)
  if (!subject) return {actual: 'error', problem: `the subject did not make a ${policy.subject} subject when assembled`}
  const evaluation = evaluate({...inventory, trails: policy.subject === 'trail' ? [subject as Inventory['trails'][number]] : inventory.trails}, [policy], {params: {[policy.id]: params}, waivers: [], now: new Date()})
  const result = evaluation.results.find((r) => r.subject.id === subject.id)
  return result ? verdictOf(result) : {actual: 'not-applicable'}
}

/** An archive object is what log file integrity found of it: the case gives that document as it is. */
function judgeArchiveCase(policy: Policy, params: Record<string, unknown>, testCase: PolicyTestCase): Verdict {
  const document = testCase.subject as ArchiveDocument
  const key = typeof document.Key === 'string' ? document.Key : testCase.name
  const subject: ArchiveSubject = {type: 'archive', id: key, label: key, document, provenance: {kind: document.Object === 'digest' ? 'cloudtrail/digest' : 'cloudtrail/log', location: testCase.location}}
  const evaluation = evaluate({...emptyInventory(), archives: [subject]}, [policy], {params: {[policy.id]: params}, waivers: [], now: new Date()})
  const result = evaluation.results.find((r) => r.subject.id === subject.id)
  return result ? verdictOf(result) : {actual: 'not-applicable'}
}

function verdictOf(result: Result): Verdict {
  if (result.status === 'error') return {actual: 'error', message: result.message, problem: result.message}
  if (result.status === 'suppressed') return {actual: 'pass', message: result.message}
  return {actual: result.status, message: result.message}
}

type Doc = Record<string, unknown>

/**
 * The case's subject as the evidence a reader would have produced: a trail, or the trails of a
 * region or an account with the account and regions they were listed in.
 */
function evidenceOf(type: 'trail' | 'region' | 'account', testCase: PolicyTestCase): {output: ReaderOutput; options: ReadOptions; pick: (inventory: Inventory) => Subject<object> | undefined} {
  const raw = testCase.subject
  const output = emptyReaderOutput('trailgate/snapshot', 'policy test case')
  const trailEvidence = (document: Doc): TrailEvidence => ({document: document as Omit<TrailDocument, 'Facts'>, provenance: {kind: 'trailgate/snapshot', location: testCase.location}})
  const account = typeof raw.AccountId === 'string' ? raw.AccountId : testCase.account
  const options: ReadOptions = account ? {account} : {}
  if (type === 'trail') {
    output.trails.push(trailEvidence(raw))
    return {output, options, pick: (inventory) => inventory.trails[0]}
  }
  const trails = Array.isArray(raw.Trails) ? (raw.Trails as Doc[]) : []
  appendAll(output.trails, trails.map(trailEvidence))
  if (!account) throw new Error(`a ${type} case needs AccountId`)
  if (type === 'region') {
    const region = String(raw.Region ?? '')
    if (region === '') throw new Error('a region case needs Region')
    output.coverage.push({account, regions: [region]})
    return {output, options, pick: (inventory) => inventory.regions.find((r) => r.id === `${account}/${region}`)}
  }
  const regions = Array.isArray(raw.Regions) ? raw.Regions.map(String) : []
  output.coverage.push({account, regions})
  if (raw.MonitoringEvidence !== undefined) output.monitoring = monitoringEvidenceOf(raw.MonitoringEvidence, testCase)
  return {output, options, pick: (inventory) => inventory.accounts.find((a) => a.id === account)}
}

/**
 * A case's `MonitoringEvidence` (`metricFilters`, `alarms`, `topics` as readers produce them, without
 * provenance) as a reader's output. Without `scopes`, the case lists everything: every filter, every
 * alarm and each topic's subscriptions, so what it leaves out is absent.
 */
function monitoringEvidenceOf(raw: unknown, testCase: PolicyTestCase): MonitoringEvidence {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('MonitoringEvidence must be an object with metricFilters, alarms, topics and optionally scopes and gaps')
  const given = raw as Partial<Record<keyof MonitoringEvidence, Doc[]>>
  const provenance = {kind: 'trailgate/snapshot' as const, location: testCase.location}
  const list = (key: keyof MonitoringEvidence): Doc[] => (Array.isArray(given[key]) ? given[key] : [])
  const topics = list('topics').map((topic) => ({...topic, topicKey: String(topic.topicKey ?? topic.TopicArn), provenance}) as unknown as TopicEvidence)
  return {
    metricFilters: list('metricFilters').map((filter) => ({...filter, provenance}) as unknown as MetricFilterEvidence),
    alarms: list('alarms').map((alarm) => ({...alarm, provenance}) as unknown as AlarmEvidence),
    topics,
    scopes: given.scopes !== undefined ? (list('scopes') as unknown as MonitoringScope[]) : [{what: 'metric-filters'}, {what: 'alarms'}, ...topics.map((topic) => ({what: 'subscriptions' as const, topicKey: topic.topicKey}))],
    gaps: list('gaps') as unknown as MonitoringGap[],
  }
}

function containsFacts(subject: Doc): boolean {
  if ('Facts' in subject) return true
  return Array.isArray(subject.Trails) && subject.Trails.some((trail) => typeof trail === 'object' && trail !== null && 'Facts' in trail)
}

function messageMatches(message: string, expected: string): boolean {
  const regex = /^\/(.*)\/([a-z]*)$/s.exec(expected)
  return regex ? new RegExp(regex[1], regex[2]).test(message) : message.includes(expected)
}

