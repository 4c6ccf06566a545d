import {mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Ajv2020} from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import {afterEach, describe, expect, it} from 'vitest'

import type {Report} from '../../src/engine/report-types.js'
import {organizationWorld, startFakeAws, type FakeAws, type FakeWorld} from '../live/fake-aws/server.js'
import {ROOT, trailgate, trailgateAsync} from './cli.js'

const ACCOUNT = '111122223333'
const REGIONS = ['us-east-1', 'eu-west-1']

let fake: FakeAws | undefined
afterEach(async () => {
  await fake?.close()
  fake = undefined
})

/** The CLI as a scheduled job runs it: credentials from the environment, no profile files. */
function awsEnv(accessKeyId: string): Record<string, string> {
  const nowhere = join(tmpdir(), 'trailgate-no-aws-config')
  return {
    AWS_ACCESS_KEY_ID: accessKeyId,
    AWS_SECRET_ACCESS_KEY: 'fake-secret',
    AWS_REGION: 'us-east-1',
    AWS_CONFIG_FILE: nowhere,
    AWS_SHARED_CREDENTIALS_FILE: nowhere,
    AWS_EC2_METADATA_DISABLED: 'true',
    CI: 'true',
  }
}

async function audit(world: FakeWorld, accessKeyId: string, args: string[]): Promise<{status: number; report: Report; stderr: string}> {
  fake = await startFakeAws(world, {rateLimits: {describe: 10, lookup: 2, other: 1}})
  const run = await trailgateAsync(['audit', '--endpoint-url', fake.url, '--regions', REGIONS.join(','), '--format', 'json', ...args], {env: awsEnv(accessKeyId)})
  if (!run.stdout.startsWith('{')) throw new Error(`audit printed no report (exit ${run.status}): ${run.stderr}`)
  return {status: run.status, report: JSON.parse(run.stdout) as Report, stderr: run.stderr}
}

const failing = (report: Report) =>
  report.results
    .filter((r) => r.status === 'fail')
    .map((r) => `${r.policy} ${r.subject.label.replace(/ \(.*\)$/, '')}`)
    .sort()

const oneAccount: FakeWorld = {
  regions: REGIONS,
  accounts: {
    [ACCOUNT]: {
      accessKeyIds: ['AKIAONEACCOUNT'],
      trails: [
        {
          Name: 'main',
          HomeRegion: 'us-east-1',
          S3BucketName: 'main-logs',
          IsMultiRegionTrail: true,
          IncludeGlobalServiceEvents: true,
          LogFileValidationEnabled: true,
          KmsKeyId: `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
          CloudWatchLogsLogGroupArn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:trail:*`,
          status: {IsLogging: true},
          eventSelectors: [{ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [{Type: 'AWS::S3::Object', Values: ['arn:aws:s3']}]}],
          tags: {owner: 'security'},
        },
        {Name: 'legacy', HomeRegion: 'eu-west-1', S3BucketName: 'legacy-logs', IsMultiRegionTrail: false, LogFileValidationEnabled: false, status: {IsLogging: true}},
      ],
    },
  },
}

