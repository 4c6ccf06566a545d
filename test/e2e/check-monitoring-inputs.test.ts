import {describe, expect, it} from 'vitest'

import type {Report} from '../../src/engine/report-types.js'
import {trailgate} from './cli.js'

const ACCOUNT = '111122223333'

function check(args: string[]): Report {
  const run = trailgate(['check', ...args, '--format', 'json'])
  return JSON.parse(run.stdout) as Report
}

const fates = (report: Report) => Object.fromEntries(report.inputs.map((input) => [input.path, [input.kind, input.fate, input.detail]]))

describe('trailgate check: the inputs list says what monitoring evidence each input gave (built CLI)', () => {
  it('CloudFormation, CDK and Terraform: the trail and the fifteen filters, alarms and topic', () => {
    const report = check([
      'fixtures/iac/monitoring/cloudformation/template.yaml',
      'fixtures/iac/monitoring/cdk/cdk.out',
      'fixtures/iac/monitoring/terraform/plan.json',
      '--account',
      ACCOUNT,
    ])
    const inputs = fates(report)
    expect(inputs['fixtures/iac/monitoring/cloudformation/template.yaml']).toEqual(['cloudformation', 'read', '1 trail in 35 resources; 15 metric filters, 15 alarms, 1 topic'])
    expect(inputs['fixtures/iac/monitoring/cdk/cdk.out/manifest.json']).toEqual(['cdk/assembly', 'read', '1 stack, 1 trail in 38 resources; 15 metric filters, 15 alarms, 1 topic'])
    expect(inputs['fixtures/iac/monitoring/terraform/plan.json']).toEqual(['terraform/plan', 'read', '1 trail; 15 metric filters, 15 alarms, 1 topic'])
  })

  it('AWS CLI evidence: each of the six outputs is recognized by its shape and named with what it holds', () => {
    const report = check(['fixtures/iac/monitoring-mistakes/aws-cli', '--account', ACCOUNT])
    const inputs = fates(report)
    const at = (name: string) => inputs[`fixtures/iac/monitoring-mistakes/aws-cli/${name}`]
    expect(at('describe-metric-filters.us-east-1.json')).toEqual(['aws-cli/describe-metric-filters', 'read', 'describe-metric-filters: 15 metric filters on 1 log group in us-east-1'])
    expect(at('describe-alarms.us-east-1.json')).toEqual(['aws-cli/describe-alarms', 'read', 'describe-alarms: 14 metric alarms in us-east-1'])
    expect(at('list-subscriptions-by-topic-security-alerts.json')).toEqual(['aws-cli/list-subscriptions-by-topic', 'read', 'list-subscriptions-by-topic: 1 subscription of 1 topic'])
    expect(at('list-subscriptions-by-topic-unwatched-alerts.json')).toEqual(['aws-cli/list-subscriptions-by-topic', 'read', 'list-subscriptions-by-topic: 1 subscription of 1 topic, 1 pending confirmation'])
    expect(at('describe-trails.us-east-1.json')?.[1]).toBe('read')
    expect(report.inputs).toHaveLength(7)
  })

  it('an output that lists nothing is read, and the report says it names no log group or topic', () => {
    const report = check(['fixtures/iac/monitoring-edge/empty', 'fixtures/iac/monitoring/aws-cli/describe-trails.us-east-1.json'])
    const inputs = fates(report)
    expect(inputs['fixtures/iac/monitoring-edge/empty/describe-metric-filters.json']).toEqual(['aws-cli/describe-metric-filters', 'read', 'describe-metric-filters: 0 metric filters (names no log group)'])
    expect(inputs['fixtures/iac/monitoring-edge/empty/list-subscriptions-by-topic.json']).toEqual(['aws-cli/list-subscriptions-by-topic', 'read', 'list-subscriptions-by-topic: 0 subscriptions (names no topic)'])
    expect(report.notes.join('\n')).toContain("says nothing about any log group's filters")
    expect(report.notes.join('\n')).toContain("says nothing about any topic's subscribers")
  })

  it('a file named like monitoring CLI output that is not its JSON (--output yaml) fails, naming the command to run', () => {
    const run = trailgate(['check', 'fixtures/iac/monitoring-edge/yaml-output', '--format', 'json'])
    const report = JSON.parse(run.stdout) as Report
    const input = report.inputs.find((entry) => entry.path.endsWith('describe-alarms.us-east-1.json'))
    expect(input?.fate).toBe('failed')
    expect(input?.detail).toContain('aws cloudwatch describe-alarms')
    expect(run.status).toBe(2)
  })
})
