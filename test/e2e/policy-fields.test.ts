import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import type {Report} from '../../src/engine/report-types.js'
import {startFakeAws, type FakeAws} from '../live/fake-aws/server.js'
import {trailgate, trailgateAsync} from './cli.js'

const MISSPELLED = 'fixtures/policies/misspelled-fields'
const MIXED = 'fixtures/evidence/mixed-account'

const scratch: string[] = []
let fake: FakeAws | undefined
afterEach(async () => {
  for (const dir of scratch.splice(0)) rmSync(dir, {recursive: true, force: true})
  await fake?.close()
  fake = undefined
})

/** A folder holding one policy file `<id>.yaml` with the given subject and clauses. */
function policyDir(id: string, subject: string, clauses: string): {dir: string; file: string} {
  const dir = mkdtempSync(join(tmpdir(), 'trailgate-fields-'))
  scratch.push(dir)
  const file = join(dir, `${id}.yaml`)
  writeFileSync(file, [`id: ${id}`, 'title: A custom policy', 'severity: high', `subject: ${subject}`, 'description: d', 'remediation: r', clauses, ''].join('\n'))
  return {dir, file}
}

function output(run: {stdout: string; stderr: string}): string {
  return run.stdout + run.stderr
}

/** The error lines `file:line:column: error: message` of a run's output. */
function errorLines(output: string): string[] {
  return output.split('\n').filter((line) => /:\d+:\d+: error: /.test(line))
}

describe('field names are checked against the subject document (policies validate)', () => {
  it('reports each misspelled field at its line and column, with the field it means', () => {
    const run = trailgate(['policies', 'validate', MISSPELLED])
    expect(run.status).toBe(2)
    const errors = errorLines(run.stdout + run.stderr)
    expect(errors).toEqual([
      `${MISSPELLED}/multi-region-typo.yaml:8:3: error: require.IsMultiRegionTrial: unknown field 'IsMultiRegionTrial' in the trail document (did you mean 'IsMultiRegionTrail'?)`,
      `${MISSPELLED}/no-stopped-trail.yaml:8:3: error: forbid["Status.IsLoging"]: unknown field 'Status.IsLoging' in the trail document (did you mean 'Status.IsLogging'?)`,
      `${MISSPELLED}/team-tag.yaml:8:3: error: require.Tag: unknown field 'Tag' in the trail document (did you mean 'Tags'?)`,
    ])
    expect(run.stdout + run.stderr).toContain('3 files checked: 0 valid policies, 3 errors')
  })

  it('accepts the same policies spelled right', () => {
    const {file} = policyDir('spelled-right', 'trail', ['require:', '  IsMultiRegionTrail: [true]', '  Status.IsLogging: [true]', '  Tags:', '    team: [{exists: true}]'].join('\n'))
    const run = trailgate(['policies', 'validate', file])
    expect(errorLines(run.stdout + run.stderr)).toEqual([])
    expect(run.status).toBe(0)
  })

  it('follows nesting, arrays of the document, $or and the trail documents inside region and account views', () => {
    const {file} = policyDir(
      'account-trails',
      'account',
      [
        'require:',
        '  Trails:',
        '    EventSelectors:',
        '      DataResources.Typ: [AWS::S3::Object]',
        '    $or:',
        '      - Status: {IsLogging: [true]}',
        '      - Facts.IsShadw: [false]',
        '  Facts.TrailCount: [{numeric: [">", 0]}]',
      ].join('\n'),
    )
    const errors = errorLines(output(trailgate(['policies', 'validate', file])))
    expect(errors.map((line) => line.replace(/^.*?\.yaml:/, ''))).toEqual([
      `10:7: error: require.Trails.EventSelectors["DataResources.Typ"]: unknown field 'Trails.EventSelectors.DataResources.Typ' in the account document (did you mean 'Trails.EventSelectors.DataResources.Type'?)`,
      `13:9: error: require.Trails.$or[1]["Facts.IsShadw"]: unknown field 'Trails.Facts.IsShadw' in the account document (did you mean 'Trails.Facts.IsShadow'?)`,
    ])
  })

  it('leaves the service-specific parts of a CloudTrail record open, and checks the rest', () => {
    const {file} = policyDir(
      'event-fields',
      'event',
      [
        'when:',
        '  eventName: [PutBucketPolicy]',
        '  requestParameters.bucketPolicy.Statement.Effect: [Allow]',
        '  responseElements: [null]',
        '  additionalEventData: {SignatureVersion: [SigV2]}',
        '  serviceEventDetails.anything.below: [{exists: true}]',
        '  userIdentity.sessionContext.sessionIssuer.userName: [admin]',
        'forbid:',
        '  userIdentity.typ: [Root]',
        '  sourceIpAddress: [{cidr: 10.0.0.0/8}]',
      ].join('\n'),
    )
    const errors = errorLines(output(trailgate(['policies', 'validate', file])))
    expect(errors.map((line) => line.replace(/^.*?\.yaml:/, ''))).toEqual([
      `15:3: error: forbid["userIdentity.typ"]: unknown field 'userIdentity.typ' in the event document (did you mean 'userIdentity.type'?)`,
      `16:3: error: forbid.sourceIpAddress: unknown field 'sourceIpAddress' in the event document (did you mean 'sourceIPAddress'?)`,
    ])
  })

  it('checks the fields a CloudWatch Logs filter pattern reads, array indexes looked through', () => {
    const {file} = policyDir(
      'filter-fields',
      'event',
      ['forbid:', `  - '{ $.userIdentity.typ = "Root" && $.requestParameters.anything[0].below = 1 }'`, `  - '{ $.resources[0].ARN = "arn:aws:s3:::b" || $.resources[0].arn = "x" }'`].join('\n'),
    )
    const errors = errorLines(output(trailgate(['policies', 'validate', file])))
    expect(errors.map((line) => line.replace(/^.*?\.yaml:/, ''))).toEqual([
      `8:5: error: forbid[0]: unknown field 'userIdentity.typ' in the event document (did you mean 'userIdentity.type'?)`,
      `9:5: error: forbid[1]: unknown field 'resources.arn' in the event document (did you mean 'resources.ARN'?)`,
    ])
  })

  it('says when a list of values stands where the document has a mapping, which would never match', () => {
    const {file} = policyDir('tags-exist', 'trail', ['forbid:', '  Status: [{exists: false}]', '  Name:', '    first: [a]'].join('\n'))
    const errors = errorLines(output(trailgate(['policies', 'validate', file])))
    expect(errors.map((line) => line.replace(/^.*?\.yaml:/, ''))).toEqual([
      `8:3: error: forbid.Status: 'Status' is a mapping in the trail document: a list of values never matches it; test the fields inside it`,
      `10:5: error: forbid.Name.first: unknown field 'Name.first' in the trail document: 'Name' is a single value, it has no fields`,
    ])
  })
})

