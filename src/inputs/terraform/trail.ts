import {isUnknown, unknown, type UnknownValue} from '../../model/types.js'
import type {PlannedTrail} from '../cloudformation/trail.js'
import {partitionOf} from '../cloudformation/resolve.js'
import {asBoolean, asText, defaultEventSelectors, logGroupArnAsAwsReportsIt, topicArn, trailArn} from '../cloudformation/values.js'

/** An `aws_cloudtrail` instance's planned attributes, unknown ones already replaced by UnknownValue. */
export type Attributes = Record<string, unknown>

const TEXT: Record<string, string> = {
  s3_bucket_name: 'S3BucketName',
  s3_key_prefix: 'S3KeyPrefix',
  kms_key_id: 'KmsKeyId',
  cloud_watch_logs_role_arn: 'CloudWatchLogsRoleArn',
}

/** Terraform argument → DescribeTrails field and the value AWS uses when it is not set. */
const BOOLEANS: Record<string, [string, boolean]> = {
  is_multi_region_trail: ['IsMultiRegionTrail', false],
  include_global_service_events: ['IncludeGlobalServiceEvents', true],
  enable_log_file_validation: ['LogFileValidationEnabled', false],
  is_organization_trail: ['IsOrganizationTrail', false],
}

/** Which Terraform argument produced each document field, for locations. */
export const SOURCE_ARGUMENT: Record<string, string> = {
  Name: 'name',
  TrailARN: 'arn',
  HomeRegion: 'home_region',
  S3BucketName: 's3_bucket_name',
  S3KeyPrefix: 's3_key_prefix',
  SnsTopicName: 'sns_topic_name',
  SnsTopicARN: 'sns_topic_name',
  KmsKeyId: 'kms_key_id',
  CloudWatchLogsLogGroupArn: 'cloud_watch_logs_group_arn',
  CloudWatchLogsRoleArn: 'cloud_watch_logs_role_arn',
  IsMultiRegionTrail: 'is_multi_region_trail',
  IncludeGlobalServiceEvents: 'include_global_service_events',
  LogFileValidationEnabled: 'enable_log_file_validation',
  IsOrganizationTrail: 'is_organization_trail',
  'Status.IsLogging': 'enable_logging',
  EventSelectors: 'event_selector',
  AdvancedEventSelectors: 'advanced_event_selector',
  InsightSelectors: 'insight_selector',
  HasInsightSelectors: 'insight_selector',
}

/** Block arguments whose elements are located one by one (`EventSelectors.0`). */
export const BLOCK_FIELDS: Record<string, string> = {
  event_selector: 'EventSelectors',
  advanced_event_selector: 'AdvancedEventSelectors',
  insight_selector: 'InsightSelectors',
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null && value !== ''
}

function list(value: unknown): unknown[] | UnknownValue | undefined {
  if (isUnknown(value)) return value
  return Array.isArray(value) && value.length > 0 ? value : undefined
}

function objects(value: unknown[]): Record<string, unknown>[] {
  return value.filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null && !isUnknown(item))
}

function strings(value: unknown): string[] {
  if (isUnknown(value)) return value as unknown as string[]
  return Array.isArray(value) ? (value.map((item) => (isUnknown(item) ? item : String(item))) as string[]) : []
}

/** Every argument the normalization reads, for a resource whose whole planned object is unknown. */
const ARGUMENTS = [
  'name', 'arn', 'home_region', ...Object.keys(TEXT), 'sns_topic_name', 'cloud_watch_logs_group_arn', ...Object.keys(BOOLEANS), 'enable_logging',
  'advanced_event_selector', 'event_selector', 'insight_selector', 'tags', 'tags_all',
]

/**
 * The trail as DescribeTrails will show it once the plan is applied. When the plan marks the whole
 * object unknown (`after_unknown: true`), each argument is unknown: no provider default stands in.
 */