describe('trailgate audit against a local AWS endpoint (real SDK on the wire, built CLI)', () => {
  it('audits one account and reports what it found, region by region', async () => {
    const {status, report} = await audit(oneAccount, 'AKIAONEACCOUNT', [])
    // The log group of the multi-region trail has no metric filter at all: each CIS monitoring control fails for the account.
    const monitoring = ['config-changes', 'console-login-failures', 'console-login-without-mfa', 'iam-policy-changes', 'kms-key-disable-or-deletion', 'network-acl-changes', 'network-gateway-changes', 'organizations-changes', 'root-usage', 'route-table-changes', 's3-bucket-policy-changes', 'security-group-changes', 'trail-changes', 'unauthorized-api-calls', 'vpc-changes']
    expect(failing(report)).toEqual([...monitoring.map((topic) => `cis-monitoring-${topic} ${ACCOUNT}`), 'cloudwatch-logs-integration legacy', 'kms-encryption legacy', 'log-file-validation legacy'])
    expect(report.results.find((r) => r.policy === 'cis-monitoring-root-usage')?.message).toContain('no metric filter on log group trail matches what the reference matches')
    expect(status).toBe(1)
    expect(report.command).toBe('audit')
    expect(report.inputs.map((i) => `${i.path} ${i.fate}`).sort()).toEqual([`aws://${ACCOUNT}/eu-west-1 read`, `aws://${ACCOUNT}/us-east-1 read`])
    const legacy = report.results.find((r) => r.policy === 'kms-encryption' && r.status === 'fail')
    expect(legacy?.subject.id).toBe(`arn:aws:cloudtrail:eu-west-1:${ACCOUNT}:trail/legacy`)
    expect(legacy?.location).toBeUndefined()
  })

  it('replays a saved snapshot with check to the same results', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trailgate-replay-'))
    const snapshot = join(dir, 'snapshot.json')
    const live = await audit(oneAccount, 'AKIAONEACCOUNT', ['--save-snapshot', snapshot])
    expect(JSON.parse(readFileSync(snapshot, 'utf8'))).toMatchObject({kind: 'trailgate-snapshot', version: 2, accounts: [{accountId: ACCOUNT}]})
    const replay = trailgate(['check', snapshot, '--format', 'json'])
    const replayed = JSON.parse(replay.stdout) as Report
    const essence = (report: Report) => report.results.map((r) => [r.policy, r.status, r.subject.id, r.message].join(' | ')).sort()
    expect(essence(replayed)).toEqual(essence(live.report))
    expect(replay.status).toBe(live.status)
  })

  it('audits a 20-account organization and counts the organization trail for its members', async () => {
    const world = organizationWorld({accounts: 20, regions: REGIONS, roleName: 'Auditor'})
    const {report} = await audit(world, 'AKIAMANAGEMENT', ['--org', '--role-name', 'Auditor', '--only', 'multi-region-trail,logging-enabled'])
    const accounts = report.results.filter((r) => r.policy === 'multi-region-trail')
    expect(accounts).toHaveLength(20)
    expect(accounts.every((r) => r.status === 'pass')).toBe(true)
    // Members 3, 6, … stopped their own trail; the organization trail does not hide that.
    expect(failing(report)).toEqual(['logging-enabled local-12', 'logging-enabled local-15', 'logging-enabled local-18', 'logging-enabled local-3', 'logging-enabled local-6', 'logging-enabled local-9'])
    expect(report.inputs).toHaveLength(40)
    expect(report.category).toBe('trailgate/audit/o-exampleorg1/')
  })

  it('reports an account whose role cannot be assumed and a region that denies access, audits the rest, and exits 2', async () => {
    const world = organizationWorld({accounts: 4, regions: REGIONS, roleName: 'Auditor'})
    world.accounts['200000000001'].roles = {}
    world.accounts['200000000002'].faults = {accessDenied: {regions: ['eu-west-1']}}
    const {status, report} = await audit(world, 'AKIAMANAGEMENT', ['--org', '--role-name', 'Auditor'])
    expect(status).toBe(2)
    const failed = report.inputs.filter((i) => i.fate === 'failed').map((i) => i.path).sort()
    expect(failed).toEqual(['aws://200000000001', 'aws://200000000002/eu-west-1'])
    expect(report.results.some((r) => r.subject.account === '200000000003')).toBe(true)
    expect(report.diagnostics.some((d) => d.severity === 'error' && d.message.includes('200000000001'))).toBe(true)
  })

  it('judges the recent management events with the event detections when asked (--events-since)', async () => {
    const recent = new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z')
    const world: FakeWorld = structuredClone(oneAccount)
    world.accounts[ACCOUNT]!.events = {
      'us-east-1': [
        {eventVersion: '1.08', eventID: 'e-stop-1', eventName: 'StopLogging', eventSource: 'cloudtrail.amazonaws.com', eventTime: recent, awsRegion: 'us-east-1', eventType: 'AwsApiCall', recipientAccountId: ACCOUNT, sourceIPAddress: '198.51.100.7', userAgent: 'aws-cli/2.15.0', requestParameters: {name: 'main'}, userIdentity: {type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/mallory`, accountId: ACCOUNT}},
        {eventVersion: '1.08', eventID: 'e-list-1', eventName: 'DescribeTrails', eventSource: 'cloudtrail.amazonaws.com', eventTime: recent, awsRegion: 'us-east-1', eventType: 'AwsApiCall', recipientAccountId: ACCOUNT, sourceIPAddress: '198.51.100.7', userAgent: 'aws-cli/2.15.0', userIdentity: {type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/alice`, accountId: ACCOUNT}},
      ],
    }
    const {report} = await audit(world, 'AKIAONEACCOUNT', ['--events-since', '24h', '--only', 'trail-tampering'])
    const findings = report.results.filter((r) => r.subject.type === 'event')
    expect(findings.map((r) => [r.policy, r.status, r.subject.id])).toEqual([['trail-tampering', 'fail', `${ACCOUNT}/e-stop-1`]])
    expect(findings[0]?.subject.label).toContain('mallory')
    expect(report.policies.find((p) => p.id === 'trail-tampering')?.recordsPassed).toBe(1)
    expect(report.inputs.some((i) => i.path === `aws://${ACCOUNT}/us-east-1 (LookupEvents)` && i.fate === 'read')).toBe(true)
  })
})

