import {spawnSync} from 'node:child_process'
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {gunzipSync} from 'node:zlib'

import {describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {isUnknown, type SubjectType} from '../../src/model/types.js'
import {readInputs} from '../../src/inputs/index.js'
import {checkPatternFields} from '../../src/policy/fields.js'
import {compileValidators, loadAjv} from '../../src/util/schema-validators.js'
import {ROOT} from '../e2e/cli.js'

describe('the committed schemas are the generated ones', () => {
  it('scripts/generate-schemas.js --check finds none out of date', () => {
    const run = spawnSync(process.execPath, [join(ROOT, 'scripts', 'generate-schemas.js'), '--check'], {cwd: ROOT, encoding: 'utf8'})
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
  })
})

/** Every `.yaml` policy file under a folder, test cases left out. */
function policyFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), {recursive: true, encoding: 'utf8'})
    .filter((file) => file.endsWith('.yaml') && !file.endsWith('.tests.yaml'))
    .map((file) => join(dir, file))
    .sort()
}

describe('the policy schema editors read (schemas/policy.schema.json, whole)', async () => {
  const modules = await loadAjv()
  const {validate} = compileValidators({module: 'policy-editor', schema: 'policy.schema.json', verbose: false, formats: ['date', 'uri'], validators: {validate: ''}}, modules)
  const problemsOf = (file: string) => {
    validate(parse(readFileSync(join(ROOT, file), 'utf8')))
    return (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message} ${JSON.stringify(error.params)}`)
  }

  it('accepts every built-in policy and every fixture policy trailgate accepts', () => {
    const files = [...policyFiles('policies'), ...policyFiles('fixtures/policies/good'), 'fixtures/policies/mixed/alpha-check.yaml', 'fixtures/policies/mixed/zulu-check.yaml']
    expect(files.length).toBeGreaterThan(30)
    expect(Object.fromEntries(files.map((file) => [file, problemsOf(file)]).filter(([, problems]) => problems.length > 0))).toEqual({})
  })

  it('rejects each misspelled field as a property the subject document does not have', () => {
    const unknownProperty = (file: string) => {
      validate(parse(readFileSync(join(ROOT, 'fixtures/policies/misspelled-fields', file), 'utf8')))
      return (validate.errors ?? []).filter((error) => error.keyword === 'additionalProperties').map((error) => `${error.instancePath} ${String(error.params.additionalProperty)}`)
    }
    expect(unknownProperty('multi-region-typo.yaml')).toContain('/require IsMultiRegionTrial')
    expect(unknownProperty('no-stopped-trail.yaml')).toContain('/forbid Status.IsLoging')
    expect(unknownProperty('team-tag.yaml')).toContain('/require Tag')
  })

  it('knows the operators, and which subject kinds take a filter pattern string', () => {
    const policy = (subject: string, clause: unknown) => ({id: 'p-one', title: 't', severity: 'low', subject, description: 'd', remediation: 'r', require: clause})
    expect(validate(policy('trail', {KmsKeyId: [{prefix: 'arn:'}], Tags: {team: [{exists: true}]}}))).toBe(true)
    expect(validate(policy('trail', {KmsKeyId: [{prefx: 'arn:'}]}))).toBe(false)
    expect(validate(policy('trail', {'Tags.team': [{exists: true}], 'EventSelectors.DataResources.Type': ['AWS::S3::Object']}))).toBe(true)
    expect(validate(policy('account', {'Trails.Status.IsLogging': [true], Trails: {'Facts.IsShadow': [false]}}))).toBe(true)
    expect(validate(policy('account', {'Trails.Status.IsLoging': [true]}))).toBe(false)
    expect(validate(policy('event', '{ $.eventName = ConsoleLogin }'))).toBe(true)
    expect(validate(policy('trail', '{ $.Name = main }'))).toBe(false)
    expect(validate(policy('event', {requestParameters: {anything: {below: [1]}}, 'requestParameters.x.y': [2]}))).toBe(true)
  })
})

/** The document as a pattern naming each of its fields: every field a document holds must be namable. */
function patternNaming(document: unknown): Record<string, unknown> {
  const pattern: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(document as Record<string, unknown>)) {
    const items = Array.isArray(value) ? value : [value]
    // An empty list or mapping, or a value not known before deploy, names no field.
    if (isUnknown(value) || items.length === 0 || (items.length === 1 && isEmptyObject(items[0]))) continue
    const objects = items.filter((item) => typeof item === 'object' && item !== null && !Array.isArray(item) && !isUnknown(item))
    if (objects.length === 0) {
      pattern[key] = [{exists: true}]
      continue
    }
    const merged: Record<string, unknown> = {}
    for (const object of objects) Object.assign(merged, patternNaming(object))
    pattern[key] = merged
  }
  return pattern
}

function isEmptyObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0
}

/** The records of a JSON Lines file; the fixture holds a broken line on purpose, which names no field. */
function jsonLines(file: string): unknown[] {
  return readFileSync(join(ROOT, file), 'utf8')
    .split('\n')
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as unknown]
      } catch {
        return []
      }
    })
}

describe('the subject schemas know every field of the documents trailgate builds', () => {
  const unknownFields = (subject: SubjectType, documents: unknown[]) => documents.flatMap((document) => checkPatternFields(patternNaming(document), subject, []).map((problem) => problem.message))

  it('trail, region and account documents from AWS CLI evidence, snapshots, CloudFormation, CDK and Terraform', async () => {
    const inputs = ['fixtures/evidence/mixed-account', 'fixtures/evidence/snapshot-good.json', 'fixtures/evidence/snapshot-org.json', 'fixtures/iac/cloudformation/trails.yaml', 'fixtures/iac/cloudformation/intrinsics.yaml', 'fixtures/iac/cdk-app/cdk.out', 'fixtures/iac/terraform/project', 'fixtures/iac/equivalence']
    const inventory = await readInputs(inputs.map((input) => join(ROOT, input)), {cwd: ROOT})
    expect(inventory.trails.length).toBeGreaterThan(10)
    expect(unknownFields('trail', inventory.trails.map((trail) => trail.document))).toEqual([])
    expect(unknownFields('region', inventory.regions.map((region) => region.document))).toEqual([])
    expect(unknownFields('account', inventory.accounts.map((account) => account.document))).toEqual([])
  })

  it('CloudTrail records of the event fixtures', () => {
    const records = [
      ...(JSON.parse(readFileSync(join(ROOT, 'fixtures/events/samples/cloudwatch-documentation.json'), 'utf8')) as {Records: unknown[]}).Records,
      ...(JSON.parse(readFileSync(join(ROOT, 'fixtures/events/samples/console-sign-in.json'), 'utf8')) as {Records: unknown[]}).Records,
      ...(JSON.parse(gunzipSync(readFileSync(join(ROOT, 'fixtures/events/AWSLogs/123456789012/CloudTrail/us-west-2/2016/05/20/123456789012_CloudTrail_us-west-2_20160520T0830Z_Ex4mpleRootTerm.json.gz'))).toString('utf8')) as {Records: unknown[]}).Records,
      ...jsonLines('fixtures/events/jsonl/records.jsonl'),
    ]
    expect(records.length).toBeGreaterThan(5)
    expect(unknownFields('event', records)).toEqual([])
  })
})
