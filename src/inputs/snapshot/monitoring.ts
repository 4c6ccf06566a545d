/**
 * An account's `monitoring` section of a version 2 snapshot as `MonitoringEvidence`: each filter,
 * alarm and topic with its position in the file, the scopes the snapshot lists completely, and its
 * gaps. An entry the schema rejects is left out (its diagnostic names its line and column), and so
 * is the scope it belonged to: a listing with a hole in it is not complete, so its absences become
 * unknown instead of absent.
 */
import type {AlarmEvidence, MetricFilterEvidence, MetricTransformation, MonitoringEvidence, MonitoringGap, MonitoringScope, SubscriptionEvidence, TopicEvidence} from '../../model/monitoring.js'
import {alarmDimensionNames, filterDimensionNames} from '../../model/monitoring.js'
import type {PositionedDocument, PathSegment} from '../../util/positions.js'
import {fieldLocations, isRecord} from '../locations.js'
import type {SchemaProblem} from '../schema.js'
import {logGroupArn} from '../monitoring-keys.js'

const KIND = 'trailgate/snapshot'
const SECTIONS = ['metricFilters', 'alarms', 'topics'] as const
type Section = (typeof SECTIONS)[number]
const WHAT: Record<Section, MonitoringGap['what']> = {metricFilters: 'metric-filters', alarms: 'alarms', topics: 'subscriptions'}

interface Context {
  doc: PositionedDocument
  base: PathSegment[]
  account: string
  partition: string
}

/**
 * `problems` are the schema's, for this account (paths from the document root). A section that is
 * not even a list leaves every scope of its kind out of the evidence.
 */
export function readSnapshotMonitoring(doc: PositionedDocument, account: Record<string, unknown>, index: number, problems: readonly SchemaProblem[]): MonitoringEvidence | undefined {
  const monitoring = account.monitoring
  if (!isRecord(monitoring)) return undefined
  const context: Context = {
    doc,
    base: ['accounts', index, 'monitoring'],
    account: String(account.accountId),
    partition: typeof account.partition === 'string' ? account.partition : 'aws',
  }
  const evidence: MonitoringEvidence = {metricFilters: [], alarms: [], topics: [], scopes: [], gaps: []}
  const inMonitoring = problems.filter((problem) => problem.path[2] === 'monitoring')
  const position = (path: PathSegment[]) => {
    const location = doc.locate(path)
    return `${location.file}:${location.line}:${location.column}`
  }
  const whole = inMonitoring.some((problem) => problem.path.length <= 3)
  const badEntries = new Map<Section, Set<number>>(SECTIONS.map((section) => [section, new Set<number>()]))
  const brokenSections = new Set<Section>()
  for (const problem of inMonitoring) {
    const [, , , section, entry] = problem.path
    if (!SECTIONS.includes(section as Section)) continue
    if (typeof entry === 'number') badEntries.get(section as Section)?.add(entry)
    else brokenSections.add(section as Section)
  }
  if (whole) {
    for (const what of Object.values(WHAT)) evidence.gaps.push({what, account: context.account, why: `the snapshot's monitoring section at ${position(context.base)} is malformed`})
    return evidence
  }

  // Scopes lost to a malformed entry: by log group key, region or topic ARN; `undefined` = every scope of that kind.
  const lost: Record<Section, Set<string | undefined>> = {metricFilters: new Set(), alarms: new Set(), topics: new Set()}
  for (const section of SECTIONS) {
    const entries = monitoring[section]
    if (brokenSections.has(section) || !Array.isArray(entries)) {
      lost[section].add(undefined)
      evidence.gaps.push({what: WHAT[section], account: context.account, why: `the snapshot's ${section} at ${position([...context.base, section])} is malformed`})
      continue
    }
    entries.forEach((entry: unknown, entryIndex) => {
      const path = [...context.base, section, entryIndex]
      if (!isRecord(entry) || badEntries.get(section)?.has(entryIndex) === true) {
        const scope = scopeOf(context, section, entry)
        lost[section].add(scope)
        evidence.gaps.push({
          what: WHAT[section],
          account: context.account,
          ...(scope === undefined ? {} : section === 'alarms' ? {region: scope} : {key: scope}),
          why: `the snapshot's entry at ${position(path)} is malformed and left out`,
        })
        return
      }
      if (section === 'metricFilters') evidence.metricFilters.push(filterOf(context, entry, path))
      else if (section === 'alarms') evidence.alarms.push(alarmOf(context, entry, path))
      else evidence.topics.push(topicOf(context, entry, path))
    })
  }

  const listed = isRecord(monitoring.listed) ? monitoring.listed : {}
  const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [])
  const keep = (section: Section, scope: string) => !lost[section].has(undefined) && !lost[section].has(scope)
  for (const key of strings(listed.logGroups)) {
    if (!keep('metricFilters', key)) continue
    const region = key.split(':')[3]
    evidence.scopes.push({what: 'metric-filters', logGroupKey: key, account: context.account, ...(region === undefined ? {} : {region})} satisfies MonitoringScope)
  }
  for (const region of strings(listed.alarmRegions)) {
    if (keep('alarms', region)) evidence.scopes.push({what: 'alarms', account: context.account, region})
  }
  for (const topicKey of strings(listed.topics)) {
    if (keep('topics', topicKey)) evidence.scopes.push({what: 'subscriptions', topicKey})
  }
  if (Array.isArray(monitoring.gaps)) {
    for (const gap of monitoring.gaps) {
      if (!isRecord(gap) || typeof gap.why !== 'string' || !Object.values(WHAT).includes(gap.what as MonitoringGap['what'])) continue
      evidence.gaps.push({
        what: gap.what as MonitoringGap['what'],
        account: context.account,
        ...(typeof gap.key === 'string' ? {key: gap.key} : {}),
        ...(typeof gap.region === 'string' ? {region: gap.region} : {}),
        why: gap.why,
      })
    }
  }
  return evidence
}

