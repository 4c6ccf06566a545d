/**
 * Every built-in policy against every input kind it applies to, through the built CLI: one input that
 * must fail it and one that must pass it, written from the templates in matrix-fixtures.ts. One CLI
 * run per input kind and verdict judges all policies at once; the cells read that run's JSON report.
 */
import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import type {Result} from '../../src/model/types.js'
import type {Report} from '../../src/engine/report-types.js'
import {type CliRun, ROOT, trailgate, trailgateAsync} from './cli.js'
import {
  ACCOUNT,
  BAD_TRAILS,
  consoleLogin,
  EVENT_INPUT_KINDS,
  type EventInputKind,
  eventFile,
  failingRecords,
  GOOD_TRAILS,
  OFFICE_CIDR,
  OFFICE_IP,
  OUTSIDE_IP,
  passingRecords,
  record,
  REGION,
  TRAIL_INPUT_KINDS,
  type TrailInputKind,
  writeEventInput,
  writeTrailInput,
} from './matrix-fixtures.js'

interface BuiltinPolicy {
  id: string
  subject: 'trail' | 'region' | 'account' | 'event'
  disabled: boolean
  /** Judges CloudWatch monitoring (a `monitor` clause). */
  monitors: boolean
}

/** The pack as shipped: every policy file of the policies folder. */
function builtinPolicies(): BuiltinPolicy[] {
  const policies: BuiltinPolicy[] = []
  for (const folder of ['trail', 'events']) {
    for (const name of readdirSync(join(ROOT, 'policies', folder)).sort()) {
      if (!name.endsWith('.yaml') || name.endsWith('.tests.yaml')) continue
      const policy = parse(readFileSync(join(ROOT, 'policies', folder, name), 'utf8')) as {id: string; subject: BuiltinPolicy['subject']; disabled?: boolean; monitor?: string}
      policies.push({id: policy.id, subject: policy.subject, disabled: policy.disabled === true, monitors: policy.monitor !== undefined})
    }
  }
  return policies
}

const BUILTIN = builtinPolicies()
const ALL_BAD = BAD_TRAILS.map((trail) => trail.Name)
const DEPLOYED_KINDS: TrailInputKind[] = ['aws-cli', 'snapshot']

/** Which trails of BAD_TRAILS each trail policy must fail; the other trails it judges must pass. */
const TRAIL_FAILURES: Record<string, string[]> = {
  'advanced-selector-values-limit': ['bad-advanced'],
  'cloudwatch-logs-integration': ALL_BAD,
  'data-resources-limit': ['bad-selectors'],
  'delivery-healthy': ['bad-selectors'],
  'event-selectors-limit': ['bad-selectors'],
  'kms-encryption': ALL_BAD,
  'log-file-validation': ALL_BAD,
  'logging-enabled': ALL_BAD,
  'management-events-read-write': ['bad-selectors'],
}

/** Trails a policy's `when` leaves out: bad-advanced logs no management events at all. */
const NOT_APPLICABLE: Record<string, string[]> = {'management-events-read-write': ['bad-advanced']}

/** Delivery errors exist only once a trail is deployed; a template cannot say anything about them. */
const APPLIES_TO: Record<string, TrailInputKind[]> = {'delivery-healthy': DEPLOYED_KINDS}

const kindsOf = (policy: BuiltinPolicy): TrailInputKind[] => APPLIES_TO[policy.id] ?? TRAIL_INPUT_KINDS

/** The kinds whose input names its account: the others are judged as the one target account of the run. */
const namesAccount = (kind: TrailInputKind) => !['cloudformation-yaml', 'cloudformation-json', 'terraform'].includes(kind)

/** The file an IaC failure points at, relative to the input's folder. */
const IAC_FILE: Partial<Record<TrailInputKind, string>> = {
  'cloudformation-yaml': 'template.yaml',
  'cloudformation-json': 'template.json',
  cdk: 'cdk.out/AuditStack.template.json',
  terraform: 'plan.json',
}

/** One CLI process on a busy machine. */
const CLI_TIMEOUT = 90_000

