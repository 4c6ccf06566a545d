import {describe, expect, it} from 'vitest'

import {cdkAssemblyReader} from '../../../src/inputs/cdk/index.js'
import {cloudFormationReader} from '../../../src/inputs/cloudformation/index.js'
import {terraformPlanReader} from '../../../src/inputs/terraform/index.js'
import type {MonitoringEvidence} from '../../../src/model/monitoring.js'
import {FIXTURES, read, textFile} from './helpers.js'

const ENV = {account: '111122223333', regions: ['us-east-1']}
const TEMPLATE = `${FIXTURES}/monitoring/cloudformation/template.yaml`
const MISTAKES = `${FIXTURES}/monitoring-mistakes/cloudformation/template.yaml`
const PLAN = `${FIXTURES}/monitoring/terraform/plan.json`
const MISTAKES_PLAN = `${FIXTURES}/monitoring-mistakes/terraform/plan.json`
const UNKNOWN_PLAN = `${FIXTURES}/monitoring-unknown/terraform/plan.json`
const ASSEMBLY = `${FIXTURES}/monitoring/cdk/cdk.out/manifest.json`

function monitoringOf(output: {monitoring?: MonitoringEvidence}): MonitoringEvidence {
  if (!output.monitoring) throw new Error('the reader gave no monitoring evidence')
  return output.monitoring
}

function filterNamed(evidence: MonitoringEvidence, name: string) {
  const found = evidence.metricFilters.find((filter) => filter.filterName === name)
  if (!found) throw new Error(`no metric filter ${name}`)
  return found
}

function alarmNamed(evidence: MonitoringEvidence, name: string) {
  const found = evidence.alarms.find((alarm) => alarm.AlarmName === name)
  if (!found) throw new Error(`no alarm ${name}`)
  return found
}

async function template(text: string, options = {}) {
  const file = textFile('inline/template.yaml', text)
  return cloudFormationReader.read(file, options)
}

