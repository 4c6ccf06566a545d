import {emptyMonitoringEvidence, filterDimensionNames, type AlarmEvidence, type MetricTransformation, type MonitoringEvidence, type MonitoringKey, type SubscriptionEvidence, type TopicEvidence} from '../../model/monitoring.js'
import {isUnknown, unknown, type Location, type Provenance, type UnknownValue} from '../../model/types.js'
import {entry, plain, type PNode, type SourceIndex} from '../cloudformation/nodes.js'
import {partitionOf} from '../cloudformation/resolve.js'
import {alarmCondition, asBoolean, asText, topicArn} from '../cloudformation/values.js'
import {logGroupArn, logGroupOfArn} from '../monitoring-keys.js'
import type {TfBlock} from './tf-source.js'
import {collectInstances, expressionReferences, referencesOf, stripIndexes, withUnknowns, type Instance} from './plan-instances.js'

const LOG_GROUP = 'aws_cloudwatch_log_group'
const METRIC_FILTER = 'aws_cloudwatch_log_metric_filter'
const ALARM = 'aws_cloudwatch_metric_alarm'
const TOPIC = 'aws_sns_topic'
const SUBSCRIPTION = 'aws_sns_topic_subscription'

type Maybe<T> = T | UnknownValue
type Attributes = Record<string, unknown>

export interface PlanContext {
  file: string
  index: SourceIndex
  configuration: PNode | undefined
  region?: string
  account?: string
  /** The `resource` block of an instance in the `.tf` files beside the plan, when there is one. */
  blockOf?: (instance: Instance, type: string) => TfBlock | undefined
}

export interface PlanMonitoring {
  evidence: MonitoringEvidence
  /** The log group key of a trail's `cloud_watch_logs_group_arn` when it names a group the plan creates. */
  trailLogGroupKey(trail: Instance, attributes: Attributes | UnknownValue): MonitoringKey | undefined
}

interface Planned {
  instance: Instance
  type: string
  attributes: Attributes
}

/** The resource types read here, besides the trail. */
export const MONITORING_RESOURCE_TYPES: readonly string[] = [LOG_GROUP, METRIC_FILTER, ALARM, TOPIC, SUBSCRIPTION]

/** Every argument read here, for a resource whose whole planned object is unknown. */
const ARGUMENTS = ['arn', 'name', 'log_group_name', 'pattern', 'metric_transformation', 'alarm_name', 'metric_name', 'namespace', 'metric_query', 'actions_enabled', 'alarm_actions', 'topic_arn', 'protocol', 'endpoint', 'cloud_watch_logs_group_arn']

/**
 * The metric filters, alarms, SNS topics and subscriptions a plan creates or keeps. A value known
 * only after apply is joined through the configuration's references (`aws_cloudwatch_log_group.trail.arn`)
 * and stays unknown when no reference says what it is. Deleted resources are left out.
 */
