import {copyFileSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {BUILTIN_POLICY_DIR, loadPolicies} from '../../src/policy/load.js'
import {runPolicyTests} from '../../src/engine/policy-tests.js'

const TRAIL_POLICIES = [
  'multi-region-trail',
  'global-service-events',
  'kms-encryption',
  'log-file-validation',
  'logging-enabled',
  'delivery-healthy',
  'cloudwatch-logs-integration',
  'management-events-read-write',
  'trails-per-region-limit',
  'event-selectors-limit',
  'data-resources-limit',
  'advanced-selector-values-limit',
  's3-data-events',
  'log-file-integrity',
  'digest-chain-integrity',
  'digest-chain-continuity',
  ...['unauthorized-api-calls', 'console-login-without-mfa', 'root-usage', 'iam-policy-changes', 'trail-changes', 'console-login-failures', 'kms-key-disable-or-deletion', 's3-bucket-policy-changes', 'config-changes', 'security-group-changes', 'network-acl-changes', 'network-gateway-changes', 'route-table-changes', 'vpc-changes', 'organizations-changes'].map((topic) => `cis-monitoring-${topic}`),
]

describe('the built-in policy pack', () => {
  const loaded = loadPolicies({builtin: true, paths: []})

  it('loads without a diagnostic', () => {
    expect(loaded.diagnostics).toEqual([])
  })

  it('has every trail, region and account policy the documentation promises, with severity, remediation and references', () => {
    const ids = loaded.policies.filter((p) => p.subject !== 'event').map((p) => p.id)
    expect(ids.sort()).toEqual([...TRAIL_POLICIES].sort())
    for (const policy of loaded.policies) {
      expect(policy.remediation.length, policy.id).toBeGreaterThan(10)
      expect(Object.values(policy.references).flat().length, policy.id).toBeGreaterThan(0)
    }
  })

  it('passes every test case kept beside its policies, and each policy has a passing and a failing case', () => {
    const run = runPolicyTests(loaded.policies)
    expect(run.diagnostics).toEqual([])
    expect(run.untested).toEqual([])
    const failed = run.outcomes.filter((o) => !o.ok).map((o) => `${o.policy}: ${o.testCase.name}: ${o.problem}`)
    expect(failed).toEqual([])
    expect(run.outcomes.length).toBeGreaterThan(100)
  })

  it('notices a case whose expectation is wrong, so the cases can fail', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trailgate-policy-tests-'))
    copyFileSync(join(BUILTIN_POLICY_DIR, 'trail', 'log-file-validation.yaml'), join(dir, 'log-file-validation.yaml'))
    writeFileSync(join(dir, 'log-file-validation.tests.yaml'), '- name: wrong on purpose\n  subject: {Name: legacy, LogFileValidationEnabled: false}\n  expect: pass\n')
    const custom = loadPolicies({builtin: false, paths: [dir]})
    const run = runPolicyTests(custom.policies)
    expect(run.outcomes.map((o) => [o.ok, o.actual, o.problem])).toEqual([[false, 'fail', 'expected pass, got fail']])
    expect(run.untested).toEqual([{policy: 'log-file-validation', reason: 'needs at least one passing and one failing case'}])
  })
})
