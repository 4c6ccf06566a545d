/**
 * The CloudWatch monitoring of an account's trails (the CIS monitoring controls), read live: the
 * metric filters of each log group an own trail delivers to (`DescribeMetricFilters`), the metric
 * alarms of those log groups' regions (`DescribeAlarms`), and the subscriptions of each SNS topic
 * those alarms notify (`ListSubscriptionsByTopic`). Every listing is read to its last page; what
 * could not be read (denied, throttled after retries, timed out, another account's) is a gap, so the
 * join makes it unknown instead of absent.
 *
 * Why one paginated `DescribeAlarms` per region and not `DescribeAlarmsForMetric` per metric: the
 * CIS controls put 15 metrics in a region, which is 15 `DescribeAlarmsForMetric` calls against
 * ⌈alarms / 100⌉ `DescribeAlarms` calls (one for up to 100 alarms); and `DescribeAlarmsForMetric`
 * does not return metric-math alarms, which `DescribeAlarms` does.
 */
import {readAllPages} from './pages.js'
import {loadCloudWatch, loadCloudWatchLogs, loadSns} from './aws-clients.js'
import {recordFailure, type AccountTarget, type CollectionContext} from './account.js'
import {CallFailure} from './call.js'
import type {SnapshotError, SnapshotMonitoring, SnapshotMonitoringGap, SnapshotTrail} from './snapshot.js'
import {toPlainRecord} from './plain.js'
import {appendAll} from '../util/arrays.js'
import {logGroupOfArn} from '../model/monitoring.js'

/** `DescribeAlarms` answers at most this many alarms a page; asking for them all takes the fewest calls. */
const ALARMS_PER_PAGE = 100

type LogGroupRef = NonNullable<ReturnType<typeof logGroupOfArn>>

const SNS_TOPIC_ARN = /^arn:([^:]+):sns:([^:]+):(\d{12}):([^:]+)$/

function topicOfArn(arn: string): {region: string; account: string} | undefined {
  const match = SNS_TOPIC_ARN.exec(arn)
  return match === null ? undefined : {region: match[2] as string, account: match[3] as string}
}

/** Every metric (namespace + name) an alarm watches: its own, or each of a metric-math alarm's. */
function alarmMetrics(alarm: Record<string, unknown>): string[] {
  const metrics: string[] = []
  if (typeof alarm.MetricName === 'string') metrics.push(metricId(alarm.Namespace, alarm.MetricName))
  if (Array.isArray(alarm.Metrics)) {
    for (const query of alarm.Metrics as Record<string, unknown>[]) {
      const stat = query.MetricStat as {Metric?: {Namespace?: unknown; MetricName?: unknown}} | undefined
      if (stat?.Metric?.MetricName !== undefined) metrics.push(metricId(stat.Metric.Namespace, stat.Metric.MetricName))
    }
  }
  return metrics
}

function metricId(namespace: unknown, name: unknown): string {
  return `${String(namespace)}\u0000${String(name)}`
}

/** CloudWatch Logs' and SNS's answer for a log group or topic that does not exist. */
function isNotFound(error: unknown): boolean {
  return error instanceof CallFailure && (error.code === 'ResourceNotFoundException' || error.code === 'NotFound' || error.code === 'NotFoundException')
}

function whyNotRead(error: unknown): string {
  if (error instanceof CallFailure) return `${error.operation} failed: ${error.code}: ${error.message}`
  return error instanceof Error ? error.message : String(error)
}

/**
 * The monitoring of the log groups `trails` (the account's own, from their home regions) deliver to.
 * `examined` are the regions collected: a log group elsewhere, or in another account, is a gap.
 * Failed calls go to `errors` and the diagnostics, as every other call of the account.
 */
