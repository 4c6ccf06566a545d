import {describe, expect, it} from 'vitest'

import {cdkAssemblyReader} from '../../../src/inputs/cdk/index.js'
import {cloudFormationReader} from '../../../src/inputs/cloudformation/index.js'
import {terraformPlanReader} from '../../../src/inputs/terraform/index.js'
import {FIXTURES, inputFile, textFile} from './helpers.js'

const BAD = `${FIXTURES}/cloudformation/bad`

describe('bad IaC input', () => {
  it('reports a YAML syntax error at its line and still reads the other resources', async () => {
    const output = await cloudFormationReader.read(inputFile(`${BAD}/syntax.yaml`), {})
    expect(output.trails.map((trail) => trail.document.Name)).toEqual(['still-read'])
    expect(output.diagnostics[0]).toMatchObject({severity: 'error', file: `${BAD}/syntax.yaml`, line: 7, column: 7})
    expect(output.diagnostics).toContainEqual(expect.objectContaining({code: 'cfn-resource-unreadable', line: 3, column: 3, message: expect.stringContaining('BrokenTrail')}))
  })

  it('reports a YAML error inside a resource that is not a trail, and still reads the trail', async () => {
    const output = await cloudFormationReader.read(inputFile(`${FIXTURES}/cloudformation/bad-resource/syntax-in-bucket.yaml`), {})
    expect(output.diagnostics).toEqual([expect.objectContaining({severity: 'error', line: 9, column: 1, message: expect.stringContaining('Flow sequence')})])
    expect(output.trails).toHaveLength(1)
  })

  it('says when a template is too big for every resource to be checked for YAML errors', async () => {
    const resources = Array.from({length: 1001}, (_, i) => `  Bucket${i}:\n    Type: AWS::S3::Bucket\n`).join('')
    const output = await cloudFormationReader.read(textFile('big.yaml', `Resources:\n${resources}`), {})
    expect(output.diagnostics).toEqual([expect.objectContaining({severity: 'warning', code: 'cfn-syntax-not-checked'})])
  })

  it('reports an unknown tag and treats its value as unknown, not as a string', async () => {
    const output = await cloudFormationReader.read(inputFile(`${BAD}/unknown-tag.yaml`), {})
    expect(output.diagnostics).toEqual([expect.objectContaining({severity: 'error', code: 'cfn-unknown-tag', line: 9, column: 17, message: expect.stringContaining('!Vault')})])
    expect(output.trails[0]?.document.KmsKeyId).toEqual({$unknown: '!Vault secret/key'})
  })

  it('reports a duplicate resource and keeps the first', async () => {
    const output = await cloudFormationReader.read(inputFile(`${BAD}/duplicate-key.yaml`), {})
    expect(output.diagnostics).toEqual([expect.objectContaining({severity: 'error', code: 'yaml-duplicate_key', line: 9, column: 3})])
    expect(output.trails.map((trail) => trail.document.Name)).toEqual(['first'])
  })

  it('reports duplicate keys inside a trail', async () => {
    const text = 'Resources:\n  T:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      IsLogging: true\n      IsLogging: false\n      S3BucketName: b\n'
    const output = await cloudFormationReader.read(textFile('dup.yaml', text), {})
    expect(output.diagnostics).toContainEqual(expect.objectContaining({severity: 'error', code: 'yaml-duplicate_key', line: 6}))
  })

  it('reports a resource with no Type and reads the others', async () => {
    const output = await cloudFormationReader.read(inputFile(`${BAD}/no-type.yaml`), {})
    expect(output.diagnostics).toEqual([expect.objectContaining({severity: 'error', code: 'cfn-resource-type', line: 3, column: 3, message: expect.stringContaining('Untyped')})])
    expect(output.trails.map((trail) => trail.document.Name)).toEqual(['typed'])
  })

  it('reports a binary file instead of reading it', async () => {
    const output = await cloudFormationReader.read(inputFile(`${BAD}/binary.yaml`), {})
    expect(output.trails).toEqual([])
    expect(output.diagnostics).toEqual([expect.objectContaining({severity: 'error', code: 'binary-input', file: `${BAD}/binary.yaml`, line: 3, column: 1})])
    const plan = await terraformPlanReader.read({...inputFile(`${BAD}/binary.yaml`), path: 'plan.bin'}, {})
    expect(plan.diagnostics[0]).toMatchObject({code: 'binary-input', file: 'plan.bin'})
  })

  it('reports JSON syntax errors in templates, plans and assembly manifests at line and column', async () => {
    const template = await cloudFormationReader.read(textFile('t.json', '{\n  "Resources": {\n    "T": {"Type": "AWS::CloudTrail::Trail",}\n  }\n}\n'), {})
    expect(template.diagnostics).toEqual([expect.objectContaining({code: 'json-syntax', line: 3, column: 44})])
    const plan = await terraformPlanReader.read(textFile('p.json', '{"format_version": "1.2",\n "planned_values": {]}'), {})
    expect(plan.diagnostics).toEqual([expect.objectContaining({code: 'json-syntax', line: 2, column: 21})])
    const manifest = await cdkAssemblyReader.read(textFile('cdk.out/manifest.json', '{"version": "55.0.0", "artifacts": '), {})
    expect(manifest.diagnostics).toEqual([expect.objectContaining({code: 'json-syntax', line: 1})])
  })

  it('warns about properties CloudFormation does not know and requires IsLogging', async () => {
    const text = 'Resources:\n  T:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      S3BucketName: b\n      KmsKeyID: k\n'
    const output = await cloudFormationReader.read(textFile('typo.yaml', text), {})
    expect(output.diagnostics).toEqual([
      expect.objectContaining({severity: 'warning', code: 'cfn-unknown-property', line: 6, column: 7, message: expect.stringContaining('KmsKeyID')}),
      expect.objectContaining({severity: 'error', code: 'cfn-required-property', message: expect.stringContaining('IsLogging')}),
    ])
    expect(output.trails[0]?.document.KmsKeyId).toBeUndefined()
  })
})
