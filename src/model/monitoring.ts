/**
 * CloudWatch monitoring of a trail's events (the CIS monitoring controls): the metric filters on the
 * log groups trails deliver to, the alarms on the filters' metrics, and the SNS topics those alarms
 * notify. Readers (live snapshot, AWS CLI evidence, CloudFormation, CDK, Terraform) produce
 * `MonitoringEvidence`; `buildViews` joins it into each account document's `Monitoring`, which the
 * `monitor` clause of a policy judges.
 *
 * Field names are AWS's own: camelCase where `DescribeMetricFilters` uses it, PascalCase for
 * `DescribeAlarms` and `ListSubscriptionsByTopic`.
 */

import type {Provenance, UnknownValue} from './types.js'

type Maybe<T> = T | UnknownValue

/**
 * How a log group, a metric or a topic is joined across inputs. A deployed or literal one is its ARN
 * (log group: `arn:<partition>:logs:<region>:<account>:log-group:<name>`, without the trailing `:*`).
 * One that a template creates and whose ARN is not known before deploy is `<file>#<logicalId>`
 * (CloudFormation, CDK) or `<file>#<address>` (Terraform). Readers compute keys; the join only
 * compares them.
 */
export type MonitoringKey = string

/** How messages name a log group: its name, else its key's label (below). */
export function logGroupLabel(name: unknown, key: MonitoringKey): string {
  return typeof name === 'string' ? name : keyLabel(key)
}

/** A key as messages show it: an ARN whole, a template's `<file>#<logicalId>` by its logical id. */
export function keyLabel(key: MonitoringKey): string {
  const hash = key.lastIndexOf('#')
  return !key.startsWith('arn:') && hash >= 0 ? key.slice(hash + 1) : key
}

/** A log group ARN as a trail names it (`…:log-group:<name>:*` or without `:*`): its key (without `:*`), name, region and account. */
export function logGroupOfArn(arn: unknown): {key: string; name: string; region: string; account: string} | undefined {
  const match = typeof arn === 'string' ? /^(arn:[^:]+:logs:([^:]*):([^:]*):log-group:([^:]+))(?::\*)?$/.exec(arn) : null
  return match ? {key: match[1] as string, region: match[2] as string, account: match[3] as string, name: match[4] as string} : undefined
}

export interface MetricTransformation {
  metricName: Maybe<string>
  metricNamespace: Maybe<string>
  metricValue?: Maybe<string>
  /**
   * The names of the dimensions it publishes (sorted; `[]` for none). A metric is its namespace,
   * name and dimensions together: an alarm with other dimensions watches another metric. Absent
   * when the reader does not say, and then not compared.
   */
  dimensions?: string[]
}

/** One `DescribeMetricFilters` entry, as one input saw it. */
export interface MetricFilterEvidence {
  filterName: Maybe<string>
  logGroupName: Maybe<string>
  filterPattern: Maybe<string>
  metricTransformations: Maybe<MetricTransformation[]>
  /** The log group it is on; unknown when the reader cannot tell (then it joins no trail). */
  logGroupKey: Maybe<MonitoringKey>
  account?: string
  region?: string
  provenance: Provenance
}

/** One `DescribeAlarms` metric alarm, as one input saw it. */
export interface AlarmEvidence extends AlarmCondition {
  AlarmName: Maybe<string>
  AlarmArn?: Maybe<string>
  /** The metric it watches: `MetricName`/`Namespace`, or each `Metrics[].MetricStat.Metric` of a metric-math alarm. */
  Metrics: {MetricName: Maybe<string>; Namespace: Maybe<string>; Dimensions?: string[]}[]
  ActionsEnabled: Maybe<boolean>
  /** Each action as the topic key it names (an SNS ARN, or `<file>#<logicalId>` for a topic the template creates). */
  AlarmActions: Maybe<Maybe<MonitoringKey>[]>
  account?: string
  region?: string
  provenance: Provenance
}

/**
 * When an alarm goes off: `Statistic` `ComparisonOperator` `Threshold`. AWS requires them of a
 * metric alarm, so absent means the input did not carry them (a metric-math alarm has no
 * `Statistic`): then the condition is not judged.
 */
export interface AlarmCondition {
  Statistic?: Maybe<string>
  ComparisonOperator?: Maybe<string>
  Threshold?: Maybe<number>
}

/** The condition fields of an alarm that has them, to spread into evidence or a view. */
export function conditionOf(alarm: AlarmCondition): AlarmCondition {
  return {
    ...(alarm.Statistic !== undefined ? {Statistic: alarm.Statistic} : {}),
    ...(alarm.ComparisonOperator !== undefined ? {ComparisonOperator: alarm.ComparisonOperator} : {}),
    ...(alarm.Threshold !== undefined ? {Threshold: alarm.Threshold} : {}),
  }
}

/**
 * One `ListSubscriptionsByTopic` entry. `SubscriptionArn` is `PendingConfirmation` until confirmed:
 * a deployed topic whose only subscriptions are pending has no subscriber yet, which is unknown, not
 * absent. A subscription a template creates is `Planned`: it counts as the planned topic's subscriber
 * (a template can do no more; its confirmation happens after deploy).
 */