export async function collectMonitoring(
  context: CollectionContext,
  target: AccountTarget,
  trails: readonly SnapshotTrail[],
  examined: ReadonlySet<string>,
  errors: SnapshotError[],
): Promise<SnapshotMonitoring> {
  const {accountId} = target
  const monitoring: SnapshotMonitoring = {metricFilters: [], alarms: [], topics: [], listed: {logGroups: [], alarmRegions: [], topics: []}, gaps: []}
  const gap = (entry: SnapshotMonitoringGap) => monitoring.gaps.push(entry)
  const renew = target.renewCredentials === undefined ? {} : {renewCredentials: target.renewCredentials}
  const run = <T>(operation: string, region: string, send: (abortSignal: AbortSignal) => Promise<T>): Promise<T> =>
    context.runner.run({operation, account: accountId, region, rateLimited: true, ...renew}, send).finally(() => context.progress.emit())
  const fail = (error: unknown, about: string) => recordFailure(context, errors, accountId, error, about)

  const logGroups = new Map<string, LogGroupRef>()
  for (const trail of trails) {
    const arn = trail.CloudWatchLogsLogGroupArn
    if (typeof arn !== 'string' || arn === '') continue
    const group = logGroupOfArn(arn)
    if (group === undefined) {
      gap({what: 'metric-filters', key: arn, why: `not read: ${arn} is not a CloudWatch Logs log group ARN`})
    } else if (group.account !== accountId) {
      gap({what: 'metric-filters', key: group.key, region: group.region, why: `not read: log group in account ${group.account}`})
    } else if (!examined.has(group.region)) {
      gap({what: 'metric-filters', key: group.key, region: group.region, why: `not read: log group in region ${group.region}, which was not examined`})
    } else {
      logGroups.set(group.key, group)
    }
  }
  if (logGroups.size === 0) return monitoring

  const logsSdk = await loadCloudWatchLogs()
  const metricsByRegion = new Map<string, Set<string>>()
  const filterLists = await Promise.all(
    [...logGroups.values()].map(async (group) => {
      const client = await context.clients.cloudWatchLogs(accountId, group.region, target.credentials)
      const filters: Record<string, unknown>[] = []
      try {
        const listed = await readAllPages(async (token) => {
          const page = await run('DescribeMetricFilters', group.region, (abortSignal) =>
            client.send(new logsSdk.DescribeMetricFiltersCommand({logGroupName: group.name, ...(token === undefined ? {} : {nextToken: token})}), {abortSignal}),
          )
          return {items: page.metricFilters, next: page.nextToken}
        })
        for (const filter of listed) filters.push({...toPlainRecord(filter), region: group.region})
      } catch (error) {
        // A log group that does not exist has no metric filter: its listing is complete, and empty.
        if (isNotFound(error)) {
          context.diagnostics.push({severity: 'warning', code: 'live-log-group-missing', message: `account ${accountId}, ${group.region}: a trail delivers to log group ${group.name}, which does not exist`})
        } else {
          fail(error, `log group ${group.name}`)
          gap({what: 'metric-filters', key: group.key, region: group.region, why: whyNotRead(error)})
          return []
        }
      }
      monitoring.listed.logGroups.push(group.key)
      const metrics = metricsByRegion.get(group.region) ?? new Set<string>()
      for (const filter of filters) {
        for (const transformation of (filter.metricTransformations ?? []) as Record<string, unknown>[]) {
          metrics.add(metricId(transformation.metricNamespace, transformation.metricName))
        }
      }
      metricsByRegion.set(group.region, metrics)
      return filters
    }),
  )
  for (const filters of filterLists) appendAll(monitoring.metricFilters, filters)
  monitoring.listed.logGroups.sort()

  const alarmRegions = [...metricsByRegion].filter(([, metrics]) => metrics.size > 0)
  if (alarmRegions.length === 0) return monitoring
  const cloudWatchSdk = await loadCloudWatch()
  const alarmLists = await Promise.all(
    alarmRegions.map(async ([region, metrics]) => {
      const client = await context.clients.cloudWatch(accountId, region, target.credentials)
      const alarms: Record<string, unknown>[] = []
      try {
        const listed = await readAllPages(async (token) => {
          const page = await run('DescribeAlarms', region, (abortSignal) =>
            client.send(
              new cloudWatchSdk.DescribeAlarmsCommand({AlarmTypes: ['MetricAlarm'], MaxRecords: ALARMS_PER_PAGE, ...(token === undefined ? {} : {NextToken: token})}),
              {abortSignal},
            ),
          )
          return {items: page.MetricAlarms, next: page.NextToken}
        })
        for (const alarm of listed) {
          const plain = toPlainRecord(alarm)
          // Alarms on other metrics cannot monitor a trail's log group: the snapshot keeps the rest.
          if (alarmMetrics(plain).some((metric) => metrics.has(metric))) alarms.push({...plain, region})
        }
      } catch (error) {
        fail(error, `the metric alarms of ${region}`)
        gap({what: 'alarms', region, why: whyNotRead(error)})
        return []
      }
      monitoring.listed.alarmRegions.push(region)
      return alarms
    }),
  )
  for (const alarms of alarmLists) appendAll(monitoring.alarms, alarms)
  monitoring.listed.alarmRegions.sort()

  const topicArns = new Set<string>()
  for (const alarm of monitoring.alarms) {
    for (const action of (alarm.AlarmActions ?? []) as unknown[]) {
      if (typeof action === 'string' && /^arn:[^:]+:sns:/.test(action)) topicArns.add(action)
    }
  }
  if (topicArns.size === 0) return monitoring
  const snsSdk = await loadSns()
  const topics = await Promise.all(
    [...topicArns].sort().map(async (topicArn) => {
      const topic = topicOfArn(topicArn)
      if (topic === undefined) {
        gap({what: 'subscriptions', key: topicArn, why: `not read: ${topicArn} is not an SNS topic ARN`})
        return undefined
      }
      if (topic.account !== accountId) {
        gap({what: 'subscriptions', key: topicArn, region: topic.region, why: `not read: topic in account ${topic.account}`})
        return undefined
      }
      const client = await context.clients.sns(accountId, topic.region, target.credentials)
      const subscriptions: Record<string, unknown>[] = []
      try {
        const listed = await readAllPages(async (token) => {
          const page = await run('ListSubscriptionsByTopic', topic.region, (abortSignal) =>
            client.send(new snsSdk.ListSubscriptionsByTopicCommand({TopicArn: topicArn, ...(token === undefined ? {} : {NextToken: token})}), {abortSignal}),
          )
          return {items: page.Subscriptions, next: page.NextToken}
        })
        for (const subscription of listed) subscriptions.push(toPlainRecord(subscription))
      } catch (error) {
        // An alarm can name a topic that was deleted since: it has no subscriber.
        if (isNotFound(error)) {
          context.diagnostics.push({severity: 'warning', code: 'live-topic-missing', message: `account ${accountId}, ${topic.region}: an alarm notifies topic ${topicArn}, which does not exist`})
        } else {
          fail(error, `topic ${topicArn}`)
          gap({what: 'subscriptions', key: topicArn, region: topic.region, why: whyNotRead(error)})
          return undefined
        }
      }
      monitoring.listed.topics.push(topicArn)
      return {TopicArn: topicArn, region: topic.region, Subscriptions: subscriptions}
    }),
  )
  for (const topic of topics) if (topic !== undefined) monitoring.topics.push(topic)
  monitoring.listed.topics.sort()
  return monitoring
}
