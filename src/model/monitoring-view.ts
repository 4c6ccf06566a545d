/**
 * The join of monitoring evidence into one account's `Monitoring`: the log groups the account's
 * trails deliver to, their metric filters, the alarms on the filters' metrics and the SNS topics the
 * alarms notify. Absence is absence only inside what an input lists completely (its scopes); outside
 * any scope, or where a gap says a listing was not read, the part is unknown, with why.
 */

import type {
  AlarmEvidence,
  MetricFilterEvidence,
  MetricTransformation,
  MonitoredAlarm,
  MonitoredFilter,
  MonitoredLogGroup,
  MonitoredTopic,
  MonitoringEvidence,
  MonitoringGap,
  MonitoringKey,
  MonitoringView,
  TopicEvidence,
} from './monitoring.js'
import {conditionOf, keyLabel, logGroupLabel, logGroupOfArn, sameDimensions} from './monitoring.js'
import {isUnknown, unknown, type Location, type TrailDocument, type UnknownValue} from './types.js'

type Maybe<T> = T | UnknownValue

/** A trail of the account as the join needs it: its document and the log group key a template gave it. */
export interface MonitoredTrail {
  document: TrailDocument
  logGroupKey?: string
  label: string
}

export interface JoinedMonitoring {
  view: MonitoringView
  /** `Monitoring.LogGroups.<i>.MetricFilters.<j>[.Alarms.<k>]` → where that filter or alarm is written. */
  fields: Record<string, Location>
}

/** Every reader's evidence as one. */
export function mergeMonitoringEvidence(all: readonly MonitoringEvidence[]): MonitoringEvidence {
  return {
    metricFilters: all.flatMap((evidence) => evidence.metricFilters),
    alarms: all.flatMap((evidence) => evidence.alarms),
    topics: all.flatMap((evidence) => evidence.topics),
    scopes: all.flatMap((evidence) => evidence.scopes),
    gaps: all.flatMap((evidence) => evidence.gaps),
  }
}

const fits = (wanted: string | undefined, given: string | undefined): boolean => wanted === undefined || given === undefined || wanted === given

const isSnsKey = (action: string): boolean => /^arn:[^:]+:sns:/.test(action) || !action.startsWith('arn:')

/** Joins the evidence into the `Monitoring` of one account, whose trails (in `Trails` order) are given. */
export function joinMonitoring(trails: readonly MonitoredTrail[], evidence: MonitoringEvidence): JoinedMonitoring {
  const groups = new Map<string, MonitoredLogGroup & {account?: string; unknownWhy?: string}>()
  trails.forEach((trail, position) => {
    const arn = trail.document.CloudWatchLogsLogGroupArn
    if (arn === undefined && trail.logGroupKey === undefined) return
    const parsed = typeof arn === 'string' ? logGroupOfArn(arn) : undefined
    const key = trail.logGroupKey ?? parsed?.key ?? (typeof arn === 'string' ? arn : `${trail.label}#CloudWatchLogsLogGroupArn`)
    const known = groups.get(key)
    if (known) {
      known.Trails.push(position)
      return
    }
    const unknownWhy = isUnknown(arn) && trail.logGroupKey === undefined ? `the log group of trail ${trail.label} is not known (${String(arn.$unknown)})` : undefined
    groups.set(key, {
      LogGroupKey: key,
      LogGroupName: parsed?.name ?? (unknownWhy !== undefined ? unknown(unknownWhy) : unknown('the log group name is not known before deploy')),
      ...(parsed?.region ? {Region: parsed.region} : {}),
      Trails: [position],
      MetricFilters: [],
      ...(parsed?.account ? {account: parsed.account} : {}),
      ...(unknownWhy !== undefined ? {unknownWhy} : {}),
    })
  })
  const fields: Record<string, Location> = {}
  const logGroups = [...groups.values()].map((group, index) => {
    const {account, unknownWhy, ...entry} = group
    const filters = unknownWhy !== undefined ? unknown(unknownWhy) : filtersOf(entry, account, evidence, `Monitoring.LogGroups.${index}`, fields)
    if (!isUnknown(entry.LogGroupName) || unknownWhy !== undefined) return {...entry, MetricFilters: filters}
    // A template's log group gets its name from the filters written on it, when they say it.
    const named = evidence.metricFilters.find((filter) => filter.logGroupKey === entry.LogGroupKey && typeof filter.logGroupName === 'string')
    return {...entry, ...(named ? {LogGroupName: named.logGroupName} : {}), MetricFilters: filters}
  })
  return {view: {LogGroups: logGroups}, fields}
}

