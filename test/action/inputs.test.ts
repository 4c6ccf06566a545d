import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {inputVariable, parseInputs, splitCfnParams, splitList, splitParams} from '../../src/action/inputs.js'
import {ignoredInputWarnings} from '../../src/action/run.js'
import {checkOptions, runReport} from '../../src/action/trailgate-run.js'

describe('action inputs', () => {
  it('reads INPUT_<NAME> the way the runner names it: upper case, spaces to underscores, dashes kept', () => {
    expect(inputVariable('fail-on')).toBe('INPUT_FAIL-ON')
    expect(inputVariable('my input')).toBe('INPUT_MY_INPUT')
  })

  it('splits lists on lines and commas, dropping blanks and comment lines', () => {
    expect(splitList('cdk.out\n\n  plan.json , evidence/\n# not this\n')).toEqual(['cdk.out', 'plan.json', 'evidence/'])
  })

  it('splits params on lines, and on commas only before another policy-id.name=', () => {
    expect(splitParams('a-limit.max=4, b.regions=[us-east-1, eu-west-1]\nc.name=x,y')).toEqual(['a-limit.max=4', 'b.regions=[us-east-1, eu-west-1]', 'c.name=x,y'])
  })

  it('gives the documented defaults when nothing but paths is set', () => {
    const {inputs, problems} = parseInputs({'INPUT_PATHS': 'cdk.out'})
    expect(problems).toEqual([])
    expect(inputs).toEqual({mode: 'check', paths: ['cdk.out'], policies: [], summary: true, annotations: true, only: [], skip: [], params: [], regions: [], baseline: [], cfnParams: [], org: false, accounts: []})
  })

  it('reads since, until, accounts and endpoint-url as check\'s --since, --until, --accounts and --endpoint-url, and refuses what the CLI refuses', () => {
    const {inputs, problems} = parseInputs({INPUT_PATHS: 's3://trail-bucket/', INPUT_SINCE: '2025-05-01T00:00:00Z', INPUT_UNTIL: '2025-05-02T00:00:00Z', INPUT_ACCOUNTS: '111122223333\n444455556666', 'INPUT_ENDPOINT-URL': 'http://127.0.0.1:4566'})
    expect(problems).toEqual([])
    expect(checkOptions(inputs, '/repo')).toMatchObject({
      window: {since: new Date('2025-05-01T00:00:00Z'), until: new Date('2025-05-02T00:00:00Z'), accounts: ['111122223333', '444455556666']},
      s3: {endpointUrl: 'http://127.0.0.1:4566'},
    })
    const bad = parseInputs({INPUT_PATHS: 'x', INPUT_SINCE: '2025-05-03', INPUT_UNTIL: '2025-05-02', INPUT_ACCOUNTS: '1234', 'INPUT_ENDPOINT-URL': 'localhost'}).problems
    expect(bad.map((problem) => problem.input)).toEqual(['since', 'accounts', 'endpoint-url'])
  })

  it('reads every audit input', () => {
    const {inputs, problems} = parseInputs({INPUT_MODE: 'Audit', INPUT_ORG: 'true', 'INPUT_ROLE-NAME': 'Auditor', INPUT_REGIONS: 'us-east-1,eu-west-1', 'INPUT_FAIL-ON': 'HIGH', 'INPUT_EVENTS-SINCE': '2026-01-01'})
    expect(problems).toEqual([])
    expect(inputs).toMatchObject({mode: 'audit', org: true, roleName: 'Auditor', regions: ['us-east-1', 'eu-west-1'], failOn: 'high', eventsSince: '2026-01-01'})
  })

  it('reads account, baseline, cfn-param and tf-dir, and passes them to the check as its flags would', () => {
    const {inputs, problems} = parseInputs({
      INPUT_PATHS: 'plan.json',
      INPUT_ACCOUNT: '111122223333',
      INPUT_BASELINE: 'snapshot.json\nevidence/',
      'INPUT_CFN-PARAM': 'Env=dev, Regions=us-east-1,eu-west-1\nEmpty=',
      'INPUT_TF-DIR': 'infra/terraform',
    })
    expect(problems).toEqual([])
    expect(checkOptions(inputs, '/repo')).toMatchObject({
      account: '111122223333',
      baseline: ['snapshot.json', 'evidence/'],
      cfnParams: {Env: 'dev', Regions: 'us-east-1,eu-west-1', Empty: ''},
      tfDir: 'infra/terraform',
    })
  })

  it('splits cfn-param on commas only before another Name=, so a list value stays whole', () => {
    expect(splitCfnParams('A=1,B=x,y\n# c\nC=z')).toEqual(['A=1', 'B=x,y', 'C=z'])
  })

  it('rejects an account that is not 12 digits and a cfn-param without a name, naming each', () => {
    const {problems} = parseInputs({INPUT_PATHS: 'x', INPUT_ACCOUNT: '1234', 'INPUT_CFN-PARAM': '=value'})
    expect(problems.map((p) => p.message)).toEqual(['account: expected a 12-digit AWS account id, got "1234"', 'cfn-param: expected Name=Value, got "=value"'])
  })

  it('accepts every events-since the audit can read, and only those', () => {
    for (const value of ['24h', '7 d', '90m', '2026-01-01T00:00:00Z']) expect(parseInputs({INPUT_MODE: 'audit', 'INPUT_EVENTS-SINCE': value}).problems).toEqual([])
    expect(parseInputs({INPUT_MODE: 'audit', 'INPUT_EVENTS-SINCE': '7w'}).problems.map((p) => p.input)).toEqual(['events-since'])
  })

  it('warns that check-only inputs are ignored by an audit', () => {
    const {inputs} = parseInputs({INPUT_MODE: 'audit', INPUT_ACCOUNT: '111122223333', INPUT_BASELINE: 's.json', 'INPUT_CFN-PARAM': 'A=1', 'INPUT_TF-DIR': 'tf'})
    expect(ignoredInputWarnings(inputs)).toEqual(['account, baseline, cfn-param, tf-dir: only used with mode: check; ignored in mode: audit'])
  })

  it('names each bad input and says what it expected', () => {
    const {problems} = parseInputs({INPUT_MODE: 'scan', INPUT_ANNOTATIONS: 'sometimes', 'INPUT_EVENTS-SINCE': 'last week'})
    expect(problems.map((p) => p.input)).toEqual(['paths', 'mode', 'annotations', 'events-since'])
    expect(problems[2]!.message).toBe('annotations: expected true or false, got "sometimes"')
  })

  it('needs paths only to check, not to audit', () => {
    expect(parseInputs({}).problems.map((p) => p.input)).toEqual(['paths'])
    expect(parseInputs({INPUT_MODE: 'audit'}).problems).toEqual([])
  })

  it('fails the run on an unknown result with fail-on-unknown, and leaves it to the failures without', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'trailgate-action-unknown-'))
    writeFileSync(
      join(cwd, 'template.yaml'),
      'Resources:\n  Trail:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      IsLogging: true\n      S3BucketName: logs\n      EventSelectors:\n        - ReadWriteType: !ImportValue Shared\n',
    )
    const base = {INPUT_PATHS: 'template.yaml', INPUT_ONLY: 'management-events-read-write'}
    const strict = parseInputs({...base, 'INPUT_FAIL-ON-UNKNOWN': 'true'})
    expect(strict.problems).toEqual([])
    expect(strict.inputs.failOnUnknown).toBe(true)
    expect((await runReport(strict.inputs, cwd)).exitCode).toBe(2)
    expect((await runReport(parseInputs(base).inputs, cwd)).exitCode).toBe(0)
  })
})
