import {describe, expect, it} from 'vitest'

import type {Report} from '../../src/engine/report-types.js'
import {trailgate} from './cli.js'

const ACCOUNT = '111122223333'
const ENV = ['--account', ACCOUNT, '--regions', 'us-east-1']

function check(args: string[]): {status: number; report: Report} {
  const run = trailgate(['check', ...args, '--format', 'json'])
  return {status: run.status, report: JSON.parse(run.stdout) as Report}
}

const failureOf = (report: Report, policy: string, label: RegExp) =>
  report.results.find((r) => r.policy === policy && r.status === 'fail' && label.test(r.subject.label))

describe('trailgate check on IaC (end to end, built CLI)', () => {
  it('points a CloudFormation YAML failure at the offending property, or at the resource when it is absent', () => {
    const {report} = check(['fixtures/iac/cloudformation/trails.yaml', ...ENV])
    const stopped = failureOf(report, 'logging-enabled', /^defaults-only/)
    expect(stopped?.location).toMatchObject({file: 'fixtures/iac/cloudformation/trails.yaml', line: 48})
    const unencrypted = failureOf(report, 'kms-encryption', /^defaults-only/)
    expect(unencrypted?.location).toMatchObject({file: 'fixtures/iac/cloudformation/trails.yaml', line: 43})
    // A key given by !GetAtt is known to be present: the trail is encrypted, whatever the key's ARN turns out to be.
    const audit = report.results.find((r) => r.policy === 'kms-encryption' && r.subject.label.startsWith('org-audit-prod'))
    expect(audit?.status).toBe('pass')
  })

  it('points a JSON template failure at its line too', () => {
    const {report} = check(['fixtures/iac/cloudformation/trails.json', ...ENV])
    expect(failureOf(report, 'logging-enabled', /^json-weak/)?.location).toMatchObject({file: 'fixtures/iac/cloudformation/trails.json', line: 32})
  })

  it('gives unknown, never a guess, for a policy on a value known only at deploy', () => {
    const {report} = check(['fixtures/iac/cloudformation/intrinsics.yaml', '--account', ACCOUNT])
    const multiRegion = report.results.filter((r) => r.policy === 'global-service-events' || r.policy === 'multi-region-trail')
    expect(multiRegion.some((r) => r.status === 'unknown')).toBe(true)
    expect(multiRegion.some((r) => r.status === 'fail' && r.message.includes('IsMultiRegionTrail'))).toBe(false)
  })

  it('reads the CDK assembly, construct paths included, and the L2 defaults from what it synthesized', () => {
    const {report} = check(['fixtures/iac/cdk-app/cdk.out'])
    const validation = report.results.filter((r) => r.policy === 'log-file-validation')
    const defaultTrail = validation.find((r) => r.logical?.constructPath === 'AuditStack/DefaultTrail/Resource')
    expect(defaultTrail?.status).toBe('pass')
    const legacy = validation.find((r) => r.logical?.constructPath === 'LegacyStack/LegacyTrail')
    expect(legacy?.status).toBe('fail')
    expect(legacy?.location).toMatchObject({file: 'fixtures/iac/cdk-app/cdk.out/LegacyStack.template.json', line: 6})
    const stage = report.results.find((r) => r.policy === 'management-events-read-write' && r.logical?.constructPath === 'Prod/RegionalStack/StageTrail/Resource')
    expect(stage?.status).toBe('fail')
    expect(stage?.message).toContain('WriteOnly')
  })

  it('points a Terraform plan failure at the resource block in the .tf beside it', () => {
    const {report} = check(['fixtures/iac/terraform/project/plan.json', '--account', ACCOUNT])
    const stopped = failureOf(report, 'logging-enabled', /^regional-eu-west-1/)
    expect(stopped?.location).toMatchObject({file: 'fixtures/iac/terraform/project/main.tf', line: 37})
    expect(stopped?.logical?.address).toBe('aws_cloudtrail.regional["eu-west-1"]')
    expect(report.results.some((r) => r.subject.label.startsWith('old-trail'))).toBe(false)
    const moduleTrail = report.results.find((r) => r.logical?.address === 'module.audit.aws_cloudtrail.this[0]' && r.policy === 'kms-encryption')
    expect(moduleTrail?.location?.file).toBe('fixtures/iac/terraform/project/modules/audit/main.tf')
  })

  it('says region and account policies judge the planned trails alone without a baseline', () => {
    const {report} = check(['fixtures/iac/terraform/project/plan.json', '--account', ACCOUNT])
    expect(report.notes.join('\n')).toContain('no --baseline given')
  })

  it('fails before deploy when a template adds a sixth trail to a region of the account as it is', () => {
    const alone = check(['fixtures/iac/cloudformation/trails.yaml', '--account', ACCOUNT, '--regions', 'eu-west-1', '--only', 'trails-per-region-limit'])
    expect(alone.report.results.every((r) => r.status === 'pass')).toBe(true)
    const withBaseline = check(['fixtures/iac/cloudformation/trails.yaml', '--account', ACCOUNT, '--regions', 'eu-west-1', '--only', 'trails-per-region-limit', '--baseline', 'fixtures/evidence/mixed-account'])
    const euWest = withBaseline.report.results.find((r) => r.subject.id === `${ACCOUNT}/eu-west-1`)
    expect(euWest?.status).toBe('fail')
    expect(euWest?.message).toMatch(/has [78] trails/)
    // The baseline's own trails are context, not the change under review.
    expect(withBaseline.report.results.filter((r) => r.subject.type === 'trail')).toEqual([])
  })
})