function gapFor(gaps: readonly MonitoringGap[], what: MonitoringGap['what'], key: string | undefined, account: string | undefined, region: string | undefined): MonitoringGap | undefined {
  return gaps.find((gap) => gap.what === what && (gap.key === undefined || gap.key === key) && fits(gap.account, account) && fits(gap.region, region))
}

function filtersOf(group: MonitoredLogGroup, account: string | undefined, evidence: MonitoringEvidence, path: string, fields: Record<string, Location>): Maybe<MonitoredFilter[]> {
  const region = group.Region
  const gap = gapFor(evidence.gaps, 'metric-filters', group.LogGroupKey, account, region)
  if (gap) return unknown(`not read: the metric filters of log group ${describeGroup(group)} (${gap.why})`)
  const own = evidence.metricFilters.filter((filter) => filter.logGroupKey === group.LogGroupKey)
  // A filter whose log group the reader could not tell may be on this group: it is there, its pattern not counted.
  const unplaced = evidence.metricFilters.filter((filter) => isUnknown(filter.logGroupKey) && fits(filter.account, account) && fits(filter.region, region))
  const listed = evidence.scopes.some((scope) => scope.what === 'metric-filters' && (scope.logGroupKey === undefined || scope.logGroupKey === group.LogGroupKey) && fits(scope.account, account) && fits(scope.region, region))
  if (!listed && own.length === 0 && unplaced.length === 0) return unknown(`not given: no input lists the metric filters of log group ${describeGroup(group)}`)
  const entries = [...own.map((filter) => ({filter, placed: true})), ...unplaced.map((filter) => ({filter, placed: false}))]
  return entries.map(({filter, placed}, index) => {
    const at = `${path}.MetricFilters.${index}`
    if (filter.provenance.location) fields[at] = filter.provenance.location
    const pattern = placed ? filter.filterPattern : unknown(`on a log group that is not known (${String((filter.logGroupKey as UnknownValue).$unknown)})`)
    return {
      FilterName: filter.filterName,
      FilterPattern: pattern,
      MetricTransformations: filter.metricTransformations,
      Alarms: alarmsOf(filter, account, evidence, at, fields),
    }
  })
}

