import {alarmDimensionNames, emptyMonitoringEvidence, type AlarmEvidence, type MetricFilterEvidence, type MetricTransformation, type MonitoringEvidence, type MonitoringKey, type SubscriptionEvidence, type TopicEvidence} from '../../model/monitoring.js'
import {isUnknown, unknown, type InputKind, type Location, type Provenance, type UnknownValue} from '../../model/types.js'
import {intrinsicName, render, toLongForm} from './intrinsics.js'
import {child, entry, type PNode, type SourceIndex} from './nodes.js'
import {NO_VALUE, partitionOf, type Resolver} from './resolve.js'
import type {ResourceSource} from './source.js'
import {alarmCondition, asBoolean, asText, topicArn} from './values.js'
import {logGroupArn, logGroupOfArn} from '../monitoring-keys.js'

const LOG_GROUP = 'AWS::Logs::LogGroup'
const METRIC_FILTER = 'AWS::Logs::MetricFilter'
const ALARM = 'AWS::CloudWatch::Alarm'
const TOPIC = 'AWS::SNS::Topic'
const SUBSCRIPTION = 'AWS::SNS::Subscription'

/** Resource types whose whole body the monitoring evidence needs. */
export const MONITORING_TYPES: readonly string[] = [LOG_GROUP, METRIC_FILTER, ALARM, TOPIC, SUBSCRIPTION]

export interface MonitoringContext {
  file: string
  kind: Extract<InputKind, 'cloudformation' | 'cdk/assembly'>
  region?: string
  account?: string
  resolver: Resolver
  index: SourceIndex
  /** Resources CloudFormation creates (a false Condition already left out), with their bodies. */
  resources: (ResourceSource & {node: PNode})[]
}

export interface TemplateMonitoring {
  evidence: MonitoringEvidence
  /** The log group key a trail's `CloudWatchLogsLogGroupArn` names, when it names one the template creates. */
  trailLogGroupKey(trail: PNode): MonitoringKey | undefined
}

type Maybe<T> = T | UnknownValue

/**
 * The metric filters, alarms, SNS topics and subscriptions of one template. What the template
 * creates it lists completely: the filters of each log group it creates, the alarms on its
 * account and region (a template is judged as the stack it deploys), the subscriptions of each
 * topic it creates. A log group or topic it only names is outside its scopes.
 */
