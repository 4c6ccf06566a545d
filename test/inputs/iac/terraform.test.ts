import {describe, expect, it} from 'vitest'

import {terraformPlanReader} from '../../../src/inputs/terraform/index.js'
import {FIXTURES, read, textFile} from './helpers.js'

const PLAN = `${FIXTURES}/terraform/project/plan.json`
const MAIN_TF = `${FIXTURES}/terraform/project/main.tf`
const MODULE_TF = `${FIXTURES}/terraform/project/modules/audit/main.tf`

async function plan(options = {}) {
  const output = await read(terraformPlanReader, PLAN, {account: '111122223333', ...options})
  const at = (address: string) => {
    const trail = output.trails.find((candidate) => candidate.provenance.address === address)
    if (!trail) throw new Error(`no trail at ${address}`)
    return trail
  }
  return {output, at}
}

const minimalPlan = (version: string) => JSON.stringify({format_version: version, planned_values: {root_module: {resources: [
  {address: 'aws_cloudtrail.t', mode: 'managed', type: 'aws_cloudtrail', name: 't', values: {name: 't', s3_bucket_name: 'b'}},
]}}})

describe('Terraform plan JSON', () => {
  it('recognizes plans by content and not state files or other JSON', () => {
    const sniff = (text: string) => terraformPlanReader.sniff(textFile('x.json', text), text)
    expect(sniff(minimalPlan('1.2'))).toBe(true)
    expect(sniff('{"format_version": "1.0", "values": {"root_module": {}}}')).toBe(false)
    expect(sniff('{"trailList": []}')).toBe(false)
  })

  it('reads every aws_cloudtrail instance with its module, count and for_each address, and skips deletions', async () => {
    const {output} = await plan()
    expect(output.trails.map((trail) => trail.provenance.address)).toEqual([
      'aws_cloudtrail.main',
      'aws_cloudtrail.regional["eu-west-1"]',
      'aws_cloudtrail.regional["us-west-2"]',
      'aws_cloudtrail.replaced',
      'module.audit.aws_cloudtrail.this[0]',
    ])
    expect(output.detail).toBe('5 trails, 1 deleted (not checked)')
    expect(output.notes).toEqual([`${PLAN}: aws_cloudtrail.old is deleted by the plan and not checked`])
    expect(output.trails.every((trail) => trail.planned === true)).toBe(true)
  })

  it('maps arguments onto DescribeTrails fields with the defaults AWS applies', async () => {
    const {at} = await plan()
    expect(at('aws_cloudtrail.main').document).toMatchObject({
      Name: 'main-trail',
      TrailARN: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/main-trail',
      HomeRegion: 'us-east-1',
      IsMultiRegionTrail: true,
      LogFileValidationEnabled: true,
      IncludeGlobalServiceEvents: true,
      Status: {IsLogging: true},
      EventSelectors: [{ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [{Type: 'AWS::S3::Object', Values: ['arn:aws:s3']}], ExcludeManagementEventSources: []}],
      Tags: {team: 'security'},
    })
    expect(at('aws_cloudtrail.regional["eu-west-1"]').document).toMatchObject({Status: {IsLogging: false}, IsMultiRegionTrail: false, LogFileValidationEnabled: false, HasCustomEventSelectors: false})
    expect(at('aws_cloudtrail.regional["us-west-2"]').document.Status).toEqual({IsLogging: true})
    expect(at('module.audit.aws_cloudtrail.this[0]').document).toMatchObject({
      IsOrganizationTrail: true,
      CloudWatchLogsLogGroupArn: 'arn:aws:logs:us-east-1:111122223333:log-group:org-audit:*',
      AdvancedEventSelectors: [
        {Name: 'Management events', FieldSelectors: [{Field: 'eventCategory', Equals: ['Management']}]},
        {Name: 'S3 writes', FieldSelectors: [{Field: 'eventCategory', Equals: ['Data']}, {Field: 'readOnly', Equals: ['false']}, {Field: 'resources.type', Equals: ['AWS::S3::Object']}]},
      ],
      InsightSelectors: [{InsightType: 'ApiCallRateInsight'}],
    })
    expect(at('module.audit.aws_cloudtrail.this[0]').document.EventSelectors).toBeUndefined()
  })

  it('marks values known only after apply as unknown, naming the reference from the configuration', async () => {
    const {at} = await plan()
    expect(at('aws_cloudtrail.main').document.KmsKeyId).toEqual({$unknown: 'known after apply (aws_kms_key.audit.arn)'})
    expect(at('aws_cloudtrail.replaced').document.Tags).toEqual({$unknown: 'known after apply'})
  })

  it('leaves the ARN unknown when the account is not known', async () => {
    const output = await read(terraformPlanReader, PLAN)
    const main = output.trails.find((trail) => trail.provenance.address === 'aws_cloudtrail.main')
    expect(main?.document.TrailARN).toEqual({$unknown: 'known after deploy'})
    expect(main?.account).toBeUndefined()
  })

  it('points at the resource block and argument lines of the .tf files beside the plan', async () => {
    const {at} = await plan()
    const main = at('aws_cloudtrail.main')
    expect(main.provenance.location).toMatchObject({file: MAIN_TF, line: 10, column: 1, endLine: 31})
    expect(main.provenance.fields).toMatchObject({
      KmsKeyId: {file: MAIN_TF, line: 16, column: 3},
      IsMultiRegionTrail: {file: MAIN_TF, line: 13},
      LogFileValidationEnabled: {file: MAIN_TF, line: 15},
      'EventSelectors.0': {file: MAIN_TF, line: 18},
      Tags: {file: MAIN_TF, line: 28},
    })
    expect(main.provenance.files).toEqual([PLAN])
    expect(at('aws_cloudtrail.regional["eu-west-1"]').provenance.fields?.['Status.IsLogging']).toMatchObject({file: MAIN_TF, line: 37})
    const inModule = at('module.audit.aws_cloudtrail.this[0]')
    expect(inModule.provenance.location).toMatchObject({file: MODULE_TF, line: 1, endLine: 42})
    expect(inModule.provenance.fields).toMatchObject({'AdvancedEventSelectors.1': {file: MODULE_TF, line: 20}, IsOrganizationTrail: {file: MODULE_TF, line: 6}, InsightSelectors: {file: MODULE_TF, line: 39}})
  })

  it('points into the plan itself when no configuration is beside it', async () => {
    const output = await read(terraformPlanReader, `${FIXTURES}/terraform/old-format/plan.json`, {tfDir: `${FIXTURES}/terraform/old-format`})
    const [trail] = output.trails
    expect(trail?.provenance).toMatchObject({address: 'aws_cloudtrail.legacy', location: {file: `${FIXTURES}/terraform/old-format/plan.json`, line: 7, column: 9}})
    expect(trail?.provenance.fields?.Name).toMatchObject({line: 15, column: 13})
    expect(trail?.provenance.fields?.KmsKeyId).toBeUndefined()
    expect(trail?.document).toMatchObject({Name: 'legacy-trail', Status: {IsLogging: true}, LogFileValidationEnabled: false})
  })

  it('accepts format versions 0.x and 1.x and rejects others with a diagnostic at the version', async () => {
    for (const version of ['0.1', '0.2', '1.0', '1.1', '1.2']) {
      const output = await terraformPlanReader.read(textFile(`v${version}.json`, minimalPlan(version)), {})
      expect(output.diagnostics).toEqual([])
      expect(output.trails).toHaveLength(1)
    }
    const output = await read(terraformPlanReader, `${FIXTURES}/terraform/bad/format-2.json`)
    expect(output.trails).toEqual([])
    expect(output.diagnostics).toEqual([
      expect.objectContaining({severity: 'error', code: 'terraform-format-version', file: `${FIXTURES}/terraform/bad/format-2.json`, line: 2, column: 21}),
    ])
  })

  it('reads a 2,000-resource plan', async () => {
    const changes = Array.from({length: 2000}, (_, i) => ({
      address: `aws_cloudtrail.t[${i}]`, mode: 'managed', type: 'aws_cloudtrail', name: 't', index: i,
      change: {actions: ['create'], before: null, after: {name: `t${i}`, s3_bucket_name: 'b', enable_logging: true}, after_unknown: {arn: true, kms_key_id: true}},
    }))
    const output = await terraformPlanReader.read(textFile('big.json', JSON.stringify({format_version: '1.2', resource_changes: changes}, null, 2)), {})
    expect(output.trails).toHaveLength(2000)
    expect(output.trails[1999]?.document.KmsKeyId).toEqual({$unknown: 'known after apply'})
  })
})
