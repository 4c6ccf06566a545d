import {isUnknown, unknown, type UnknownValue} from '../../model/types.js'
import type {AlarmCondition} from '../../model/monitoring.js'

/** Shared by the CloudFormation and Terraform readers: coercions to the types DescribeTrails uses. */

export type Known<T> = T | UnknownValue

export function asBoolean(value: unknown): Known<boolean> | undefined {
  if (typeof value === 'boolean' || isUnknown(value)) return value
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true'
  return undefined
}

export function asText(value: unknown): Known<string> | undefined {
  if (typeof value === 'string' || isUnknown(value)) return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return undefined
}

/**
 * AWS reports a trail's log group ARN with the `:*` suffix (`…:log-group:CloudTrail:*`), whichever
 * way it was written in the template; both forms are accepted on input.
 */
export function logGroupArnAsAwsReportsIt(value: Known<string>): Known<string> {
  if (isUnknown(value)) return value
  return /^arn:[^:]+:logs:[^:]*:[^:]*:log-group:[^:]+$/.test(value) ? `${value}:*` : value
}

export function trailArn(name: unknown, region: string | undefined, account: string | undefined, partition: string): Known<string> {
  if (typeof name === 'string' && name.startsWith('arn:')) return name
  if (typeof name !== 'string' || region === undefined || account === undefined) return unknown('known after deploy')
  return `arn:${partition}:cloudtrail:${region}:${account}:trail/${name}`
}

export function topicArn(topic: Known<string>, region: string | undefined, account: string | undefined, partition: string): Known<string> {
  if (isUnknown(topic) || topic.startsWith('arn:')) return topic
  if (region === undefined || account === undefined) return unknown(`the ARN of SNS topic ${topic}`)
  return `arn:${partition}:sns:${region}:${account}:${topic}`
}

/** What GetEventSelectors returns for a trail that never had custom selectors: all management events. */
export function defaultEventSelectors(): {ReadWriteType: 'All'; IncludeManagementEvents: true; DataResources: []; ExcludeManagementEventSources: []}[] {
  return [{ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: []}]
}

export function asNumber(value: unknown): Known<number> | undefined {
  if (typeof value === 'number' || isUnknown(value)) return value
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value)
  return undefined
}

/** An alarm's `Statistic`, `ComparisonOperator`, `Threshold` as a template writes them: absent stays absent, a value of the wrong kind is unknown. */
export function alarmCondition(statistic: unknown, operator: unknown, threshold: unknown): AlarmCondition {
  const known = <T>(value: unknown, coerce: (value: unknown) => Known<T> | undefined, field: string): Known<T> | undefined =>
    value === undefined ? undefined : (coerce(value) ?? unknown(`${field} is not ${field === 'Threshold' ? 'a number' : 'a string'}`))
  const stat = known(statistic, asText, 'Statistic')
  const op = known(operator, asText, 'ComparisonOperator')
  const limit = known(threshold, asNumber, 'Threshold')
  return {...(stat !== undefined ? {Statistic: stat} : {}), ...(op !== undefined ? {ComparisonOperator: op} : {}), ...(limit !== undefined ? {Threshold: limit} : {})}
}