export function readTemplateMonitoring(context: MonitoringContext): TemplateMonitoring {
  const evidence = emptyMonitoringEvidence()
  const {file, region, account, resolver, index} = context
  const partition = region === undefined ? 'aws' : partitionOf(region)
  const byType = (type: string): (ResourceSource & {node: PNode})[] => context.resources.filter((resource) => resource.type === type)
  const types = new Map(context.resources.map((resource) => [resource.logicalId, resource.type]))
  const property = (node: PNode, name: string): unknown => {
    const found = entry(child(node, 'Properties'), name)
    if (found === undefined) return undefined
    const resolved = resolver.resolve(toLongForm(found.value))
    return resolved === NO_VALUE ? undefined : resolved
  }
  const rawProperty = (node: PNode, name: string): unknown => {
    const found = entry(child(node, 'Properties'), name)
    return found === undefined ? undefined : toLongForm(found.value)
  }
  const located = (resource: ResourceSource & {node: PNode}, names: readonly string[]): Provenance => {
    const fields: Record<string, Location> = {}
    for (const name of names) {
      const found = entry(child(resource.node, 'Properties'), name)
      if (found) fields[name] = index.span(found.keyStart, found.value.end)
    }
    const constructPath = cdkPath(resource.node)
    return {
      kind: context.kind,
      location: index.span(resource.keyStart, resource.node.end),
      fields,
      logicalId: resource.logicalId,
      ...(constructPath !== undefined ? {constructPath} : {}),
    }
  }
  const known = region !== undefined && account !== undefined
  const where = {...(account !== undefined ? {account} : {}), ...(region !== undefined ? {region} : {})}

  // Log groups the template creates: keyed by ARN when the name is written, else by logical id.
  const groupKeys = new Map<string, MonitoringKey>()
  const groupNames = new Map<string, Maybe<string>>()
  const groupsByName = new Map<string, MonitoringKey>()
  for (const group of byType(LOG_GROUP)) {
    const name = asText(property(group.node, 'LogGroupName'))
    const key = typeof name === 'string' && known ? logGroupArn(region, account, name) : `${file}#${group.logicalId}`
    groupKeys.set(group.logicalId, key)
    groupNames.set(group.logicalId, name ?? unknown('a name CloudFormation generates'))
    if (typeof name === 'string') groupsByName.set(name, key)
    evidence.scopes.push({what: 'metric-filters', logGroupKey: key, ...where})
  }
  // Log groups named by literal ARN in the template's trails, for a filter that names one by its name.
  const trailGroupsByName = new Map<string, MonitoringKey>()
  for (const trail of byType('AWS::CloudTrail::Trail')) {
    const group = logGroupOfArn(property(trail.node, 'CloudWatchLogsLogGroupArn'))
    if (group) trailGroupsByName.set(group.name, group.key)
  }
  const logGroupKeyOfName = (name: Maybe<string> | undefined, raw: unknown): Maybe<MonitoringKey> => {
    const [referenced] = referencedResources(raw, types, LOG_GROUP)
    if (referenced !== undefined) return groupKeys.get(referenced) as MonitoringKey
    if (name === undefined) return unknown('no LogGroupName')
    if (isUnknown(name)) return name
    const key = groupsByName.get(name) ?? (known ? logGroupArn(region, account, name) : trailGroupsByName.get(name))
    return key ?? unknown(`the ARN of log group ${name}: the stack's region and account are not known (give --regions and --account)`)
  }

  const topicKeys = new Map<string, MonitoringKey>()
  const topics = new Map<MonitoringKey, TopicEvidence>()
  for (const topic of byType(TOPIC)) {
    const name = asText(property(topic.node, 'TopicName'))
    const arn = typeof name === 'string' && known ? (topicArn(name, region, account, partition) as string) : undefined
    const key = arn ?? `${file}#${topic.logicalId}`
    topicKeys.set(topic.logicalId, key)
    const subscriptions = property(topic.node, 'Subscription')
    const inline: Maybe<SubscriptionEvidence[]> = subscriptions === undefined ? [] : Array.isArray(subscriptions) ? subscriptions.map(plannedSubscription) : unknown(render(rawProperty(topic.node, 'Subscription')))
    const evidenceOfTopic: TopicEvidence = {
      topicKey: key,
      TopicArn: arn ?? unknown(`!Ref ${topic.logicalId}`),
      Subscriptions: inline,
      ...where,
      provenance: located(topic, ['TopicName', 'Subscription']),
    }
    topics.set(key, evidenceOfTopic)
    evidence.scopes.push({what: 'subscriptions', topicKey: key})
  }
  const topicKeyOf = (value: unknown, raw: unknown): Maybe<MonitoringKey> => {
    const [referenced] = referencedResources(raw, types, TOPIC)
    if (referenced !== undefined) return topicKeys.get(referenced) as MonitoringKey
    const text = asText(value)
    if (text === undefined) return unknown(render(raw))
    return text
  }
  for (const subscription of byType(SUBSCRIPTION)) {
    const key = topicKeyOf(property(subscription.node, 'TopicArn'), rawProperty(subscription.node, 'TopicArn'))
    if (isUnknown(key)) continue
    const planned = plannedSubscription({Protocol: property(subscription.node, 'Protocol'), Endpoint: property(subscription.node, 'Endpoint')})
    const existing = topics.get(key)
    if (existing !== undefined) {
      if (Array.isArray(existing.Subscriptions)) existing.Subscriptions.push(planned)
      continue
    }
    // A subscription to a topic the template does not create: evidence of a subscriber, not of all of them.
    topics.set(key, {topicKey: key, TopicArn: key, Subscriptions: [planned], ...where, provenance: located(subscription, ['TopicArn', 'Protocol', 'Endpoint'])})
  }
  evidence.topics = [...topics.values()]

  for (const filter of byType(METRIC_FILTER)) {
    const logGroupName = property(filter.node, 'LogGroupName')
    const raw = rawProperty(filter.node, 'LogGroupName')
    const [referenced] = referencedResources(raw, types, LOG_GROUP)
    const name: Maybe<string> | undefined = referenced !== undefined ? groupNames.get(referenced) : asText(logGroupName)
    const record: MetricFilterEvidence = {
      filterName: asText(property(filter.node, 'FilterName')) ?? unknown('a name CloudFormation generates'),
      logGroupName: name ?? unknown('no LogGroupName'),
      filterPattern: textOrUnknown(property(filter.node, 'FilterPattern'), rawProperty(filter.node, 'FilterPattern')),
      metricTransformations: transformations(property(filter.node, 'MetricTransformations'), rawProperty(filter.node, 'MetricTransformations')),
      logGroupKey: logGroupKeyOfName(name, raw),
      ...where,
      provenance: located(filter, ['FilterPattern', 'LogGroupName', 'MetricTransformations', 'FilterName']),
    }
    evidence.metricFilters.push(record)
  }

  for (const alarm of byType(ALARM)) {
    const actions = property(alarm.node, 'AlarmActions')
    const rawActions = rawProperty(alarm.node, 'AlarmActions')
    let alarmActions: Maybe<Maybe<MonitoringKey>[]>
    if (actions === undefined) alarmActions = []
    else if (Array.isArray(actions)) alarmActions = actions.map((action, position) => topicKeyOf(action, Array.isArray(rawActions) ? rawActions[position] : action))
    else alarmActions = unknown(render(rawActions))
    const record: AlarmEvidence = {
      AlarmName: asText(property(alarm.node, 'AlarmName')) ?? unknown('a name CloudFormation generates'),
      Metrics: alarmMetrics(property(alarm.node, 'MetricName'), property(alarm.node, 'Namespace'), property(alarm.node, 'Metrics'), property(alarm.node, 'Dimensions')),
      ActionsEnabled: asBoolean(property(alarm.node, 'ActionsEnabled')) ?? true,
      AlarmActions: alarmActions,
      ...alarmCondition(property(alarm.node, 'Statistic'), property(alarm.node, 'ComparisonOperator'), property(alarm.node, 'Threshold')),
      ...where,
      provenance: located(alarm, ['MetricName', 'Namespace', 'Metrics', 'ActionsEnabled', 'AlarmActions', 'AlarmName']),
    }
    evidence.alarms.push(record)
  }
  if (evidence.metricFilters.length > 0 || evidence.alarms.length > 0) evidence.scopes.push({what: 'alarms', ...where})

  return {
    evidence,
    trailLogGroupKey(trail: PNode): MonitoringKey | undefined {
      const found = entry(child(trail, 'Properties'), 'CloudWatchLogsLogGroupArn')
      if (found === undefined) return undefined
      const raw = toLongForm(found.value)
      const [referenced] = referencedResources(raw, types, LOG_GROUP)
      if (referenced !== undefined) return groupKeys.get(referenced)
      const group = logGroupOfArn(resolver.resolve(raw))
      return group ? groupsByName.get(group.name) : undefined
    },
  }
}

