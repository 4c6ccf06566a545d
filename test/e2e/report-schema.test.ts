import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {Ajv2020} from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import {describe, expect, it} from 'vitest'

import {ROOT, trailgate} from './cli.js'

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void
const ajv = new Ajv2020({allErrors: true, strict: true})
addFormats(ajv)
const validate = ajv.compile(JSON.parse(readFileSync(join(ROOT, 'schemas', 'report.schema.json'), 'utf8')) as object)

describe('the JSON report is the documented, stable document of schemas/report.schema.json', () => {
  it.each([
    ['AWS CLI evidence', ['fixtures/evidence/mixed-account']],
    ['bad inputs', ['fixtures/evidence/bad']],
    ['IaC', ['fixtures/iac/cloudformation/trails.yaml', 'fixtures/iac/terraform/project/plan.json', 'fixtures/iac/cdk-app/cdk.out', '--account', '111122223333']],
    ['CloudTrail logs', ['fixtures/events']],
  ])('validates for %s', (_name, args) => {
    const run = trailgate(['check', ...args, '--format', 'json'])
    const report = JSON.parse(run.stdout) as {exitCode: number}
    const valid = validate(report)
    expect(validate.errors ?? []).toEqual([])
    expect(valid).toBe(true)
    expect(run.status).toBe(report.exitCode)
  })
})
