import {afterEach, describe, expect, it} from 'vitest'
import {collectLive, type LiveProgress, type LiveResult} from '../../src/live/index.js'
import {startFakeAws, type FakeAccount, type FakeAws, type FakeServerOptions, type FakeWorld} from './fake-aws/server.js'
import {CIS_FILTERS, cisMonitoring} from './cis-monitoring-world.js'
import {answered, liveOptions} from './helpers.js'

const ACCOUNT = '111122223333'
const OTHER = '444455556666'
const REGION = 'us-east-1'
const LOG_GROUP = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:trail-logs`
const TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:security-alerts`

function world(account: Partial<FakeAccount> = {}, extra: Partial<FakeWorld> = {}): FakeWorld {
  return {
    regions: [REGION, 'eu-west-1'],
    ...extra,
    accounts: {
      [ACCOUNT]: {
        accessKeyIds: ['AKIAMONITORING'],
        trails: [
          {
            Name: 'main',
            HomeRegion: REGION,
            S3BucketName: 'logs',
            IsMultiRegionTrail: true,
            CloudWatchLogsLogGroupArn: `${LOG_GROUP}:*`,
            CloudWatchLogsRoleArn: `arn:aws:iam::${ACCOUNT}:role/trail-to-logs`,
            status: {IsLogging: true},
          },
        ],
        ...cisMonitoring({account: ACCOUNT, region: REGION, logGroupName: 'trail-logs', topicArn: TOPIC}),
        ...account,
      },
    },
  }
}

let fake: FakeAws | undefined
afterEach(async () => {
  await fake?.close()
  fake = undefined
})

async function collect(described: FakeWorld, options: FakeServerOptions = {}, progress: LiveProgress[] = []): Promise<LiveResult> {
  fake = await startFakeAws(described, options)
  return collectLive(
    liveOptions(fake, 'AKIAMONITORING', {regions: [REGION, 'eu-west-1'], retry: {baseDelayMs: 1, maxAttempts: 3}, callTimeoutMs: 1_500, onProgress: (p) => progress.push(p)}),
  )
}

const monitoringCalls = (requests: FakeAws['requests']) =>
  requests.filter((request) => ['logs', 'cloudwatch', 'sns'].includes(request.service)).map((request) => `${request.service} ${request.operation} ${request.region}`)

