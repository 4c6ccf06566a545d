import {cpSync, existsSync, mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {XMLParser} from 'fast-xml-parser'
import type {Log} from 'sarif'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {Report} from '../../src/engine/report-types.js'
import {BUNDLE, ROOT, runBundledAction, type ActionRun} from './action-process.js'
import {node24} from './node24.js'
import {S3RVER_CREDENTIALS, startS3rver, type RunningS3} from '../e2e/s3rver.js'

const MIXED = 'fixtures/evidence/mixed-account'
const CDK_OUT = join(ROOT, 'fixtures', 'iac', 'cdk-app', 'cdk.out')
const MIXED_FAILURES = ['data-resources-limit', 'kms-encryption', 'logging-enabled', 'trails-per-region-limit']

/** `::error title=…,file=…,line=…::message` → its parts, properties unescaped. */
function parseCommand(line: string): {name: string; properties: Record<string, string>; message: string} {
  const match = /^::([a-z0-9-]+)(?: ([^:]*))?::(.*)$/.exec(line)
  if (!match) throw new Error(`not a workflow command: ${line}`)
  const unescape = (text: string) => text.replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%')
  const properties = Object.fromEntries((match[2] ?? '').split(',').filter(Boolean).map((pair) => {
    const at = pair.indexOf('=')
    return [pair.slice(0, at), unescape(pair.slice(at + 1))]
  }))
  return {name: match[1]!, properties, message: unescape(match[3]!)}
}

const fileAnnotations = (run: ActionRun, level: string) => run.commands.map(parseCommand).filter((c) => c.name === level && c.properties.file !== undefined)

function mixedAccountGate(run: ActionRun): void {
  expect(run.status).toBe(1)
  // The evidence names the trails' log group but no metric filters of it: the fifteen CIS monitoring controls are unknown.
  expect(run.outputs).toMatchObject({passed: 'false', 'exit-code': '1', failed: '4', unknown: '15', suppressed: '0', errors: '0', critical: '0', high: '3', medium: '1', low: '0', info: '0'})
  expect(Number(run.outputs.passes)).toBeGreaterThan(0)

  const errors = fileAnnotations(run, 'error')
  expect(errors.map((e) => e.properties.title!.split(' ')[0]).sort()).toEqual(MIXED_FAILURES)
  const stopped = errors.find((e) => e.properties.title!.startsWith('logging-enabled'))
  expect(stopped?.properties).toMatchObject({file: `${MIXED}/get-trail-status-stopped-trail.json`, line: '2', col: '18'})
  expect(stopped?.message).toContain('Trail stopped-trail is not logging')
  expect(stopped?.message).toContain('Remediation: aws cloudtrail start-logging --name stopped-trail')

  const last = run.commands.at(-1)!
  expect(parseCommand(last)).toMatchObject({name: 'error', message: 'trailgate: 4 failures at or above fail-on low (4 failures in all)'})

  expect(run.summary).toContain('## trailgate check: failed')
  for (const policy of MIXED_FAILURES) expect(run.summary).toContain(policy)
}

function cdkGate(run: ActionRun, cwd: string): void {
  expect(run.status).toBe(1)
  const report = JSON.parse(readFileSync(join(cwd, 'reports', 'trailgate.json'), 'utf8')) as Report
  const failures = report.results.filter((r) => r.status === 'fail')
  expect(failures.map((r) => `${r.policy} ${r.subject.label}`)).toEqual(expect.arrayContaining(['kms-encryption legacy', 'log-file-validation legacy']))
  expect(run.outputs).toMatchObject({passed: 'false', failed: String(failures.length), unknown: String(report.summary.counts.unknown), high: String(report.summary.failuresBySeverity.high)})

  // Paths are the workspace's own, so GitHub can place them on the pull request's diff.
  const annotated = run.commands.map(parseCommand).filter((c) => c.properties.file !== undefined)
  expect(annotated.length).toBeGreaterThan(0)
  for (const a of annotated) expect(a.properties.file).toMatch(/^cdk\.out\//)
  // More failures than GitHub shows: 9 file annotations plus the verdict make its 10 errors per step, and the log counts the rest.
  expect(failures.length).toBeGreaterThan(9)
  const errors = fileAnnotations(run, 'error')
  expect(errors).toHaveLength(9)
  // Most severe first.
  expect(errors[0]!.properties.title).toMatch(/^[a-z-]+ \(high\)/)
  const left = failures.length - 9
  expect(run.stdout).toContain(`trailgate: ${left} error${left === 1 ? '' : 's'} not annotated: GitHub shows at most 10 errors, 10 warnings and 10 notices per step`)

  const sarifPath = join(cwd, 'reports', 'trailgate.sarif')
  expect(run.outputs['sarif-file']).toBe(sarifPath)
  const sarif = JSON.parse(readFileSync(sarifPath, 'utf8')) as Log
  expect(sarif.version).toBe('2.1.0')
  const uris = sarif.runs[0]!.results!.map((r) => r.locations?.[0]?.physicalLocation?.artifactLocation?.uri)
  expect(uris).toHaveLength(failures.length)
  for (const uri of uris) expect(uri).toMatch(/^cdk\.out\//)
}

// Several files, so the scan runs on the bundled worker (action/dist/scan-worker.js).
const EVENT_INPUTS = {paths: 'fixtures/events/samples\nfixtures/events/AWSLogs\nfixtures/events/jsonl'}

function eventGate(run: ActionRun): void {
  const rootUse = fileAnnotations(run, 'error').filter((e) => e.properties.title!.startsWith('root-account-usage'))
  expect(rootUse.map((e) => e.properties.file)).toEqual(expect.arrayContaining([
    'fixtures/events/samples/cloudwatch-documentation.json',
    'fixtures/events/AWSLogs/123456789012/CloudTrail/us-west-2/2016/05/20/123456789012_CloudTrail_us-west-2_20160520T0830Z_Ex4mpleRootTerm.json.gz',
  ]))
  expect(run.stdout).not.toContain('could not be scanned')
  // The JSON-lines fixture holds one broken record on purpose: it is named at its line, the rest still judged.
  expect(fileAnnotations(run, 'error').find((e) => e.properties.title === 'trailgate: record-syntax')?.properties).toMatchObject({file: 'fixtures/events/jsonl/records.jsonl', line: '4'})
  expect(rootUse.some((e) => e.properties.file === 'fixtures/events/jsonl/records.jsonl')).toBe(true)
  expect(run.status).toBe(2)
}

const CDK_INPUTS = {paths: 'cdk.out', 'sarif-file': 'reports/trailgate.sarif', 'json-file': 'reports/trailgate.json'}

function cdkWorkspace(): string {
  const cwd = mkdtempSync(join(tmpdir(), 'trailgate-workspace-'))
  cpSync(CDK_OUT, join(cwd, 'cdk.out'), {recursive: true})
  return cwd
}

describe('the bundled action, run as the runner runs it', () => {
  it('exists where action.yml points', () => {
    expect(existsSync(BUNDLE)).toBe(true)
  })

  it('gates on AWS CLI evidence: exit 1, outputs, annotations at file and line, summary, report files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trailgate-action-'))
    const file = (name: string) => join(dir, 'reports', name)
    const run = runBundledAction({paths: MIXED, 'sarif-file': file('trailgate.sarif'), 'junit-file': file('trailgate.xml'), 'json-file': file('trailgate.json')}, {cwd: ROOT, dir})
    mixedAccountGate(run)
    expect(run.outputs).toMatchObject({'sarif-file': file('trailgate.sarif'), 'junit-file': file('trailgate.xml'), 'json-file': file('trailgate.json')})
    // The three files hold the same run.
    const json = JSON.parse(readFileSync(file('trailgate.json'), 'utf8')) as Report
    expect(json.results.filter((r) => r.status === 'fail').map((r) => r.policy).sort()).toEqual(MIXED_FAILURES)
    const sarif = JSON.parse(readFileSync(file('trailgate.sarif'), 'utf8')) as Log
    expect(sarif.runs[0]!.results!.map((r) => r.ruleId).sort()).toEqual(MIXED_FAILURES)
    const junit = new XMLParser({ignoreAttributes: false}).parse(readFileSync(file('trailgate.xml'), 'utf8')) as {testsuites: {'@_failures': string}}
    expect(junit.testsuites['@_failures']).toBe('4')
  })

  it('gates a CDK assembly from a workspace of its own, capping annotations at GitHub\'s limit', () => {
    const cwd = cdkWorkspace()
    cdkGate(runBundledAction(CDK_INPUTS, {cwd}), cwd)
  })

  it('gates a Terraform plan, pointing at the .tf source', () => {
    const run = runBundledAction({paths: 'fixtures/iac/terraform/project/plan.json', 'fail-on': 'high'})
    expect(run.status).toBe(1)
    const errors = fileAnnotations(run, 'error')
    for (const error of errors) expect(error.properties.title).toMatch(/^[a-z0-9-]+ \((critical|high)\)/)
    const notLogging = errors.find((e) => e.properties.title!.startsWith('logging-enabled'))
    expect(notLogging?.properties).toMatchObject({file: 'fixtures/iac/terraform/project/main.tf', line: '37'})
    expect(notLogging?.message).toContain('regional-eu-west-1')
    // Below the threshold: warnings, and they do not fail the step on their own.
    expect(fileAnnotations(run, 'warning').length).toBeGreaterThan(0)
    expect(Number(run.outputs.high) + Number(run.outputs.critical)).toBe(errors.length)
  })

  it('scans CloudTrail log files on worker threads from the bundle', () => {
    eventGate(runBundledAction(EVENT_INPUTS))
  })

  it('passes with fail-on none, turning failures into warnings', () => {
    const run = runBundledAction({paths: MIXED, 'fail-on': 'none'})
    expect(run.status).toBe(0)
    expect(run.outputs).toMatchObject({passed: 'true', 'exit-code': '0', failed: '4'})
    expect(run.commands.filter((c) => c.startsWith('::error'))).toEqual([])
    expect(fileAnnotations(run, 'warning')).toHaveLength(4)
    expect(run.stdout).toContain('trailgate: passed — ')
  })

  it('takes only, skip and params as a user writes them in a workflow', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trailgate-action-'))
    const run = runBundledAction({paths: MIXED, only: 'trails-per-region-limit\nkms-encryption', skip: 'kms-encryption', params: 'trails-per-region-limit.max=1', 'json-file': join(dir, 'r.json')}, {dir})
    const report = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as Report
    expect(report.policies.map((p) => p.id)).toEqual(['trails-per-region-limit'])
    // With at most one trail per region, both regions of the account fail.
    expect(run.outputs.failed).toBe('2')
    expect(report.results.map((r) => r.message).join('\n')).toContain('(limit 1)')
    expect(run.status).toBe(1)
  })

  it('takes account, cfn-param and baseline as the README workflows give them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trailgate-action-'))
    const inputs = {paths: 'fixtures/iac/cloudformation/trails.yaml', account: '111122223333', regions: 'eu-west-1', 'json-file': join(dir, 'r.json')}
    const alone = runBundledAction({...inputs, only: 'trails-per-region-limit'}, {dir})
    expect(alone.outputs.failed).toBe('0')

    const run = runBundledAction({...inputs, 'cfn-param': 'Env=dev', baseline: 'fixtures/evidence/mixed-account'}, {dir})
    const report = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as Report
    // cfn-param: the dev-only trail exists and the audit trail is named for dev.
    const labels = report.results.map((r) => r.subject.label)
    expect(labels.some((label) => label.startsWith('org-audit-dev'))).toBe(true)
    expect(labels.some((label) => label.startsWith('dev-only'))).toBe(true)
    // account: the planned trails are judged as that account's, not a placeholder's.
    expect(report.results.some((r) => r.subject.account === '111122223333' && r.subject.type === 'account')).toBe(true)
    // baseline: the account's deployed trails count, so eu-west-1 is over the limit.
    const euWest = report.results.find((r) => r.policy === 'trails-per-region-limit' && r.subject.id === '111122223333/eu-west-1')
    expect(euWest?.status).toBe('fail')
    expect(run.status).toBe(1)
    expect(run.commands.filter((c) => c.startsWith('::warning'))).toEqual([])
  })

  it('takes tf-dir, so a plan kept apart from its .tf files still points at them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trailgate-action-plan-'))
    cpSync(join(ROOT, 'fixtures', 'iac', 'terraform', 'project', 'plan.json'), join(dir, 'plan.json'))
    const apart = runBundledAction({paths: join(dir, 'plan.json'), 'fail-on': 'high'})
    const where = (run: ActionRun) => fileAnnotations(run, 'error').find((e) => e.properties.title!.startsWith('logging-enabled'))?.properties.file
    expect(where(apart)).not.toBe('fixtures/iac/terraform/project/main.tf')
    const run = runBundledAction({paths: join(dir, 'plan.json'), 'fail-on': 'high', 'tf-dir': 'fixtures/iac/terraform/project'})
    expect(where(run)).toBe('fixtures/iac/terraform/project/main.tf')
  })

  it('exits 2 on a parameter its policy does not allow', () => {
    const run = runBundledAction({paths: MIXED, params: 'trails-per-region-limit.max=6'})
    expect(run.status).toBe(2)
    expect(run.stdout).toContain("param 'max' of policy 'trails-per-region-limit' must be at most 5, found 6")
  })

  it('writes no summary and no file annotations when both are turned off, and still fails the step', () => {
    const run = runBundledAction({paths: MIXED, summary: 'false', annotations: 'false'})
    expect(run.status).toBe(1)
    expect(run.summary).toBe('')
    expect(run.commands.filter((c) => c.includes('file='))).toEqual([])
    expect(run.commands.at(-1)).toMatch(/^::error title=trailgate::trailgate: 4 failures/)
  })

  it('masks credentials from the environment before writing anything else', () => {
    const secrets = {AWS_ACCESS_KEY_ID: 'ASIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', AWS_SESSION_TOKEN: 'IQoJb3JpZ2luX2VjEXAMPLETOKEN'}
    const run = runBundledAction({paths: MIXED}, {env: {...secrets, SOME_NOTE: 'key AKIAIOSFODNN7EXAMPLE was rotated'}})
    const lines = run.stdout.split('\n')
    const firstOther = lines.findIndex((line) => !line.startsWith('::add-mask::'))
    expect(lines.slice(0, firstOther)).toEqual(expect.arrayContaining(['::add-mask::AKIAIOSFODNN7EXAMPLE', ...Object.values(secrets).map((s) => `::add-mask::${s}`)]))
    expect(lines.slice(firstOther).join('\n')).not.toMatch(/EXAMPLE/)
    expect(run.status).toBe(1)
  })

  it('exits 2 with one error per bad input, and writes outputs that say it did not pass', () => {
    const run = runBundledAction({mode: 'scan', 'fail-on': 'severe', summary: 'maybe', paths: MIXED})
    expect(run.status).toBe(2)
    const errors = run.commands.map(parseCommand).filter((c) => c.name === 'error')
    expect(errors.map((e) => e.properties.title).sort()).toEqual(['trailgate: input fail-on', 'trailgate: input mode', 'trailgate: input summary'])
    expect(errors.find((e) => e.properties.title === 'trailgate: input fail-on')?.message).toBe('fail-on: expected one of critical, high, medium, low, info, none, got "severe"')
    expect(run.outputs).toMatchObject({passed: 'false', 'exit-code': '2'})
    expect(run.summary).toBe('')
  })

  it('exits 2 when check mode is given no paths', () => {
    const run = runBundledAction({})
    expect(run.status).toBe(2)
    expect(run.commands[0]).toMatch(/^::error title=trailgate%3A input paths::paths: give the files or folders to check/)
  })

  it('exits 2 on unreadable input, annotating each problem at its file, line and column, and checks the rest', () => {
    const run = runBundledAction({paths: 'fixtures/iac/cloudformation/bad\nno/such/file.json'})
    expect(run.status).toBe(2)
    const errors = fileAnnotations(run, 'error')
    expect(errors.find((e) => e.properties.file === 'fixtures/iac/cloudformation/bad/syntax.yaml')?.properties).toMatchObject({line: '7', col: '7'})
    // The trails still read are judged: a policy failure is annotated beside the input errors (the
    // planned trails are judged as one target account, so multi-region-trail fails them first).
    expect(errors.some((e) => /^(kms-encryption|multi-region-trail|cis-monitoring-[a-z-]+) \(/.test(e.properties.title!))).toBe(true)
    expect(parseCommand(run.commands.at(-1)!).message).toMatch(/^trailgate: the run cannot be trusted \(.*\d+ inputs? failed/)
    expect(Number(run.outputs.errors)).toBeGreaterThan(0)
    expect(run.summary).toContain('no/such/file.json')
  })

  it('audits with the credentials in the environment and says what it ignored', () => {
    const run = runBundledAction(
      {mode: 'audit', regions: 'us-east-1', 'events-since': '7d', paths: 'cdk.out'},
      {env: {AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: join(tmpdir(), 'trailgate-no-aws-config'), AWS_SHARED_CREDENTIALS_FILE: join(tmpdir(), 'trailgate-no-aws-credentials'), AWS_REGION: 'us-east-1'}},
    )
    expect(run.status).toBe(2)
    const warnings = run.commands.map(parseCommand).filter((c) => c.name === 'warning').map((c) => c.message)
    expect(warnings).toEqual(['paths: mode: audit reads the live account, not files; paths ignored'])
    // events-since is used by an audit: no warning names it.
    expect(warnings.join('\n')).not.toContain('events-since')
    expect(run.stdout).toContain('no account could be audited')
    expect(run.summary).toContain('## trailgate audit')
    expect(run.outputs).toMatchObject({passed: 'false', 'exit-code': '2'})
    // Paths of files are not secrets.
    expect(run.stdout).not.toContain('::add-mask::')
  })
})

