import {mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {describe, expect, it} from 'vitest'

import type {Report} from '../../src/engine/report-types.js'
import {ROOT, trailgate} from './cli.js'

const ACCOUNT = '111122223333'

/** A fresh folder holding the given files (paths relative to it); objects are written as JSON. */
function folder(files: Record<string, unknown>): string {
  const root = mkdtempSync(join(tmpdir(), 'trailgate-semantics-'))
  for (const [path, content] of Object.entries(files)) {
    const target = join(root, path)
    mkdirSync(dirname(target), {recursive: true})
    writeFileSync(target, typeof content === 'string' ? content : JSON.stringify(content, null, 2))
  }
  return root
}

function check(cwd: string, args: string[]): {status: number; report: Report; stderr: string} {
  const run = trailgate(['check', ...args, '--format', 'json'], {cwd})
  return {status: run.status, report: JSON.parse(run.stdout) as Report, stderr: run.stderr}
}

const resultsOf = (report: Report, policy: string) => report.results.filter((result) => result.policy === policy)
const errors = (report: Report) => report.diagnostics.filter((diagnostic) => diagnostic.severity === 'error')

function trail(name: string, home: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    Name: name,
    S3BucketName: `aws-cloudtrail-logs-${ACCOUNT}-${name}`,
    IncludeGlobalServiceEvents: true,
    IsMultiRegionTrail: false,
    HomeRegion: home,
    TrailARN: `arn:aws:cloudtrail:${home}:${ACCOUNT}:trail/${name}`,
    LogFileValidationEnabled: true,
    HasCustomEventSelectors: false,
    HasInsightSelectors: false,
    IsOrganizationTrail: false,
    ...extra,
  }
}

function record(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    eventVersion: '1.08',
    userIdentity: {type: 'IAMUser', principalId: 'AIDAEXAMPLEPRINCIPAL', arn: `arn:aws:iam::${ACCOUNT}:user/alice`, accountId: ACCOUNT, userName: 'alice'},
    eventTime: '2025-05-01T12:00:00Z',
    eventSource: 'cloudtrail.amazonaws.com',
    awsRegion: 'us-east-1',
    sourceIPAddress: '198.51.100.7',
    userAgent: 'aws-cli/2.15.0',
    requestParameters: null,
    responseElements: null,
    requestID: 'req-1',
    eventID: `0b1e2a3c-0000-4000-8000-${String(Math.floor(Math.random() * 1e12)).padStart(12, '0')}`,
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
    ...fields,
  }
}

const LOG_KEY = `AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/2025/05/01/${ACCOUNT}_CloudTrail_us-east-1_20250501T1200Z_Ex4mple.json`