describe('live collection of CloudWatch monitoring', () => {
  it('reads the 15 CIS filters, their alarms and the topic subscriptions of the trail log group, in three calls', async () => {
    const progress: LiveProgress[] = []
    const {snapshot, diagnostics, stats} = await collect(world(), {}, progress)
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([])
    expect(snapshot.version).toBe(2)
    // Progress counts the monitoring calls with the rest.
    expect(stats.callsByOperation).toMatchObject({DescribeMetricFilters: 1, DescribeAlarms: 1, ListSubscriptionsByTopic: 1})
    expect(progress.at(-1)).toMatchObject({calls: stats.calls, accountsDone: 1})
    const [account] = snapshot.accounts
    const monitoring = account?.monitoring
    expect(monitoring?.metricFilters.map((filter) => [filter.filterName, filter.logGroupName, filter.region]).sort()).toEqual(
      CIS_FILTERS.map(({topic}) => [`cis-${topic}`, 'trail-logs', REGION]).sort(),
    )
    expect(monitoring?.metricFilters.find((filter) => filter.filterName === 'cis-root-usage')?.filterPattern).toBe(CIS_FILTERS[2]?.pattern)
    expect(monitoring?.alarms).toHaveLength(15)
    expect(monitoring?.alarms[0]).toMatchObject({ActionsEnabled: true, AlarmActions: [TOPIC], Namespace: 'CISBenchmark', region: REGION})
    expect(monitoring?.topics).toEqual([
      {TopicArn: TOPIC, region: REGION, Subscriptions: [expect.objectContaining({Protocol: 'email', Owner: ACCOUNT, TopicArn: TOPIC})]},
    ])
    expect(monitoring?.listed).toEqual({logGroups: [LOG_GROUP], alarmRegions: [REGION], topics: [TOPIC]})
    expect(monitoring?.gaps).toEqual([])
    // One trail, 15 filters, 15 alarms, one topic: one call of each operation, in the log group's region.
    expect(monitoringCalls(fake?.requests ?? [])).toEqual([
      `logs DescribeMetricFilters ${REGION}`,
      `cloudwatch DescribeAlarms ${REGION}`,
      `sns ListSubscriptionsByTopic ${REGION}`,
    ])
    expect(answered(fake?.requests ?? [], {operation: 'DescribeMetricFilters'})[0]?.input).toEqual({logGroupName: 'trail-logs'})
    expect(answered(fake?.requests ?? [], {operation: 'DescribeAlarms'})[0]?.input).toEqual({AlarmTypes: ['MetricAlarm'], MaxRecords: 100})
  })

  it('reads every page of filters, alarms and subscriptions, and keeps only alarms on the filters metrics', async () => {
    const base = cisMonitoring({account: ACCOUNT, region: REGION, logGroupName: 'trail-logs', topicArn: TOPIC})
    const subscriptions = ['a', 'b', 'c'].map((name) => ({SubscriptionArn: `${TOPIC}:${name}`, Protocol: 'email', Endpoint: `${name}@example.com`}))
    const unrelated = {region: REGION, AlarmName: 'cpu-high', MetricName: 'CPUUtilization', Namespace: 'AWS/EC2', AlarmActions: [`arn:aws:sns:${REGION}:${ACCOUNT}:ops`]}
    // A metric-math alarm watches its metrics through Metrics[].MetricStat.Metric.
    const math = {
      region: REGION,
      AlarmName: 'root-usage-math',
      Metrics: [{Id: 'm1', MetricStat: {Metric: {Namespace: 'CISBenchmark', MetricName: 'RootAccountUsage'}, Period: 300, Stat: 'Sum'}, ReturnData: true}],
      AlarmActions: [TOPIC],
    }
    const described = world(
      {alarms: [...(base.alarms ?? []), unrelated, math], topics: {[TOPIC]: subscriptions}},
      {pageSize: {DescribeMetricFilters: 4, DescribeAlarms: 5, ListSubscriptionsByTopic: 2}},
    )
    const {snapshot} = await collect(described)
    const monitoring = snapshot.accounts[0]?.monitoring
    expect(monitoring?.metricFilters).toHaveLength(15)
    expect(monitoring?.alarms.map((alarm) => alarm.AlarmName)).not.toContain('cpu-high')
    expect(monitoring?.alarms.map((alarm) => alarm.AlarmName)).toContain('root-usage-math')
    expect(monitoring?.alarms).toHaveLength(16)
    expect(monitoring?.topics[0]?.Subscriptions.map((subscription) => subscription.Endpoint)).toEqual(['a@example.com', 'b@example.com', 'c@example.com'])
    // The topic only the unrelated alarm notifies is not read.
    expect(monitoring?.listed.topics).toEqual([TOPIC])
    const calls = monitoringCalls(fake?.requests ?? [])
    expect(calls.filter((call) => call.includes('DescribeMetricFilters'))).toHaveLength(4)
    expect(calls.filter((call) => call.includes('DescribeAlarms'))).toHaveLength(4)
    expect(calls.filter((call) => call.includes('ListSubscriptionsByTopic'))).toHaveLength(2)
  })

  it('records a denied DescribeMetricFilters as a gap and an error, and asks nothing further', async () => {
    const {snapshot, diagnostics} = await collect(world({faults: {accessDenied: {services: ['logs']}}}))
    const [account] = snapshot.accounts
    expect(account?.monitoring?.listed.logGroups).toEqual([])
    expect(account?.monitoring?.gaps).toEqual([
      {what: 'metric-filters', key: LOG_GROUP, region: REGION, why: expect.stringMatching(/^DescribeMetricFilters failed: AccessDeniedException: .*logs:DescribeMetricFilters/)},
    ])
    expect(account?.errors).toEqual([expect.objectContaining({region: REGION, operation: 'DescribeMetricFilters', code: 'AccessDeniedException'})])
    expect(diagnostics).toContainEqual(expect.objectContaining({severity: 'error', code: 'live-access-denied', message: expect.stringContaining('of log group trail-logs')}))
    expect(monitoringCalls(fake?.requests ?? [])).toEqual([`logs DescribeMetricFilters ${REGION}`])
  })

  it('reads the denial code of each service: CloudWatch through its query-compatible header, SNS from its XML', async () => {
    const cloudWatch = await collect(world({faults: {accessDenied: {services: ['cloudwatch']}}}))
    expect(cloudWatch.snapshot.accounts[0]?.errors).toEqual([expect.objectContaining({operation: 'DescribeAlarms', code: 'AccessDenied'})])
    expect(cloudWatch.diagnostics).toContainEqual(expect.objectContaining({code: 'live-access-denied', message: expect.stringContaining('cloudwatch:DescribeAlarms')}))
    await fake?.close()
    const sns = await collect(world({faults: {accessDenied: {services: ['sns']}}}))
    expect(sns.snapshot.accounts[0]?.errors).toEqual([expect.objectContaining({operation: 'ListSubscriptionsByTopic', code: 'AuthorizationError'})])
    expect(sns.snapshot.accounts[0]?.monitoring?.gaps).toEqual([expect.objectContaining({what: 'subscriptions', key: TOPIC})])
    expect(sns.diagnostics).toContainEqual(expect.objectContaining({code: 'live-access-denied'}))
  })

  it('takes a log group or topic that does not exist as one with nothing in it, and says so', async () => {
    const {snapshot, diagnostics} = await collect(world({metricFilters: [], alarms: [], topics: {}}))
    expect(snapshot.accounts[0]?.monitoring).toMatchObject({metricFilters: [], listed: {logGroups: [LOG_GROUP], alarmRegions: [], topics: []}, gaps: []})
    expect(diagnostics).toEqual([expect.objectContaining({severity: 'warning', code: 'live-log-group-missing', message: expect.stringContaining('log group trail-logs, which does not exist')})])
    await fake?.close()
    const gone = await collect(world({topics: {}}))
    expect(gone.snapshot.accounts[0]?.monitoring).toMatchObject({topics: [{TopicArn: TOPIC, Subscriptions: []}], listed: {topics: [TOPIC]}, gaps: []})
    expect(gone.diagnostics).toEqual([expect.objectContaining({severity: 'warning', code: 'live-topic-missing'})])
  })

  it('records DescribeAlarms throttled beyond its retries as a gap of the region', async () => {
    const {snapshot, diagnostics} = await collect(world({faults: {throttle: {DescribeAlarms: 10}}}))
    const [account] = snapshot.accounts
    expect(account?.monitoring?.metricFilters).toHaveLength(15)
    expect(account?.monitoring?.listed.alarmRegions).toEqual([])
    expect(account?.monitoring?.gaps).toEqual([{what: 'alarms', region: REGION, why: expect.stringMatching(/^DescribeAlarms failed: Throttling: .*after 3 attempts/)}])
    expect(account?.errors).toEqual([expect.objectContaining({operation: 'DescribeAlarms', code: 'Throttling'})])
    expect(diagnostics.some((d) => d.severity === 'error' && d.message.includes('DescribeAlarms of the metric alarms of us-east-1 failed'))).toBe(true)
    expect(monitoringCalls(fake?.requests ?? []).filter((call) => call.includes('DescribeAlarms'))).toHaveLength(3)
  })

  it('records a topic of another account as not read, without asking for it', async () => {
    const foreign = `arn:aws:sns:${REGION}:${OTHER}:central-alerts`
    const {snapshot} = await collect(world(cisMonitoring({account: ACCOUNT, region: REGION, logGroupName: 'trail-logs', topicArn: foreign})))
    const monitoring = snapshot.accounts[0]?.monitoring
    expect(monitoring?.topics).toEqual([])
    expect(monitoring?.gaps).toEqual([{what: 'subscriptions', key: foreign, region: REGION, why: `not read: topic in account ${OTHER}`}])
    expect(monitoringCalls(fake?.requests ?? []).some((call) => call.includes('ListSubscriptionsByTopic'))).toBe(false)
  })

  it('keeps a pending subscription as SNS lists it, and a topic that times out is a gap', async () => {
    const pending = await collect(world({topics: {[TOPIC]: [{SubscriptionArn: 'PendingConfirmation', Protocol: 'email', Endpoint: 'new@example.com'}]}}))
    expect(pending.snapshot.accounts[0]?.monitoring?.topics[0]?.Subscriptions).toEqual([expect.objectContaining({SubscriptionArn: 'PendingConfirmation'})])
    await fake?.close()
    const hung = await collect(world({faults: {timeout: {services: ['sns']}}}))
    const account = hung.snapshot.accounts[0]
    expect(account?.monitoring?.gaps).toEqual([{what: 'subscriptions', key: TOPIC, region: REGION, why: expect.stringMatching(/^ListSubscriptionsByTopic failed: Timeout: no answer within 1500 ms/)}])
    expect(account?.errors).toEqual([expect.objectContaining({operation: 'ListSubscriptionsByTopic', code: 'Timeout'})])
  })

  it('keeps DescribeMetricFilters within its 5 calls per second, so a region of 12 log groups meets no throttle', async () => {
    const groups = Array.from({length: 12}, (_, index) => `group-${index}`)
    const described = world({
      trails: groups.map((name) => ({Name: name, HomeRegion: REGION, S3BucketName: 'logs', CloudWatchLogsLogGroupArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${name}:*`})),
      metricFilters: [],
      logGroups: {[REGION]: groups},
    })
    // The fake allows one call of slack over AWS's 5, so that network jitter between two equal buckets throttles nothing.
    const {snapshot, stats} = await collect(described, {rateLimits: {'metric-filters': 6}})
    expect(stats.callsByOperation.DescribeMetricFilters).toBe(12)
    expect((fake?.requests ?? []).filter((request) => request.operation === 'DescribeMetricFilters' && request.status !== 200)).toEqual([])
    expect(snapshot.accounts[0]?.monitoring?.listed.logGroups).toHaveLength(12)
  })

  it('records a log group in another account or an unexamined region as not read', async () => {
    const elsewhere = world()
    const trails = elsewhere.accounts[ACCOUNT]?.trails ?? []
    trails[0] = {...trails[0], Name: 'main', HomeRegion: REGION, CloudWatchLogsLogGroupArn: `arn:aws:logs:${REGION}:${OTHER}:log-group:central:*`}
    trails.push({Name: 'far', HomeRegion: REGION, S3BucketName: 'far', CloudWatchLogsLogGroupArn: `arn:aws:logs:ap-south-1:${ACCOUNT}:log-group:far:*`})
    const {snapshot} = await collect(elsewhere)
    expect(snapshot.accounts[0]?.monitoring?.gaps).toEqual([
      {what: 'metric-filters', key: `arn:aws:logs:ap-south-1:${ACCOUNT}:log-group:far`, region: 'ap-south-1', why: 'not read: log group in region ap-south-1, which was not examined'},
      {what: 'metric-filters', key: `arn:aws:logs:${REGION}:${OTHER}:log-group:central`, region: REGION, why: `not read: log group in account ${OTHER}`},
    ])
    expect(monitoringCalls(fake?.requests ?? [])).toEqual([])
  })
})
