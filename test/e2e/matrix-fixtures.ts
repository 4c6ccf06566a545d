/**
 * Small templates for the end-to-end matrix: one account's trails described once, written out in
 * every format trailgate reads (AWS CLI output, snapshot, CloudFormation YAML and JSON, a CDK
 * assembly, a Terraform plan), and CloudTrail records written out as every log format it reads.
 */
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'

import {stringify} from 'yaml'

export const ACCOUNT = '111122223333'
export const REGION = 'us-east-1'

interface DataResource {
  Type: string
  Values: string[]
}

export interface EventSelector {
  ReadWriteType: 'All' | 'ReadOnly' | 'WriteOnly'
  IncludeManagementEvents: boolean
  DataResources: DataResource[]
  ExcludeManagementEventSources: string[]
}

export interface FieldSelector {
  Field: string
  Equals?: string[]
  StartsWith?: string[]
}

export interface AdvancedEventSelector {
  Name: string
  FieldSelectors: FieldSelector[]
}

/** A trail in AWS's own words, as DescribeTrails + GetTrailStatus + GetEventSelectors show it after deploy. */
export interface TrailTemplate {
  Name: string
  IsMultiRegionTrail: boolean
  IncludeGlobalServiceEvents: boolean
  LogFileValidationEnabled: boolean
  KmsKeyId?: string
  CloudWatchLogsLogGroupArn?: string
  IsLogging: boolean
  /** Only a deployed trail can have one: AWS CLI output and snapshots carry it, IaC cannot. */
  LatestDeliveryError?: string
  EventSelectors?: EventSelector[]
  AdvancedEventSelectors?: AdvancedEventSelector[]
}

export const trailArn = (name: string) => `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/${name}`
const logGroupArn = (name: string) => `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${name}:*`
const logsRoleArn = `arn:aws:iam::${ACCOUNT}:role/CloudTrailToCloudWatchLogs`
const kmsKeyArn = `arn:aws:kms:${REGION}:${ACCOUNT}:key/0f3c9a1e-4c1e-4f7a-9b1d-5e2a6c3d8f90`
const bucket = (name: string) => `${name}-logs-${ACCOUNT}`

function s3Values(count: number): string[] {
  return Array.from({length: count}, (_, index) => `arn:aws:s3:::bucket-${index}/`)
}

/** A trail every trail, region and account policy accepts. */
export const GOOD_TRAILS: TrailTemplate[] = [
  {
    Name: 'good-trail',
    IsMultiRegionTrail: true,
    IncludeGlobalServiceEvents: true,
    LogFileValidationEnabled: true,
    KmsKeyId: kmsKeyArn,
    CloudWatchLogsLogGroupArn: logGroupArn('good-trail'),
    IsLogging: true,
    EventSelectors: [{ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [{Type: 'AWS::S3::Object', Values: ['arn:aws:s3']}], ExcludeManagementEventSources: []}],
  },
]

const weak = (name: string): TrailTemplate => ({Name: name, IsMultiRegionTrail: false, IncludeGlobalServiceEvents: false, LogFileValidationEnabled: false, IsLogging: false})

/**
 * Six trails in one region that break every trail, region and account policy between them: no
 * logging multi-region trail, no global service events, no S3 data events, six trails in a region,
 * six basic selectors holding 251 data resources, 501 advanced selector values, write-only management
 * events, no KMS key, no validation, no CloudWatch Logs, a delivery error.
 */
export const BAD_TRAILS: TrailTemplate[] = [
  {
    ...weak('bad-selectors'),
    IsMultiRegionTrail: true,
    LatestDeliveryError: 'AccessDenied',
    EventSelectors: [
      {ReadWriteType: 'WriteOnly', IncludeManagementEvents: true, DataResources: [{Type: 'AWS::S3::Object', Values: s3Values(246)}], ExcludeManagementEventSources: []},
      ...Array.from({length: 5}, (_, index): EventSelector => ({ReadWriteType: 'All', IncludeManagementEvents: false, DataResources: [{Type: 'AWS::S3::Object', Values: [`arn:aws:s3:::extra-${index}/`]}], ExcludeManagementEventSources: []})),
    ],
  },
  {
    ...weak('bad-advanced'),
    AdvancedEventSelectors: [
      {
        Name: 'Many buckets',
        FieldSelectors: [
          {Field: 'eventCategory', Equals: ['Data']},
          {Field: 'resources.type', Equals: ['AWS::S3::Object']},
          {Field: 'resources.ARN', StartsWith: s3Values(499)},
        ],
      },
    ],
  },
  weak('bad-3'),
  weak('bad-4'),
  weak('bad-5'),
  weak('bad-6'),
]

