import {describe, expect, it} from 'vitest'

import {cloudFormationReader} from '../../../src/inputs/cloudformation/index.js'
import {byName, FIXTURES, inputFile, read, textFile} from './helpers.js'

const TRAILS_YAML = `${FIXTURES}/cloudformation/trails.yaml`
const TRAILS_JSON = `${FIXTURES}/cloudformation/trails.json`
const INTRINSICS = `${FIXTURES}/cloudformation/intrinsics.yaml`
const env = {regions: ['us-east-1'], account: '111122223333'}

describe('CloudFormation detection', () => {
  const sniff = (text: string, name = 'anything.txt') => cloudFormationReader.sniff(textFile(name, text), text)
  it('recognizes templates by content, whatever the file is called', () => {
    expect(sniff('AWSTemplateFormatVersion: "2010-09-09"\nResources: {}\n', 'stack.txt')).toBe(true)
    expect(sniff('Resources:\n  T:\n    Type: AWS::CloudTrail::Trail\n', 'infra.cfn')).toBe(true)
    expect(sniff('{"Resources": {"T": {"Type": "AWS::S3::Bucket"}}}', 'out.json')).toBe(true)
  })
  it('leaves other YAML and JSON alone', () => {
    expect(sniff('id: kms-encryption\nrequire:\n  KmsKeyId: [{exists: true}]\n', 'template.yaml')).toBe(false)
    expect(sniff('{"trailList": [{"Name": "a"}]}', 'template.json')).toBe(false)
    expect(sniff('Resources:\n  - name: x\n    type: y\n', 'template.yaml')).toBe(false)
  })
})

