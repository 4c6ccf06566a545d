import {cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'

import type {Report} from '../../src/engine/report-types.js'
import {ROOT, trailgate} from './cli.js'

const FIXTURE = join(ROOT, 'fixtures/iac/monitoring/aws-cli')
const made: string[] = []

/** The AWS CLI fixture of the fifteen CIS controls, copied so that a test can rename or add a file. */
function evidenceCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'trailgate-monitoring-account-'))
  made.push(dir)
  cpSync(FIXTURE, dir, {recursive: true})
  return dir
}

function check(args: string[]) {
  const run = trailgate(['check', ...args, '--format', 'json'])
  const report = JSON.parse(run.stdout) as Report
  return {run, report, monitoring: report.results.filter((result) => result.policy.startsWith('cis-monitoring-'))}
}

afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, {recursive: true, force: true})
})

describe('trailgate check: AWS CLI metric filters without --account are keyed with the account the evidence is of (built CLI)', () => {
  it('passes all fifteen when describe-trails names the account, and says the filters were keyed with it', () => {
    const {report, monitoring} = check(['fixtures/iac/monitoring/aws-cli'])
    expect(monitoring).toHaveLength(15)
    expect(monitoring.filter((result) => result.status !== 'pass').map((result) => `${result.policy}: ${result.status} ${result.message}`)).toEqual([])
    expect(report.notes).toContain('fixtures/iac/monitoring/aws-cli/describe-metric-filters.us-east-1.json: 15 metric filters keyed with account 111122223333, whose evidence this is')
    expect(report.notes.join('\n')).not.toContain('give --account')
  })

  it('fails each mistake at its own control without --account, as with it', () => {
    const {monitoring} = check(['fixtures/iac/monitoring-mistakes/aws-cli'])
    const notPassing = monitoring.filter((result) => result.status !== 'pass').map((result) => `${result.policy}: ${result.status}`).sort()
    expect(notPassing).toEqual([
      'cis-monitoring-console-login-failures: fail',
      'cis-monitoring-network-acl-changes: fail',
      'cis-monitoring-organizations-changes: unknown',
      'cis-monitoring-root-usage: fail',
      'cis-monitoring-security-group-changes: fail',
    ])
  })

  it('takes the region from the trail\'s log group ARN when the file name has none', () => {
    const dir = evidenceCopy()
    renameSync(join(dir, 'describe-metric-filters.us-east-1.json'), join(dir, 'describe-metric-filters.json'))
    const {monitoring} = check([dir])
    expect(monitoring.filter((result) => result.status !== 'pass').map((result) => `${result.policy}: ${result.status} ${result.message}`)).toEqual([])
  })

  it('stays unknown when the evidence is of two accounts, and says to give --account', () => {
    const dir = evidenceCopy()
    const trails = readFileSync(join(dir, 'describe-trails.us-east-1.json'), 'utf8')
    writeFileSync(join(dir, 'describe-trails-other.us-east-1.json'), trails.replaceAll('111122223333', '444455556666').replaceAll('"audit"', '"other-audit"').replaceAll('trail/audit', 'trail/other-audit'))
    const {report, monitoring} = check([dir])
    // Fifteen controls for each account; neither account's may take the filters.
    expect(monitoring).toHaveLength(30)
    expect(monitoring.filter((result) => result.status === 'pass').map((result) => `${result.policy}: ${result.message}`)).toEqual([])
    expect(monitoring.some((result) => result.status === 'unknown' && /give --account/.test(result.message))).toBe(true)
    expect(report.notes.join('\n')).toMatch(/several accounts or of none \(give --account\)/)
  })

  it('says once why the fifteen filters of a group do not count, naming a few and counting the rest', () => {
    const dir = evidenceCopy()
    const trails = readFileSync(join(dir, 'describe-trails.us-east-1.json'), 'utf8')
    writeFileSync(join(dir, 'describe-trails-other.us-east-1.json'), trails.replaceAll('111122223333', '444455556666').replaceAll('"audit"', '"other-audit"').replaceAll('trail/audit', 'trail/other-audit'))
    const {monitoring} = check([dir])
    const own = monitoring.filter((result) => result.message.includes('cloudtrail/audit'))
    expect(own).toHaveLength(15)
    for (const result of own) {
      expect(result.status).toBe('unknown')
      expect(result.message).toContain("the patterns of 15 metric filters ('unauthorized_api_calls_metric', 'no_mfa_console_signin_metric', 'root_usage_metric' and 12 more) are not known")
      expect(result.message.match(/give --account/g)).toHaveLength(1)
      expect(result.message.length).toBeLessThan(600)
    }
  })
})

describe('trailgate check: a template\'s log group is named in messages by its logical id (built CLI)', () => {
  it('never by the path of the template, even when the path is given absolute', () => {
    const template = join(ROOT, 'fixtures/iac/monitoring-mistakes/cloudformation/template.yaml')
    const {monitoring} = check([template])
    expect(monitoring.find((result) => result.policy === 'cis-monitoring-root-usage')?.message).toContain("on log group TrailLogs: filter 'root_usage_metric' matches it, but no alarm watches metric CISBenchmark/root_usage_metric")
    expect(monitoring.filter((result) => /template\.yaml|#TrailLogs/.test(result.message)).map((result) => result.message)).toEqual([])
  })
})