function textOrUnknown(value: unknown, raw: unknown): Maybe<string> {
  if (value === undefined) return unknown('not set')
  return asText(value) ?? unknown(render(raw))
}

/** A subscription the template creates: counted as the planned topic's subscriber, confirmed only after deploy. */
function plannedSubscription(value: unknown): SubscriptionEvidence {
  const record = typeof value === 'object' && value !== null && !isUnknown(value) ? (value as Record<string, unknown>) : {}
  const protocol = asText(record.Protocol)
  const endpoint = asText(record.Endpoint)
  return {
    SubscriptionArn: unknown('known once the subscription is confirmed, after deploy'),
    ...(protocol !== undefined ? {Protocol: protocol} : {}),
    ...(endpoint !== undefined ? {Endpoint: endpoint} : {}),
    Planned: true,
  }
}

function transformations(value: unknown, raw: unknown): Maybe<MetricTransformation[]> {
  if (!Array.isArray(value)) return unknown(value === undefined ? 'no MetricTransformations' : render(raw))
  return value.map((item) => {
    const record = typeof item === 'object' && item !== null && !isUnknown(item) ? (item as Record<string, unknown>) : {}
    const opaque = isUnknown(item) ? item : undefined
    const metricValue = asText(record.MetricValue)
    const dimensions = opaque ? undefined : alarmDimensionNames(record.Dimensions, 'Key')
    return {
      metricName: opaque ?? asText(record.MetricName) ?? unknown('no MetricName'),
      metricNamespace: opaque ?? asText(record.MetricNamespace) ?? unknown('no MetricNamespace'),
      ...(metricValue !== undefined ? {metricValue} : {}),
      ...(dimensions !== undefined ? {dimensions} : {}),
    }
  })
}

