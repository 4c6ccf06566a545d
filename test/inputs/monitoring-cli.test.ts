import {describe, expect, it} from 'vitest'

import {describeAlarmsReader} from '../../src/inputs/aws-cli/describe-alarms.js'
import {describeMetricFiltersReader} from '../../src/inputs/aws-cli/describe-metric-filters.js'
import {listSubscriptionsReader} from '../../src/inputs/aws-cli/list-subscriptions.js'
import {detectReader} from '../../src/inputs/detect.js'
import {readers} from '../../src/inputs/registry.js'
import type {Reader} from '../../src/inputs/types.js'
import {read, textFile} from './iac/helpers.js'

const DIR = 'fixtures/iac/monitoring/aws-cli'
const MISTAKES = 'fixtures/iac/monitoring-mistakes/aws-cli'
const GROUP = 'arn:aws:logs:us-east-1:111122223333:log-group:cloudtrail/audit'
const TOPIC = 'arn:aws:sns:us-east-1:111122223333:security-alerts'

async function inline(reader: Reader, name: string, value: unknown, options = {}) {
  const text = JSON.stringify(value, null, 2)
  const file = textFile(name, text)
  expect(detectReader(file, text, readers)?.kind).toBe(reader.kind)
  return reader.read(file, options)
}

describe('aws logs describe-metric-filters', () => {
  it('lists completely the filters of the log groups that appear, keyed by ARN from the file region and --account', async () => {
    const output = await read(describeMetricFiltersReader, `${DIR}/describe-metric-filters.us-east-1.json`, {account: '111122223333'})
    expect(output.detail).toBe('describe-metric-filters: 15 metric filters on 1 log group in us-east-1')
    expect(output.monitoring?.scopes).toEqual([{what: 'metric-filters', logGroupKey: GROUP, account: '111122223333', region: 'us-east-1'}])
    const root = output.monitoring?.metricFilters.find((filter) => filter.filterName === 'root_usage_metric')
    expect(root).toMatchObject({logGroupKey: GROUP, logGroupName: 'cloudtrail/audit', metricTransformations: [{metricName: 'root_usage_metric', metricNamespace: 'CISBenchmark', metricValue: '1'}]})
    expect(root?.provenance.fields?.FilterPattern).toMatchObject({file: `${DIR}/describe-metric-filters.us-east-1.json`, line: 35})
  })

  it('leaves the key unknown without --account, for the assembler to key once the account is settled; says why without a region', async () => {
    const output = await read(describeMetricFiltersReader, `${DIR}/describe-metric-filters.us-east-1.json`)
    expect(output.monitoring?.metricFilters[0]?.logGroupKey).toEqual({$unknown: 'the ARN of log group cloudtrail/audit: the output does not say whose it is (give --account)'})
    expect(output.monitoring?.metricFilters[0]).toMatchObject({logGroupName: 'cloudtrail/audit', region: 'us-east-1'})
    expect(output.monitoring?.scopes).toEqual([])
    const regionless = await inline(describeMetricFiltersReader, 'describe-metric-filters.json', {metricFilters: [{filterName: 'f', logGroupName: 'g', filterPattern: '', metricTransformations: []}]}, {account: '111122223333'})
    expect(regionless.notes.join('\n')).toContain('its path names no region')
  })

  it('says that an empty output names no log group, and that a paged one is not complete', async () => {
    const empty = await inline(describeMetricFiltersReader, 'describe-metric-filters.us-east-1.json', {metricFilters: []}, {account: '111122223333'})
    expect(empty.detail).toBe('describe-metric-filters: 0 metric filters (names no log group) in us-east-1')
    expect(empty.monitoring?.scopes).toEqual([])
    expect(empty.notes.join('\n')).toContain('it says nothing about any log group')
    const paged = await inline(describeMetricFiltersReader, 'describe-metric-filters.us-east-1.json', {metricFilters: [{filterName: 'f', logGroupName: 'g', filterPattern: '', metricTransformations: []}], nextToken: 'abc'}, {account: '111122223333'})
    expect(paged.monitoring?.scopes).toEqual([])
    expect(paged.monitoring?.metricFilters[0]?.filterPattern).toBe('')
    expect(paged.detail).toContain('(one page)')
  })

  it('keeps a wrongly typed field unknown with a diagnostic at it, and the rest of the output read', async () => {
    const output = await inline(describeMetricFiltersReader, 'describe-metric-filters.us-east-1.json', {metricFilters: [{filterName: 'f', logGroupName: 'g', filterPattern: 42, metricTransformations: []}, {filterName: 'ok', logGroupName: 'g', filterPattern: '{ $.x = 1 }', metricTransformations: []}]}, {account: '111122223333'})
    expect(output.monitoring?.metricFilters.map((filter) => filter.filterPattern)).toEqual([{$unknown: 'metricFilters[0].filterPattern must be a string, found 42'}, '{ $.x = 1 }'])
    expect(output.diagnostics).toEqual([expect.objectContaining({code: 'wrong-type', line: 6})])
  })
})

