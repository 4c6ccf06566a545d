/**
 * A hand-written yes-or-don't-know for schemas/cloudtrail-record.schema.json. It answers `true` only
 * when the compiled schema would accept the record too, and `false` whenever it is not sure, so the
 * caller falls back to the schema itself: a verdict is never changed, only reached sooner for the
 * well-formed records that make up nearly every log.
 *
 * Every rule below restates one line of the schema. The schema's fingerprint is checked before the
 * fast path is used (see `FAST_CHECK_SCHEMA_FINGERPRINT`), so an edited schema turns it off instead
 * of letting the two drift apart.
 */

import {compactUtcMillis} from './utc-time.js'

/** sha256 of `JSON.stringify` of the parsed schema this module restates. */
export const FAST_CHECK_SCHEMA_FINGERPRINT = '097069a264d3577d36cbe406fb51dc65a64ee9d2ff31f6a9e8db8fe856074738'

type Json = Record<string, unknown>

// The schema's own patterns, compiled as the validator compiles them (no `u` flag).
const EVENT_VERSION = /^\d+\.\d+$/
const EVENT_SOURCE = /^[a-z0-9][a-z0-9.-]*\.amazonaws\.com$|^[a-z0-9][a-z0-9.-]*\.[a-z]{2,}$/
const EVENT_NAME = /^\S(.*\S)?$/
const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d+$|^global$/
const HOST_NAME = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)*[A-Za-z](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/
const NO_SPACE = /^\S+$/
const ACCOUNT_ID = /^\d{12}$/
// The `ipv4` format's own expression.
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/
// The shape CloudTrail writes; other date-times (offsets, lower-case t) are left to the schema.
const UTC_DATE_TIME = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.\d+)?Z$/

const EVENT_TYPES: ReadonlySet<unknown> = new Set(['AwsApiCall', 'AwsServiceEvent', 'AwsConsoleAction', 'AwsConsoleSignIn', 'AwsCloudTrailInsight', 'AwsVpceEvent'])
const EVENT_CATEGORIES: ReadonlySet<unknown> = new Set(['Management', 'Data', 'Insight', 'NetworkActivity'])
const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value)
const isString = (value: unknown): value is string => typeof value === 'string'
/** An absent optional field passes; a present one must pass `test`. */
const optional = (value: unknown, test: (value: unknown) => boolean): boolean => value === undefined || test(value)
const optionalString = (value: unknown): boolean => value === undefined || typeof value === 'string'
const matches = (pattern: RegExp) => (value: unknown): boolean => typeof value === 'string' && pattern.test(value)

const REMEMBERED_VALUES = 4096

/**
 * A pattern test that remembers (up to a bound) the values it accepted: an archive repeats a few
 * hundred event names, sources, regions and accounts millions of times, and a set lookup is cheaper
 * than the expression.
 */
function rememberingMatch(test: (value: string) => boolean): (value: unknown) => boolean {
  const accepted = new Set<string>()
  return (value) => {
    if (typeof value !== 'string') return false
    if (accepted.has(value)) return true
    if (!test(value)) return false
    if (accepted.size < REMEMBERED_VALUES) accepted.add(value)
    return true
  }
}
const objectOrNull = (value: unknown): boolean => value === null || isObject(value)
const isBoolean = (value: unknown): boolean => typeof value === 'boolean'
const isEventVersion = rememberingMatch((value) => EVENT_VERSION.test(value))
const isEventSource = rememberingMatch((value) => EVENT_SOURCE.test(value))
const isEventName = rememberingMatch((value) => EVENT_NAME.test(value))
const isRegion = rememberingMatch((value) => AWS_REGION.test(value))
const isEventId = matches(NO_SPACE)
const isAccountId = rememberingMatch((value) => ACCOUNT_ID.test(value))
const isIdentityType = (value: unknown): boolean => isString(value) && value.length > 0
const isArn = (value: unknown): boolean => isString(value) && value.startsWith('arn:')
const isEventType = (value: unknown): boolean => EVENT_TYPES.has(value)
const isEventCategory = (value: unknown): boolean => EVENT_CATEGORIES.has(value)

function isUtcDateTime(value: unknown): boolean {
  if (typeof value !== 'string') return false
  if (compactUtcMillis(value) !== undefined) return true
  const parts = UTC_DATE_TIME.exec(value)
  if (!parts) return false
  const year = Number(parts[1])
  const month = Number(parts[2])
  const day = Number(parts[3])
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
  const days = month === 2 && leap ? 29 : DAYS_IN_MONTH[month]
  if (month < 1 || month > 12 || day < 1 || days === undefined || day > days) return false
  return Number(parts[4]) <= 23 && Number(parts[5]) <= 59 && Number(parts[6]) <= 59
}

// IPv6 is the one alternative not restated: such records go to the schema.
const isSourceAddress = rememberingMatch((value) => IPV4.test(value) || value === 'AWS Internal' || HOST_NAME.test(value))

function isIdentity(value: unknown): boolean {
  if (!isObject(value)) return false
  return (
    optional(value.type, isIdentityType) &&
    optionalString(value.principalId) &&
    optional(value.arn, isArn) &&
    optional(value.accountId, isAccountId) &&
    optionalString(value.accessKeyId) &&
    optionalString(value.userName) &&
    optionalString(value.invokedBy) &&
    optional(value.sessionContext, isObject)
  )
}

function isResourceList(value: unknown): boolean {
  if (!Array.isArray(value)) return false
  for (const item of value) if (!isObject(item)) return false
  return true
}

/** True only when the record certainly satisfies the record schema; false means "ask the schema". */
export function surelyWellFormed(record: unknown): boolean {
  if (!isObject(record)) return false
  return (
    isEventVersion(record.eventVersion) &&
    isUtcDateTime(record.eventTime) &&
    isEventSource(record.eventSource) &&
    isEventName(record.eventName) &&
    isRegion(record.awsRegion) &&
    isIdentity(record.userIdentity) &&
    isEventId(record.eventID) &&
    optional(record.sourceIPAddress, isSourceAddress) &&
    optionalString(record.userAgent) &&
    optionalString(record.errorCode) &&
    optionalString(record.errorMessage) &&
    optional(record.requestParameters, objectOrNull) &&
    optional(record.responseElements, objectOrNull) &&
    optional(record.additionalEventData, objectOrNull) &&
    optionalString(record.requestID) &&
    optional(record.readOnly, isBoolean) &&
    optional(record.eventType, isEventType) &&
    optional(record.managementEvent, isBoolean) &&
    optional(record.eventCategory, isEventCategory) &&
    optional(record.recipientAccountId, isAccountId) &&
    optionalString(record.sharedEventID) &&
    optionalString(record.vpcEndpointId) &&
    optionalString(record.apiVersion) &&
    optional(record.resources, isResourceList) &&
    optional(record.tlsDetails, isObject)
  )
}
