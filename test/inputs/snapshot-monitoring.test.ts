import {describe, expect, it} from 'vitest'

import {snapshotReader} from '../../src/inputs/snapshot/reader.js'
import type {ReaderOutput} from '../../src/inputs/types.js'

const ACCOUNT = '111122223333'
const LOG_GROUP = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:trail-logs`
const TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:alerts`

function snapshot(version: number, monitoring: string): string {
  return `kind: trailgate-snapshot
version: ${version}
collectedAt: "2026-01-01T00:00:00Z"
accounts:
  - accountId: "${ACCOUNT}"
    partition: aws
    regions: [us-east-1]
    trails:
      - Name: main
        TrailARN: arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/main
        HomeRegion: us-east-1
        IsMultiRegionTrail: true
        CloudWatchLogsLogGroupArn: "${LOG_GROUP}:*"
${monitoring}`
}

const MONITORING = `    monitoring:
      metricFilters:
        - filterName: root-usage
          filterPattern: "{ $.userIdentity.type = Root }"
          logGroupName: trail-logs
          region: us-east-1
          metricTransformations: [{metricName: RootAccountUsage, metricNamespace: CIS, metricValue: "1"}]
        - filterName: cloudtrail-changes
          filterPattern: "{ ($.eventName = CreateTrail) }"
          logGroupName: trail-logs
          region: us-east-1
          metricTransformations: [{metricName: CloudTrailChanges, metricNamespace: CIS, metricValue: "1"}]
      alarms:
        - AlarmName: root-usage
          AlarmArn: arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:root-usage
          MetricName: RootAccountUsage
          Namespace: CIS
          Statistic: Sum
          ComparisonOperator: LessThanThreshold
          Threshold: 0
          ActionsEnabled: true
          AlarmActions: ["${TOPIC}"]
          region: us-east-1
        - AlarmName: changes-math
          Metrics:
            - {Id: m1, MetricStat: {Metric: {Namespace: CIS, MetricName: CloudTrailChanges}, Period: 300, Stat: Sum}, ReturnData: true}
          ActionsEnabled: false
          AlarmActions: []
          region: us-east-1
      topics:
        - TopicArn: "${TOPIC}"
          region: us-east-1
          Subscriptions:
            - {SubscriptionArn: "${TOPIC}:abc", Protocol: email, Endpoint: a@example.com, Owner: "${ACCOUNT}"}
            - {SubscriptionArn: PendingConfirmation, Protocol: email, Endpoint: b@example.com}
      listed:
        logGroups: ["${LOG_GROUP}"]
        alarmRegions: [us-east-1]
        topics: ["${TOPIC}"]
      gaps:
        - {what: subscriptions, key: "arn:aws:sns:us-east-1:444455556666:central", region: us-east-1, why: "not read: topic in account 444455556666"}
`

async function read(text: string): Promise<ReaderOutput> {
  return snapshotReader.read({path: 'snap.yaml', absolutePath: '/nowhere/snap.yaml', bytes: Buffer.from(text)}, {})
}