function alarmsOf(filter: MetricFilterEvidence, groupAccount: string | undefined, evidence: MonitoringEvidence, path: string, fields: Record<string, Location>): Maybe<MonitoredAlarm[]> {
  const transformations = filter.metricTransformations
  if (isUnknown(transformations)) return unknown(`the metric of filter ${describeName(filter.filterName)} is not known (${String(transformations.$unknown)})`)
  const metrics = transformations.filter((t): t is MetricTransformation & {metricName: string; metricNamespace: string} => typeof t.metricName === 'string' && typeof t.metricNamespace === 'string')
  const account = filter.account ?? groupAccount
  const region = filter.region
  const nearby = (alarm: AlarmEvidence): boolean => fits(alarm.account, account) && fits(alarm.region, region)
  const onMetric = evidence.alarms.filter((alarm) => nearby(alarm) && alarm.Metrics.some((metric) => metrics.some((m) => metric.MetricName === m.metricName && metric.Namespace === m.metricNamespace && sameDimensions(metric.Dimensions, m.dimensions))))
  if (onMetric.length === 0) {
    if (metrics.length < transformations.length) return unknown(`the metric name or namespace of filter ${describeName(filter.filterName)} is not known`)
    const gap = gapFor(evidence.gaps, 'alarms', undefined, account, region)
    if (gap) return unknown(`not read: the alarms${region ? ` of ${region}` : ''} (${gap.why})`)
    const vague = evidence.alarms.find((alarm) => nearby(alarm) && alarm.Metrics.some((metric) => isUnknown(metric.MetricName) || isUnknown(metric.Namespace)))
    if (vague) return unknown(`alarm ${describeName(vague.AlarmName)} watches a metric that is not known`)
    const listed = evidence.scopes.some((scope) => scope.what === 'alarms' && fits(scope.account, account) && fits(scope.region, region))
    if (!listed) return unknown(`not given: no input lists the alarms${region ? ` of ${region}` : ''}${account ? ` in account ${account}` : ''}`)
  }
  return onMetric.map((alarm, index) => {
    const at = `${path}.Alarms.${index}`
    if (alarm.provenance.location) fields[at] = alarm.provenance.location
    return {AlarmName: alarm.AlarmName, ActionsEnabled: alarm.ActionsEnabled, ...conditionOf(alarm), Topics: topicsOf(alarm, evidence, at, fields)}
  })
}

function topicsOf(alarm: AlarmEvidence, evidence: MonitoringEvidence, path: string, fields: Record<string, Location>): Maybe<MonitoredTopic[]> {
  const actions = alarm.AlarmActions
  if (isUnknown(actions)) return actions
  const topics: MonitoredTopic[] = []
  for (const action of actions) {
    if (isUnknown(action)) {
      topics.push({TopicArn: action, Subscriptions: unknown(`an action of alarm ${describeName(alarm.AlarmName)} is not known (${String(action.$unknown)})`)})
      continue
    }
    if (!isSnsKey(action)) continue
    const at = `${path}.Topics.${topics.length}`
    const found = evidence.topics.filter((topic) => topic.topicKey === action)
    const location = found.find((topic) => topic.provenance.location)?.provenance.location
    if (location) fields[at] = location
    topics.push({TopicArn: found.find((topic) => typeof topic.TopicArn === 'string')?.TopicArn ?? (action.startsWith('arn:') ? action : (found[0]?.TopicArn ?? unknown(`topic ${keyLabel(action)} has no ARN before deploy`))), Subscriptions: subscriptionsOf(action, alarm, found, evidence)})
  }
  return topics
}

function subscriptionsOf(key: MonitoringKey, alarm: AlarmEvidence, found: readonly TopicEvidence[], evidence: MonitoringEvidence): MonitoredTopic['Subscriptions'] {
  const gap = evidence.gaps.find((g) => g.what === 'subscriptions' && (g.key === undefined || g.key === key) && fits(g.account, topicAccount(key) ?? alarm.account))
  if (gap) return unknown(`not read: the subscriptions of topic ${keyLabel(key)} (${gap.why})`)
  const known = found.find((topic) => !isUnknown(topic.Subscriptions))
  if (known) return known.Subscriptions
  if (found.length > 0) return found[0]!.Subscriptions
  if (evidence.scopes.some((scope) => scope.what === 'subscriptions' && scope.topicKey === key)) return []
  const owner = topicAccount(key)
  if (owner !== undefined && alarm.account !== undefined && owner !== alarm.account) return unknown(`not read: topic ${key} is in account ${owner}, whose subscriptions are not in the evidence`)
  return unknown(`not given: no input lists the subscriptions of topic ${keyLabel(key)}`)
}

function topicAccount(key: string): string | undefined {
  return /^arn:[^:]+:sns:[^:]*:([^:]+):/.exec(key)?.[1]
}

function describeGroup(group: MonitoredLogGroup): string {
  return logGroupLabel(group.LogGroupName, group.LogGroupKey)
}

function describeName(name: Maybe<string>): string {
  return typeof name === 'string' ? name : '(name not known)'
}