describe('CloudFormation monitoring evidence', () => {
  it('joins the trail, the 15 filters on its log group, their alarms and the topic through the log group and topic the template creates', async () => {
    const output = await read(cloudFormationReader, TEMPLATE)
    const evidence = monitoringOf(output)
    const groupKey = `${TEMPLATE}#TrailLogs`
    const topicKey = `${TEMPLATE}#SecurityAlerts`
    expect(output.detail).toBe('1 trail in 35 resources; 15 metric filters, 15 alarms, 1 topic')
    expect(output.trails[0]?.provenance.logGroupKey).toBe(groupKey)
    expect(evidence.metricFilters).toHaveLength(15)
    expect(new Set(evidence.metricFilters.map((filter) => filter.logGroupKey))).toEqual(new Set([groupKey]))
    expect(evidence.alarms.every((alarm) => alarm.ActionsEnabled === true && JSON.stringify(alarm.AlarmActions) === JSON.stringify([topicKey]))).toBe(true)
    expect(evidence.scopes).toEqual([{what: 'metric-filters', logGroupKey: groupKey}, {what: 'subscriptions', topicKey}, {what: 'alarms'}])
    expect(evidence.topics).toEqual([
      expect.objectContaining({topicKey, Subscriptions: [expect.objectContaining({Protocol: 'email', Endpoint: 'security@example.com', Planned: true})]}),
    ])
  })

  it('points each filter at its resource and its FilterPattern line, with the pattern as written', async () => {
    const evidence = monitoringOf(await read(cloudFormationReader, TEMPLATE))
    const root = filterNamed(evidence, 'root_usage_metric')
    expect(root.filterPattern).toBe('{ $.userIdentity.type = Root && $.userIdentity.invokedBy NOT EXISTS && $.eventType != AwsServiceEvent }')
    expect(root.metricTransformations).toEqual([{metricName: 'root_usage_metric', metricNamespace: 'CISBenchmark', metricValue: '1', dimensions: []}])
    expect(root.provenance).toMatchObject({kind: 'cloudformation', logicalId: 'RootUsageFilter', location: {file: TEMPLATE, line: 86}, fields: {FilterPattern: {line: 91}}})
    expect(alarmNamed(evidence, 'root_usage_alarm').provenance.location).toMatchObject({line: 96})
  })

  it('keys what the template creates by ARN once the stack region and account are known, for the trail and its filters alike', async () => {
    const output = await read(cloudFormationReader, TEMPLATE, ENV)
    const evidence = monitoringOf(output)
    // TrailLogs has no LogGroupName: CloudFormation generates it, so its key stays the logical id.
    expect(output.trails[0]?.provenance.logGroupKey).toBe(`${TEMPLATE}#TrailLogs`)
    expect(evidence.scopes).toContainEqual({what: 'alarms', account: '111122223333', region: 'us-east-1'})

    const named = await template(
      [
        'Resources:',
        '  Logs: {Type: AWS::Logs::LogGroup, Properties: {LogGroupName: cloudtrail/audit}}',
        '  Alerts: {Type: AWS::SNS::Topic, Properties: {TopicName: alerts}}',
        '  Trail:',
        '    Type: AWS::CloudTrail::Trail',
        '    Properties:',
        '      IsLogging: true',
        '      S3BucketName: b',
        '      CloudWatchLogsLogGroupArn: !Sub "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${Logs}:*"',
        '  Filter: {Type: AWS::Logs::MetricFilter, Properties: {LogGroupName: cloudtrail/audit, FilterPattern: "{ $.eventName = CreateTrail }", MetricTransformations: [{MetricName: m, MetricNamespace: n, MetricValue: "1"}]}}',
        '  Alarm: {Type: AWS::CloudWatch::Alarm, Properties: {MetricName: m, Namespace: n, AlarmActions: [!GetAtt Alerts.TopicArn]}}',
      ].join('\n'),
      ENV,
    )
    const groupArn = 'arn:aws:logs:us-east-1:111122223333:log-group:cloudtrail/audit'
    expect(named.trails[0]?.provenance.logGroupKey).toBe(groupArn)
    expect(monitoringOf(named).metricFilters[0]?.logGroupKey).toBe(groupArn)
    expect(monitoringOf(named).alarms[0]?.AlarmActions).toEqual(['arn:aws:sns:us-east-1:111122223333:alerts'])
    expect(monitoringOf(named).topics[0]).toMatchObject({topicKey: 'arn:aws:sns:us-east-1:111122223333:alerts', TopicArn: 'arn:aws:sns:us-east-1:111122223333:alerts'})
  })

  it('keeps unknown what only deploy knows, in the terms of the template, and leaves out a resource whose condition is false', async () => {
    const output = await template(
      [
        'Parameters:',
        '  FilterPatternParam: {Type: String}',
        '  Env: {Type: String, Default: prod}',
        'Conditions:',
        '  IsDev: !Equals [!Ref Env, dev]',
        'Resources:',
        '  Filter: {Type: AWS::Logs::MetricFilter, Properties: {LogGroupName: !ImportValue shared-trail-logs, FilterPattern: !Ref FilterPatternParam, MetricTransformations: [{MetricName: m, MetricNamespace: n, MetricValue: "1"}]}}',
        '  DevFilter: {Type: AWS::Logs::MetricFilter, Condition: IsDev, Properties: {LogGroupName: x, FilterPattern: "", MetricTransformations: []}}',
        '  Alarm:',
        '    Type: AWS::CloudWatch::Alarm',
        '    Properties:',
        '      ActionsEnabled: false',
        '      AlarmActions: [arn:aws:sns:us-east-1:111122223333:existing]',
        '      Metrics:',
        '        - Id: m1',
        '          MetricStat: {Metric: {MetricName: m, Namespace: n}, Period: 300, Stat: Sum}',
        '        - Id: e1',
        '          Expression: m1 * 2',
        '  Subscription: {Type: AWS::SNS::Subscription, Properties: {TopicArn: arn:aws:sns:us-east-1:111122223333:existing, Protocol: email, Endpoint: a@example.com}}',
      ].join('\n'),
    )
    const evidence = monitoringOf(output)
    expect(evidence.metricFilters).toHaveLength(1)
    expect(evidence.metricFilters[0]).toMatchObject({filterPattern: {$unknown: '!Ref FilterPatternParam'}, logGroupKey: {$unknown: '!ImportValue shared-trail-logs'}})
    expect(output.detail).toContain('not deployed: DevFilter (condition IsDev is false)')
    expect(evidence.alarms[0]).toMatchObject({ActionsEnabled: false, Metrics: [{MetricName: 'm', Namespace: 'n'}], AlarmActions: ['arn:aws:sns:us-east-1:111122223333:existing'], AlarmName: {$unknown: 'a name CloudFormation generates'}})
    // The template only names the topic: its subscription is evidence, but not the topic's whole list.
    expect(evidence.topics).toEqual([expect.objectContaining({topicKey: 'arn:aws:sns:us-east-1:111122223333:existing', Subscriptions: [expect.objectContaining({Planned: true, Endpoint: 'a@example.com'})]})])
    expect(evidence.scopes.filter((scope) => scope.what !== 'alarms')).toEqual([])
  })

  it('reads the mistakes as written: a filter short of an event name, an alarm on another metric, a filter without alarm, actions off, a topic nobody subscribes to', async () => {
    const evidence = monitoringOf(await read(cloudFormationReader, MISTAKES))
    expect(filterNamed(evidence, 'security_group_changes_metric').filterPattern).not.toContain('ModifySecurityGroupRules')
    expect(alarmNamed(evidence, 'root_usage_alarm').Metrics).toEqual([{MetricName: 'root_account_usage_metric', Namespace: 'CISBenchmark', Dimensions: []}])
    expect(evidence.alarms.some((alarm) => alarm.AlarmName === 'nacl_changes_alarm')).toBe(false)
    expect(alarmNamed(evidence, 'console_signin_failure_alarm').ActionsEnabled).toBe(false)
    const unwatched = `${MISTAKES}#UnwatchedAlerts`
    expect(alarmNamed(evidence, 'organizations_changes_alarm').AlarmActions).toEqual([unwatched])
    expect(evidence.topics.find((topic) => topic.topicKey === unwatched)?.Subscriptions).toEqual([])
    expect(evidence.scopes).toContainEqual({what: 'subscriptions', topicKey: unwatched})
  })
})