/** `MetricName`/`Namespace`, or each `Metrics[].MetricStat.Metric` of a metric-math alarm. */
function alarmMetrics(name: unknown, namespace: unknown, metrics: unknown, dimensions: unknown): AlarmEvidence['Metrics'] {
  if (name !== undefined || namespace !== undefined) {
    return [{MetricName: asText(name) ?? unknown('no MetricName'), Namespace: asText(namespace) ?? unknown('no Namespace'), ...namedDimensions(alarmDimensionNames(dimensions))}]
  }
  if (isUnknown(metrics)) return [{MetricName: metrics, Namespace: metrics}]
  if (!Array.isArray(metrics)) return []
  return metrics.flatMap((query) => {
    if (isUnknown(query)) return [{MetricName: query, Namespace: query}]
    const metric = (query as {MetricStat?: {Metric?: Record<string, unknown>}} | null)?.MetricStat?.Metric
    if (metric === undefined) return []
    return [{MetricName: asText(metric.MetricName) ?? unknown('no MetricName'), Namespace: asText(metric.Namespace) ?? unknown('no Namespace'), ...namedDimensions(alarmDimensionNames(metric.Dimensions))}]
  })
}

/** Dimension names the template states outright; a name known only after deploy is not compared. */
function namedDimensions(names: string[] | undefined): {Dimensions?: string[]} {
  return names === undefined ? {} : {Dimensions: names}
}

/**
 * The logical ids of resources of `type` that a template value refers to: `Ref`, `Fn::GetAtt`, and
 * `${Name}` / `${Name.Attr}` inside `Fn::Sub`. `Fn::Join` and the like are walked into.
 */
export function referencedResources(value: unknown, types: ReadonlyMap<string, string | undefined>, type: string): string[] {
  const found = new Set<string>()
  const visit = (current: unknown): void => {
    const name = intrinsicName(current)
    const argument = name !== undefined ? (current as Record<string, unknown>)[name] : undefined
    if (name === 'Ref' && typeof argument === 'string' && types.get(argument) === type) found.add(argument)
    else if (name === 'Fn::GetAtt' && Array.isArray(argument) && typeof argument[0] === 'string' && types.get(argument[0]) === type) found.add(argument[0])
    else if (name === 'Fn::Sub') {
      const [template, variables] = Array.isArray(argument) ? argument : [argument]
      if (typeof template === 'string') {
        for (const match of template.matchAll(/\$\{([^!}][^}.]*)(?:\.[^}]*)?\}/g)) {
          const id = (match[1] as string).trim()
          if (types.get(id) === type) found.add(id)
        }
      }
      visit(variables)
    } else if (Array.isArray(current)) current.forEach(visit)
    else if (typeof current === 'object' && current !== null) Object.values(current).forEach(visit)
  }
  visit(value)
  return [...found]
}

/** The construct path CDK records on every resource it synthesizes (`Stack/Trail/Resource`). */
export function cdkPath(node: PNode): string | undefined {
  const path = child(child(node, 'Metadata'), 'aws:cdk:path')
  return path?.kind === 'scalar' && typeof path.value === 'string' ? path.value : undefined
}
