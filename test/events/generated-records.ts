/** Seeded CloudTrail records, routine and notable, for tests that compare a fast path with the slow one. */

function mulberry32(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const CALLS: [string, string][] = [
  ['ec2.amazonaws.com', 'DescribeInstances'],
  ['s3.amazonaws.com', 'GetBucketAcl'],
  ['sts.amazonaws.com', 'AssumeRole'],
  ['signin.amazonaws.com', 'ConsoleLogin'],
  ['cloudtrail.amazonaws.com', 'StopLogging'],
  ['cloudtrail.amazonaws.com', 'PutEventSelectors'],
  ['ec2.amazonaws.com', 'AuthorizeSecurityGroupIngress'],
  ['ec2.amazonaws.com', 'CreateRoute'],
  ['iam.amazonaws.com', 'AttachRolePolicy'],
  ['kms.amazonaws.com', 'ScheduleKeyDeletion'],
  ['s3.amazonaws.com', 'PutBucketPolicy'],
  ['s3.amazonaws.com', 'HeadBucket'],
  ['config.amazonaws.com', 'StopConfigurationRecorder'],
  ['organizations.amazonaws.com', 'CreateAccount'],
  ['ec2.amazonaws.com', 'CreateVpc'],
]

const ADDRESSES = ['10.1.2.3', '198.51.100.7', '192.0.2.44', '2001:db8::1', '2600:1f18::5', 'AWS Internal', 'ec2.amazonaws.com', 'delivery.logs.amazonaws.com', '010.001.002.003']

export function generatedRecords(count: number, seed = 7): Record<string, unknown>[] {
  const random = mulberry32(seed)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!
  const records: Record<string, unknown>[] = []
  for (let index = 0; index < count; index++) {
    const [eventSource, eventName] = pick(CALLS)
    const account = pick(['111122223333', '444455556666'])
    const roll = random()
    const userIdentity =
      roll < 0.15
        ? {type: 'Root', principalId: account, arn: `arn:aws:iam::${account}:root`, accountId: account, ...(random() < 0.3 ? {invokedBy: 'support.amazonaws.com'} : {})}
        : roll < 0.35
          ? {type: 'AWSService', invokedBy: 'ec2.amazonaws.com'}
          : roll < 0.55
            ? {type: 'IAMUser', principalId: 'AIDAEXAMPLE', arn: `arn:aws:iam::${account}:user/alice`, accountId: account, userName: 'alice'}
            : {type: 'AssumedRole', arn: `arn:aws:sts::${account}:assumed-role/App/s`, accountId: account, sessionContext: {attributes: {mfaAuthenticated: 'false'}}}
    const minute = String(index % 60).padStart(2, '0')
    const record: Record<string, unknown> = {
      eventVersion: '1.09',
      userIdentity,
      eventTime: random() < 0.9 ? `2024-05-01T12:${minute}:07Z` : `2024-05-01T12:${minute}:07.123Z`,
      eventSource,
      eventName,
      awsRegion: pick(['us-east-1', 'eu-west-1', 'global']),
      sourceIPAddress: pick(ADDRESSES),
      userAgent: 'aws-cli/2.15.30',
      requestParameters: eventName === 'PutEventSelectors' ? {eventSelectors: [{readWriteType: pick(['All', 'ReadOnly']), includeManagementEvents: random() < 0.5}]} : null,
      responseElements: eventName === 'ConsoleLogin' ? {ConsoleLogin: pick(['Success', 'Failure'])} : null,
      requestID: `req-${index}`,
      eventID: `event-${seed}-${index}`,
      readOnly: random() < 0.5,
      eventType: eventName === 'ConsoleLogin' ? 'AwsConsoleSignIn' : pick(['AwsApiCall', 'AwsServiceEvent']),
      managementEvent: true,
      recipientAccountId: account,
      eventCategory: 'Management',
    }
    if (random() < 0.2) record.errorCode = pick(['AccessDenied', 'Client.UnauthorizedOperation', 'ThrottlingException'])
    if (eventName === 'ConsoleLogin') {
      record.additionalEventData = {MFAUsed: pick(['Yes', 'No'])}
      if (random() < 0.3) record.errorMessage = 'Failed authentication'
    }
    if (random() < 0.1) record.resources = [{ARN: 'arn:aws:s3:::bucket', type: 'AWS::S3::Bucket'}]
    records.push(record)
  }
  return records
}

/** Odd values for the fields the record schema constrains: wrong types, bad shapes, edge dates. */
export const ODD_VALUES: Record<string, unknown[]> = {
  eventVersion: ['1', '1.09 ', 1.09, '', 'v1.0'],
  eventTime: ['2024-02-29T00:00:00Z', '2023-02-29T00:00:00Z', '2024-04-31T10:00:00Z', '2024-13-01T00:00:00Z', '2024-01-01T24:00:00Z', '2016-12-31T23:59:60Z', '2024-01-01T12:00:00+02:00', '2024-01-01t12:00:00z', '2024-01-01 12:00:00Z', '2024-01-01T12:00:00', '0999-01-01T00:00:00Z', '2024-1-01T00:00:00Z', '2024-01-01T12:00:00.5Z', 20240101, ''],
  eventSource: ['EC2.amazonaws.com', 'ec2', 'example.org', '', null],
  eventName: ['', ' Describe', 'Describe ', 'Two words', 'Line\nbreak', 42],
  awsRegion: ['us-east-1', 'US-EAST-1', 'useast1', 'global', 'cn-north-1', ''],
  sourceIPAddress: ['::1', '2001:db8::', 'fe80::1%eth0', '1.2.3', '256.1.1.1', '01.2.3.4', 'AWS Internal', 'aws internal', 'my-host.example', '-bad.example', 'a..b', '', 17, null],
  userIdentity: [null, 'Root', [], {}, {type: ''}, {type: 3}, {arn: 'nope'}, {accountId: '12345'}, {sessionContext: []}, {userName: null}],
  eventID: ['', 'has space', ' leading', 12],
  requestParameters: [[], 'text', 0],
  responseElements: [[], true],
  additionalEventData: [[], 'x'],
  readOnly: ['true', 1, null],
  eventType: ['AwsApiCall', 'ApiCall', null, ''],
  managementEvent: ['false', 0],
  eventCategory: ['Data', 'data', 'Other', null],
  recipientAccountId: ['12345678901', '1234567890123', 'abcdefghijkl', 123456789012],
  resources: [{}, [1], [null], [[]], []],
  tlsDetails: [[], 'TLS'],
  userAgent: [null, 5],
  errorCode: [null, 404],
  errorMessage: [false],
  requestID: [1],
  sharedEventID: [{}],
  vpcEndpointId: [[]],
  apiVersion: [2],
}