export type TrailInputKind = 'aws-cli' | 'snapshot' | 'cloudformation-yaml' | 'cloudformation-json' | 'cdk' | 'terraform'
export const TRAIL_INPUT_KINDS: TrailInputKind[] = ['aws-cli', 'snapshot', 'cloudformation-yaml', 'cloudformation-json', 'cdk', 'terraform']
export const IAC_KINDS: TrailInputKind[] = ['cloudformation-yaml', 'cloudformation-json', 'cdk', 'terraform']

function describeTrail(trail: TrailTemplate): Record<string, unknown> {
  return {
    Name: trail.Name,
    S3BucketName: bucket(trail.Name),
    IncludeGlobalServiceEvents: trail.IncludeGlobalServiceEvents,
    IsMultiRegionTrail: trail.IsMultiRegionTrail,
    HomeRegion: REGION,
    TrailARN: trailArn(trail.Name),
    LogFileValidationEnabled: trail.LogFileValidationEnabled,
    ...(trail.CloudWatchLogsLogGroupArn ? {CloudWatchLogsLogGroupArn: trail.CloudWatchLogsLogGroupArn, CloudWatchLogsRoleArn: logsRoleArn} : {}),
    ...(trail.KmsKeyId ? {KmsKeyId: trail.KmsKeyId} : {}),
    HasCustomEventSelectors: Boolean(trail.EventSelectors ?? trail.AdvancedEventSelectors),
    HasInsightSelectors: false,
    IsOrganizationTrail: false,
  }
}

function trailStatus(trail: TrailTemplate): Record<string, unknown> {
  return {
    IsLogging: trail.IsLogging,
    LatestDeliveryTime: '2026-01-05T09:55:02.114000+00:00',
    ...(trail.LatestDeliveryError ? {LatestDeliveryError: trail.LatestDeliveryError} : {}),
    StartLoggingTime: '2026-01-01T09:12:44.518000+00:00',
  }
}

function selectors(trail: TrailTemplate): Record<string, unknown> {
  return trail.AdvancedEventSelectors ? {AdvancedEventSelectors: trail.AdvancedEventSelectors} : {EventSelectors: trail.EventSelectors ?? []}
}

function writeJson(path: string, value: unknown): void {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`)
}

function writeAwsCli(dir: string, trails: TrailTemplate[]): void {
  writeJson(join(dir, `describe-trails.${REGION}.json`), {trailList: trails.map(describeTrail)})
  for (const trail of trails) {
    writeJson(join(dir, `get-trail-status-${trail.Name}.json`), trailStatus(trail))
    if (trail.EventSelectors ?? trail.AdvancedEventSelectors) writeJson(join(dir, `get-event-selectors-${trail.Name}.json`), {TrailARN: trailArn(trail.Name), ...selectors(trail)})
  }
}

function writeSnapshot(dir: string, trails: TrailTemplate[]): void {
  writeJson(join(dir, 'snapshot.json'), {
    kind: 'trailgate-snapshot',
    version: 1,
    collectedAt: '2026-01-05T10:00:00Z',
    tool: {name: 'trailgate', version: '0.1.0'},
    accounts: [
      {
        accountId: ACCOUNT,
        partition: 'aws',
        regions: [REGION],
        trails: trails.map((trail) => ({...describeTrail(trail), Status: trailStatus(trail), ...selectors(trail), InsightSelectors: [], Tags: {}})),
        regionTrails: {[REGION]: trails.map((trail) => trailArn(trail.Name))},
        errors: [],
      },
    ],
  })
}

/** AWS::CloudTrail::Trail properties, the names CloudFormation uses for the DescribeTrails fields. */
function cloudFormationTrail(trail: TrailTemplate): Record<string, unknown> {
  return {
    Type: 'AWS::CloudTrail::Trail',
    Properties: {
      TrailName: trail.Name,
      S3BucketName: bucket(trail.Name),
      IsLogging: trail.IsLogging,
      IsMultiRegionTrail: trail.IsMultiRegionTrail,
      IncludeGlobalServiceEvents: trail.IncludeGlobalServiceEvents,
      EnableLogFileValidation: trail.LogFileValidationEnabled,
      ...(trail.KmsKeyId ? {KMSKeyId: trail.KmsKeyId} : {}),
      ...(trail.CloudWatchLogsLogGroupArn ? {CloudWatchLogsLogGroupArn: trail.CloudWatchLogsLogGroupArn, CloudWatchLogsRoleArn: logsRoleArn} : {}),
      ...(trail.EventSelectors ? {EventSelectors: trail.EventSelectors} : {}),
      ...(trail.AdvancedEventSelectors ? {AdvancedEventSelectors: trail.AdvancedEventSelectors} : {}),
    },
  }
}

const logicalId = (name: string) => name.split('-').map((part) => part[0]!.toUpperCase() + part.slice(1)).join('')

function cloudFormationTemplate(trails: TrailTemplate[], metadata?: (trail: TrailTemplate) => Record<string, unknown>): Record<string, unknown> {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Resources: Object.fromEntries(trails.map((trail) => [logicalId(trail.Name), {...cloudFormationTrail(trail), ...(metadata ? {Metadata: metadata(trail)} : {})}])),
  }
}

function writeCdk(dir: string, trails: TrailTemplate[]): void {
  const out = join(dir, 'cdk.out')
  mkdirSync(out)
  writeJson(join(out, 'AuditStack.template.json'), cloudFormationTemplate(trails, (trail) => ({'aws:cdk:path': `AuditStack/${logicalId(trail.Name)}/Resource`})))
  writeJson(join(out, 'manifest.json'), {
    version: '55.0.0',
    artifacts: {
      AuditStack: {
        type: 'aws:cloudformation:stack',
        environment: `aws://${ACCOUNT}/${REGION}`,
        properties: {templateFile: 'AuditStack.template.json', validateOnSynth: false},
        displayName: 'AuditStack',
      },
    },
  })
}