describe('CDK monitoring evidence', () => {
  it('reads the synthesized stack through the CloudFormation reader, with each construct path', async () => {
    const output = await read(cdkAssemblyReader, ASSEMBLY)
    const evidence = monitoringOf(output)
    const stackTemplate = `${FIXTURES}/monitoring/cdk/cdk.out/MonitoringStack.template.json`
    expect(output.detail).toBe('1 stack, 1 trail in 38 resources; 15 metric filters, 15 alarms, 1 topic')
    const groupKey = output.trails[0]?.provenance.logGroupKey
    expect(groupKey).toMatch(new RegExp(`^${stackTemplate}#TrailLogs[0-9A-F]{8}$`))
    expect(evidence.metricFilters.every((filter) => filter.logGroupKey === groupKey && filter.account === '111122223333' && filter.region === 'us-east-1')).toBe(true)
    expect(filterNamed(evidence, 'root_usage_metric').provenance).toMatchObject({kind: 'cdk/assembly', constructPath: 'MonitoringStack/RootUsageFilter/Resource', location: {file: stackTemplate}})
    expect(alarmNamed(evidence, 'root_usage_alarm').provenance.constructPath).toBe('MonitoringStack/RootUsageAlarm/Resource')
    // EmailSubscription is an AWS::SNS::Subscription resource with `TopicArn: {Ref: topic}`.
    expect(evidence.topics).toHaveLength(1)
    expect(evidence.topics[0]?.Subscriptions).toEqual([expect.objectContaining({Protocol: 'email', Endpoint: 'security@example.com', Planned: true})])
    expect(evidence.alarms.every((alarm) => JSON.stringify(alarm.AlarmActions) === JSON.stringify([evidence.topics[0]?.topicKey]))).toBe(true)
  })
})

