/**
 * The join of monitoring evidence into the account document and the monitor clause's decision, as
 * `check` runs them: reader outputs assembled into an inventory, then evaluated with a built-in
 * CIS monitoring policy. Each case is evidence a reader could produce (a template, a plan, a snapshot).
 */
import {describe, expect, it} from 'vitest'

import {evaluate} from '../../src/engine/evaluate.js'
import {assemble} from '../../src/inputs/index.js'
import {emptyReaderOutput, type ReaderOutput} from '../../src/inputs/types.js'
import {emptyMonitoringEvidence, type MonitoringEvidence} from '../../src/model/monitoring.js'
import type {Location, Result} from '../../src/model/types.js'
import {BUILTIN_POLICY_DIR, loadPolicyFile} from '../../src/policy/load.js'
import type {Policy} from '../../src/policy/types.js'

const ACCOUNT = '111122223333'
const GROUP = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:trail-logs`
const TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:alerts`
const ROOT_PATTERN = '{ $.userIdentity.type = Root && $.userIdentity.invokedBy NOT EXISTS && $.eventType != AwsServiceEvent }'
const at = (line: number): Location => ({file: 'template.yaml', line, column: 3})

function builtin(id: string): Policy {
  const {policy, diagnostics} = loadPolicyFile(`${BUILTIN_POLICY_DIR}/trail/${id}.yaml`, {builtin: true})
  if (!policy) throw new Error(diagnostics.map((d) => d.message).join('; '))
  return policy
}

const provenance = (location: Location) => ({kind: 'cloudformation' as const, location})

function trailDoc(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {Name: 'main', TrailARN: `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/main`, IsMultiRegionTrail: true, Status: {IsLogging: true}, CloudWatchLogsLogGroupArn: `${GROUP}:*`, ...overrides}
}

function filter(name: string, pattern: unknown, line: number, metric = name, group = GROUP): MonitoringEvidence['metricFilters'][number] {
  return {filterName: name, logGroupName: 'trail-logs', logGroupKey: group, filterPattern: pattern as string, metricTransformations: [{metricName: metric, metricNamespace: 'CIS'}], provenance: provenance(at(line))}
}

function alarm(metric: string, line: number, overrides: Record<string, unknown> = {}): MonitoringEvidence['alarms'][number] {
  return {AlarmName: `${metric}-alarm`, Metrics: [{MetricName: metric, Namespace: 'CIS'}], ActionsEnabled: true, AlarmActions: [TOPIC], provenance: provenance(at(line)), ...overrides}
}

const subscribed = (key = TOPIC): MonitoringEvidence['topics'][number] => ({topicKey: key, TopicArn: key, Subscriptions: [{SubscriptionArn: `${key}:1b2c`}], provenance: provenance(at(90))})

function judgeAccount(policy: Policy, evidence: Partial<MonitoringEvidence>, trails: Record<string, unknown>[] = [trailDoc()], params: Record<string, unknown> = {}): Result {
  const output: ReaderOutput = emptyReaderOutput('cloudformation', 'template')
  for (const document of trails) output.trails.push({document, provenance: provenance(at(5)), account: ACCOUNT})
  output.monitoring = {...emptyMonitoringEvidence(), scopes: [{what: 'metric-filters'}, {what: 'alarms'}, {what: 'subscriptions', topicKey: TOPIC}], ...evidence}
  const inventory = assemble([{file: 'template.yaml', output}], {account: ACCOUNT})
  const evaluation = evaluate(inventory, [policy], {params: {[policy.id]: {pattern: policy.params.pattern!.default, ...params}}, waivers: [], now: new Date('2026-01-01')})
  const result = evaluation.results.find((r) => r.subject.type === 'account')
  if (!result) throw new Error('no account result')
  return result
}