/** Which scope a malformed entry belonged to, when it still says. */
function scopeOf(context: Context, section: Section, entry: unknown): string | undefined {
  if (!isRecord(entry)) return undefined
  if (section === 'metricFilters') {
    return typeof entry.logGroupName === 'string' && typeof entry.region === 'string'
      ? logGroupArn(entry.region, context.account, entry.logGroupName, context.partition)
      : undefined
  }
  if (section === 'alarms') return typeof entry.region === 'string' ? entry.region : undefined
  return typeof entry.TopicArn === 'string' ? entry.TopicArn : undefined
}

function provenance(context: Context, path: PathSegment[], entry: Record<string, unknown>) {
  return {kind: KIND, location: context.doc.locate(path), fields: fieldLocations(context.doc, path, entry)} as const
}

function filterOf(context: Context, entry: Record<string, unknown>, path: PathSegment[]): MetricFilterEvidence {
  const region = entry.region as string
  const transformations = (entry.metricTransformations as Record<string, unknown>[]).map(
    (transformation): MetricTransformation => ({
      metricName: transformation.metricName as string,
      metricNamespace: transformation.metricNamespace as string,
      ...(typeof transformation.metricValue === 'string' ? {metricValue: transformation.metricValue} : {}),
      ...known('dimensions', filterDimensionNames(transformation.dimensions)),
    }),
  )
  return {
    filterName: entry.filterName as string,
    logGroupName: entry.logGroupName as string,
    filterPattern: entry.filterPattern as string,
    metricTransformations: transformations,
    logGroupKey: logGroupArn(region, context.account, entry.logGroupName as string, context.partition),
    account: context.account,
    region,
    provenance: provenance(context, path, entry),
  }
}

function alarmOf(context: Context, entry: Record<string, unknown>, path: PathSegment[]): AlarmEvidence {
  const metrics: AlarmEvidence['Metrics'] = []
  if (typeof entry.MetricName === 'string') metrics.push({MetricName: entry.MetricName, Namespace: typeof entry.Namespace === 'string' ? entry.Namespace : {$unknown: 'the alarm names no Namespace'}, ...known('Dimensions', alarmDimensionNames(entry.Dimensions))})
  if (Array.isArray(entry.Metrics)) {
    for (const query of entry.Metrics) {
      const metric = isRecord(query) && isRecord(query.MetricStat) && isRecord(query.MetricStat.Metric) ? query.MetricStat.Metric : undefined
      if (metric !== undefined && typeof metric.MetricName === 'string' && typeof metric.Namespace === 'string') metrics.push({MetricName: metric.MetricName, Namespace: metric.Namespace, ...known('Dimensions', alarmDimensionNames(metric.Dimensions))})
    }
  }
  return {
    AlarmName: entry.AlarmName as string,
    ...(typeof entry.AlarmArn === 'string' ? {AlarmArn: entry.AlarmArn} : {}),
    Metrics: metrics,
    // DescribeAlarms always answers both; a snapshot without them does not say.
    ActionsEnabled: typeof entry.ActionsEnabled === 'boolean' ? entry.ActionsEnabled : {$unknown: 'the alarm does not say whether its actions are enabled'},
    AlarmActions: Array.isArray(entry.AlarmActions) ? (entry.AlarmActions as string[]) : {$unknown: 'the alarm does not list its actions'},
    // The schema checks their types; absent (an older snapshot, a metric-math alarm's Statistic) is not judged.
    ...(typeof entry.Statistic === 'string' ? {Statistic: entry.Statistic} : {}),
    ...(typeof entry.ComparisonOperator === 'string' ? {ComparisonOperator: entry.ComparisonOperator} : {}),
    ...(typeof entry.Threshold === 'number' ? {Threshold: entry.Threshold} : {}),
    account: context.account,
    region: entry.region as string,
    provenance: provenance(context, path, entry),
  }
}

function topicOf(context: Context, entry: Record<string, unknown>, path: PathSegment[]): TopicEvidence {
  const subscriptions = (entry.Subscriptions as Record<string, unknown>[]).map((subscription): SubscriptionEvidence => {
    const evidence: SubscriptionEvidence = {SubscriptionArn: subscription.SubscriptionArn as string}
    if (typeof subscription.Protocol === 'string') evidence.Protocol = subscription.Protocol
    if (typeof subscription.Endpoint === 'string') evidence.Endpoint = subscription.Endpoint
    if (typeof subscription.Owner === 'string') evidence.Owner = subscription.Owner
    return evidence
  })
  return {
    topicKey: entry.TopicArn as string,
    TopicArn: entry.TopicArn as string,
    Subscriptions: subscriptions,
    account: context.account,
    region: entry.region as string,
    provenance: provenance(context, path, entry),
  }
}

function known<K extends string>(key: K, names: string[] | undefined): Partial<Record<K, string[]>> {
  return names === undefined ? {} : ({[key]: names} as Record<K, string[]>)
}