describe('Terraform plan monitoring evidence', () => {
  it('joins through the configuration references when the log group and topic ARNs are known only after apply', async () => {
    const output = await read(terraformPlanReader, PLAN)
    const evidence = monitoringOf(output)
    const groupKey = `${PLAN}#aws_cloudwatch_log_group.trail`
    const topicKey = `${PLAN}#aws_sns_topic.security_alerts`
    expect(output.detail).toBe('1 trail; 15 metric filters, 15 alarms, 1 topic')
    expect(output.trails[0]?.provenance.logGroupKey).toBe(groupKey)
    expect(evidence.metricFilters).toHaveLength(15)
    // log_group_name is known at plan time ("cloudtrail/audit"): joined through the value.
    expect(evidence.metricFilters.every((filter) => filter.logGroupKey === groupKey && filter.logGroupName === 'cloudtrail/audit')).toBe(true)
    expect(evidence.alarms.every((alarm) => JSON.stringify(alarm.AlarmActions) === JSON.stringify([topicKey]))).toBe(true)
    expect(evidence.topics).toEqual([expect.objectContaining({topicKey, Subscriptions: [expect.objectContaining({Protocol: 'email', Planned: true})]})])
    expect(evidence.scopes).toEqual([
      {what: 'metric-filters', logGroupKey: groupKey, region: 'us-east-1'},
      {what: 'subscriptions', topicKey},
      {what: 'alarms', region: 'us-east-1'},
    ])
    const root = filterNamed(evidence, 'root_usage_metric')
    expect(root.provenance).toMatchObject({kind: 'terraform/plan', address: 'aws_cloudwatch_log_metric_filter.cis["root_usage"]', fields: {FilterPattern: {file: PLAN}}})
  })

  it('keys by ARN when the account is known, the trail and the filters alike', async () => {
    const evidence = monitoringOf(await read(terraformPlanReader, PLAN, {account: '111122223333'}))
    const arn = 'arn:aws:logs:us-east-1:111122223333:log-group:cloudtrail/audit'
    expect(evidence.metricFilters.every((filter) => filter.logGroupKey === arn)).toBe(true)
    expect(evidence.alarms[0]?.AlarmActions).toEqual(['arn:aws:sns:us-east-1:111122223333:security-alerts'])
    const output = await read(terraformPlanReader, PLAN, {account: '111122223333'})
    expect(output.trails[0]?.provenance.logGroupKey).toBe(arn)
  })

  it('keeps a pattern known only after apply unknown, saying what it comes from', async () => {
    const evidence = monitoringOf(await read(terraformPlanReader, UNKNOWN_PLAN))
    expect(filterNamed(evidence, 'network_gw_changes_metric').filterPattern).toEqual({$unknown: 'known after apply (data.aws_ssm_parameter.cis_patterns.value)'})
    expect(evidence.metricFilters.filter((filter) => typeof filter.filterPattern !== 'string')).toHaveLength(1)
  })

  it('reads the mistakes of the plan as written', async () => {
    const evidence = monitoringOf(await read(terraformPlanReader, MISTAKES_PLAN))
    expect(evidence.metricFilters.every((filter) => typeof filter.filterPattern === 'string')).toBe(true)
    expect(filterNamed(evidence, 'security_group_changes_metric').filterPattern).not.toContain('ModifySecurityGroupRules')
    expect(alarmNamed(evidence, 'console_signin_failure_alarm').ActionsEnabled).toBe(false)
    expect(alarmNamed(evidence, 'organizations_changes_alarm').AlarmActions).toEqual([`${MISTAKES_PLAN}#aws_sns_topic.unwatched`])
    expect(evidence.topics.find((topic) => topic.topicKey === `${MISTAKES_PLAN}#aws_sns_topic.unwatched`)?.Subscriptions).toEqual([])
  })

  it('points a filter and an alarm at their resource block in the .tf beside the plan, as for trails', async () => {
    const evidence = monitoringOf(await read(terraformPlanReader, MISTAKES_PLAN))
    const mainTf = `${FIXTURES}/monitoring-mistakes/terraform/main.tf`
    expect(filterNamed(evidence, 'security_group_changes_metric').provenance).toMatchObject({location: {file: mainTf, line: 130}, fields: {FilterPattern: {file: mainTf, line: 134}}, files: [MISTAKES_PLAN]})
    expect(alarmNamed(evidence, 'organizations_changes_alarm').provenance).toMatchObject({location: {file: mainTf, line: 158}, fields: {AlarmActions: {file: mainTf, line: 168}}})
  })

  it('leaves out what the plan deletes', async () => {
    const plan = {
      format_version: '1.2',
      resource_changes: [
        {address: 'aws_cloudwatch_log_metric_filter.old', mode: 'managed', type: 'aws_cloudwatch_log_metric_filter', name: 'old', change: {actions: ['delete'], before: {name: 'old', pattern: '', log_group_name: 'g'}, after: null}},
        {address: 'aws_cloudwatch_log_metric_filter.kept', mode: 'managed', type: 'aws_cloudwatch_log_metric_filter', name: 'kept', change: {actions: ['no-op'], before: null, after: {name: 'kept', pattern: '{ $.eventName = X }', log_group_name: 'g', metric_transformation: [{name: 'm', namespace: 'n', value: '1'}]}}},
      ],
    }
    const output = await terraformPlanReader.read(textFile('inline/plan.json', JSON.stringify(plan)), {account: '111122223333', regions: ['eu-west-1']})
    expect(monitoringOf(output).metricFilters.map((filter) => [filter.filterName, filter.logGroupKey])).toEqual([['kept', 'arn:aws:logs:eu-west-1:111122223333:log-group:g']])
  })
})