const snapshotSchema = (() => {
  const ajv = new Ajv2020({allErrors: true, strict: true})
  ;(addFormatsModule as unknown as (instance: Ajv2020) => void)(ajv)
  return ajv.compile(JSON.parse(readFileSync(join(ROOT, 'schemas', 'snapshot.schema.json'), 'utf8')) as object)
})()

const resultsFor = (report: Report, subjectId: string) => report.results.filter((r) => r.subject.id === subjectId)
const errorsAbout = (report: Report, text: string) => report.diagnostics.filter((d) => d.severity === 'error' && d.message.includes(text))

/** One account whose multi-region trail is homed in eu-west-1, the region that will not answer. */
function homedInEurope(faults: FakeWorld['accounts'][string]['faults']): FakeWorld {
  const world: FakeWorld = structuredClone(oneAccount)
  const account = world.accounts[ACCOUNT]!
  account.trails = [{...account.trails![0]!, Name: 'europe', HomeRegion: 'eu-west-1'}]
  account.faults = faults
  return world
}

describe('trailgate audit never turns what it could not read into a pass', () => {
  it.each([
    ['denied', {accessDenied: {regions: ['eu-west-1'], operations: ['DescribeTrails']}}, [], 'AccessDeniedException'],
    ['timed out', {timeout: {regions: ['eu-west-1'], operations: ['DescribeTrails']}}, ['--call-timeout', '1'], 'Timeout'],
  ] as const)('a region whose DescribeTrails was %s is unknown with the reason, and its trails stay judged', async (_how, faults, extra, reason) => {
    const {status, report} = await audit(homedInEurope(structuredClone(faults) as never), 'AKIAONEACCOUNT', [...extra])
    const region = resultsFor(report, `${ACCOUNT}/eu-west-1`)
    expect(region.length).toBeGreaterThan(0)
    expect(region.map((r) => r.status)).toEqual(region.map(() => 'unknown'))
    expect(region[0]?.message).toContain(reason)
    // The trail homed in the silent region is still seen (as the shadow copy us-east-1 lists) and judged.
    const trail = `arn:aws:cloudtrail:eu-west-1:${ACCOUNT}:trail/europe`
    expect(resultsFor(report, trail).length).toBeGreaterThan(0)
    expect(resultsFor(report, `${ACCOUNT}/us-east-1`).map((r) => r.status)).toEqual(['pass'])
    expect(errorsAbout(report, 'DescribeTrails')).toHaveLength(1)
    expect(status).toBe(2)
  })

  it('gives no verdict on a region it never examined (outside --regions) and says it was not audited', async () => {
    const world: FakeWorld = structuredClone(oneAccount)
    world.regions = [...REGIONS, 'ap-south-1']
    world.accounts[ACCOUNT]!.trails!.push({Name: 'mumbai', HomeRegion: 'ap-south-1', S3BucketName: 'mumbai-logs', IsMultiRegionTrail: true, LogFileValidationEnabled: true, status: {IsLogging: true}})
    const {report} = await audit(world, 'AKIAONEACCOUNT', ['--only', 'trails-per-region-limit'])
    expect(report.results.map((r) => r.subject.id).sort()).toEqual([`${ACCOUNT}/eu-west-1`, `${ACCOUNT}/us-east-1`])
    expect(report.inputs).toContainEqual(expect.objectContaining({path: `aws://${ACCOUNT}/ap-south-1`, fate: 'skipped', detail: expect.stringContaining('not audited')}))
  })

  it('gives an account whose role cannot be assumed no verdicts at all, and reports it not audited in every format', async () => {
    const world = organizationWorld({accounts: 3, regions: REGIONS, roleName: 'Auditor'})
    world.accounts['200000000001']!.roles = {}
    const dir = mkdtempSync(join(tmpdir(), 'trailgate-unassumable-'))
    const {status, report} = await audit(world, 'AKIAMANAGEMENT', ['--org', '--role-name', 'Auditor', '--sarif', join(dir, 'r.sarif'), '--junit', join(dir, 'r.xml')])
    expect(report.results.filter((r) => r.subject.account === '200000000001')).toEqual([])
    expect(report.results.some((r) => r.subject.account === '200000000002' && r.policy === 'multi-region-trail')).toBe(true)
    const notAudited = report.inputs.filter((i) => i.path.startsWith('aws://200000000001'))
    expect(notAudited).toEqual([expect.objectContaining({path: 'aws://200000000001', fate: 'failed', detail: expect.stringMatching(/^not audited: .*AssumeRole.*AccessDenied/)})])
    expect(errorsAbout(report, '200000000001')).toHaveLength(1)
    const sarif = JSON.parse(readFileSync(join(dir, 'r.sarif'), 'utf8')) as {runs: {invocations: {toolExecutionNotifications: {message: {text: string}}[]}[]}[]}
    const notes = sarif.runs[0]!.invocations[0]!.toolExecutionNotifications.map((n) => n.message.text)
    expect(notes.filter((text) => text.includes('200000000001') && text.includes('not audited'))).toHaveLength(1)
    expect(readFileSync(join(dir, 'r.xml'), 'utf8')).toMatch(/aws:\/\/200000000001[^]*not audited/)
    expect(status).toBe(2)
  })

  it('saves a snapshot that passes its own schema when a region failed, and replays one failure as one error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trailgate-failed-snapshot-'))
    const file = join(dir, 'snapshot.json')
    const {report} = await audit(homedInEurope({accessDenied: {regions: ['eu-west-1'], operations: ['DescribeTrails']}}), 'AKIAONEACCOUNT', ['--save-snapshot', file])
    const saved = JSON.parse(readFileSync(file, 'utf8')) as object
    snapshotSchema(saved)
    expect(snapshotSchema.errors ?? []).toEqual([])
    expect(report.diagnostics.filter((d) => d.severity === 'error')).toHaveLength(1)
    const replay = JSON.parse(trailgate(['check', file, '--format', 'json']).stdout) as Report
    expect(replay.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([expect.stringContaining('eu-west-1')])
    expect(resultsFor(replay, `${ACCOUNT}/eu-west-1`).map((r) => r.status)).toEqual(['unknown'])
  })

  it('follows ListTags pages: no tag is dropped', async () => {
    const world: FakeWorld = structuredClone(oneAccount)
    world.accounts[ACCOUNT]!.trails![1] = {...world.accounts[ACCOUNT]!.trails![1]!, HomeRegion: 'us-east-1', tags: {team: 'legacy'}}
    world.pageSize = {ListTags: 1}
    const dir = mkdtempSync(join(tmpdir(), 'trailgate-tags-'))
    const file = join(dir, 'snapshot.json')
    await audit(world, 'AKIAONEACCOUNT', ['--save-snapshot', file])
    const saved = JSON.parse(readFileSync(file, 'utf8')) as {accounts: {trails: {Name: string; Tags?: unknown}[]}[]}
    expect(saved.accounts[0]!.trails.map((t) => [t.Name, t.Tags])).toEqual([['legacy', {team: 'legacy'}], ['main', {owner: 'security'}]])
  })

  it('counts retried server errors (HTTP 500) and reports them with the throttles', async () => {
    const world: FakeWorld = structuredClone(oneAccount)
    world.accounts[ACCOUNT]!.faults = {internalError: {GetTrailStatus: 2}}
    const {report} = await audit(world, 'AKIAONEACCOUNT', [])
    expect(report.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
    expect(report.notes.find((n) => n.includes('AWS calls'))).toMatch(/2 server errors retried/)
  })

  it('a region slow to answer in every account holds up only itself: every account is entered and read elsewhere while it waits', async () => {
    const world = organizationWorld({accounts: 12, regions: REGIONS, roleName: 'Auditor'})
    for (const account of Object.values(world.accounts)) {
      account.faults = {delayMs: {'eu-west-1': 3_000}}
      for (const trail of account.trails ?? []) trail.HomeRegion = 'us-east-1'
    }
    const {report} = await audit(world, 'AKIAMANAGEMENT', ['--org', '--role-name', 'Auditor'])
    expect(report.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
    const requests = fake!.requests
    // A trail's details are read once its account's regions have all answered: after the slow one.
    const firstDetails = requests.findIndex((request) => request.operation === 'GetTrailStatus')
    const entered = requests.slice(0, firstDetails).filter((request) => request.operation === 'AssumeRole').length
    const fastListings = new Set(requests.slice(0, firstDetails).filter((request) => request.operation === 'DescribeTrails' && request.region === 'us-east-1').map((request) => request.account))
    expect(entered).toBe(11)
    expect(fastListings.size).toBe(12)
  })

  it('assumes a role again when its credentials expire during the audit', async () => {
    const world = organizationWorld({accounts: 3, regions: REGIONS, roleName: 'Auditor'})
    // The service stops honouring each assumed session after 1 s; its Expiration says one hour (a skewed clock).
    world.sessionLifetimeMs = 1_000
    for (const id of ['200000000001', '200000000002']) world.accounts[id]!.faults = {delayMs: {'eu-west-1': 1_500}}
    const {status, report} = await audit(world, 'AKIAMANAGEMENT', ['--org', '--role-name', 'Auditor'])
    expect(report.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
    expect(report.inputs.filter((i) => i.fate !== 'read')).toEqual([])
    expect(status).not.toBe(2)
  })
})
