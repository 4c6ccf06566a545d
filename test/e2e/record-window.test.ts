import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {trailgate} from './cli.js'

interface Report {
  inputs: {path: string; fate: string; detail: string}[]
  results: {policy: string; status: string; message: string}[]
  notes: string[]
  summary: {counts: {fail: number}}
}

const folder = mkdtempSync(join(tmpdir(), 'trailgate-window-'))
afterAll(() => rmSync(folder, {recursive: true, force: true}))

const rootCall = (eventID: string, eventTime: string) => ({
  eventVersion: '1.08',
  userIdentity: {type: 'Root', principalId: '123456789012', arn: 'arn:aws:iam::123456789012:root', accountId: '123456789012'},
  eventTime,
  eventSource: 'ec2.amazonaws.com',
  eventName: 'TerminateInstances',
  awsRegion: 'us-west-2',
  sourceIPAddress: '198.51.100.1',
  userAgent: 'aws-cli/2.15.0',
  eventID,
  eventType: 'AwsApiCall',
  recipientAccountId: '123456789012',
})

/** A file outside the CloudTrail layout: its name says nothing of when, so each record's eventTime decides. */
function logFile(name: string, records: object[]): string {
  const path = join(folder, name)
  writeFileSync(path, JSON.stringify({Records: records}))
  return path
}

const check = (args: string[]) => {
  const run = trailgate(['check', ...args, '--format', 'json', '--only', 'root-account-usage'])
  return {...run, report: JSON.parse(run.stdout) as Report}
}

describe('--since/--until judge only the records whose eventTime lies inside', () => {
  it('judges the records of the window and counts the others, in a file whose name does not say when', () => {
    const file = logFile('mixed.json', [rootCall('before-window', '2016-05-19T23:59:59Z'), rootCall('in-window', '2016-05-20T08:27:45Z'), rootCall('after-window', '2016-05-21T00:00:01Z')])
    const {status, report} = check([file, '--since', '2016-05-20T00:00:00Z', '--until', '2016-05-21T00:00:00Z'])
    expect(status).toBe(1)
    const fails = report.results.filter((result) => result.status === 'fail')
    expect(fails.map((result) => /Event (\S+),/.exec(result.message)?.[1])).toEqual(['in-window'])
    expect(report.inputs[0]).toMatchObject({fate: 'read', detail: expect.stringContaining('1 record checked, 2 outside --since/--until')})
    expect(report.notes).toContain('2 records outside --since/--until not judged')
  })

  it('a window no record falls in judged nothing: exit 2, each file skipped with why, never a pass', () => {
    const file = logFile('old.json', [rootCall('old-1', '2016-05-20T08:27:45Z'), rootCall('old-2', '2016-05-20T09:27:45Z')])
    const {status, report} = check([file, '--since', '2030-01-01'])
    expect(status).toBe(2)
    expect(report.results.filter((result) => result.status === 'fail')).toEqual([])
    expect(report.inputs).toEqual([expect.objectContaining({fate: 'skipped', detail: expect.stringContaining('all 2 records outside --since/--until')})])
  })

  it('a record whose eventTime cannot be read is judged, not dropped: the window cannot say it lies outside', () => {
    const file = logFile('untimed.json', [rootCall('no-time', 'yesterday')])
    const {status, report} = check([file, '--since', '2030-01-01'])
    expect(status).toBe(1)
    expect(report.results.filter((result) => result.status === 'fail')).toHaveLength(1)
  })

  it('--engine duckdb leaves out the same records as the native scan', () => {
    const day = join(folder, 'layout/AWSLogs/123456789012/CloudTrail/us-west-2/2016/05/20')
    mkdirSync(day, {recursive: true})
    writeFileSync(join(day, '123456789012_CloudTrail_us-west-2_20160520T2355Z_Mixed.json'), JSON.stringify({Records: [rootCall('early', '2016-05-20T06:00:00Z'), rootCall('late', '2016-05-20T23:50:00Z')]}))
    const window = ['--since', '2016-05-20T12:00:00Z', '--until', '2016-05-21T00:00:00Z']
    const failsOf = (report: Report) => report.results.filter((result) => result.status === 'fail').map((result) => /Event (\S+),/.exec(result.message)?.[1])
    const native = check([join(folder, 'layout'), ...window])
    const duckdb = check([join(folder, 'layout'), ...window, '--engine', 'duckdb'])
    expect(failsOf(native.report)).toEqual(['late'])
    expect(failsOf(duckdb.report)).toEqual(['late'])
    for (const run of [native, duckdb]) {
      expect(run.status).toBe(1)
      expect(run.report.notes).toContain('1 record outside --since/--until not judged')
    }
  })

  it('the shipped samples outside the layout are judged by their records too', () => {
    const {status, report} = check(['fixtures/events', '--since', '2030-01-01'])
    expect(status).toBe(2)
    expect(report.summary.counts.fail).toBe(0)
    expect(report.inputs.filter((input) => input.fate === 'read' && !/ 0 records checked/.test(input.detail) && /records? checked/.test(input.detail))).toEqual([])
  })
})