export function normalizeTerraformTrail(given: Attributes | UnknownValue, environment: {region?: string; account?: string}): PlannedTrail {
  const attributes: Attributes = isUnknown(given) ? Object.fromEntries(ARGUMENTS.map((argument) => [argument, given])) : given
  const document: PlannedTrail = {}
  const {region, account} = environment
  const partition = region === undefined ? 'aws' : partitionOf(region)
  const name = asText(attributes.name)
  if (name !== undefined) document.Name = name
  const arn = asText(attributes.arn)
  document.TrailARN = typeof arn === 'string' && arn !== '' ? arn : trailArn(name, region, account, partition)
  const home = asText(attributes.home_region)
  document.HomeRegion = typeof home === 'string' && home !== '' ? home : region ?? home ?? unknown('known after apply')
  for (const [argument, field] of Object.entries(TEXT)) {
    const value = asText(attributes[argument])
    if (value !== undefined && value !== '') document[field] = value
  }
  const topic = asText(attributes.sns_topic_name)
  if (topic !== undefined && topic !== '') {
    document.SnsTopicName = topic
    document.SnsTopicARN = topicArn(topic, region, account, partition)
  }
  const logGroup = asText(attributes.cloud_watch_logs_group_arn)
  if (logGroup !== undefined && logGroup !== '') document.CloudWatchLogsLogGroupArn = logGroupArnAsAwsReportsIt(logGroup)
  for (const [argument, [field, fallback]] of Object.entries(BOOLEANS)) document[field] = asBoolean(attributes[argument]) ?? fallback
  document.Status = {IsLogging: asBoolean(attributes.enable_logging) ?? true}

  const advanced = list(attributes.advanced_event_selector)
  const basic = list(attributes.event_selector)
  if (advanced !== undefined) {
    document.AdvancedEventSelectors = isUnknown(advanced)
      ? advanced
      : objects(advanced).map((selector) => ({
          ...(present(selector.name) ? {Name: asText(selector.name) as string} : {}),
          FieldSelectors: objects(Array.isArray(selector.field_selector) ? selector.field_selector : []).map((field) => {
            const result: Record<string, unknown> = {Field: asText(field.field) ?? ''}
            for (const [argument, key] of FIELD_OPERATORS) {
              const values = strings(field[argument])
              if (isUnknown(values) || values.length > 0) result[key] = values
            }
            return result as {Field: string}
          }),
        }))
  } else if (basic !== undefined) {
    document.EventSelectors = isUnknown(basic)
      ? basic
      : objects(basic).map((selector) => ({
          ReadWriteType: (asText(selector.read_write_type) ?? 'All') as 'All',
          IncludeManagementEvents: (asBoolean(selector.include_management_events) ?? true) as boolean,
          DataResources: objects(Array.isArray(selector.data_resource) ? selector.data_resource : []).map((resource) => ({
            Type: asText(resource.type) as string,
            Values: strings(resource.values),
          })),
          ExcludeManagementEventSources: strings(selector.exclude_management_event_sources),
        }))
  } else {
    document.EventSelectors = defaultEventSelectors()
  }
  document.HasCustomEventSelectors = advanced !== undefined || basic !== undefined
  const insights = list(attributes.insight_selector)
  if (insights !== undefined) {
    document.InsightSelectors = isUnknown(insights) ? insights : objects(insights).map((selector) => ({InsightType: asText(selector.insight_type) as string}))
  }
  document.HasInsightSelectors = insights === undefined ? false : isUnknown(insights) ? insights : true
  // tags_all adds the provider's default_tags; when it is only known after apply, the trail's own tags are used.
  const tags = isKnownMap(attributes.tags_all) ? attributes.tags_all : isKnownMap(attributes.tags) ? attributes.tags : attributes.tags_all
  if (isUnknown(tags)) document.Tags = tags as unknown as Record<string, string>
  else if (isKnownMap(tags) && Object.keys(tags).length > 0) {
    document.Tags = Object.fromEntries(Object.entries(tags).map(([key, value]) => [key, isUnknown(value) ? value : String(value)]))
  }
  return document
}

function isKnownMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isUnknown(value)
}

const FIELD_OPERATORS: [string, string][] = [
  ['equals', 'Equals'],
  ['starts_with', 'StartsWith'],
  ['ends_with', 'EndsWith'],
  ['not_equals', 'NotEquals'],
  ['not_starts_with', 'NotStartsWith'],
  ['not_ends_with', 'NotEndsWith'],
]
