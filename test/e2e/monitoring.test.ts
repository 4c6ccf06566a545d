/**
 * The CIS monitoring policies through the built CLI, on inputs that carry no monitoring evidence of
 * their own (a version 1 snapshot): what is not given is unknown, with why, never a pass; a trail
 * that delivers nowhere fails; a reference pattern given with --param is checked where it is given;
 * a custom policy whose monitor pattern does not parse is an error at its line and column.
 */
import {cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import type {Report} from '../../src/engine/report-types.js'
import {ROOT, trailgate} from './cli.js'

const SNAPSHOT = join(ROOT, 'fixtures', 'evidence', 'snapshot-good.json')
const MONITORING = [
  'config-changes', 'console-login-failures', 'console-login-without-mfa', 'iam-policy-changes', 'kms-key-disable-or-deletion', 'network-acl-changes', 'network-gateway-changes',
  'organizations-changes', 'route-table-changes', 'root-usage', 's3-bucket-policy-changes', 'security-group-changes', 'trail-changes', 'unauthorized-api-calls', 'vpc-changes',
]
  .map((topic) => `cis-monitoring-${topic}`)
  .sort()

const work = mkdtempSync(join(tmpdir(), 'trailgate-monitoring-'))
afterAll(() => rmSync(work, {recursive: true, force: true}))

function report(args: string[]): {status: number; report: Report; stderr: string} {
  const run = trailgate(['check', ...args, '--format', 'json'])
  return {status: run.status, report: JSON.parse(run.stdout) as Report, stderr: run.stderr}
}

const monitoringResults = (r: Report) => r.results.filter((result) => result.policy.startsWith('cis-monitoring-'))

describe('the CIS monitoring policies on a snapshot without monitoring', () => {
  it('are each unknown, saying that no input lists the log group\'s filters, and change no exit code', () => {
    const {status, report: r} = report([SNAPSHOT])
    expect(status).toBe(0)
    const results = monitoringResults(r)
    expect(results.map((result) => result.policy).sort()).toEqual(MONITORING)
    for (const result of results) {
      expect(result.status, result.policy).toBe('unknown')
      expect(result.message).toContain('no input lists the metric filters of log group aws-cloudtrail-logs-main')
      expect(result.subject.id).toBe('111122223333')
    }
  })

  it('make the run exit 2 with --fail-on-unknown', () => {
    expect(trailgate(['check', SNAPSHOT, '--fail-on-unknown', '--only', 'cis-monitoring-root-usage']).status).toBe(2)
  })

  it('fail an account whose multi-region trail delivers to no log group', () => {
    const snapshot = JSON.parse(readFileSync(SNAPSHOT, 'utf8')) as {accounts: {trails: Record<string, unknown>[]}[]}
    for (const trail of snapshot.accounts[0]!.trails) {
      delete trail.CloudWatchLogsLogGroupArn
      delete trail.CloudWatchLogsRoleArn
    }
    const file = join(work, 'no-logs.json')
    writeFileSync(file, JSON.stringify(snapshot))
    const {status, report: r} = report([file, '--only', 'cis-monitoring-root-usage'])
    expect(status).toBe(1)
    expect(monitoringResults(r).map((result) => [result.status, result.message])).toEqual([
      ['fail', 'Account 111122223333 is not alerted on what cis-monitoring-root-usage watches: no multi-region trail of the account that logs all management events delivers to CloudWatch Logs.'],
    ])
  })

  it('show why with --verbose in the text report', () => {
    const run = trailgate(['check', SNAPSHOT, '--only', 'cis-monitoring-trail-changes', '--verbose'])
    expect(run.stdout).toContain('"A CloudWatch alarm notifies on CloudTrail configuration changes" cannot be decided: not given: no input lists the metric filters of log group aws-cloudtrail-logs-main')
  })
})

describe('the reference pattern', () => {
  it('can be replaced with --param, and one that does not parse is refused, naming the flag', () => {
    const good = trailgate(['check', SNAPSHOT, '--only', 'cis-monitoring-root-usage', '--param', 'cis-monitoring-root-usage.pattern={ $.userIdentity.type = Root }'])
    expect(good.status).toBe(0)
    const bad = trailgate(['check', SNAPSHOT, '--only', 'cis-monitoring-root-usage', '--param', 'cis-monitoring-root-usage.pattern={ $.userIdentity.type = '])
    expect(bad.status).toBe(2)
    expect(bad.stdout + bad.stderr).toContain("--param cis-monitoring-root-usage.pattern: param 'pattern' of policy 'cis-monitoring-root-usage' is not a CloudWatch Logs filter pattern")
  })

  it('of a custom policy is checked when it is loaded, at the line and column of the pattern', () => {
    const dir = join(work, 'policies')
    cpSync(join(ROOT, 'policies', 'trail', 'cis-monitoring-root-usage.yaml'), join(dir, 'cis-monitoring-root-usage.yaml'))
    const text = readFileSync(join(dir, 'cis-monitoring-root-usage.yaml'), 'utf8')
    writeFileSync(join(dir, 'cis-monitoring-root-usage.yaml'), text.replace(/^ {4}default: .*$/m, "    default: '{ $.userIdentity.type = Root && }'"))
    const line = text.split('\n').findIndex((l) => l.startsWith('    default: ')) + 1
    const run = trailgate(['policies', 'validate', dir])
    expect(run.status).not.toBe(0)
    expect(run.stdout + run.stderr).toMatch(new RegExp(`cis-monitoring-root-usage\\.yaml:${line}:14.*params\\.pattern\\.default: invalid CloudWatch Logs filter pattern`))
  })

  it('is a whole param reference or a pattern: a monitor clause on a trail policy is refused', () => {
    const dir = join(work, 'trail-policy')
    const file = join(dir, 'watch.yaml')
    cpSync(join(ROOT, 'policies', 'trail', 'cis-monitoring-root-usage.yaml'), file)
    writeFileSync(file, readFileSync(file, 'utf8').replace('id: cis-monitoring-root-usage', 'id: watch').replace('subject: account', 'subject: trail'))
    const run = trailgate(['policies', 'validate', dir])
    expect(run.status).not.toBe(0)
    expect(run.stdout + run.stderr).toContain('monitor: only account policies judge CloudWatch monitoring')
  })
})

describe('policies test', () => {
  it('runs a monitoring policy\'s cases, with their monitoring evidence, as check judges them', () => {
    const dir = join(work, 'tested')
    for (const name of ['cis-monitoring-security-group-changes.yaml', 'cis-monitoring-security-group-changes.tests.yaml']) cpSync(join(ROOT, 'policies', 'trail', name), join(dir, name))
    const run = trailgate(['policies', 'test', dir])
    expect(run.status, run.stdout + run.stderr).toBe(0)
    // A wrong expectation is noticed: the v1.4-v4.0 filter misses ModifySecurityGroupRules, so it fails.
    const tests = join(dir, 'cis-monitoring-security-group-changes.tests.yaml')
    writeFileSync(tests, readFileSync(tests, 'utf8').replace("  expect: fail\n  message: 'ModifySecurityGroupRules'", '  expect: pass'))
    const wrong = trailgate(['policies', 'test', dir])
    expect(wrong.status).toBe(1)
    expect(wrong.stdout + wrong.stderr).toContain('the CIS filter of v1.4 to v3.0, verbatim, passes')
    expect(wrong.stdout + wrong.stderr).toContain('expected pass, got fail')
  })
})

describe('the CIS monitoring policies on a snapshot with its monitoring (version 2)', () => {
  const GROUP = 'aws-cloudtrail-logs-main'
  const GROUP_ARN = `arn:aws:logs:us-east-1:111122223333:log-group:${GROUP}`
  const TOPIC = 'arn:aws:sns:us-east-1:111122223333:security-alerts'

  /** Every policy's reference pattern (the CIS filter of v4.0 and later) deployed as CIS writes it, each with an alarm and a subscribed topic. */
  function snapshot(patterns: Record<string, string>): string {
    const document = JSON.parse(readFileSync(SNAPSHOT, 'utf8')) as {version: number; accounts: Record<string, unknown>[]}
    document.version = 2
    const ids = Object.keys(patterns)
    document.accounts[0]!.monitoring = {
      metricFilters: ids.map((id) => ({filterName: id, logGroupName: GROUP, region: 'us-east-1', filterPattern: patterns[id], metricTransformations: [{metricName: id, metricNamespace: 'CISBenchmark', metricValue: '1'}]})),
      alarms: ids.map((id) => ({AlarmName: `${id}-alarm`, region: 'us-east-1', MetricName: id, Namespace: 'CISBenchmark', ActionsEnabled: true, AlarmActions: [TOPIC]})),
      topics: [{TopicArn: TOPIC, region: 'us-east-1', Subscriptions: [{SubscriptionArn: `${TOPIC}:0b1f`, Protocol: 'email', Endpoint: 'security@example.com', Owner: '111122223333', TopicArn: TOPIC}]}],
      listed: {logGroups: [GROUP_ARN], alarmRegions: ['us-east-1'], topics: [TOPIC]},
      gaps: [],
    }
    const file = join(work, `v2-${Object.values(patterns).join('').length}-${ids.length}.json`)
    writeFileSync(file, JSON.stringify(document, null, 2))
    return file
  }

  const references = Object.fromEntries(
    MONITORING.map((id) => {
      const text = readFileSync(join(ROOT, 'policies', 'trail', `${id}.yaml`), 'utf8')
      const match = /^ {4}default: '(.*)'$/m.exec(text)
      return [id, match![1]!.replaceAll("''", "'")]
    }),
  )

  it('pass all fifteen when the CIS filters are deployed with alarms and a subscribed topic, naming the filter and alarm with --verbose', () => {
    const file = snapshot(references)
    const {status, report: r} = report([file])
    expect(status).toBe(0)
    expect(monitoringResults(r).map((result) => `${result.policy} ${result.status}`)).toEqual(MONITORING.map((id) => `${id} pass`))
    const text = trailgate(['check', file, '--only', 'cis-monitoring-root-usage', '--verbose']).stdout
    expect(text).toContain(`covered on log group ${GROUP} by filter 'cis-monitoring-root-usage' (alarm 'cis-monitoring-root-usage-alarm', topic ${TOPIC} with 1 subscriber)`)
  })

  it('fail the one control whose filter misses an event name, saying what to add, at the filter in the snapshot', () => {
    const older = '{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }'
    const file = snapshot({...references, 'cis-monitoring-security-group-changes': older})
    const {status, report: r} = report([file])
    expect(status).toBe(1)
    const failed = monitoringResults(r).filter((result) => result.status !== 'pass')
    expect(failed.map((result) => `${result.policy} ${result.status}`)).toEqual(['cis-monitoring-security-group-changes fail'])
    expect(failed[0]!.message).toContain('misses ModifySecurityGroupRules; add ($.eventName = ModifySecurityGroupRules)')
    const lines = readFileSync(file, 'utf8').split('\n')
    const filterLine = lines.findIndex((line) => line.includes('"filterName": "cis-monitoring-security-group-changes"')) + 1
    expect(failed[0]!.location?.file).toBe(file.startsWith(ROOT) ? file.slice(ROOT.length + 1) : failed[0]!.location?.file)
    expect(Math.abs(failed[0]!.location!.line - filterLine)).toBeLessThanOrEqual(1)
  })
})
