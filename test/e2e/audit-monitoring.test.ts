import {mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'

import type {Report} from '../../src/engine/report-types.js'
import type {SnapshotDocument} from '../../src/live/snapshot.js'
import {startFakeAws, type FakeAccount, type FakeAws, type FakeWorld} from '../live/fake-aws/server.js'
import {CIS_FILTERS, cisMonitoring} from '../live/cis-monitoring-world.js'
import {trailgate, trailgateAsync} from './cli.js'

const ACCOUNT = '111122223333'
const OTHER = '444455556666'
const REGIONS = ['us-east-1', 'eu-west-1']
const LOG_GROUP = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:trail-logs`
const TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:security-alerts`

let fake: FakeAws | undefined
afterEach(async () => {
  await fake?.close()
  fake = undefined
})

function awsEnv(extra: Record<string, string> = {}): Record<string, string> {
  const nowhere = join(tmpdir(), 'trailgate-no-aws-config')
  return {
    AWS_ACCESS_KEY_ID: 'AKIAMONITORING',
    AWS_SECRET_ACCESS_KEY: 'fake-secret',
    AWS_REGION: 'us-east-1',
    AWS_CONFIG_FILE: nowhere,
    AWS_SHARED_CREDENTIALS_FILE: nowhere,
    AWS_EC2_METADATA_DISABLED: 'true',
    CI: 'true',
    ...extra,
  }
}

function world(account: Partial<FakeAccount> = {}, extra: Partial<FakeWorld> = {}): FakeWorld {
  return {
    regions: REGIONS,
    ...extra,
    accounts: {
      [ACCOUNT]: {
        accessKeyIds: ['AKIAMONITORING'],
        trails: [
          {
            Name: 'main',
            HomeRegion: 'us-east-1',
            S3BucketName: 'main-logs',
            IsMultiRegionTrail: true,
            IncludeGlobalServiceEvents: true,
            LogFileValidationEnabled: true,
            KmsKeyId: `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
            CloudWatchLogsLogGroupArn: `${LOG_GROUP}:*`,
            CloudWatchLogsRoleArn: `arn:aws:iam::${ACCOUNT}:role/trail-to-logs`,
            status: {IsLogging: true},
            eventSelectors: [{ReadWriteType: 'All', IncludeManagementEvents: true}],
          },
        ],
        ...cisMonitoring({account: ACCOUNT, region: 'us-east-1', logGroupName: 'trail-logs', topicArn: TOPIC}),
        ...account,
      },
    },
  }
}

interface AuditRun {
  status: number
  report: Report
  snapshot: SnapshotDocument
  snapshotPath: string
}

async function audit(described: FakeWorld, env: Record<string, string> = {}): Promise<AuditRun> {
  // The fake enforces every documented rate limit: a collection that asked faster would be throttled.
  fake = await startFakeAws(described)
  const snapshotPath = join(mkdtempSync(join(tmpdir(), 'trailgate-monitoring-')), 's.json')
  const run = await trailgateAsync(['audit', '--endpoint-url', fake.url, '--regions', REGIONS.join(','), '--format', 'json', '--save-snapshot', snapshotPath], {env: awsEnv(env)})
  if (!run.stdout.startsWith('{')) throw new Error(`audit printed no report (exit ${run.status}): ${run.stderr}`)
  return {status: run.status, report: JSON.parse(run.stdout) as Report, snapshot: JSON.parse(readFileSync(snapshotPath, 'utf8')) as SnapshotDocument, snapshotPath}
}

const essence = (report: Report) => report.results.map((r) => [r.policy, r.status, r.subject.id, r.message].join(' | ')).sort()

/** The monitoring calls the fake answered or refused, per service, operation and region. */
function monitoringCalls(requests: FakeAws['requests']): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const request of requests) {
    if (!['logs', 'cloudwatch', 'sns'].includes(request.service)) continue
    const key = `${request.operation} ${request.region}`
    counts[key] = (counts[key] ?? 0) + 1
  }
  return counts
}

describe('trailgate audit collects CloudWatch monitoring from the local AWS endpoint', () => {
  it('saves the 15 CIS filters, their alarms and the confirmed subscriber, in three calls, and check on the snapshot gives the same verdicts', async () => {
    const live = await audit(world())
    expect(live.report.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
    const [account] = live.snapshot.accounts
    expect(live.snapshot.version).toBe(2)
    expect(account?.monitoring?.metricFilters.map((filter) => filter.filterPattern).sort()).toEqual(CIS_FILTERS.map((filter) => filter.pattern).sort())
    expect(account?.monitoring?.alarms.map((alarm) => alarm.AlarmActions)).toEqual(CIS_FILTERS.map(() => [TOPIC]))
    expect(account?.monitoring?.topics.map((topic) => topic.Subscriptions.map((subscription) => subscription.Protocol))).toEqual([['email']])
    expect(account?.monitoring?.listed).toEqual({logGroups: [LOG_GROUP], alarmRegions: ['us-east-1'], topics: [TOPIC]})
    expect(account?.monitoring?.gaps).toEqual([])
    expect(monitoringCalls(fake?.requests ?? [])).toEqual({'DescribeMetricFilters us-east-1': 1, 'DescribeAlarms us-east-1': 1, 'ListSubscriptionsByTopic us-east-1': 1})
    expect(live.report.notes.some((note) => / 0 throttled and retried/.test(note))).toBe(true)
    // The CIS filters, each with an alarm and a confirmed subscriber: every monitoring control passes.
    const monitoring = live.report.results.filter((r) => r.policy.startsWith('cis-monitoring-'))
    expect(monitoring.map((r) => `${r.policy} ${r.status}`)).toEqual(monitoring.map((r) => `${r.policy} pass`))
    expect(monitoring).toHaveLength(15)

    const replay = trailgate(['check', live.snapshotPath, '--format', 'json'])
    const replayed = JSON.parse(replay.stdout) as Report
    expect(replayed.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
    expect(essence(replayed)).toEqual(essence(live.report))
    expect(replay.status).toBe(live.status)
  })

  it('reads every page of filters, alarms and subscriptions', async () => {
    const subscriptions = ['a', 'b', 'c'].map((name) => ({SubscriptionArn: `${TOPIC}:${name}`, Protocol: 'email', Endpoint: `${name}@example.com`}))
    const live = await audit(world({topics: {[TOPIC]: subscriptions}}, {pageSize: {DescribeMetricFilters: 4, DescribeAlarms: 4, ListSubscriptionsByTopic: 2}}))
    const monitoring = live.snapshot.accounts[0]?.monitoring
    expect(monitoring?.metricFilters).toHaveLength(15)
    expect(monitoring?.alarms).toHaveLength(15)
    expect(monitoring?.topics[0]?.Subscriptions).toHaveLength(3)
    expect(monitoringCalls(fake?.requests ?? [])).toEqual({'DescribeMetricFilters us-east-1': 4, 'DescribeAlarms us-east-1': 4, 'ListSubscriptionsByTopic us-east-1': 2})
  })

  it('reports a denied DescribeMetricFilters as an error of the region, a gap in the snapshot, and exits 2', async () => {
    const live = await audit(world({faults: {accessDenied: {services: ['logs']}}}))
    expect(live.status).toBe(2)
    expect(live.report.diagnostics).toContainEqual(
      expect.objectContaining({severity: 'error', code: 'live-access-denied', message: expect.stringContaining(`account ${ACCOUNT}, us-east-1: DescribeMetricFilters of log group trail-logs failed: AccessDeniedException`)}),
    )
    expect(live.report.inputs).toContainEqual(expect.objectContaining({path: `aws://${ACCOUNT}/us-east-1`, fate: 'failed', detail: expect.stringContaining('DescribeMetricFilters: AccessDeniedException')}))
    const monitoring = live.snapshot.accounts[0]?.monitoring
    expect(monitoring?.listed.logGroups).toEqual([])
    expect(monitoring?.gaps).toEqual([expect.objectContaining({what: 'metric-filters', key: LOG_GROUP})])
    expect(monitoringCalls(fake?.requests ?? [])).toEqual({'DescribeMetricFilters us-east-1': 1})
    const replay = trailgate(['check', live.snapshotPath, '--format', 'json'])
    expect(replay.status).toBe(2)
    expect(essence(JSON.parse(replay.stdout) as Report)).toEqual(essence(live.report))
  })

  it('reports DescribeAlarms throttled beyond its retries as an error and a gap', async () => {
    const live = await audit(world({faults: {throttle: {DescribeAlarms: 50}}}), {AWS_MAX_ATTEMPTS: '3'})
    expect(live.status).toBe(2)
    expect(live.report.diagnostics).toContainEqual(expect.objectContaining({severity: 'error', message: expect.stringMatching(/DescribeAlarms of the metric alarms of us-east-1 failed: Throttling: .*after 3 attempts/)}))
    expect(live.snapshot.accounts[0]?.monitoring?.gaps).toEqual([expect.objectContaining({what: 'alarms', region: 'us-east-1'})])
    expect(monitoringCalls(fake?.requests ?? [])).toEqual({'DescribeMetricFilters us-east-1': 1, 'DescribeAlarms us-east-1': 3})
  })

  it('keeps a pending subscription as SNS lists it and says a topic of another account was not read', async () => {
    const foreign = `arn:aws:sns:us-east-1:${OTHER}:central-alerts`
    const base = cisMonitoring({account: ACCOUNT, region: 'us-east-1', logGroupName: 'trail-logs', topicArn: TOPIC})
    const alarms = (base.alarms ?? []).map((alarm, index) => (index === 0 ? {...alarm, AlarmActions: [foreign]} : alarm))
    const live = await audit(world({alarms, topics: {[TOPIC]: [{SubscriptionArn: 'PendingConfirmation', Protocol: 'email', Endpoint: 'new@example.com'}]}}))
    expect(live.status).not.toBe(2)
    const monitoring = live.snapshot.accounts[0]?.monitoring
    expect(monitoring?.topics).toEqual([{TopicArn: TOPIC, region: 'us-east-1', Subscriptions: [expect.objectContaining({SubscriptionArn: 'PendingConfirmation'})]}])
    expect(monitoring?.gaps).toEqual([{what: 'subscriptions', key: foreign, region: 'us-east-1', why: `not read: topic in account ${OTHER}`}])
    expect(monitoringCalls(fake?.requests ?? [])).toEqual({'DescribeMetricFilters us-east-1': 1, 'DescribeAlarms us-east-1': 1, 'ListSubscriptionsByTopic us-east-1': 1})
  })
})
