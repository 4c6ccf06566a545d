import {existsSync, readFileSync} from 'node:fs'

import {describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {compileEventPolicy, explain, quickVerdict} from '../../src/events/event-policy.js'
import type {Policy} from '../../src/policy/types.js'
import {EVENT_POLICY_DIR, allEventPolicies} from './helpers.js'

interface Case {
  name: string
  subject: Record<string, unknown>
  expect: 'pass' | 'fail' | 'unknown' | 'not-applicable'
  params?: Record<string, unknown>
}

const REQUIRED_IDS = [
  'root-account-usage', 'console-login-failure', 'console-login-without-mfa', 'unauthorized-api-call', 'trail-tampering',
  'security-group-change', 'network-acl-change', 'network-gateway-change', 'route-table-change', 'vpc-change',
  'iam-policy-change', 'kms-key-disable-or-deletion', 's3-bucket-policy-change', 'config-change', 'organizations-change',
  'source-ip-allowlist',
]

const pack = allEventPolicies()

function engineVerdict(policy: Policy, params: Record<string, unknown> | undefined, subject: Record<string, unknown>): string {
  const compiled = compileEventPolicy(policy, params)
  const judgement = explain(compiled, {type: 'event', id: 'test', label: 'test', document: subject, provenance: {kind: 'cloudtrail/log'}})
  return judgement.applicable ? judgement.status : 'not-applicable'
}

describe('built-in event detections', () => {
  it('ship every required detection with severity, description, remediation and references', () => {
    expect(pack.map((policy) => policy.id).sort()).toEqual([...REQUIRED_IDS].sort())
    for (const policy of pack) {
      expect(policy.subject).toBe('event')
      expect(policy.description.length, policy.id).toBeGreaterThan(20)
      expect(policy.remediation.length, policy.id).toBeGreaterThan(10)
      const refs = [...(policy.references.cis ?? []), ...(policy.references.securityHub ?? []), ...(policy.references.urls ?? [])]
      expect(refs.length, policy.id).toBeGreaterThan(0)
    }
  })

  for (const policy of pack) {
    const file = `${EVENT_POLICY_DIR}/${policy.id}.tests.yaml`
    describe(policy.id, () => {
      const cases = (existsSync(file) ? parse(readFileSync(file, 'utf8')) : []) as Case[]
      it('has passing and failing cases beside it', () => {
        expect(cases.some((c) => c.expect === 'fail')).toBe(true)
        expect(cases.some((c) => c.expect === 'pass')).toBe(true)
      })
      for (const testCase of cases) {
        it(`${testCase.name} → ${testCase.expect}`, () => {
          const compiled = compileEventPolicy(policy, testCase.params)
          // The fast path the scanner uses and the engine's judgement must both give the expected verdict.
          expect(quickVerdict(compiled, testCase.subject)).toBe(testCase.expect)
          expect(engineVerdict(policy, testCase.params, testCase.subject)).toBe(testCase.expect)
        })
      }
    })
  }
})