function terraformSelector(selector: EventSelector): Record<string, unknown> {
  return {
    read_write_type: selector.ReadWriteType,
    include_management_events: selector.IncludeManagementEvents,
    data_resource: selector.DataResources.map((resource) => ({type: resource.Type, values: resource.Values})),
    exclude_management_event_sources: selector.ExcludeManagementEventSources,
  }
}

function terraformAdvancedSelector(selector: AdvancedEventSelector): Record<string, unknown> {
  return {
    name: selector.Name,
    field_selector: selector.FieldSelectors.map((field) => ({field: field.Field, equals: field.Equals ?? null, starts_with: field.StartsWith ?? null, ends_with: null, not_equals: null, not_starts_with: null, not_ends_with: null})),
  }
}

/** The aws_cloudtrail arguments `terraform show -json` prints for the trail. */
function terraformValues(trail: TrailTemplate): Record<string, unknown> {
  return {
    name: trail.Name,
    s3_bucket_name: bucket(trail.Name),
    s3_key_prefix: null,
    enable_logging: trail.IsLogging,
    is_multi_region_trail: trail.IsMultiRegionTrail,
    include_global_service_events: trail.IncludeGlobalServiceEvents,
    enable_log_file_validation: trail.LogFileValidationEnabled,
    is_organization_trail: false,
    kms_key_id: trail.KmsKeyId ?? null,
    cloud_watch_logs_group_arn: trail.CloudWatchLogsLogGroupArn ?? null,
    cloud_watch_logs_role_arn: trail.CloudWatchLogsLogGroupArn ? logsRoleArn : null,
    event_selector: (trail.EventSelectors ?? []).map(terraformSelector),
    advanced_event_selector: (trail.AdvancedEventSelectors ?? []).map(terraformAdvancedSelector),
    insight_selector: [],
    sns_topic_name: null,
    tags: null,
    tags_all: {},
  }
}

function writeTerraform(dir: string, trails: TrailTemplate[]): void {
  const resource = (trail: TrailTemplate) => ({
    address: `aws_cloudtrail.${trail.Name.replaceAll('-', '_')}`,
    mode: 'managed',
    type: 'aws_cloudtrail',
    name: trail.Name.replaceAll('-', '_'),
    provider_name: 'registry.terraform.io/hashicorp/aws',
  })
  writeJson(join(dir, 'plan.json'), {
    format_version: '1.2',
    terraform_version: '1.9.5',
    planned_values: {root_module: {resources: trails.map((trail) => ({...resource(trail), schema_version: 0, values: terraformValues(trail), sensitive_values: {}}))}},
    resource_changes: trails.map((trail) => ({
      ...resource(trail),
      change: {actions: ['create'], before: null, after: terraformValues(trail), after_unknown: {arn: true, home_region: true, id: true}, before_sensitive: false, after_sensitive: {}},
    })),
    configuration: {provider_config: {aws: {name: 'aws', full_name: 'registry.terraform.io/hashicorp/aws', expressions: {region: {constant_value: REGION}}}}},
  })
}