describe('CloudFormation trails', () => {
  it('normalizes properties into DescribeTrails field names with CloudFormation defaults', async () => {
    const output = await read(cloudFormationReader, TRAILS_YAML, env)
    expect(output.kind).toBe('cloudformation')
    expect(output.trails.map((trail) => trail.provenance.logicalId)).toEqual(['AuditTrail', 'DefaultsTrail'])
    const defaults = byName(output.trails, 'defaults-only')
    expect(defaults.planned).toBe(true)
    expect(defaults.document).toMatchObject({
      IsMultiRegionTrail: false,
      IncludeGlobalServiceEvents: true,
      LogFileValidationEnabled: false,
      IsOrganizationTrail: false,
      HasCustomEventSelectors: false,
      Status: {IsLogging: false},
      EventSelectors: [{ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: []}],
      S3BucketName: {$unknown: '!Ref RetentionBucket'},
    })
    expect(defaults.document.KmsKeyId).toBeUndefined()
  })

  it('resolves parameters, pseudo parameters, conditions and !Sub, and keeps resource references unknown', async () => {
    const output = await read(cloudFormationReader, TRAILS_YAML, env)
    const audit = byName(output.trails, 'org-audit-prod')
    expect(audit.document).toMatchObject({
      TrailARN: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/org-audit-prod',
      HomeRegion: 'us-east-1',
      KmsKeyId: {$unknown: '!GetAtt AuditKey.Arn'},
      LogFileValidationEnabled: true,
      CloudWatchLogsLogGroupArn: 'arn:aws:logs:us-east-1:111122223333:log-group:audit:*',
      Tags: {team: 'security', env: 'prod'},
    })
    expect(audit.account).toBe('111122223333')
  })

  it('uses --cfn-param values over defaults, so conditions and names follow them', async () => {
    const output = await read(cloudFormationReader, TRAILS_YAML, {...env, cfnParams: {Env: 'dev', RetentionBucket: 'retained'}})
    expect(output.trails.map((trail) => trail.document.Name)).toEqual(['org-audit-dev', 'defaults-only', 'dev-only'])
    expect(byName(output.trails, 'org-audit-dev').document.LogFileValidationEnabled).toBe(false)
    expect(byName(output.trails, 'defaults-only').document.S3BucketName).toBe('retained')
  })

  it('does not check a trail whose Condition is false, and says so', async () => {
    const output = await read(cloudFormationReader, TRAILS_YAML, env)
    expect(output.trails.some((trail) => trail.provenance.logicalId === 'DevTrail')).toBe(false)
    expect(output.detail).toContain('DevTrail (condition IsDev is false)')
  })

  it('leaves the ARN and region unknown without --region/--account, with the logical id for identity', async () => {
    const output = await read(cloudFormationReader, TRAILS_YAML)
    const audit = byName(output.trails, 'org-audit-prod')
    expect(audit.document.TrailARN).toEqual({$unknown: 'known after deploy'})
    expect(audit.document.HomeRegion).toEqual({$unknown: "the stack's region"})
    expect(audit.document.CloudWatchLogsLogGroupArn).toEqual({$unknown: '!Sub "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:audit"'})
    expect(audit.provenance).toMatchObject({kind: 'cloudformation', logicalId: 'AuditTrail'})
  })

  it('points at the resource and at each property that produced a field (YAML)', async () => {
    const output = await read(cloudFormationReader, TRAILS_YAML, env)
    const audit = byName(output.trails, 'org-audit-prod')
    expect(audit.provenance.location).toMatchObject({file: TRAILS_YAML, line: 20, column: 3, endLine: 42})
    const lines = Object.fromEntries(Object.entries(audit.provenance.fields ?? {}).map(([path, location]) => [path, location.line]))
    expect(lines).toMatchObject({
      Name: 23,
      S3BucketName: 24,
      'Status.IsLogging': 26,
      IsMultiRegionTrail: 27,
      IncludeGlobalServiceEvents: 28,
      LogFileValidationEnabled: 29,
      KmsKeyId: 30,
      CloudWatchLogsLogGroupArn: 31,
      EventSelectors: 32,
      'EventSelectors.0.DataResources': 35,
      'EventSelectors.0.DataResources.0.Values': 37,
      'Tags.env': 41,
    })
    expect(audit.provenance.fields?.KmsKeyId).toMatchObject({column: 7, endLine: 30, endColumn: 37})
    const defaults = byName(output.trails, 'defaults-only')
    expect(Object.keys(defaults.provenance.fields ?? {}).sort()).toEqual(['Name', 'S3BucketName', 'Status.IsLogging'])
  })

  it('points at properties in JSON templates too', async () => {
    const output = await read(cloudFormationReader, TRAILS_JSON, env)
    const audit = byName(output.trails, 'json-audit')
    expect(audit.provenance.location).toMatchObject({line: 10, column: 5})
    expect(audit.provenance.fields?.LogFileValidationEnabled).toMatchObject({line: 17, column: 9})
    expect(audit.provenance.fields?.['AdvancedEventSelectors.0.FieldSelectors']).toMatchObject({line: 22})
    // KeyArn defaults to "", so HasKey is false and KMSKeyId is !Ref AWS::NoValue: no key, and no location.
    expect(audit.document.KmsKeyId).toBeUndefined()
    expect(audit.provenance.fields?.KmsKeyId).toBeUndefined()
    expect(audit.document.AdvancedEventSelectors).toEqual([{Name: 'Management events', FieldSelectors: [{Field: 'eventCategory', Equals: ['Management']}]}])
    expect(audit.document.EventSelectors).toBeUndefined()
    const weak = byName(output.trails, 'json-weak')
    expect(weak.document).toMatchObject({Status: {IsLogging: false}, IncludeGlobalServiceEvents: false})
    expect(weak.provenance.fields?.['Status.IsLogging']).toMatchObject({line: 32, column: 9})
  })

  it('follows a parameter given on the command line through !If into KMSKeyId', async () => {
    const output = await read(cloudFormationReader, TRAILS_JSON, {cfnParams: {KeyArn: 'arn:aws:kms:us-east-1:111122223333:key/abc'}})
    expect(byName(output.trails, 'json-audit').document.KmsKeyId).toBe('arn:aws:kms:us-east-1:111122223333:key/abc')
  })
})

