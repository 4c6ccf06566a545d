import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import type {Report} from '../../src/engine/report-types.js'
import {trailgate} from './cli.js'

const TEMPLATE = 'fixtures/iac/cloudformation/trails.yaml'
const ENV = ['--account', '111122223333', '--regions', 'us-east-1']

function check(args: string[]): {status: number; report: Report} {
  const run = trailgate(['check', ...args, '--format', 'json'])
  return {status: run.status, report: JSON.parse(run.stdout) as Report}
}

const validationOf = (report: Report) => report.results.filter((r) => r.policy === 'log-file-validation' && r.logical?.logicalId === 'AuditTrail')

describe('--cfn-param values are checked against the templates read (end to end, built CLI)', () => {
  it('a name that no template declares is an error naming it, the declared ones and the likely one', () => {
    const {status, report} = check([TEMPLATE, ...ENV, '--cfn-param', 'Evn=dev'])
    const problem = report.diagnostics.find((d) => d.code === 'cfn-param-undeclared')
    expect(problem?.severity).toBe('error')
    expect(problem?.message).toContain('Evn')
    expect(problem?.message).toContain('Env, RetentionBucket')
    expect(problem?.message).toContain("did you mean 'Env'")
    expect(status).toBe(2)
  })

  it('says so when no CloudFormation template was read at all', () => {
    const {status, report} = check(['fixtures/evidence/mixed-account', '--cfn-param', 'Env=dev'])
    const problem = report.diagnostics.find((d) => d.code === 'cfn-param-undeclared')
    expect(problem?.message).toMatch(/Env.*no CloudFormation template was read/)
    expect(status).toBe(2)
  })

  it('a value outside AllowedValues is an error at the parameter, which is then unknown and not its default', () => {
    const {status, report} = check([TEMPLATE, ...ENV, '--cfn-param', 'Env=bogus'])
    const problem = report.diagnostics.find((d) => d.code === 'cfn-param-not-allowed')
    expect(problem).toMatchObject({severity: 'error', file: TEMPLATE, line: 7})
    expect(problem?.message).toContain('"bogus"')
    expect(problem?.message).toContain('prod, dev')
    // EnableLogFileValidation follows IsProd, which follows Env: unknown, never the default's pass.
    const [validation] = validationOf(report)
    expect(validation?.status).toBe('unknown')
    expect(validation?.subject.label).not.toContain('org-audit-prod')
    expect(status).toBe(2)
  })

  it('a declared name with an allowed value is used without a word', () => {
    const {report} = check([TEMPLATE, ...ENV, '--cfn-param', 'Env=dev'])
    expect(report.diagnostics.filter((d) => d.code?.startsWith('cfn-param'))).toEqual([])
    const [validation] = validationOf(report)
    expect(validation?.status).toBe('fail')
    expect(validation?.subject.label).toContain('org-audit-dev')
  })

  it('checks each item of a list parameter against its AllowedValues, and leaves a template that does not declare it alone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trailgate-cfn-'))
    const listTemplate = join(dir, 'list.yaml')
    writeFileSync(
      listTemplate,
      [
        'AWSTemplateFormatVersion: "2010-09-09"',
        'Parameters:',
        '  Regions:',
        '    Type: CommaDelimitedList',
        '    AllowedValues: [us-east-1, eu-west-1]',
        '    Default: us-east-1',
        'Resources:',
        '  Trail:',
        '    Type: AWS::CloudTrail::Trail',
        '    Properties:',
        '      TrailName: !Join ["-", !Ref Regions]',
        '      S3BucketName: logs',
        '      IsLogging: true',
        '',
      ].join('\n'),
    )
    const refused = check([listTemplate, TEMPLATE, ...ENV, '--cfn-param', 'Regions=us-east-1,mars-1'])
    const problems = refused.report.diagnostics.filter((d) => d.code?.startsWith('cfn-param'))
    expect(problems).toHaveLength(1)
    expect(problems[0]?.message).toContain('"mars-1" is not one of the AllowedValues of parameter Regions')
    expect(problems[0]?.message).not.toContain('"us-east-1"')
    const accepted = check([listTemplate, ...ENV, '--cfn-param', 'Regions=eu-west-1, us-east-1'])
    expect(accepted.report.diagnostics.filter((d) => d.code?.startsWith('cfn-param'))).toEqual([])
    expect(accepted.report.results.some((r) => r.subject.label.startsWith('eu-west-1-us-east-1'))).toBe(true)
  })
})
