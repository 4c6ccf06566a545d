import {describe, expect, it} from 'vitest'

import type {Report} from '../../src/engine/report-types.js'
import {trailgate} from './cli.js'

const ACCOUNT = '111122223333'

function monitoringResults(args: string[]) {
  const run = trailgate(['check', ...args, '--format', 'json'])
  const report = JSON.parse(run.stdout) as Report
  const results = report.results.filter((result) => result.policy.startsWith('cis-monitoring-'))
  const of = (policy: string) => {
    const found = results.find((result) => result.policy === policy)
    if (!found) throw new Error(`no result of ${policy}`)
    return found
  }
  return {results, of}
}

const FORMATS: Record<string, string[]> = {
  CloudFormation: ['fixtures/iac/monitoring/cloudformation/template.yaml'],
  'CloudFormation with its environment': ['fixtures/iac/monitoring/cloudformation/template.yaml', '--account', ACCOUNT, '--regions', 'us-east-1'],
  CDK: ['fixtures/iac/monitoring/cdk/cdk.out'],
  'Terraform plan': ['fixtures/iac/monitoring/terraform/plan.json'],
  'Terraform plan with --account': ['fixtures/iac/monitoring/terraform/plan.json', '--account', ACCOUNT],
  'AWS CLI evidence': ['fixtures/iac/monitoring/aws-cli', '--account', ACCOUNT],
}

const MISTAKES: Record<string, {args: string[]; at: (name: string) => string}> = {
  CloudFormation: {args: ['fixtures/iac/monitoring-mistakes/cloudformation/template.yaml'], at: () => 'fixtures/iac/monitoring-mistakes/cloudformation/template.yaml'},
  'Terraform plan': {args: ['fixtures/iac/monitoring-mistakes/terraform/plan.json'], at: () => 'fixtures/iac/monitoring-mistakes/terraform/main.tf'},
  'AWS CLI evidence': {args: ['fixtures/iac/monitoring-mistakes/aws-cli', '--account', ACCOUNT], at: (name) => `fixtures/iac/monitoring-mistakes/aws-cli/${name}`},
}

describe('trailgate check: the fifteen CIS monitoring controls from IaC and AWS CLI evidence (built CLI)', () => {
  it.each(Object.entries(FORMATS))('%s: all fifteen deployed as CIS writes them pass', (_format, args) => {
    const {results} = monitoringResults(args)
    expect(results).toHaveLength(15)
    expect(results.filter((result) => result.status !== 'pass').map((result) => `${result.policy}: ${result.status} ${result.message}`)).toEqual([])
  })

  it.each(Object.entries(MISTAKES))('%s: each mistake fails its own control, at the file that has it', (_format, {args, at}) => {
    const {results, of} = monitoringResults(args)
    const failing = results.filter((result) => result.status !== 'pass').map((result) => result.policy).sort()
    const pending = args[0]?.endsWith('aws-cli') === true
    expect(failing).toEqual(['cis-monitoring-console-login-failures', 'cis-monitoring-network-acl-changes', 'cis-monitoring-organizations-changes', 'cis-monitoring-root-usage', 'cis-monitoring-security-group-changes'])
    expect(of('cis-monitoring-security-group-changes')).toMatchObject({status: 'fail', location: {file: at('describe-metric-filters.us-east-1.json')}})
    expect(of('cis-monitoring-security-group-changes').message).toContain('add ($.eventName = ModifySecurityGroupRules)')
    expect(of('cis-monitoring-root-usage')).toMatchObject({status: 'fail', message: expect.stringContaining('no alarm watches metric CISBenchmark/root_usage_metric')})
    expect(of('cis-monitoring-network-acl-changes')).toMatchObject({status: 'fail', message: expect.stringContaining('no alarm watches metric CISBenchmark/nacl_changes_metric')})
    expect(of('cis-monitoring-console-login-failures')).toMatchObject({status: 'fail', message: expect.stringContaining('actions disabled'), location: {file: at('describe-alarms.us-east-1.json')}})
    // A template's subscription-less topic has no subscriber; a deployed topic whose only subscription is pending is unknown.
    expect(of('cis-monitoring-organizations-changes').status).toBe(pending ? 'unknown' : 'fail')
  })

  it('CloudFormation: a failure points at the line of the filter or alarm that is wrong', () => {
    const {of} = monitoringResults(['fixtures/iac/monitoring-mistakes/cloudformation/template.yaml'])
    const file = 'fixtures/iac/monitoring-mistakes/cloudformation/template.yaml'
    expect(of('cis-monitoring-security-group-changes').location).toMatchObject({file, line: 252})
    expect(of('cis-monitoring-console-login-failures').location).toMatchObject({file, line: 169})
  })

  it('Terraform: a pattern known only after apply leaves its control unknown, saying why, and the others judged', () => {
    const {results, of} = monitoringResults(['fixtures/iac/monitoring-unknown/terraform/plan.json'])
    expect(of('cis-monitoring-network-gateway-changes')).toMatchObject({status: 'unknown', message: expect.stringContaining('known after apply (data.aws_ssm_parameter.cis_patterns.value)')})
    expect(results.filter((result) => result.status === 'pass')).toHaveLength(14)
  })
})