describe('CloudFormation intrinsic functions', () => {
  it('evaluates every intrinsic whose inputs are known, in short and long form', async () => {
    const output = await read(cloudFormationReader, INTRINSICS, env)
    const short = output.trails.find((trail) => trail.provenance.logicalId === 'IntrinsicTrail')
    expect(short?.document).toMatchObject({
      Name: 'trail-prod-eu-west-1', // !Join, !Ref, !Select over a CommaDelimitedList
      S3BucketName: 'acme-prod-trail', // !FindInMap
      S3KeyPrefix: 'logs', // !Select over !Split
      Status: {IsLogging: true}, // !Condition with !Or
      IsMultiRegionTrail: true, // !If over !And of !Equals on AWS::Region
      IncludeGlobalServiceEvents: true, // !If over !Not
      LogFileValidationEnabled: true, // !Equals over !Base64
      CloudWatchLogsLogGroupArn: 'arn:aws:logs:us-east-1:111122223333:log-group:prod-trail:*', // !Sub list form, nested !Sub
    })
    expect(short?.document.Tags).toEqual({
      azs: {$unknown: '!Select [0, !GetAZs ""]'},
      cidr: {$unknown: '!Select [0, !Cidr [10.0.0.0/16, 2, 8]]'},
      external: {$unknown: '!Ref ExternalKey'},
      literal: '${NotAVariable}',
    })
    const long = output.trails.find((trail) => trail.provenance.logicalId === 'LongFormTrail')
    expect(long?.document).toMatchObject({Name: 'long-prod', S3BucketName: 'acme-dev-trail', Status: {IsLogging: true}, KmsKeyId: {$unknown: '!GetAtt Key.Arn'}})
  })

  it('keeps what only CloudFormation knows unknown, in the words of the template', async () => {
    const output = await read(cloudFormationReader, INTRINSICS, env)
    const short = output.trails.find((trail) => trail.provenance.logicalId === 'IntrinsicTrail')
    expect(short?.document).toMatchObject({
      KmsKeyId: {$unknown: '!Ref Key'},
      CloudWatchLogsRoleArn: {$unknown: '!ImportValue shared-cloudtrail-role'},
      SnsTopicName: {$unknown: '!GetAtt Topic.TopicName'},
    })
  })

  it('turns conditions that depend on an unknown region into unknown values, not guesses', async () => {
    const output = await read(cloudFormationReader, INTRINSICS)
    const short = output.trails.find((trail) => trail.provenance.logicalId === 'IntrinsicTrail')
    // IsProd is true, so the Or holds without the region; the And depends on it.
    expect(short?.document.Status).toEqual({IsLogging: true})
    expect(short?.document.IsMultiRegionTrail).toEqual({$unknown: '!If [ProdAndEast, true, false]'})
  })

  it('reads a template of 10,000 resources quickly, without parsing every resource', async () => {
    let text = 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n'
    for (let i = 0; i < 10_000; i++) {
      text += i % 100 === 0
        ? `  Trail${i}:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      TrailName: t${i}\n      S3BucketName: !Ref Bucket1\n      IsLogging: true\n`
        : `  Bucket${i}:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Sub "b-${i}-\${AWS::Region}"\n`
    }
    const output = await cloudFormationReader.read(textFile('big.yaml', text), {})
    expect(output.trails).toHaveLength(100)
    expect(output.detail).toBe('100 trails in 10000 resources')
    expect(output.trails[99]?.provenance.fields?.Name?.line).toBe(9900 * 4 + 99 * 2 + 3 + 3)
  })

  it('reads the same template given as a file the detector found by content', async () => {
    const file = inputFile(INTRINSICS)
    expect(cloudFormationReader.sniff(file, file.bytes.toString('utf8'))).toBe(true)
  })
})
