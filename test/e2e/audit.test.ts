import {mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'

import type {Report} from '../../src/engine/report-types.js'
import {organizationWorld, startFakeAws, type FakeAws, type FakeWorld} from '../live/fake-aws/server.js'
import {trailgate, trailgateAsync} from './cli.js'

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
    expect(failing(report)).toEqual(['cloudwatch-logs-integration legacy', 'kms-encryption legacy', 'log-file-validation legacy'])
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
    expect(JSON.parse(readFileSync(snapshot, 'utf8'))).toMatchObject({kind: 'trailgate-snapshot', version: 1, accounts: [{accountId: ACCOUNT}]})
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