/** Writes the trails into `dir` as one input of the given kind. */
export function writeTrailInput(dir: string, kind: TrailInputKind, trails: TrailTemplate[]): void {
  mkdirSync(dir, {recursive: true})
  switch (kind) {
    case 'aws-cli': {
      writeAwsCli(dir, trails)
      break
    }
    case 'snapshot': {
      writeSnapshot(dir, trails)
      break
    }
    case 'cloudformation-yaml': {
      writeFileSync(join(dir, 'template.yaml'), stringify(cloudFormationTemplate(trails)))
      break
    }
    case 'cloudformation-json': {
      writeJson(join(dir, 'template.json'), cloudFormationTemplate(trails))
      break
    }
    case 'cdk': {
      writeCdk(dir, trails)
      break
    }
    case 'terraform': {
      writeTerraform(dir, trails)
      break
    }
  }
}

// ---------------------------------------------------------------------------------------------
// CloudTrail records

export type CloudTrailRecord = Record<string, unknown> & {eventID: string; eventSource: string; eventName: string}

export const OFFICE_CIDR = '203.0.113.0/24'
export const OFFICE_IP = '203.0.113.10'
export const OUTSIDE_IP = '198.51.100.7'

let sequence = 0

/** A record in CloudTrail's format; `overrides` replace top-level fields, `identity` merges into userIdentity. */
export function record(eventSource: string, eventName: string, overrides: Record<string, unknown> = {}, identity: Record<string, unknown> = {}): CloudTrailRecord {
  sequence += 1
  const id = `0000${sequence}`.slice(-4)
  return {
    eventVersion: '1.09',
    userIdentity: {type: 'IAMUser', principalId: 'AIDAEXAMPLEALICE', arn: `arn:aws:iam::${ACCOUNT}:user/alice`, accountId: ACCOUNT, accessKeyId: 'AKIAIOSFODNN7EXAMPLE', userName: 'alice', ...identity},
    eventTime: `2026-01-05T10:${`0${sequence % 60}`.slice(-2)}:00Z`,
    eventSource,
    eventName,
    awsRegion: REGION,
    sourceIPAddress: OFFICE_IP,
    userAgent: 'aws-cli/2.17.0',
    requestParameters: null,
    responseElements: null,
    requestID: `req-${id}`,
    eventID: `5e0c1c3a-0000-4000-8000-00000000${id}`,
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
    ...overrides,
  }
}

/** A console sign-in record; Failure carries the error message CloudTrail writes. */
export const consoleLogin = (result: 'Success' | 'Failure', mfa: 'Yes' | 'No', overrides: Record<string, unknown> = {}) =>
  record('signin.amazonaws.com', 'ConsoleLogin', {
    eventType: 'AwsConsoleSignIn',
    userAgent: 'Mozilla/5.0',
    responseElements: {ConsoleLogin: result},
    additionalEventData: {LoginTo: 'https://console.aws.amazon.com/console/home', MobileVersion: 'No', MFAUsed: mfa},
    ...(result === 'Failure' ? {errorMessage: 'Failed authentication'} : {}),
    ...overrides,
  })

/** For each built-in event policy, one record it must report. */
export function failingRecords(): Record<string, CloudTrailRecord> {
  return {
    'root-account-usage': record('ec2.amazonaws.com', 'DescribeInstances', {readOnly: true}, {type: 'Root', principalId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, userName: undefined}),
    'console-login-failure': consoleLogin('Failure', 'No'),
    'console-login-without-mfa': consoleLogin('Success', 'No'),
    'unauthorized-api-call': record('s3.amazonaws.com', 'ListBuckets', {readOnly: true, errorCode: 'AccessDenied', errorMessage: 'Access Denied'}),
    'trail-tampering': record('cloudtrail.amazonaws.com', 'StopLogging', {requestParameters: {name: trailArn('good-trail')}}),
    'security-group-change': record('ec2.amazonaws.com', 'AuthorizeSecurityGroupIngress', {requestParameters: {groupId: 'sg-0123456789abcdef0'}}),
    'network-acl-change': record('ec2.amazonaws.com', 'CreateNetworkAclEntry', {requestParameters: {networkAclId: 'acl-0123456789abcdef0'}}),
    'network-gateway-change': record('ec2.amazonaws.com', 'AttachInternetGateway', {requestParameters: {internetGatewayId: 'igw-0123456789abcdef0'}}),
    'route-table-change': record('ec2.amazonaws.com', 'CreateRoute', {requestParameters: {routeTableId: 'rtb-0123456789abcdef0'}}),
    'vpc-change': record('ec2.amazonaws.com', 'CreateVpc', {requestParameters: {cidrBlock: '10.0.0.0/16'}}),
    'iam-policy-change': record('iam.amazonaws.com', 'PutUserPolicy', {requestParameters: {userName: 'bob', policyName: 'inline'}}),
    'kms-key-disable-or-deletion': record('kms.amazonaws.com', 'ScheduleKeyDeletion', {requestParameters: {keyId: kmsKeyArn, pendingWindowInDays: 7}}),
    's3-bucket-policy-change': record('s3.amazonaws.com', 'PutBucketPolicy', {requestParameters: {bucketName: 'app-uploads'}}),
    'config-change': record('config.amazonaws.com', 'StopConfigurationRecorder', {requestParameters: {configurationRecorderName: 'default'}}),
    'organizations-change': record('organizations.amazonaws.com', 'CreateAccount', {requestParameters: {accountName: 'sandbox'}}),
  }
}