describe('evidence is merged as AWS means it (end to end, built CLI)', () => {
  it('takes the home-region listing as the authority: a field it omits is not filled from another region', () => {
    const home = trail('everywhere', 'eu-west-1', {IsMultiRegionTrail: true})
    const shadow = {...home, KmsKeyId: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/51e8a3f0-4c1e-4f7a-9b1d-5e2a6c3d8f90`}
    const cwd = folder({
      'describe-trails.us-east-1.json': {trailList: [shadow]},
      'describe-trails.eu-west-1.json': {trailList: [home]},
    })
    const {status, report} = check(cwd, ['.', '--only', 'kms-encryption'])
    expect(resultsOf(report, 'kms-encryption').map((result) => result.status)).toEqual(['fail'])
    const conflict = errors(report).find((diagnostic) => diagnostic.code === 'conflicting-evidence')
    expect(conflict?.file).toBe('describe-trails.us-east-1.json')
    expect(conflict?.message).toContain('KmsKeyId')
    expect(conflict?.message).toContain('describe-trails.eu-west-1.json')
    expect(status).toBe(2)
  })

  it('reads get-trail-status timestamps printed as epoch seconds (AWS CLI v1, v2 wire format) and as ISO 8601', () => {
    const cwd = folder({
      'describe-trails.us-east-1.json': {trailList: [trail('epoch', 'us-east-1'), trail('iso', 'us-east-1')]},
      'get-trail-status-epoch.json': {
        IsLogging: true,
        LatestDeliveryTime: 1748937302.114,
        StartLoggingTime: 1736845964,
        LatestDigestDeliveryTime: 1748937302.114,
        LatestCloudWatchLogsDeliveryTime: 1748937302,
        TimeLoggingStarted: '2025-01-14T09:12:44Z',
      },
      'get-trail-status-iso.json': {IsLogging: true, LatestDeliveryTime: '2025-06-03T07:55:02.114000+00:00', StartLoggingTime: '2025-01-14T09:12:44Z'},
    })
    const {status, report} = check(cwd, ['.', '--only', 'logging-enabled,delivery-healthy'])
    expect(errors(report)).toEqual([])
    expect(report.summary.inputs.failed).toBe(0)
    expect(resultsOf(report, 'logging-enabled').map((result) => result.status)).toEqual(['pass', 'pass'])
    expect(resultsOf(report, 'delivery-healthy').map((result) => result.status)).toEqual(['pass', 'pass'])
    expect(status).toBe(0)
  })

  it('adds up a ReadOnly and a WriteOnly basic selector that both include management events', () => {
    const cwd = folder({
      'describe-trails.us-east-1.json': {trailList: [trail('split', 'us-east-1', {HasCustomEventSelectors: true}), trail('reads', 'us-east-1', {HasCustomEventSelectors: true})]},
      'get-event-selectors-split.json': {
        TrailARN: `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/split`,
        EventSelectors: [
          {ReadWriteType: 'ReadOnly', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: []},
          {ReadWriteType: 'WriteOnly', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: []},
        ],
      },
      'get-event-selectors-reads.json': {
        TrailARN: `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/reads`,
        EventSelectors: [
          {ReadWriteType: 'ReadOnly', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: []},
          {ReadWriteType: 'WriteOnly', IncludeManagementEvents: false, DataResources: [{Type: 'AWS::S3::Object', Values: ['arn:aws:s3']}], ExcludeManagementEventSources: []},
        ],
      },
    })
    const {report} = check(cwd, ['.', '--only', 'management-events-read-write'])
    const verdicts = Object.fromEntries(resultsOf(report, 'management-events-read-write').map((result) => [result.subject.label, result.status]))
    expect(verdicts).toEqual({'split (us-east-1)': 'pass', 'reads (us-east-1)': 'fail'})
    const split = report.results.find((result) => result.subject.label === 'split (us-east-1)')
    expect(split?.message).not.toContain('ReadOnly')
  })

  it('does not count the all-resources values toward the 250 data resources limit', () => {
    const tables = Array.from({length: 250}, (_, index) => `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/t${index}`)
    const selectors = (values: string[][]) => ({
      EventSelectors: [
        {
          ReadWriteType: 'All',
          IncludeManagementEvents: true,
          DataResources: [
            {Type: 'AWS::S3::Object', Values: values[0]},
            {Type: 'AWS::Lambda::Function', Values: values[1]},
            {Type: 'AWS::DynamoDB::Table', Values: values[2]},
          ],
          ExcludeManagementEventSources: [],
        },
      ],
    })
    const cwd = folder({
      'describe-trails.us-east-1.json': {trailList: [trail('all-data', 'us-east-1', {HasCustomEventSelectors: true}), trail('one-too-many', 'us-east-1', {HasCustomEventSelectors: true})]},
      'get-event-selectors-all-data.json': {TrailARN: `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/all-data`, ...selectors([['arn:aws:s3', 'arn:aws:s3:::'], ['arn:aws:lambda'], tables])},
      'get-event-selectors-one-too-many.json': {TrailARN: `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/one-too-many`, ...selectors([['arn:aws:s3:::bucket/'], ['arn:aws:lambda'], tables])},
    })
    const {report} = check(cwd, ['.', '--only', 'data-resources-limit'])
    const verdicts = Object.fromEntries(resultsOf(report, 'data-resources-limit').map((result) => [result.subject.label, [result.status, result.message]]))
    expect(verdicts['all-data (us-east-1)']?.[0]).toBe('pass')
    expect(verdicts['one-too-many (us-east-1)']).toEqual(['fail', expect.stringContaining('lists 251 data resources') as string])
  })

  it('reports PutEventSelectors calls whose advanced selectors reduce logging', () => {
    const put = (trailName: string, advancedEventSelectors: unknown[]) =>
      record({eventName: 'PutEventSelectors', requestParameters: {trailName, advancedEventSelectors}})
    const management = {field: 'eventCategory', equals: ['Management']}
    const cwd = folder({
      [LOG_KEY]: {
        Records: [
          put('reads-only', [{name: 'Management reads', fieldSelectors: [management, {field: 'readOnly', equals: ['true']}]}]),
          put('data-only', [{name: 'S3', fieldSelectors: [{field: 'eventCategory', equals: ['Data']}, {field: 'resources.type', equals: ['AWS::S3::Object']}]}]),
          put('no-kms', [{name: 'Management', fieldSelectors: [management, {field: 'eventSource', notEquals: ['kms.amazonaws.com']}]}]),
          put('everything', [{name: 'Management', fieldSelectors: [management]}, {name: 'S3', fieldSelectors: [{field: 'eventCategory', equals: ['Data']}, {field: 'resources.type', equals: ['AWS::S3::Object']}]}]),
        ],
      },
    })
    const {report} = check(cwd, ['.', '--only', 'trail-tampering'])
    const failed = resultsOf(report, 'trail-tampering')
      .filter((result) => result.status === 'fail')
      .map((result) => ['reads-only', 'data-only', 'no-kms', 'everything'][Number(/record (\d+) of/.exec(result.message)?.[1]) - 1])
    expect(failed.sort()).toEqual(['data-only', 'no-kms', 'reads-only'])
  })

  it('reports a root console sign-in without MFA, and leaves federated sign-ins out', () => {
    const login = (userIdentity: Record<string, unknown>, mfa: string) =>
      record({
        eventSource: 'signin.amazonaws.com',
        eventName: 'ConsoleLogin',
        eventType: 'AwsConsoleSignIn',
        userIdentity,
        responseElements: {ConsoleLogin: 'Success'},
        additionalEventData: {LoginTo: 'https://console.aws.amazon.com/console/home', MobileVersion: 'No', MFAUsed: mfa},
      })
    const cwd = folder({
      [LOG_KEY]: {
        Records: [
          login({type: 'Root', principalId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT}, 'No'),
          login({type: 'Root', principalId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT}, 'Yes'),
          login({type: 'AssumedRole', principalId: 'AROAEXAMPLE:alice@example.com', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/alice@example.com`, accountId: ACCOUNT}, 'No'),
        ],
      },
    })
    const {report} = check(cwd, ['.', '--only', 'console-login-without-mfa'])
    const failed = resultsOf(report, 'console-login-without-mfa').filter((result) => result.status === 'fail')
    expect(failed).toHaveLength(1)
    expect(JSON.stringify(failed[0])).toContain(':root')
  })

  it('scans a log file whose record holds the text of a digest field (digests are known by their structure)', () => {
    const cwd = folder({
      [LOG_KEY]: {
        Records: [
          record({eventName: 'AssumeRole', eventSource: 'sts.amazonaws.com', requestParameters: {roleSessionName: 'x', digestPublicKeyFingerprint: 'f00d', digestStartTime: '2025-05-01T00:00:00Z', logFiles: []}}),
          record({eventName: 'StopLogging', requestParameters: {name: 'main'}}),
        ],
      },
      [`AWSLogs/${ACCOUNT}/CloudTrail-Digest/us-east-1/2025/05/01/${ACCOUNT}_CloudTrail-Digest_us-east-1_main_us-east-1_20250501T120000Z.json`]: {
        awsAccountId: ACCOUNT,
        digestStartTime: '2025-05-01T11:00:00Z',
        digestEndTime: '2025-05-01T12:00:00Z',
        digestPublicKeyFingerprint: '9c24e0a4b6b2e8c1',
        digestSignatureAlgorithm: 'SHA256withRSA',
        logFiles: [],
      },
      'digest-elsewhere.json': {
        awsAccountId: ACCOUNT,
        digestStartTime: '2025-05-01T11:00:00Z',
        digestEndTime: '2025-05-01T12:00:00Z',
        digestPublicKeyFingerprint: '9c24e0a4b6b2e8c1',
        logFiles: [],
      },
    })
    // Run from the checkout: several event files start scan workers, which load the sources from there.
    const {status, report} = check(ROOT, [cwd, '--only', 'trail-tampering'])
    expect(resultsOf(report, 'trail-tampering').filter((result) => result.status === 'fail')).toHaveLength(1)
    const fates = Object.fromEntries(report.inputs.map((input) => [input.path.replace(/^.*\//, ''), input.fate]))
    expect(fates[`${ACCOUNT}_CloudTrail_us-east-1_20250501T1200Z_Ex4mple.json`]).toBe('read')
    expect(fates[`${ACCOUNT}_CloudTrail-Digest_us-east-1_main_us-east-1_20250501T120000Z.json`]).toBe('skipped')
    expect(fates['digest-elsewhere.json']).toBe('skipped')
    expect(status).toBe(1)
  })
})

describe('the EventBridge matcher as EventBridge decides (end to end, built CLI)', () => {
  it('rejects an operator name used as a field name inside $or', () => {
    const cwd = folder({
      'policies/or-numeric.yaml': [
        'id: or-numeric',
        'title: Odd trails',
        'severity: low',
        'subject: trail',
        'description: Trails with a number or named main.',
        'remediation: None.',
        'require:',
        '  $or:',
        '    - numeric: [">", 0]',
        '    - Name: [main]',
        '',
      ].join('\n'),
      'describe-trails.us-east-1.json': {trailList: [trail('main', 'us-east-1')]},
    })
    const {status, report} = check(cwd, ['.', '--policies', 'policies', '--only', 'or-numeric'])
    expect(status).toBe(2)
    const rejected = errors(report).find((diagnostic) => diagnostic.message.includes('numeric is Ruler reserved fieldName which cannot be used inside $or'))
    expect(rejected).toMatchObject({file: 'policies/or-numeric.yaml', line: 9})
    expect(resultsOf(report, 'or-numeric')).toEqual([])
  })

  it('does not match exists:false on a field whose array holds a value beside an empty array or object', () => {
    const cwd = folder({
      'policies/no-items.yaml': ['id: no-items', 'title: Calls without items', 'severity: low', 'subject: event', 'description: Tagging calls that tag nothing.', 'remediation: None.', 'forbid:', '  eventName: [TagResource]', '  requestParameters:', '    items: [{exists: false}]', ''].join('\n'),
      [LOG_KEY]: {
        Records: [
          record({eventName: 'TagResource', requestParameters: {items: [[], 1]}}),
          record({eventName: 'TagResource', requestParameters: {items: [{}, 'a']}}),
          record({eventName: 'TagResource', requestParameters: {items: [[]]}}),
        ],
      },
    })
    const {report} = check(cwd, ['.', '--policies', 'policies', '--only', 'no-items'])
    const failed = resultsOf(report, 'no-items').filter((result) => result.status === 'fail')
    expect(failed).toHaveLength(1)
  })
})

describe('infrastructure code resolved as the deploy would (end to end, built CLI)', () => {
  it('reads a Terraform resource whose whole planned object is unknown as unknown, not as provider defaults', () => {
    const plan = {
      format_version: '1.2',
      terraform_version: '1.9.5',
      resource_changes: [
        {
          address: 'aws_cloudtrail.main',
          mode: 'managed',
          type: 'aws_cloudtrail',
          name: 'main',
          provider_name: 'registry.terraform.io/hashicorp/aws',
          change: {actions: ['create'], before: null, after: null, after_unknown: true, before_sensitive: false, after_sensitive: false},
        },
      ],
      configuration: {provider_config: {aws: {name: 'aws', expressions: {region: {constant_value: 'us-east-1'}}}}, root_module: {}},
    }
    const cwd = folder({'plan.json': plan})
    const {report} = check(cwd, ['plan.json', '--account', ACCOUNT, '--only', 'logging-enabled,log-file-validation'])
    const statuses = report.results.filter((result) => result.subject.type === 'trail').map((result) => `${result.policy} ${result.status}`)
    expect(statuses.sort()).toEqual(['log-file-validation unknown', 'logging-enabled unknown'])
  })

  it('refuses a CloudFormation !Ref or !GetAtt to a resource or parameter the template does not have, naming file, line and column', () => {
    const template = [
      'AWSTemplateFormatVersion: "2010-09-09"',
      'Resources:',
      '  Trail:',
      '    Type: AWS::CloudTrail::Trail',
      '    Properties:',
      '      IsLogging: true',
      '      S3BucketName: !Ref LogBucket',
      '      KmsKeyId: !GetAtt TrailKey.Arn',
      '',
    ].join('\n')
    const cwd = folder({'template.yaml': template})
    const {status, report} = check(cwd, ['template.yaml', '--account', ACCOUNT, '--only', 'kms-encryption'])
    const missing = errors(report).filter((diagnostic) => diagnostic.code === 'cfn-missing-reference')
    expect(missing.map((diagnostic) => `${diagnostic.file}:${diagnostic.line}:${diagnostic.column}`)).toEqual(['template.yaml:7:26', 'template.yaml:8:25'])
    expect(missing[0]?.message).toContain('LogBucket')
    expect(missing[1]?.message).toContain('TrailKey')
    expect(resultsOf(report, 'kms-encryption').filter((result) => result.status === 'pass')).toEqual([])
    expect(status).toBe(2)
  })

  it('never reads inherited properties in Fn::FindInMap', () => {
    const template = [
      'AWSTemplateFormatVersion: "2010-09-09"',
      'Mappings:',
      '  Keys:',
      '    us-east-1: {Key: arn:aws:kms:us-east-1:111122223333:key/51e8a3f0-4c1e-4f7a-9b1d-5e2a6c3d8f90}',
      'Resources:',
      '  Trail:',
      '    Type: AWS::CloudTrail::Trail',
      '    Properties:',
      '      IsLogging: true',
      '      S3BucketName: logs',
      '      KmsKeyId: !FindInMap [Keys, constructor, name]',
      '',
    ].join('\n')
    const cwd = folder({'template.yaml': template})
    const {status, report} = check(cwd, ['template.yaml', '--account', ACCOUNT, '--only', 'kms-encryption'])
    const missing = errors(report).filter((diagnostic) => diagnostic.code === 'cfn-missing-reference')
    expect(missing.map((diagnostic) => `${diagnostic.file}:${diagnostic.line}`)).toEqual(['template.yaml:11'])
    expect(missing[0]?.message).toContain('constructor')
    expect(resultsOf(report, 'kms-encryption').filter((result) => result.status === 'pass')).toEqual([])
    expect(status).toBe(2)
  })
})

describe('region names are AWS region names (end to end, built CLI)', () => {
  it('refuses --regions with a region that does not exist', () => {
    const cwd = folder({'describe-trails.us-east-1.json': {trailList: [trail('main', 'us-east-1')]}})
    const run = trailgate(['check', '.', '--regions', 'us-east-1,mars-north-9'], {cwd})
    expect(run.status).toBe(2)
    expect(run.stdout + run.stderr).toContain('mars-north-9')
    expect(run.stdout + run.stderr).toMatch(/not an AWS region/)
  })

  it('reports a bogus region in the evidence as an error at its place, not as a passing region', () => {
    const cwd = folder({'describe-trails.json': {trailList: [trail('main', 'us-east-1'), {...trail('lost', 'us-east-1'), HomeRegion: 'zz-north-9'}]}})
    const {status, report} = check(cwd, ['.', '--only', 'trails-per-region-limit'])
    const bogus = errors(report).find((diagnostic) => diagnostic.message.includes('zz-north-9'))
    expect(bogus).toMatchObject({file: 'describe-trails.json', line: 20})
    expect(bogus?.message).toMatch(/not an AWS region/)
    expect(report.results.map((result) => result.subject.id)).toEqual([`${ACCOUNT}/us-east-1`])
    expect(status).toBe(2)
  })

  it('reports a bogus region in a snapshot\'s regions as an error, and judges no such region', () => {
    const snapshot = JSON.parse(readFileSync(join(ROOT, 'fixtures/evidence/snapshot-good.json'), 'utf8')) as {accounts: {regions: string[]}[]}
    snapshot.accounts[0]!.regions = ['eu-west-1', 'us-east-1', 'zz-north-9']
    const cwd = folder({'snapshot.json': snapshot})
    const {status, report} = check(cwd, ['snapshot.json', '--only', 'trails-per-region-limit'])
    const bogus = errors(report).find((diagnostic) => diagnostic.message.includes('zz-north-9'))
    expect(bogus).toMatchObject({file: 'snapshot.json'})
    expect(bogus?.message).toMatch(/not an AWS region/)
    expect(report.results.map((result) => result.subject.id).sort()).toEqual([`${ACCOUNT}/eu-west-1`, `${ACCOUNT}/us-east-1`])
    expect(status).toBe(2)
  })
})