export interface SubscriptionEvidence {
  SubscriptionArn: Maybe<string>
  Protocol?: Maybe<string>
  Endpoint?: Maybe<string>
  Owner?: Maybe<string>
  Planned?: true
}

export interface TopicEvidence {
  topicKey: MonitoringKey
  TopicArn: Maybe<string>
  Subscriptions: Maybe<SubscriptionEvidence[]>
  account?: string
  region?: string
  provenance: Provenance
}

/**
 * What an input lists completely, so that absence in it is absence and not "not given". An input
 * that lists nothing of a kind says nothing about it: the join makes that part unknown, with why.
 * `account`/`region` absent = any (AWS CLI output does not say whose it is).
 */
export type MonitoringScope =
  /** Every metric filter of one log group, or of every log group when `logGroupKey` is absent. */
  | {what: 'metric-filters'; logGroupKey?: MonitoringKey; account?: string; region?: string}
  /** Every metric alarm of the account and region. */
  | {what: 'alarms'; account?: string; region?: string}
  /** Every subscription of one topic. */
  | {what: 'subscriptions'; topicKey: MonitoringKey}

/** Something asked for and not learned (denied, throttled, timed out): the join makes it unknown. */
export interface MonitoringGap {
  what: 'metric-filters' | 'alarms' | 'subscriptions'
  /** The log group or topic, when the gap is about one. */
  key?: MonitoringKey
  account?: string
  region?: string
  why: string
}

export interface MonitoringEvidence {
  metricFilters: MetricFilterEvidence[]
  alarms: AlarmEvidence[]
  topics: TopicEvidence[]
  scopes: MonitoringScope[]
  gaps: MonitoringGap[]
}

export function emptyMonitoringEvidence(): MonitoringEvidence {
  return {metricFilters: [], alarms: [], topics: [], scopes: [], gaps: []}
}

/* ---- The joined view, as the account document carries it under `Monitoring` ---- */

export interface MonitoredTopic {
  TopicArn: Maybe<string>
  /** Unknown when the subscriptions were not read (denied, another account's topic, not given). */
  Subscriptions: Maybe<SubscriptionEvidence[]>
}

export interface MonitoredAlarm extends AlarmCondition {
  AlarmName: Maybe<string>
  ActionsEnabled: Maybe<boolean>
  /** The SNS topics among the alarm's actions; other actions (Auto Scaling, SSM) are left out. */
  Topics: Maybe<MonitoredTopic[]>
}

export interface MonitoredFilter {
  FilterName: Maybe<string>
  FilterPattern: Maybe<string>
  MetricTransformations: Maybe<MetricTransformation[]>
  /** The alarms on any of the filter's metrics; unknown when the alarms of its region were not read. */
  Alarms: Maybe<MonitoredAlarm[]>
}

export interface MonitoredLogGroup {
  LogGroupKey: MonitoringKey
  LogGroupName: Maybe<string>
  Region?: string
  /** Positions in the account document's `Trails` of the trails that deliver to it. */
  Trails: number[]
  /** Unknown when the group's filters were not read or not given. */
  MetricFilters: Maybe<MonitoredFilter[]>
}

/**
 * `AccountDocument.Monitoring`. `LogGroups` has one entry per log group a trail of the account
 * delivers to. The account subject's `provenance.fields` holds the location of each filter and alarm
 * that came from a file, keyed `Monitoring.LogGroups.<i>.MetricFilters.<j>[.Alarms.<k>]`, so a result
 * points at the filter's line.
 */
export interface MonitoringView {
  LogGroups: MonitoredLogGroup[]
}

/**
 * The dimension names of a `Dimensions` list (`[{Name, Value}]`; CloudFormation's metric filter
 * writes `[{Key, Value}]`), sorted; undefined when it is not such a list.
 */
export function alarmDimensionNames(dimensions: unknown, nameKey: 'Name' | 'Key' = 'Name'): string[] | undefined {
  if (dimensions === undefined) return []
  if (!Array.isArray(dimensions)) return undefined
  const names = dimensions.map((entry) => (typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>)[nameKey] : undefined))
  return names.every((name): name is string => typeof name === 'string') ? names.sort() : undefined
}

/** The dimension names of a metric filter's `dimensions` (`{name: "$.field"}`), sorted; undefined when it is not such an object. */
export function filterDimensionNames(dimensions: unknown): string[] | undefined {
  if (dimensions === undefined) return []
  if (typeof dimensions !== 'object' || dimensions === null || Array.isArray(dimensions)) return undefined
  return Object.keys(dimensions).sort()
}

/** Whether an alarm's metric and a filter's carry the same dimensions; not known on either side is not held against it. */
export function sameDimensions(alarm: readonly string[] | undefined, filter: readonly string[] | undefined): boolean {
  if (alarm === undefined || filter === undefined) return true
  return alarm.length === filter.length && alarm.every((name, index) => name === filter[index])
}
