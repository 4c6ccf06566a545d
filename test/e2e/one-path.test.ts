import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import type {Report} from '../../src/engine/report-types.js'
import {ROOT, trailgate} from './cli.js'

/**
 * What `policies test` proves must be what `check` does: an opt-in policy enabled by selection judges
 * records, and filter-pattern clauses compile wherever a run loads the policy.
 */
const RECORDS = 'fixtures/events/samples/console-sign-in.json'
const OFFICE = 'fixtures/policies/good/office-ip-allowlist.yaml'

function jsonReport(args: string[], cwd = ROOT): {status: number; report: Report; stderr: string} {
  const run = trailgate(['check', ...args, '--format', 'json'], {cwd})
  return {status: run.status, report: JSON.parse(run.stdout) as Report, stderr: run.stderr}
}

const outcomes = (report: Report, policy: string) =>
  report.results
    .filter((r) => r.policy === policy)
    .map((r) => `${r.status} ${r.subject.label}`)
    .sort()

describe('one evaluation path (end to end, built CLI)', () => {
  it('runs the opt-in source-ip-allowlist when --only names it, and reports calls from outside the ranges', () => {
    const {status, report} = jsonReport([RECORDS, '--only', 'source-ip-allowlist', '--param', 'source-ip-allowlist.allowedCidrs=[127.0.0.0/8]'])
    const found = outcomes(report, 'source-ip-allowlist')
    expect(found.length).toBeGreaterThan(0)
    expect(found.every((line) => line.startsWith('fail '))).toBe(true)
    expect(found.join('\n')).toMatch(/from 54\.240\.217\.10/)
    expect(found.join('\n')).not.toMatch(/from 127\.0\.0\.1/)
    expect(report.policies.map((p) => p.id)).toEqual(['source-ip-allowlist'])
    expect(status).toBe(1)
  })

  it('counts records an unless exempted as not applicable, never as nothing judged', () => {
    const args = [RECORDS, '--only', 'source-ip-allowlist', '--param', 'source-ip-allowlist.allowedCidrs=[54.240.217.0/24]']
    const {status, report} = jsonReport(args)
    expect(report.policies.find((p) => p.id === 'source-ip-allowlist')).toMatchObject({notApplicable: 2, recordsPassed: 0})
    expect(status).toBe(0)
    const text = trailgate(['check', ...args])
    expect(text.stdout).toMatch(/source-ip-allowlist[\s\S]*2 not applicable/)
    expect(text.stdout).not.toMatch(/had nothing to judge/)
  })

  it('runs the opt-in policy when policies.only in .trailgate.yaml names it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trailgate-optin-'))
    writeFileSync(join(dir, '.trailgate.yaml'), 'version: 1\npolicies:\n  only: [source-ip-allowlist]\nparams:\n  source-ip-allowlist:\n    allowedCidrs: [127.0.0.0/8]\n')
    const {status, report} = jsonReport([join(ROOT, RECORDS)], dir)
    expect(outcomes(report, 'source-ip-allowlist').filter((line) => line.startsWith('fail ')).length).toBeGreaterThan(0)
    expect(status).toBe(1)
  })

  it('leaves the opt-in policy out of a default run, and says how to enable it in policies list and show', () => {
    const {report} = jsonReport([RECORDS])
    expect(report.policies.map((p) => p.id)).not.toContain('source-ip-allowlist')
    const list = trailgate(['policies', 'list'])
    expect(list.status).toBe(0)
    expect(list.stdout).toMatch(/source-ip-allowlist.*opt-in/)
    const show = trailgate(['policies', 'show', 'source-ip-allowlist'])
    expect(show.status).toBe(0)
    expect(show.stdout).toMatch(/opt-in/i)
    expect(show.stdout).toContain('--only source-ip-allowlist')
    expect(show.stdout).toContain('policies.only')
    expect(show.stdout).toMatch(/allowedCidrs.*\[\]/)
  })

  it('prints the effective params in policies show, config and --param included', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trailgate-show-params-'))
    writeFileSync(join(dir, '.trailgate.yaml'), 'version: 1\nparams:\n  source-ip-allowlist:\n    allowedCidrs: [10.0.0.0/8]\n')
    const show = trailgate(['policies', 'show', 'source-ip-allowlist'], {cwd: dir})
    expect(show.stdout).toMatch(/allowedCidrs.*10\.0\.0\.0\/8/)
  })

  it('judges records with a custom policy that has a filter-pattern clause', () => {
    const {status, report} = jsonReport([RECORDS, '--policies', OFFICE, '--only', 'office-ip-allowlist'])
    expect(report.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
    expect(outcomes(report, 'office-ip-allowlist')).toEqual([expect.stringMatching(/^fail .* called ConsoleLogin from 54\.240\.217\.10/), expect.stringMatching(/^fail .* called ConsoleLogin/)])
    expect(status).toBe(1)
  })

  it('loads a custom policy with a filter-pattern clause on an IaC-only run without an error', () => {
    const {status, report} = jsonReport(['fixtures/iac/cloudformation/trails.yaml', '--policies', OFFICE])
    expect(report.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
    expect(report.results.filter((r) => r.status === 'error')).toEqual([])
    expect(status).not.toBe(2)
  })
})