type Verdict = 'fail' | 'pass'
const VERDICTS: Verdict[] = ['fail', 'pass']

interface Judged {
  run: CliRun
  report: Report
}

let work: string
const runs = new Map<string, Judged>()
const key = (kind: string, verdict: Verdict) => `${kind}/${verdict}`

function judged(kind: string, verdict: Verdict): Judged {
  const found = runs.get(key(kind, verdict))
  if (!found) throw new Error(`no run for ${key(kind, verdict)}`)
  return found
}

function parseReport(run: CliRun, what: string): Report {
  try {
    return JSON.parse(run.stdout) as Report
  } catch {
    throw new Error(`${what}: no JSON report (exit ${run.status}): ${run.stderr.slice(0, 2000)}`)
  }
}

/** Runs the CLI over each job, two at a time: the machine is shared. */
async function runAll(jobs: Array<{name: string; args: string[]}>): Promise<void> {
  const queue = [...jobs]
  const worker = async () => {
    for (let job = queue.shift(); job; job = queue.shift()) {
      const run = await trailgateAsync(['check', ...job.args, '--format', 'json'], {cwd: work})
      runs.set(job.name, {run, report: parseReport(run, job.name)})
    }
  }
  await Promise.all([worker(), worker()])
}

const FAILING = failingRecords()
const PASSING = passingRecords()

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'trailgate-matrix-'))
  const jobs: Array<{name: string; args: string[]}> = []
  for (const kind of TRAIL_INPUT_KINDS) {
    writeTrailInput(join(work, kind, 'fail'), kind, BAD_TRAILS)
    writeTrailInput(join(work, kind, 'pass'), kind, GOOD_TRAILS)
  }
  for (const kind of EVENT_INPUT_KINDS) {
    writeEventInput(join(work, kind, 'fail'), kind, Object.values(FAILING))
    writeEventInput(join(work, kind, 'pass'), kind, PASSING)
  }
  for (const kind of [...TRAIL_INPUT_KINDS, ...EVENT_INPUT_KINDS]) for (const verdict of VERDICTS) jobs.push({name: key(kind, verdict), args: [key(kind, verdict)]})
  await runAll(jobs)
}, 300_000)

afterAll(() => {
  if (work) rmSync(work, {recursive: true, force: true})
})

/**
 * Records a policy judged without a finding: passed, or exempted by `unless` (not applicable). A
 * record the policy was run on is never missing from both counts.
 */
function judgedWithoutFinding(report: Report, policy: string): number {
  const summary = report.policies.find((p) => p.id === policy)
  return (summary?.recordsPassed ?? 0) + (summary?.notApplicable ?? 0)
}

const resultsOf = (report: Report, policy: string): Result[] => report.results.filter((result) => result.policy === policy)
const trailName = (result: Result) => result.subject.label.split(' ')[0]

describe('the matrix covers the whole pack', () => {
  it('has an expected verdict for every built-in policy', () => {
    for (const policy of BUILTIN.filter((p) => p.subject === 'trail')) expect(TRAIL_FAILURES, policy.id).toHaveProperty(policy.id)
    for (const policy of BUILTIN.filter((p) => p.subject === 'event' && !p.disabled)) expect(FAILING, policy.id).toHaveProperty(policy.id)
    expect(BUILTIN.filter((p) => p.subject === 'event' && p.disabled).map((p) => p.id)).toEqual(['source-ip-allowlist'])
  })

  it('`policies list` lists every built-in policy, opt-in ones included', () => {
    const run = trailgate(['policies', 'list', '--json'])
    expect(run.status).toBe(0)
    const listed = (JSON.parse(run.stdout) as Array<{id: string}>).map((policy) => policy.id).sort()
    expect(listed).toEqual(BUILTIN.map((policy) => policy.id).sort())
  }, CLI_TIMEOUT)
})