describe('the monitoring section of a version 2 snapshot', () => {
  it('reads filters, alarms and topics with their positions, the scopes listed and the gaps', async () => {
    const output = await read(snapshot(2, MONITORING))
    expect(output.diagnostics).toEqual([])
    const monitoring = output.monitoring
    expect(monitoring?.metricFilters.map((filter) => [filter.filterName, filter.logGroupKey, filter.provenance.location?.line, filter.provenance.location?.column])).toEqual([
      ['root-usage', LOG_GROUP, 16, 11],
      ['cloudtrail-changes', LOG_GROUP, 21, 11],
    ])
    expect(monitoring?.metricFilters[0]).toMatchObject({
      filterPattern: '{ $.userIdentity.type = Root }',
      metricTransformations: [{metricName: 'RootAccountUsage', metricNamespace: 'CIS', metricValue: '1'}],
      account: ACCOUNT,
      region: 'us-east-1',
      provenance: {kind: 'trailgate/snapshot', fields: {filterPattern: {line: 17}}},
    })
    expect(monitoring?.alarms).toEqual([
      expect.objectContaining({
        AlarmName: 'root-usage',
        Metrics: [{MetricName: 'RootAccountUsage', Namespace: 'CIS', Dimensions: []}],
        ActionsEnabled: true,
        AlarmActions: [TOPIC],
        Statistic: 'Sum',
        ComparisonOperator: 'LessThanThreshold',
        Threshold: 0,
        provenance: expect.objectContaining({location: expect.objectContaining({line: 27})}),
      }),
      expect.objectContaining({AlarmName: 'changes-math', Metrics: [{MetricName: 'CloudTrailChanges', Namespace: 'CIS', Dimensions: []}], ActionsEnabled: false, AlarmActions: []}),
    ])
    // A metric-math alarm has no Statistic: absent, so not judged.
    expect(monitoring?.alarms[1]).not.toHaveProperty('Statistic')
    expect(monitoring?.topics[0]).toMatchObject({topicKey: TOPIC, Subscriptions: [{SubscriptionArn: `${TOPIC}:abc`}, {SubscriptionArn: 'PendingConfirmation'}]})
    expect(monitoring?.scopes).toEqual([
      {what: 'metric-filters', logGroupKey: LOG_GROUP, account: ACCOUNT, region: 'us-east-1'},
      {what: 'alarms', account: ACCOUNT, region: 'us-east-1'},
      {what: 'subscriptions', topicKey: TOPIC},
    ])
    expect(monitoring?.gaps).toEqual([
      {what: 'subscriptions', key: 'arn:aws:sns:us-east-1:444455556666:central', region: 'us-east-1', account: ACCOUNT, why: 'not read: topic in account 444455556666'},
    ])
  })

  it('gives a version 1 snapshot no monitoring evidence, so the join cannot take it as absent', async () => {
    const output = await read(snapshot(1, ''))
    expect(output.diagnostics).toEqual([])
    expect(output.trails).toHaveLength(1)
    expect(output.monitoring).toBeUndefined()
  })

  it('names the line and column of a filter whose pattern is not a string, leaves it out and takes its log group listing as incomplete', async () => {
    const output = await read(snapshot(2, MONITORING.replace('filterPattern: "{ ($.eventName = CreateTrail) }"', 'filterPattern: 42')))
    expect(output.diagnostics).toEqual([
      expect.objectContaining({severity: 'error', code: 'snapshot-schema', file: 'snap.yaml', line: 22, column: 26, message: expect.stringContaining('filterPattern')}),
    ])
    expect(output.monitoring?.metricFilters.map((filter) => filter.filterName)).toEqual(['root-usage'])
    expect(output.monitoring?.scopes.some((scope) => scope.what === 'metric-filters')).toBe(false)
    expect(output.monitoring?.gaps).toContainEqual({what: 'metric-filters', account: ACCOUNT, key: LOG_GROUP, why: "the snapshot's entry at snap.yaml:21:11 is malformed and left out"})
    // The alarms and topics are still read.
    expect(output.monitoring?.scopes.map((scope) => scope.what)).toEqual(['alarms', 'subscriptions'])
  })

  it('takes a monitoring section without its listing as unknown throughout', async () => {
    const output = await read(snapshot(2, MONITORING.replace(/ {6}listed:\n(.*\n){3}/, '')))
    expect(output.diagnostics).toEqual([expect.objectContaining({line: 15, column: 7, message: expect.stringContaining('has no listed')})])
    expect(output.monitoring?.scopes).toEqual([])
    expect(output.monitoring?.gaps.map((gap) => gap.what)).toEqual(['metric-filters', 'alarms', 'subscriptions'])
  })

  it('refuses a version it does not know', async () => {
    const output = await read(snapshot(3, MONITORING))
    expect(output.diagnostics).toEqual([expect.objectContaining({severity: 'error', line: 2, column: 10})])
    expect(output.trails).toEqual([])
  })
})