/** Everyday activity no built-in event policy reports. */
export function passingRecords(): CloudTrailRecord[] {
  return [
    record('ec2.amazonaws.com', 'DescribeInstances', {readOnly: true}),
    record('s3.amazonaws.com', 'ListBuckets', {readOnly: true}),
    record('iam.amazonaws.com', 'GetUser', {readOnly: true}),
    record('kms.amazonaws.com', 'Decrypt', {readOnly: true}, {type: 'AWSService', invokedBy: 'cloudtrail.amazonaws.com'}),
    record('cloudtrail.amazonaws.com', 'DescribeTrails', {readOnly: true}),
    consoleLogin('Success', 'Yes'),
  ]
}

export type EventInputKind = 'log-file' | 'log-file-gzip' | 'lookup-events' | 'eventbridge' | 'json-lines'
export const EVENT_INPUT_KINDS: EventInputKind[] = ['log-file', 'log-file-gzip', 'lookup-events', 'eventbridge', 'json-lines']

const logFileName = `${ACCOUNT}_CloudTrail_${REGION}_20260105T1000Z_Ex4mpleMatrix.json`

/** The file each record kind is written to, relative to the input folder: results point at it. */
export function eventFile(kind: EventInputKind): string {
  switch (kind) {
    case 'log-file': {
      return `AWSLogs/${ACCOUNT}/CloudTrail/${REGION}/2026/01/05/${logFileName}`
    }
    case 'log-file-gzip': {
      return `AWSLogs/${ACCOUNT}/CloudTrail/${REGION}/2026/01/05/${logFileName}.gz`
    }
    case 'lookup-events': {
      return 'lookup-events.json'
    }
    case 'eventbridge': {
      return 'eventbridge-events.json'
    }
    case 'json-lines': {
      return 'records.jsonl'
    }
  }
}

function lookupEvent(entry: CloudTrailRecord): Record<string, unknown> {
  return {
    EventId: entry.eventID,
    EventName: entry.eventName,
    ReadOnly: String(entry.readOnly),
    EventTime: entry.eventTime,
    EventSource: entry.eventSource,
    Username: (entry.userIdentity as {userName?: string}).userName ?? 'root',
    Resources: [],
    CloudTrailEvent: JSON.stringify(entry),
  }
}

function eventBridgeEnvelope(entry: CloudTrailRecord): Record<string, unknown> {
  return {
    version: '0',
    id: `eb-${entry.eventID}`,
    'detail-type': entry.eventType === 'AwsConsoleSignIn' ? 'AWS Console Sign In via CloudTrail' : 'AWS API Call via CloudTrail',
    source: `aws.${entry.eventSource.split('.')[0]}`,
    account: ACCOUNT,
    time: entry.eventTime,
    region: REGION,
    resources: [],
    detail: entry,
  }
}

/** Writes the records into `dir` as one input of the given kind; returns the file's path. */
export function writeEventInput(dir: string, kind: EventInputKind, records: CloudTrailRecord[]): string {
  const path = join(dir, eventFile(kind))
  mkdirSync(join(path, '..'), {recursive: true})
  switch (kind) {
    case 'log-file': {
      writeFileSync(path, JSON.stringify({Records: records}))
      break
    }
    case 'log-file-gzip': {
      writeFileSync(path, gzipSync(JSON.stringify({Records: records})))
      break
    }
    case 'lookup-events': {
      writeJson(path, {Events: records.map(lookupEvent)})
      break
    }
    case 'eventbridge': {
      writeJson(path, records.map(eventBridgeEnvelope))
      break
    }
    case 'json-lines': {
      writeFileSync(path, `${records.map((entry) => JSON.stringify(entry)).join('\n')}\n`)
      break
    }
  }
  return path
}