describe.each(TRAIL_INPUT_KINDS)('trail, region and account policies on %s input', (kind) => {
  it.each(VERDICTS)('exits with the code of a run whose input must %s', (verdict) => {
    const {run, report} = judged(kind, verdict)
    expect(report.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
    expect(report.summary.inputs.failed).toBe(0)
    expect(run.status).toBe(verdict === 'fail' ? 1 : 0)
    expect(report.exitCode).toBe(run.status)
  })

  const trailPolicies = BUILTIN.filter((p) => p.subject === 'trail' && kindsOf(p).includes(kind)).map((p) => p.id)
  it.each(trailPolicies)('%s fails exactly the trails that break it and passes the others', (policy) => {
    const results = resultsOf(judged(kind, 'fail').report, policy)
    const failing = TRAIL_FAILURES[policy]!
    const expected = ALL_BAD.filter((name) => !NOT_APPLICABLE[policy]?.includes(name)).map((name) => `${failing.includes(name) ? 'fail' : 'pass'} trail ${name}`)
    expect(results.map((r) => `${r.status} ${r.subject.type} ${trailName(r)}`).sort()).toEqual(expected.sort())
  })

  it.each(trailPolicies)('%s passes the good trail', (policy) => {
    const results = resultsOf(judged(kind, 'pass').report, policy)
    expect(results.map((r) => `${r.status} ${trailName(r)}`)).toEqual([`pass ${GOOD_TRAILS[0]!.Name}`])
  })

  const wideCells = BUILTIN.filter((p) => p.subject === 'region' || p.subject === 'account').flatMap((p) => VERDICTS.map((verdict) => [p.id, p.subject, verdict] as const))
  // The inputs written here carry no metric filters, alarms or topics: the good account's monitoring
  // is not given, so it is unknown (never a pass); the bad trails deliver to no log group, so they fail.
  const monitors = new Set(BUILTIN.filter((p) => p.monitors).map((p) => p.id))
  it.each(wideCells)('%s judges the %s and must %s', (policy, subject, verdict) => {
    const results = resultsOf(judged(kind, verdict).report, policy)
    const expected = monitors.has(policy) && verdict === 'pass' ? 'unknown' : verdict
    expect(results.map((r) => `${r.status} ${r.subject.type}`)).toEqual([`${expected} ${subject}`])
    if (expected === 'unknown') expect(results[0]!.message).toContain('no input lists the metric filters')
    const [result] = results
    if (namesAccount(kind)) expect(result!.subject.id).toBe(subject === 'account' ? ACCOUNT : `${ACCOUNT}/${REGION}`)
    // A planned trail that falls short is where the fix goes: the failure points into the template.
    const iacFile = IAC_FILE[kind]
    if (verdict === 'fail' && iacFile) expect(result!.location?.file).toBe(`${kind}/fail/${iacFile}`)
  })
})

describe.each(EVENT_INPUT_KINDS)('event policies on %s input', (kind: EventInputKind) => {
  it.each(VERDICTS)('exits with the code of a run whose records must %s', (verdict) => {
    const {run, report} = judged(kind, verdict)
    expect(report.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
    expect(report.summary.inputs).toEqual({read: 1, skipped: 0, failed: 0})
    expect(run.status).toBe(verdict === 'fail' ? 1 : 0)
    expect(report.exitCode).toBe(run.status)
  })

  const eventPolicies = BUILTIN.filter((p) => p.subject === 'event' && !p.disabled).map((p) => p.id)
  it.each(eventPolicies)('%s reports exactly its record, at its file, and passes the others', (policy) => {
    const {report} = judged(kind, 'fail')
    const failing = FAILING[policy]!
    const results = resultsOf(report, policy)
    expect(results.map((r) => `${r.status} ${r.subject.type} ${r.subject.id}`)).toEqual([`fail event ${ACCOUNT}/${failing.eventID}`])
    expect(results[0]!.location?.file).toBe(`${kind}/fail/${eventFile(kind)}`)
    expect(report.policies.find((p) => p.id === policy)?.recordsPassed).toBe(Object.keys(FAILING).length - 1)
  })

  it.each(eventPolicies)('%s passes everyday activity', (policy) => {
    const {report} = judged(kind, 'pass')
    expect(resultsOf(report, policy)).toEqual([])
    expect(report.policies.find((p) => p.id === policy)?.recordsPassed).toBe(PASSING.length)
  })
})

describe('the opt-in source-ip-allowlist, once enabled, judges records', () => {
  const inside = record('ec2.amazonaws.com', 'DescribeInstances', {readOnly: true, sourceIPAddress: OFFICE_IP})
  const outside = record('ec2.amazonaws.com', 'DescribeInstances', {readOnly: true, sourceIPAddress: OUTSIDE_IP})
  const expectOutsideFails = (run: CliRun) => {
    const report = parseReport(run, 'source-ip-allowlist')
    const results = resultsOf(report, 'source-ip-allowlist')
    expect(results.map((r) => `${r.status} ${r.subject.id}`)).toEqual([`fail ${ACCOUNT}/${outside.eventID}`])
    expect(results[0]!.subject.label).toContain(OUTSIDE_IP)
    // The call from inside the allowed range is exempted by the policy's `unless`: judged all the same.
    expect(judgedWithoutFinding(report, 'source-ip-allowlist')).toBe(1)
    expect(run.status).toBe(1)
  }

  // LookupEvents output is judged in memory, log files by the streaming scan: both paths.
  it.each(['log-file', 'lookup-events'] as const)('by --only and --param, on %s input', (kind) => {
    const dir = mkdtempSync(join(tmpdir(), 'trailgate-allowlist-'))
    writeEventInput(dir, kind, [inside, outside])
    expectOutsideFails(trailgate(['check', dir, '--only', 'source-ip-allowlist', '--param', `source-ip-allowlist.allowedCidrs=[${OFFICE_CIDR}]`, '--format', 'json']))
  }, CLI_TIMEOUT)

  it('by policies.only and params in .trailgate.yaml', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trailgate-allowlist-config-'))
    writeEventInput(dir, 'json-lines', [inside, outside])
    writeFileSync(join(dir, '.trailgate.yaml'), ['version: 1', 'policies:', '  only: [source-ip-allowlist]', 'params:', '  source-ip-allowlist:', `    allowedCidrs: [${OFFICE_CIDR}]`, ''].join('\n'))
    expectOutsideFails(trailgate(['check', '.', '--format', 'json'], {cwd: dir}))
  }, CLI_TIMEOUT)
})

describe('a custom event policy with a filter-pattern clause', () => {
  const POLICY = join(ROOT, 'fixtures/policies/good/office-ip-allowlist.yaml')

  it('judges records: a sign-in from outside the office fails, one from the office passes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trailgate-filter-pattern-'))
    const away = consoleLogin('Success', 'Yes', {sourceIPAddress: OUTSIDE_IP})
    writeEventInput(dir, 'log-file', [consoleLogin('Success', 'Yes'), away])
    const run = trailgate(['check', dir, '--policies', POLICY, '--only', 'office-ip-allowlist', '--format', 'json'])
    const report = parseReport(run, 'office-ip-allowlist on records')
    expect(report.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
    expect(resultsOf(report, 'office-ip-allowlist').map((r) => `${r.status} ${r.subject.id}`)).toEqual([`fail ${ACCOUNT}/${away.eventID}`])
    // The sign-in from the office is exempted by the filter-pattern clause of `unless`: judged all the same.
    expect(judgedWithoutFinding(report, 'office-ip-allowlist')).toBe(1)
    expect(run.status).toBe(1)
  }, CLI_TIMEOUT)

  it('does not break a run on an IaC input alone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trailgate-filter-pattern-iac-'))
    writeTrailInput(dir, 'cloudformation-yaml', GOOD_TRAILS)
    const run = trailgate(['check', dir, '--policies', POLICY, '--format', 'json'])
    const report = parseReport(run, 'office-ip-allowlist beside a template')
    expect(report.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
    expect(resultsOf(report, 'kms-encryption').map((r) => r.status)).toEqual(['pass'])
    expect(run.status).toBe(0)
  }, CLI_TIMEOUT)
})
