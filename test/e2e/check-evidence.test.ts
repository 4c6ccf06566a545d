import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import type {Report} from '../../src/engine/report-types.js'
import {ROOT, trailgate} from './cli.js'

const MIXED = 'fixtures/evidence/mixed-account'
const ACCOUNT = '111122223333'

function jsonReport(args: string[], cwd = ROOT): {status: number; report: Report; stderr: string} {
  const run = trailgate(['check', ...args, '--format', 'json'], {cwd})
  return {status: run.status, report: JSON.parse(run.stdout) as Report, stderr: run.stderr}
}

const failures = (report: Report) =>
  report.results
    .filter((r) => r.status === 'fail')
    .map((r) => `${r.policy} ${r.subject.type} ${r.subject.label}`)
    .sort()

describe('trailgate check on AWS CLI evidence (end to end, built CLI)', () => {
  it('finds exactly the problems of the mixed account and exits 1', () => {
    const {status, report} = jsonReport([MIXED])
    expect(failures(report)).toEqual([
      'data-resources-limit trail data-heavy (eu-west-1)',
      'kms-encryption trail unencrypted-trail (eu-west-1)',
      'logging-enabled trail stopped-trail (eu-west-1)',
      `trails-per-region-limit region ${ACCOUNT}/eu-west-1`,
    ])
    expect(status).toBe(1)
    expect(report.exitCode).toBe(1)
    expect(report.summary.inputs.failed).toBe(0)
    expect(report.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
  })

  it('counts the organization trail and the shadow of the multi-region trail in the region view', () => {
    const {report} = jsonReport([MIXED, '--only', 'trails-per-region-limit'])
    const euWest = report.results.find((r) => r.subject.id === `${ACCOUNT}/eu-west-1`)
    expect(euWest?.status).toBe('fail')
    expect(euWest?.message).toContain('has 6 trails (limit 5)')
    expect(euWest?.details?.[0]).toMatchObject({path: 'Facts.TrailCount', actual: '6'})
  })

  it('names the file, line and column of the offending evidence', () => {
    const {report} = jsonReport([MIXED, '--only', 'logging-enabled,kms-encryption'])
    const stopped = report.results.find((r) => r.policy === 'logging-enabled' && r.status === 'fail')
    expect(stopped?.location).toMatchObject({file: `${MIXED}/get-trail-status-stopped-trail.json`, line: 2})
    expect(stopped?.message).toMatch(/Status\.IsLogging is false, expected true/)
    const plain = report.results.find((r) => r.policy === 'kms-encryption' && r.status === 'fail')
    expect(plain?.location?.file).toBe(`${MIXED}/describe-trails.eu-west-1.json`)
  })

  it('says whose evidence it is, and takes --account over inference', () => {
    expect(jsonReport([MIXED]).report.notes.join('\n')).toContain(`account ${ACCOUNT} inferred from the trails' ARNs`)
    const given = jsonReport([MIXED, '--account', ACCOUNT]).report
    expect(given.notes.join('\n')).not.toContain('inferred')
  })

  it('accounts for every input file', () => {
    const {report} = jsonReport([MIXED])
    expect(report.inputs.filter((i) => i.fate === 'read')).toHaveLength(16)
    expect(report.inputs.filter((i) => i.fate !== 'read')).toEqual([{path: `${MIXED}/EXPECTED.md`, fate: 'skipped', detail: 'not JSON or YAML of a recognized shape'}])
  })

  it('exits 0 with --fail-on critical when no failure is critical', () => {
    const run = trailgate(['check', MIXED, '--fail-on', 'critical'])
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('4 failed')
  })

  it('prints a readable text report grouped by policy, without colour when not a terminal', () => {
    const run = trailgate(['check', MIXED])
    expect(run.status).toBe(1)
    expect(run.stdout).toMatch(/✗ FAIL +logging-enabled/)
    expect(run.stdout).toContain('Trail stopped-trail is not logging')
    // The evidence lists no metric filters: each CIS monitoring policy is unknown, saying so.
    expect(run.stdout).toMatch(/Summary: 4 failed, 15 unknown, 0 suppressed, 0 errors, \d+ passed/)
    expect(run.stdout).not.toContain('\u001b[')
  })

  it('reports a waiver as suppressed with its reason, and an expired one as still failing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trailgate-waiver-'))
    writeFileSync(
      join(dir, '.trailgate.yaml'),
      [
        'version: 1',
        'waivers:',
        '  - policy: kms-encryption',
        `    subject: "arn:aws:cloudtrail:eu-west-1:${ACCOUNT}:trail/unencrypted-*"`,
        '    reason: Replaced by the organization trail in Q1 (SEC-1234)',
        '    expires: 2999-12-31',
        '  - policy: logging-enabled',
        '    subject: stopped-trail',
        '    reason: Paused for a migration',
        '    expires: 2020-01-01',
      ].join('\n'),
    )
    const {report} = jsonReport([join(ROOT, MIXED)], dir)
    const kms = report.results.find((r) => r.policy === 'kms-encryption' && r.subject.label.startsWith('unencrypted-trail'))
    expect(kms?.status).toBe('suppressed')
    expect(kms?.suppression).toMatchObject({kind: 'waiver', reason: 'Replaced by the organization trail in Q1 (SEC-1234)', expires: '2999-12-31'})
    const stopped = report.results.find((r) => r.policy === 'logging-enabled' && r.subject.label.startsWith('stopped-trail'))
    expect(stopped?.status).toBe('fail')
    expect(stopped?.message).toContain('waiver expired on 2020-01-01')
    expect(report.diagnostics.some((d) => d.code === 'waiver-expired' && d.file?.endsWith('.trailgate.yaml'))).toBe(true)
  })

  it('overrides a param from the command line', () => {
    const {report} = jsonReport([MIXED, '--only', 'trails-per-region-limit', '--param', 'trails-per-region-limit.max=1'])
    expect(report.results.filter((r) => r.status === 'fail').map((r) => r.subject.id).sort()).toEqual([`${ACCOUNT}/eu-west-1`, `${ACCOUNT}/us-east-1`])
  })

  it('rejects an --only that selects nothing with exit 2', () => {
    const run = trailgate(['check', MIXED, '--only', 'kms-encrytion'])
    expect(run.status).toBe(2)
    expect(run.stdout + run.stderr).toContain('--only kms-encrytion matches no policy')
  })

  it('writes the JSON report to a file as well as text to stdout', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trailgate-json-'))
    const file = join(dir, 'out', 'report.json')
    const run = trailgate(['check', MIXED, '--json', file])
    expect(run.stdout).toContain('Summary:')
    const report = JSON.parse(readFileSync(file, 'utf8')) as Report
    expect(report.schemaVersion).toBe(1)
    expect(report.summary.counts.fail).toBe(4)
  })
})