describe('the monitor clause on assembled evidence', () => {
  const root = builtin('cis-monitoring-root-usage')
  const securityGroups = builtin('cis-monitoring-security-group-changes')

  it('points a pass at the covering filter and a chain failure at the alarm that breaks it', () => {
    const passed = judgeAccount(root, {metricFilters: [filter('Other', '{ $.eventName = ConsoleLogin }', 20), filter('Root', ROOT_PATTERN, 30)], alarms: [alarm('Other', 60), alarm('Root', 70)], topics: [subscribed()]})
    expect(passed.status).toBe('pass')
    expect(passed.message).toContain("by filter 'Root' (alarm 'Root-alarm'")
    expect(passed.location).toEqual(at(30))

    const disabled = judgeAccount(root, {metricFilters: [filter('Root', ROOT_PATTERN, 30)], alarms: [alarm('Root', 70, {ActionsEnabled: false})], topics: [subscribed()]})
    expect([disabled.status, disabled.location]).toEqual(['fail', at(70)])
    expect(disabled.message).toContain("alarm 'Root-alarm' has its actions disabled")
  })

  it('counts the union of several filters on the group, each with its own alerting alarm', () => {
    const names = ['AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress', 'RevokeSecurityGroupIngress', 'RevokeSecurityGroupEgress', 'CreateSecurityGroup', 'DeleteSecurityGroup', 'ModifySecurityGroupRules']
    const first = `{ ${names.slice(0, 4).map((n) => `($.eventName = ${n})`).join(' || ')} }`
    const second = `{ ${names.slice(4).map((n) => `($.eventName = ${n})`).join(' || ')} }`
    const union = judgeAccount(securityGroups, {metricFilters: [filter('SgA', first, 20), filter('SgB', second, 30)], alarms: [alarm('SgA', 60), alarm('SgB', 70)], topics: [subscribed()]})
    expect(union.status).toBe('pass')
    expect(union.message).toContain("filter 'SgA'")
    expect(union.message).toContain("filter 'SgB'")
    // Without an alarm on the second filter's metric, the union no longer alerts on all of it.
    const half = judgeAccount(securityGroups, {metricFilters: [filter('SgA', first, 20), filter('SgB', second, 30)], alarms: [alarm('SgA', 60)], topics: [subscribed()]})
    expect(half.status).toBe('fail')
    expect(half.message).toContain('no alarm watches metric CIS/SgB')
  })

  it('says a deployed filter whose pattern does not parse does not count', () => {
    const result = judgeAccount(root, {metricFilters: [filter('Typo', '{ $.userIdentity.type = Root && }', 20)], alarms: [alarm('Typo', 60)], topics: [subscribed()]})
    expect(result.status).toBe('fail')
    expect(result.message).toContain("filter 'Typo' does not count: its pattern does not parse")
  })

  it('is unknown, not failed, where the evidence stops: filters, alarms and subscriptions not listed or not read', () => {
    const noFilters = judgeAccount(root, {scopes: []})
    expect(noFilters.status).toBe('unknown')
    expect(noFilters.message).toContain('no input lists the metric filters of log group trail-logs')

    const denied = judgeAccount(root, {metricFilters: [filter('Root', ROOT_PATTERN, 30)], scopes: [{what: 'metric-filters'}], gaps: [{what: 'alarms', region: 'us-east-1', why: 'AccessDenied on DescribeAlarms'}]})
    expect(denied.status).toBe('unknown')
    expect(denied.message).toContain('AccessDenied on DescribeAlarms')

    const foreign = `arn:aws:sns:us-east-1:999988887777:central-alerts`
    const crossAccount = judgeAccount(root, {metricFilters: [filter('Root', ROOT_PATTERN, 30)], alarms: [alarm('Root', 70, {AlarmActions: [foreign], account: ACCOUNT})], scopes: [{what: 'metric-filters'}, {what: 'alarms'}]})
    expect(crossAccount.status).toBe('unknown')
    expect(crossAccount.message).toContain(`topic ${foreign} is in account 999988887777`)
  })

  it('judges only the account\'s own qualifying trails: an organization trail of another account is unknown', () => {
    const orgTrail = trailDoc({Name: 'org', TrailARN: 'arn:aws:cloudtrail:us-east-1:999988887777:trail/org', IsOrganizationTrail: true, CloudWatchLogsLogGroupArn: 'arn:aws:logs:us-east-1:999988887777:log-group:org-logs:*'})
    const output: ReaderOutput = emptyReaderOutput('aws-cli/describe-trails', 'trails')
    output.trails.push({document: orgTrail, provenance: {kind: 'aws-cli/describe-trails'}})
    output.coverage.push({account: ACCOUNT, regions: ['us-east-1']})
    const inventory = assemble([{output}], {account: ACCOUNT})
    const account = inventory.accounts.find((a) => a.id === ACCOUNT)!
    const evaluation = evaluate({...inventory, accounts: [account]}, [root], {params: {[root.id]: {pattern: ROOT_PATTERN}}, waivers: [], now: new Date('2026-01-01')})
    const [result] = evaluation.results
    expect(result!.status).toBe('unknown')
    expect(result!.message).toContain('trail org belongs to another account')
  })

  it('passes when any one qualifying log group covers the control, and ignores groups of single-region trails', () => {
    const second = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:second-logs`
    const trails = [trailDoc(), trailDoc({Name: 'second', TrailARN: `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/second`, CloudWatchLogsLogGroupArn: second})]
    const result = judgeAccount(root, {metricFilters: [filter('Root', ROOT_PATTERN, 30, 'Root', second)], alarms: [alarm('Root', 70)], topics: [subscribed()]}, trails)
    expect(result.status).toBe('pass')
    expect(result.message).toContain('on log group second-logs')

    const regional = [trailDoc(), trailDoc({Name: 'second', TrailARN: `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/second`, IsMultiRegionTrail: false, CloudWatchLogsLogGroupArn: second})]
    expect(judgeAccount(root, {metricFilters: [filter('Root', ROOT_PATTERN, 30, 'Root', second)], alarms: [alarm('Root', 70)], topics: [subscribed()]}, regional).status).toBe('fail')
  })

  it('joins a template\'s log group by the key the reader gave the trail, and a planned subscription counts', () => {
    const key = 'template.yaml#TrailLogs'
    const output: ReaderOutput = emptyReaderOutput('cloudformation', 'template')
    output.trails.push({document: trailDoc({CloudWatchLogsLogGroupArn: {$unknown: '!GetAtt TrailLogs.Arn'}}), provenance: {...provenance(at(5)), logGroupKey: key}, planned: true})
    output.monitoring = {
      metricFilters: [filter('Root', ROOT_PATTERN, 30, 'Root', key)],
      alarms: [alarm('Root', 70, {AlarmActions: ['template.yaml#Alerts']})],
      topics: [{topicKey: 'template.yaml#Alerts', TopicArn: {$unknown: '!Ref Alerts'}, Subscriptions: [{SubscriptionArn: {$unknown: 'known after deploy'}, Planned: true}], provenance: provenance(at(80))}],
      scopes: [{what: 'metric-filters', logGroupKey: key}, {what: 'alarms'}, {what: 'subscriptions', topicKey: 'template.yaml#Alerts'}],
      gaps: [],
    }
    const inventory = assemble([{file: 'template.yaml', output}], {account: ACCOUNT})
    const evaluation = evaluate(inventory, [root], {params: {[root.id]: {pattern: ROOT_PATTERN}}, waivers: [], now: new Date('2026-01-01')})
    const result = evaluation.results.find((r) => r.subject.type === 'account')!
    expect(result.status).toBe('pass')
    expect(result.location).toEqual(at(30))
  })
})