describe('pre-deploy with the account in view (--baseline)', () => {
  const PLAN = 'fixtures/iac/terraform/remove-main/plan.json'
  const BASELINE = 'fixtures/evidence/snapshot-good.json'

  it('fails a plan that deletes the only multi-region trail, before deploy', () => {
    const before = check([BASELINE, '--only', 'multi-region-trail'])
    expect(before.report.results.map((r) => r.status)).toEqual(['pass'])
    const after = check([PLAN, '--account', ACCOUNT, '--baseline', BASELINE, '--only', 'multi-region-trail'])
    expect(after.report.results.map((r) => `${r.subject.id} ${r.status}`)).toEqual([`${ACCOUNT} fail`])
    expect(after.report.notes.join('\n')).toMatch(/together with the baseline's 0 other trails \(1 replaced or deleted by the change\)/)
    expect(after.status).toBe(1)
  })

  it('without the baseline, judges the planned trail alone and says so', () => {
    const alone = check([PLAN, '--account', ACCOUNT, '--only', 'multi-region-trail'])
    expect(alone.report.results.map((r) => r.status)).toEqual(['fail'])
    expect(alone.report.notes.join('\n')).toContain('no --baseline given')
  })
})

describe('one trail, four ways: the same result for every built-in policy', () => {
  const FORMS = {
    'AWS CLI evidence': ['fixtures/iac/equivalence/aws-cli'],
    CloudFormation: ['fixtures/iac/equivalence/cloudformation/template.yaml', ...ENV],
    CDK: ['fixtures/iac/equivalence/cdk/cdk.out'],
    Terraform: ['fixtures/iac/equivalence/terraform/plan.json', ...ENV],
  }
  const outcomes = Object.fromEntries(
    Object.entries(FORMS).map(([form, args]) => {
      const {report} = check(args)
      const byPolicy = report.results.filter((r) => r.subject.type !== 'event').map((r) => `${r.policy} ${r.subject.type} ${r.status}`)
      return [form, byPolicy.sort()]
    }),
  )

  // The monitoring controls differ by what each form holds: the CDK stack creates the trail's log group
  // and no metric filter on it (a template lists its log groups' filters completely, so they fail);
  // the other forms name a log group they do not create, whose filters no input gives (unknown).
  const trailPolicies = (lines: string[] | undefined) => (lines ?? []).filter((line) => !line.startsWith('cis-monitoring-'))
  const monitoring = (lines: string[] | undefined) => (lines ?? []).filter((line) => line.startsWith('cis-monitoring-'))

  it.each(Object.keys(FORMS))('%s gives the results of the AWS CLI evidence', (form) => {
    expect(trailPolicies(outcomes[form])).toEqual(trailPolicies(outcomes['AWS CLI evidence']))
    expect(trailPolicies(outcomes[form]).length).toBeGreaterThanOrEqual(13)
  })

  it('passes every built-in trail policy; the monitoring ones are unknown where the log group is only named', () => {
    const notPassed = outcomes['AWS CLI evidence'].filter((line) => !line.endsWith(' pass'))
    expect(notPassed.filter((line) => !/^cis-monitoring-[a-z0-9-]+ account unknown$/.test(line))).toEqual([])
    expect(notPassed).toHaveLength(15)
    for (const form of ['CloudFormation', 'Terraform']) expect(monitoring(outcomes[form])).toEqual(monitoring(outcomes['AWS CLI evidence']))
  })

  it('fails the monitoring controls on the CDK stack, whose log group has no metric filter', () => {
    const lines = monitoring(outcomes.CDK)
    expect(lines).toHaveLength(15)
    expect(lines.every((line) => line.endsWith(' account fail'))).toBe(true)
  })
})
