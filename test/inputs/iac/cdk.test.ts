import path from 'node:path'

import {describe, expect, it} from 'vitest'

import {cdkAssemblyReader} from '../../../src/inputs/cdk/index.js'
import {FIXTURES, inputFile, read, textFile} from './helpers.js'

const MANIFEST = `${FIXTURES}/cdk-app/cdk.out/manifest.json`

async function assembly(options = {}) {
  const output = await read(cdkAssemblyReader, MANIFEST, options)
  const byPath = (constructPath: string) => {
    const trail = output.trails.find((candidate) => candidate.provenance.constructPath === constructPath)
    if (!trail) throw new Error(`no trail at ${constructPath}`)
    return trail
  }
  return {output, byPath}
}

describe('CDK cloud assemblies', () => {
  it('recognizes an assembly manifest and nothing else called manifest.json', () => {
    const manifest = inputFile(MANIFEST)
    expect(cdkAssemblyReader.sniff(manifest, manifest.bytes.toString('utf8'))).toBe(true)
    expect(cdkAssemblyReader.sniff(textFile('web/manifest.json', '{"name": "app", "icons": []}'), '{"name": "app", "icons": []}')).toBe(false)
  })

  it('reads every stack template, including the stage in a nested assembly, and claims those files', async () => {
    const {output} = await assembly()
    expect(output.kind).toBe('cdk/assembly')
    expect(output.trails.map((trail) => trail.provenance.constructPath).sort()).toEqual([
      'AuditStack/DefaultTrail/Resource',
      'AuditStack/SecureTrail/Resource',
      'LegacyStack/LegacyTrail',
      'Prod/RegionalStack/StageTrail/Resource',
    ])
    expect(output.detail).toMatch(/^3 stacks, 4 trails in \d+ resources$/)
    expect(output.diagnostics).toEqual([])
    const claimed = ((output as {claimedFiles?: {absolutePath: string}[]}).claimedFiles ?? []).map((file) => file.absolutePath)
    expect(claimed).toContain(path.resolve(`${FIXTURES}/cdk-app/cdk.out/AuditStack.template.json`))
    expect(claimed).toContain(path.resolve(`${FIXTURES}/cdk-app/cdk.out/assembly-Prod/manifest.json`))
    expect(claimed).toContain(path.resolve(`${FIXTURES}/cdk-app/cdk.out/assembly-Prod/ProdRegionalStackC758E653.template.json`))
  })

  it("takes the L2 Trail's defaults from what it synthesized: multi-region, validated, logging all management events", async () => {
    const {byPath} = await assembly()
    const trail = byPath('AuditStack/DefaultTrail/Resource')
    expect(trail.document).toMatchObject({
      IsMultiRegionTrail: true,
      LogFileValidationEnabled: true,
      IncludeGlobalServiceEvents: true,
      Status: {IsLogging: true},
      HasCustomEventSelectors: false,
      EventSelectors: [{ReadWriteType: 'All', IncludeManagementEvents: true}],
      HomeRegion: 'us-east-1',
    })
    expect(trail.document.KmsKeyId).toBeUndefined()
    expect(trail.account).toBe('111122223333')
    expect(trail.provenance).toMatchObject({kind: 'cdk/assembly', logicalId: 'DefaultTrailA557F504'})
    expect(trail.provenance.location?.file).toBe(`${FIXTURES}/cdk-app/cdk.out/AuditStack.template.json`)
  })

  it('reads explicit L2 settings, with the encryption key present but its ARN unknown', async () => {
    const {byPath} = await assembly()
    const trail = byPath('AuditStack/SecureTrail/Resource')
    expect(trail.document).toMatchObject({
      Name: 'secure-audit',
      TrailARN: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/secure-audit',
      KmsKeyId: {$unknown: '!GetAtt AuditKeyB2DBB069.Arn'},
      CloudWatchLogsLogGroupArn: {$unknown: '!GetAtt SecureTrailLogGroup9068F4B2.Arn'},
      InsightSelectors: [{InsightType: 'ApiCallRateInsight'}],
      HasInsightSelectors: true,
    })
    // logAllS3DataEvents() writes arn:${AWS::Partition}:s3:::, resolved from the stack's environment.
    expect(trail.document.EventSelectors).toContainEqual({ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [{Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::']}], ExcludeManagementEventSources: []})
    expect(trail.provenance.fields?.KmsKeyId?.file).toBe(`${FIXTURES}/cdk-app/cdk.out/AuditStack.template.json`)
  })

  it('reads the L1 CfnTrail of an environment-agnostic stack, using --account/--region only when given', async () => {
    const agnostic = (await assembly()).byPath('LegacyStack/LegacyTrail')
    expect(agnostic.document).toMatchObject({Name: 'legacy', IsMultiRegionTrail: false, LogFileValidationEnabled: false, HomeRegion: {$unknown: "the stack's region"}})
    expect(agnostic.account).toBeUndefined()
    const placed = (await assembly({regions: ['eu-central-1'], account: '999988887777'})).byPath('LegacyStack/LegacyTrail')
    expect(placed.document.TrailARN).toBe('arn:aws:cloudtrail:eu-central-1:999988887777:trail/legacy')
    // The stack's own environment wins over the command line.
    const audit = (await assembly({regions: ['eu-central-1'], account: '999988887777'})).byPath('AuditStack/SecureTrail/Resource')
    expect(audit.document.HomeRegion).toBe('us-east-1')
  })

  it("uses the stage's environment for its stacks", async () => {
    const trail = (await assembly()).byPath('Prod/RegionalStack/StageTrail/Resource')
    expect(trail.account).toBe('444455556666')
    expect(trail.document).toMatchObject({HomeRegion: 'eu-west-1', IsMultiRegionTrail: false, EventSelectors: [{ReadWriteType: 'WriteOnly', IncludeManagementEvents: true}]})
    expect(trail.provenance.location?.file).toBe(`${FIXTURES}/cdk-app/cdk.out/assembly-Prod/ProdRegionalStackC758E653.template.json`)
  })

  it('reports a template the manifest names but that is missing, and still reads the rest', async () => {
    const manifest = JSON.stringify({version: '55.0.0', artifacts: {
      Gone: {type: 'aws:cloudformation:stack', environment: 'aws://111122223333/us-east-1', properties: {templateFile: 'Gone.template.json'}},
      AuditStack: {type: 'aws:cloudformation:stack', environment: 'aws://111122223333/us-east-1', properties: {templateFile: 'AuditStack.template.json'}},
    }})
    const file = textFile(`${FIXTURES}/cdk-app/cdk.out/manifest.json`, manifest)
    const output = await cdkAssemblyReader.read(file, {})
    expect(output.trails).toHaveLength(2)
    expect(output.diagnostics).toEqual([expect.objectContaining({severity: 'error', code: 'cdk-missing-file', message: expect.stringContaining('Gone.template.json')})])
  })
})