describe('the bundled action reading a trail bucket in S3 (s3rver)', () => {
  const BUCKET = 'trail-bucket'
  const LOG_KEY = 'AWSLogs/123456789012/CloudTrail/us-west-2/2016/05/20/123456789012_CloudTrail_us-west-2_20160520T0830Z_Ex4mpleRootTerm.json.gz'
  const OLD_KEY = 'AWSLogs/123456789012/CloudTrail/us-west-2/2016/05/10/123456789012_CloudTrail_us-west-2_20160510T0830Z_OldDay.json.gz'
  const OTHER_ACCOUNT_KEY = 'AWSLogs/210987654321/CloudTrail/us-west-2/2016/05/20/210987654321_CloudTrail_us-west-2_20160520T0830Z_Other.json.gz'
  let s3: RunningS3
  beforeAll(async () => {
    s3 = await startS3rver(BUCKET)
    const log = readFileSync(join(ROOT, 'fixtures/events', LOG_KEY))
    await s3.put([LOG_KEY, OLD_KEY, OTHER_ACCOUNT_KEY].map((key) => ({key, body: log})))
  }, 60_000)
  afterAll(() => s3.close())

  it('paths: s3://… with since, until, accounts and endpoint-url: the window\'s log files are judged, nothing outside is read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trailgate-action-s3-'))
    const json = join(dir, 'trailgate.json')
    const run = runBundledAction(
      {paths: `s3://${BUCKET}/`, since: '2016-05-20T00:00:00Z', until: '2016-05-20T12:00:00Z', accounts: '123456789012', 'endpoint-url': s3.url, 'json-file': json},
      {env: S3RVER_CREDENTIALS, dir},
    )
    const report = JSON.parse(readFileSync(json, 'utf8')) as Report
    expect(report.inputs.map((input) => `${input.fate} ${input.path}`)).toEqual([`read s3://${BUCKET}/${LOG_KEY}`])
    expect(report.results.some((result) => result.policy === 'root-account-usage' && result.status === 'fail')).toBe(true)
    expect(run.outputs).toMatchObject({passed: 'false', 'exit-code': '1'})
    expect(run.status).toBe(1)
    expect(run.summary).toContain('root-account-usage')
  })

  it('a window that holds nothing exits 2, and a since it cannot read is an input error', () => {
    const empty = runBundledAction({paths: `s3://${BUCKET}/`, since: '2030-01-01', 'endpoint-url': s3.url}, {env: S3RVER_CREDENTIALS})
    expect(empty.status).toBe(2)
    expect(empty.outputs).toMatchObject({passed: 'false', 'exit-code': '2'})
    const bad = runBundledAction({paths: `s3://${BUCKET}/`, since: 'last week', 'endpoint-url': s3.url}, {env: S3RVER_CREDENTIALS})
    expect(bad.status).toBe(2)
    expect(bad.commands.map(parseCommand).filter((c) => c.name === 'error').map((c) => c.message)).toContain('since: expected an ISO 8601 time or a duration such as 7d, 12h or 30m, got "last week"')
  })
})

describe('the bundled action on Node 24, the runtime GitHub runs it on', () => {
  let node = ''
  beforeAll(() => {
    node = node24()
  })

  it('gates on AWS CLI evidence', () => {
    mixedAccountGate(runBundledAction({paths: MIXED}, {node}))
  })

  it('gates a CDK assembly from a workspace of its own', () => {
    const cwd = cdkWorkspace()
    cdkGate(runBundledAction(CDK_INPUTS, {cwd, node}), cwd)
  })

  it('scans CloudTrail log files on worker threads', () => {
    eventGate(runBundledAction(EVENT_INPUTS, {node}))
  })
})