describe('aws cloudwatch describe-alarms', () => {
  it('lists every metric alarm of the account and region of its alarm ARNs', async () => {
    const output = await read(describeAlarmsReader, `${DIR}/describe-alarms.us-east-1.json`)
    expect(output.detail).toBe('describe-alarms: 15 metric alarms in us-east-1')
    expect(output.monitoring?.scopes).toEqual([{what: 'alarms', region: 'us-east-1', account: '111122223333'}])
    expect(output.monitoring?.alarms.find((alarm) => alarm.AlarmName === 'root_usage_alarm')).toMatchObject({
      ActionsEnabled: true,
      AlarmActions: [TOPIC],
      Metrics: [{MetricName: 'root_usage_metric', Namespace: 'CISBenchmark'}],
      account: '111122223333',
      region: 'us-east-1',
    })
  })

  it('reads the metrics of a metric-math alarm, counts composite alarms apart, and scopes an empty output by the file region', async () => {
    const math = await inline(describeAlarmsReader, 'describe-alarms.json', {
      MetricAlarms: [{AlarmName: 'a', AlarmArn: 'arn:aws:cloudwatch:eu-west-1:444455556666:alarm:a', ActionsEnabled: false, AlarmActions: [], Metrics: [{Id: 'm1', MetricStat: {Metric: {Namespace: 'n', MetricName: 'm'}, Period: 300, Stat: 'Sum'}}, {Id: 'e1', Expression: 'm1*2'}]}],
      CompositeAlarms: [{AlarmName: 'c'}],
    })
    expect(math.monitoring?.alarms[0]).toMatchObject({ActionsEnabled: false, Metrics: [{MetricName: 'm', Namespace: 'n'}]})
    expect(math.detail).toBe('describe-alarms: 1 metric alarm, 1 composite alarm (not on a metric, not judged) in eu-west-1')
    const empty = await inline(describeAlarmsReader, 'describe-alarms.eu-west-1.json', {MetricAlarms: [], CompositeAlarms: []}, {account: '444455556666'})
    expect(empty.monitoring?.scopes).toEqual([{what: 'alarms', region: 'eu-west-1', account: '444455556666'}])
    const nowhere = await inline(describeAlarmsReader, 'describe-alarms.json', {MetricAlarms: []})
    expect(nowhere.monitoring?.scopes).toEqual([])
    expect(nowhere.notes.join('\n')).toContain('says nothing about any region')
  })
})

describe('aws sns list-subscriptions-by-topic', () => {
  it('lists completely the subscriptions of each topic it names, a pending one as AWS writes it', async () => {
    const output = await read(listSubscriptionsReader, `${MISTAKES}/list-subscriptions-by-topic-unwatched-alerts.json`)
    const topic = 'arn:aws:sns:us-east-1:111122223333:unwatched-alerts'
    expect(output.detail).toBe('list-subscriptions-by-topic: 1 subscription of 1 topic, 1 pending confirmation')
    expect(output.monitoring?.scopes).toEqual([{what: 'subscriptions', topicKey: topic}])
    expect(output.monitoring?.topics).toEqual([expect.objectContaining({topicKey: topic, TopicArn: topic, account: '111122223333', region: 'us-east-1', Subscriptions: [{SubscriptionArn: 'PendingConfirmation', Protocol: 'email', Endpoint: 'nobody@example.com', Owner: '111122223333'}]})])
  })

  it('says that an empty list names no topic', async () => {
    const output = await inline(listSubscriptionsReader, 'list-subscriptions-by-topic.json', {Subscriptions: []})
    expect(output.detail).toBe('list-subscriptions-by-topic: 0 subscriptions (names no topic)')
    expect(output.monitoring?.scopes).toEqual([])
    expect(output.notes.join('\n')).toContain('names no topic')
  })
})