export function readPlanMonitoring(root: PNode, context: PlanContext): PlanMonitoring {
  const evidence = emptyMonitoringEvidence()
  const {file, index, configuration, region, account} = context
  const partition = region === undefined ? 'aws' : partitionOf(region)
  const known = region !== undefined && account !== undefined
  const where = {...(account !== undefined ? {account} : {}), ...(region !== undefined ? {region} : {})}
  const planned = (type: string): Planned[] =>
    collectInstances(root, type)
      .filter((instance) => !(instance.actions.length === 1 && instance.actions[0] === 'delete'))
      .map((instance) => ({instance, type, attributes: attributesOf(instance, configuration, type)}))
  const provenance = ({instance, type}: Planned, fieldArguments: Record<string, string>): Provenance => {
    const fields: Record<string, Location> = {}
    // Results point at the .tf block when it is beside the plan (as for trails), else into the plan.
    const block = context.blockOf?.(instance, type)
    for (const [field, argument] of Object.entries(fieldArguments)) {
      const written = block?.attributes.get(argument) ?? block?.blocks.get(argument)?.[0]
      const found = entry(instance.values, argument)
      if (written) fields[field] = written
      else if (!block && found && !(found.value.kind === 'scalar' && found.value.value === null)) fields[field] = index.span(found.keyStart, found.value.end)
    }
    if (block) return {kind: 'terraform/plan', location: block.location, fields, address: instance.address, files: [file]}
    return {kind: 'terraform/plan', location: index.span(instance.node.start, instance.node.end), fields, address: instance.address}
  }

  // What a reference names: `aws_sns_topic.alerts.arn` from inside `module.audit` is `module.audit.aws_sns_topic.alerts`.
  const referenced = ({instance, type: own}: Planned, argument: string, type: string, candidates: Map<string, MonitoringKey>): MonitoringKey[] => {
    const keys = new Set<MonitoringKey>()
    for (const reference of expressionReferences(configuration, instance, own).get(argument) ?? []) {
      const match = new RegExp(`^(${type}\\.[A-Za-z0-9_-]+)(\\[[^\\]]*\\])?`).exec(reference)
      if (!match) continue
      const prefix = instance.moduleAddress === '' ? '' : `${instance.moduleAddress}.`
      const exact = `${prefix}${match[1]}${match[2] ?? ''}`
      const found = [...candidates].filter(([address]) => address === exact || (match[2] === undefined && stripIndexes(address.slice(prefix.length)) === match[1] && address.startsWith(prefix)))
      if (found.length === 1) keys.add((found[0] as [string, MonitoringKey])[1])
    }
    return [...keys]
  }

  const groups = new Map<string, MonitoringKey>()
  const groupsByName = new Map<string, MonitoringKey>()
  for (const {instance, attributes} of planned(LOG_GROUP)) {
    const arn = asText(attributes.arn)
    const name = asText(attributes.name)
    const key =
      typeof arn === 'string' && arn !== '' ? arn.replace(/:\*$/, '') : typeof name === 'string' && name !== '' && known ? logGroupArn(region, account, name) : `${file}#${instance.address}`
    groups.set(instance.address, key)
    if (typeof name === 'string') groupsByName.set(name, key)
    evidence.scopes.push({what: 'metric-filters', logGroupKey: key, ...where})
  }
  const trails = planned('aws_cloudtrail')
  const trailGroupsByName = new Map<string, MonitoringKey>()
  for (const {attributes} of trails) {
    const group = logGroupOfArn(attributes.cloud_watch_logs_group_arn)
    if (group) trailGroupsByName.set(group.name, group.key)
  }

  const topicKeys = new Map<string, MonitoringKey>()
  const topics = new Map<MonitoringKey, TopicEvidence>()
  for (const resource of planned(TOPIC)) {
    const {instance, attributes} = resource
    const arn = asText(attributes.arn)
    const name = asText(attributes.name)
    const built = typeof name === 'string' && name !== '' && known ? (topicArn(name, region, account, partition) as string) : undefined
    const key = typeof arn === 'string' && arn !== '' ? arn : built ?? `${file}#${instance.address}`
    topicKeys.set(instance.address, key)
    topics.set(key, {topicKey: key, TopicArn: typeof arn === 'string' && arn !== '' ? arn : built ?? unknown(`known after apply (${instance.address}.arn)`), Subscriptions: [], ...where, provenance: provenance(resource, {TopicName: 'name'})})
    evidence.scopes.push({what: 'subscriptions', topicKey: key})
  }
  const topicKeyOf = (value: unknown, resource: Planned, argument: string): Maybe<MonitoringKey> => {
    if (typeof value === 'string' && value !== '') return value
    const [only, ...more] = referenced(resource, argument, TOPIC, topicKeys)
    if (only !== undefined && more.length === 0) return only
    return isUnknown(value) ? value : unknown(`${resource.instance.address}.${argument}`)
  }
  for (const resource of planned(SUBSCRIPTION)) {
    const {attributes} = resource
    const key = topicKeyOf(attributes.topic_arn, resource, 'topic_arn')
    if (isUnknown(key)) continue
    const protocol = asText(attributes.protocol)
    const endpoint = asText(attributes.endpoint)
    const subscription: SubscriptionEvidence = {
      SubscriptionArn: unknown('known once the subscription is confirmed, after apply'),
      ...(protocol !== undefined ? {Protocol: protocol} : {}),
      ...(endpoint !== undefined ? {Endpoint: endpoint} : {}),
      Planned: true,
    }
    const topic = topics.get(key)
    if (topic && Array.isArray(topic.Subscriptions)) topic.Subscriptions.push(subscription)
    else if (!topic) topics.set(key, {topicKey: key, TopicArn: key, Subscriptions: [subscription], ...where, provenance: provenance(resource, {TopicArn: 'topic_arn'})})
  }
  evidence.topics = [...topics.values()]

  for (const resource of planned(METRIC_FILTER)) {
    const {instance, attributes} = resource
    const logGroupName = asText(attributes.log_group_name)
    let logGroupKey: Maybe<MonitoringKey>
    const [reference] = referenced(resource, 'log_group_name', LOG_GROUP, groups)
    if (typeof logGroupName === 'string') {
      logGroupKey = groupsByName.get(logGroupName) ?? (known ? logGroupArn(region, account, logGroupName) : trailGroupsByName.get(logGroupName)) ??
        unknown(`the ARN of log group ${logGroupName}: the plan's region and account are not known (give --account)`)
    } else {
      logGroupKey = reference ?? logGroupName ?? unknown(`${instance.address}.log_group_name`)
    }
    evidence.metricFilters.push({
      filterName: asText(attributes.name) ?? unknown(`${instance.address}.name`),
      logGroupName: logGroupName ?? unknown(`${instance.address}.log_group_name`),
      filterPattern: asText(attributes.pattern) ?? unknown(`${instance.address}.pattern`),
      metricTransformations: transformations(attributes.metric_transformation, instance.address),
      logGroupKey,
      ...where,
      provenance: provenance(resource, {FilterPattern: 'pattern', LogGroupName: 'log_group_name', MetricTransformations: 'metric_transformation', FilterName: 'name'}),
    })
  }

  for (const resource of planned(ALARM)) {
    const {instance, attributes} = resource
    evidence.alarms.push({
      AlarmName: asText(attributes.alarm_name) ?? unknown(`${instance.address}.alarm_name`),
      ...(typeof attributes.arn === 'string' ? {AlarmArn: attributes.arn} : {}),
      Metrics: alarmMetrics(attributes),
      ActionsEnabled: asBoolean(attributes.actions_enabled) ?? true,
      AlarmActions: alarmActions(attributes.alarm_actions, (value) => topicKeyOf(value, resource, 'alarm_actions'), referenced(resource, 'alarm_actions', TOPIC, topicKeys)),
      // A plan writes null for an argument not set (a metric-math alarm's statistic): absent.
      ...alarmCondition(attributes.statistic ?? undefined, attributes.comparison_operator ?? undefined, attributes.threshold ?? undefined),
      ...where,
      provenance: provenance(resource, {MetricName: 'metric_name', Namespace: 'namespace', Metrics: 'metric_query', ActionsEnabled: 'actions_enabled', AlarmActions: 'alarm_actions', AlarmName: 'alarm_name'}),
    })
  }
  if (evidence.metricFilters.length > 0 || evidence.alarms.length > 0) evidence.scopes.push({what: 'alarms', ...where})

  return {
    evidence,
    trailLogGroupKey(trail: Instance, attributes: Attributes | UnknownValue): MonitoringKey | undefined {
      const resource: Planned = {instance: trail, type: 'aws_cloudtrail', attributes: isUnknown(attributes) ? {} : attributes}
      const arn = isUnknown(attributes) ? attributes : asText(attributes.cloud_watch_logs_group_arn)
      if (typeof arn === 'string') {
        const group = logGroupOfArn(arn)
        return group ? groupsByName.get(group.name) : undefined
      }
      const [only, ...more] = referenced(resource, 'cloud_watch_logs_group_arn', LOG_GROUP, groups)
      return more.length === 0 ? only : undefined
    },
  }
}