describe('a misspelled field stops every run that loads the policy', () => {
  it('check: the critical forbid on a misspelled field is an error, not a pass of the stopped trail', () => {
    const run = trailgate(['check', MIXED, '--policies', `${MISSPELLED}/no-stopped-trail.yaml`, '--only', 'no-stopped-trail', '--format', 'json'])
    const report = JSON.parse(run.stdout) as Report
    expect(run.status).toBe(2)
    expect(report.results.filter((result) => result.status === 'pass')).toEqual([])
    expect(report.diagnostics).toContainEqual(
      expect.objectContaining({severity: 'error', file: `${MISSPELLED}/no-stopped-trail.yaml`, line: 8, column: 3, message: expect.stringContaining("did you mean 'Status.IsLogging'?")}),
    )
  })

  it('check: spelled right, the same policy fails the stopped trail', () => {
    const {dir} = policyDir('no-stopped-trail', 'trail', ['forbid:', '  Status.IsLogging: [false]'].join('\n'))
    const run = trailgate(['check', MIXED, '--policies', dir, '--only', 'no-stopped-trail', '--format', 'json'])
    const report = JSON.parse(run.stdout) as Report
    expect(report.results.filter((result) => result.status === 'fail').map((result) => result.subject.label)).toEqual(['stopped-trail (eu-west-1)'])
    expect(run.status).toBe(1)
  })

  it('policies test: the cases of a policy with a misspelled field do not run as if it were valid', () => {
    const {dir, file} = policyDir('no-stopped-trail', 'trail', ['forbid:', '  Status.IsLoging: [false]'].join('\n'))
    writeFileSync(join(dir, 'no-stopped-trail.tests.yaml'), ['- name: stopped', '  subject: {Name: a, Status: {IsLogging: false}}', '  expect: pass', ''].join('\n'))
    const run = trailgate(['policies', 'test', dir])
    expect(run.status).not.toBe(0)
    expect(errorLines(run.stdout + run.stderr)).toContainEqual(expect.stringContaining(`${file.split('/').pop()}:8:3: error: forbid["Status.IsLoging"]: unknown field`))
  })

  it('audit: against an account with a stopped trail, the misspelled policy is an error and nothing passes', async () => {
    fake = await startFakeAws({regions: ['us-east-1'], accounts: {'111122223333': {accessKeyIds: ['AKIAFIELDS'], trails: [{Name: 'main', HomeRegion: 'us-east-1', S3BucketName: 'logs', status: {IsLogging: false}}]}}}, {rateLimits: false})
    const nowhere = join(tmpdir(), 'trailgate-no-aws-config')
    const env = {AWS_ACCESS_KEY_ID: 'AKIAFIELDS', AWS_SECRET_ACCESS_KEY: 'fake-secret', AWS_REGION: 'us-east-1', AWS_CONFIG_FILE: nowhere, AWS_SHARED_CREDENTIALS_FILE: nowhere, AWS_EC2_METADATA_DISABLED: 'true'}
    const args = ['audit', '--endpoint-url', fake.url, '--regions', 'us-east-1', '--only', 'no-stopped-trail', '--format', 'json']
    const run = await trailgateAsync([...args, '--policies', `${MISSPELLED}/no-stopped-trail.yaml`], {env})
    const report = JSON.parse(run.stdout) as Report
    expect(run.status).toBe(2)
    expect(report.results.filter((result) => result.status === 'pass')).toEqual([])
    expect(report.diagnostics).toContainEqual(expect.objectContaining({severity: 'error', file: `${MISSPELLED}/no-stopped-trail.yaml`, line: 8, column: 3}))

    const {dir} = policyDir('no-stopped-trail', 'trail', ['forbid:', '  Status.IsLogging: [false]'].join('\n'))
    const right = await trailgateAsync([...args, '--policies', dir], {env})
    expect((JSON.parse(right.stdout) as Report).results.map((result) => `${result.policy} ${result.status}`)).toEqual(['no-stopped-trail fail'])
    expect(right.status).toBe(1)
  })
})