/** The planned attributes, each value marked in `after_unknown` replaced by an unknown that says why. */
function attributesOf(instance: Instance, configuration: PNode | undefined, type: string): Attributes {
  const values = withUnknowns(instance.values ? plain(instance.values) : {}, instance.afterUnknown, referencesOf(configuration, instance, type))
  if (isUnknown(values)) return Object.fromEntries(ARGUMENTS.map((argument) => [argument, values]))
  return typeof values === 'object' && values !== null && !Array.isArray(values) ? (values as Attributes) : {}
}

function transformations(value: unknown, address: string): Maybe<MetricTransformation[]> {
  if (isUnknown(value)) return value
  if (!Array.isArray(value)) return unknown(`${address}.metric_transformation`)
  return value.map((item) => {
    if (isUnknown(item)) return {metricName: item, metricNamespace: item}
    const record = typeof item === 'object' && item !== null ? (item as Record<string, unknown>) : {}
    const metricValue = asText(record.value)
    return {
      metricName: asText(record.name) ?? unknown(`${address}.metric_transformation.name`),
      metricNamespace: asText(record.namespace) ?? unknown(`${address}.metric_transformation.namespace`),
      ...(metricValue !== undefined ? {metricValue} : {}),
      ...dimensionsOf(record.dimensions, 'dimensions'),
    }
  })
}

/** The names of a `dimensions` map (null: none); a map known only after apply is not compared. */
function dimensionsOf<K extends 'Dimensions' | 'dimensions'>(value: unknown, key: K): Partial<Record<K, string[]>> {
  if (isUnknown(value)) return {}
  const names = filterDimensionNames(value ?? undefined)
  return names === undefined ? {} : ({[key]: names} as Record<K, string[]>)
}

/** `metric_name`/`namespace`, or the `metric` of each `metric_query` of a metric-math alarm. */
function alarmMetrics(attributes: Attributes): AlarmEvidence['Metrics'] {
  const name = attributes.metric_name
  const namespace = attributes.namespace
  if ((name !== undefined && name !== null && name !== '') || (namespace !== undefined && namespace !== null && namespace !== '')) {
    return [{MetricName: asText(name) ?? unknown('no metric_name'), Namespace: asText(namespace) ?? unknown('no namespace'), ...dimensionsOf(attributes.dimensions, 'Dimensions')}]
  }
  const queries = attributes.metric_query
  if (isUnknown(queries)) return [{MetricName: queries, Namespace: queries}]
  if (!Array.isArray(queries)) return []
  return queries.flatMap((query) => {
    const metrics = (query as {metric?: unknown} | null)?.metric
    if (isUnknown(metrics)) return [{MetricName: metrics, Namespace: metrics}]
    if (!Array.isArray(metrics)) return []
    return metrics.map((metric) => {
      const record = typeof metric === 'object' && metric !== null ? (metric as Record<string, unknown>) : {}
      return {MetricName: asText(record.metric_name) ?? unknown('no metric_name'), Namespace: asText(record.namespace) ?? unknown('no namespace'), ...dimensionsOf(record.dimensions, 'Dimensions')}
    })
  })
}

/**
 * The topic keys of an alarm's actions. A list Terraform knows only after apply is the topics its
 * expression references, when it references nothing else that could be an action.
 */
function alarmActions(value: unknown, keyOf: (value: unknown) => Maybe<MonitoringKey>, referencedTopics: MonitoringKey[]): Maybe<Maybe<MonitoringKey>[]> {
  if (value === undefined || value === null) return []
  if (isUnknown(value)) return referencedTopics.length > 0 ? referencedTopics : value
  if (!Array.isArray(value)) return unknown('alarm_actions is not a list')
  const unknowns = value.filter(isUnknown).length
  const knownKeys = value.filter((item) => !isUnknown(item)).map(keyOf)
  const missing = referencedTopics.filter((key) => !knownKeys.includes(key))
  if (unknowns === 0) return knownKeys
  if (missing.length === unknowns) return [...knownKeys, ...missing]
  return [...knownKeys, ...value.filter(isUnknown)]
}
