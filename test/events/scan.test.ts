import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'

import {afterAll, describe, expect, it} from 'vitest'

import {scanEvents, type EventScanResult} from '../../src/events/scan.js'
import {enabledEventPack, FIXTURES, loadEventPack, REPO_ROOT} from './helpers.js'

const policies = loadEventPack()
const scan = (paths: string[], workers = 0, extra: {maxWholeFileBytes?: number} = {}): Promise<EventScanResult> =>
  scanEvents(paths.map((path) => join(FIXTURES, path)), {policies, params: {}, workers, cwd: REPO_ROOT, ...extra})

const scratch = mkdtempSync(join(tmpdir(), 'trailgate-events-'))
afterAll(() => rmSync(scratch, {recursive: true, force: true}))

describe('scanEvents: input forms', () => {
  it('reads a gzipped log in the S3 layout and names the event in the finding', async () => {
    const result = await scan(['AWSLogs/123456789012/CloudTrail'])
    expect(result.inputs).toEqual([expect.objectContaining({fate: 'read', kind: 'cloudtrail/log', detail: 'CloudTrail log file: 1 record checked'})])
    const [finding] = result.results
    expect(finding).toMatchObject({policy: 'root-account-usage', status: 'fail', severity: 'high', subject: {type: 'event', id: '123456789012/6e12345-2a4e-417c-aa78-7594fEXAMPLE', account: '123456789012', region: 'us-west-2'}})
    expect(finding!.location).toMatchObject({file: expect.stringMatching(/^fixtures\/events\/AWSLogs\/.*\.json\.gz$/), line: 1})
    for (const part of ['Root user called TerminateInstances', '198.51.100.1', '2016-05-20T08:27:45Z', '6e12345-2a4e-417c-aa78-7594fEXAMPLE', 'record 1 of']) {
      expect(finding!.message).toContain(part)
    }
    expect(finding!.details?.map((detail) => detail.path)).toContain('userIdentity.type')
    expect(result.passes['root-account-usage']).toBe(0)
    expect(result.passes['vpc-change']).toBe(1)
  })

  it('skips digest files and says so', async () => {
    const result = await scan(['AWSLogs/123456789012/CloudTrail-Digest'])
    expect(result.inputs).toEqual([expect.objectContaining({fate: 'skipped', kind: 'cloudtrail/digest', detail: expect.stringContaining('digest')})])
    expect(result.stats.records).toBe(0)
  })

  it('unwraps lookup-events output and reports a broken CloudTrailEvent with its position', async () => {
    const result = await scan(['lookup-events/lookup-events.json'])
    expect(result.inputs[0]).toMatchObject({kind: 'cloudtrail/lookup-events', fate: 'read'})
    expect(result.stats.records).toBe(2)
    expect(result.results.map((r) => r.subject.id)).toEqual(['123456789012/6e12345-2a4e-417c-aa78-7594fEXAMPLE', '123456789012/49d14f36-6450-44a5-a501-b0fdcdfaeb98'])
    expect(result.diagnostics).toContainEqual(expect.objectContaining({severity: 'error', line: 23, message: expect.stringMatching(/record 3: CloudTrailEvent is not valid JSON/)}))
  })

  it('unwraps EventBridge envelopes and says which events are not CloudTrail records', async () => {
    const result = await scan(['eventbridge/events.json'])
    expect(result.results.map((r) => r.policy)).toEqual(['root-account-usage', 'console-login-without-mfa'])
    expect(result.diagnostics).toContainEqual(expect.objectContaining({message: expect.stringContaining('"EC2 Instance State-change Notification" is not a CloudTrail record')}))
  })

  it('reads JSON Lines; a broken line is reported at its line and the next line is still checked', async () => {
    const result = await scan(['jsonl/records.jsonl'])
    expect(result.diagnostics).toContainEqual(expect.objectContaining({severity: 'error', line: 4, code: 'record-syntax'}))
    expect(result.stats.records).toBe(4)
    expect(result.results.map((r) => r.location?.line)).toEqual([1, 2, 3])
  })
})

describe('scanEvents: bad input', () => {
  it('reports a record with broken JSON at its line and column and checks its neighbours', async () => {
    const result = await scan(['malformed/instance-connect-syntax.json'])
    const syntax = result.diagnostics.filter((d) => d.code === 'record-syntax')
    expect(syntax).toHaveLength(1)
    expect(syntax[0]).toMatchObject({severity: 'error', file: 'fixtures/events/malformed/instance-connect-syntax.json', line: 40, message: expect.stringMatching(/^record 2: invalid JSON in this record: Expected ','/)})
    expect(syntax[0]!.column).toBeGreaterThan(700)
    expect(result.stats.records).toBe(2)
    // Record 1 (root PutRule) before the broken one and record 3 after it are both judged.
    expect(result.results.map((r) => r.subject.id)).toEqual(['123456789012/49d14f36-6450-44a5-a501-b0fdcdfaeb98'])
    expect(result.passes['root-account-usage']).toBe(1)
  })

  it('names each impossible value of a record, with its index and line, and keeps checking', async () => {
    const result = await scan(['malformed/instance-connect-values.json'])
    const messages = result.diagnostics.filter((d) => d.code === 'record-schema').map((d) => `${d.line}: ${d.message}`)
    expect(messages).toEqual([
      '40: record 2 (eventID 1a2w3d4r5-a88f-4e28-b3bf-30161f75be34): eventName "SendSSHPublicKey " has leading or trailing whitespace',
      '40: record 2 (eventID 1a2w3d4r5-a88f-4e28-b3bf-30161f75be34): sourceIPAddress "123.456.789.012" is not an IP address, a service DNS name or "AWS Internal"',
      '40: record 2 (eventID 1a2w3d4r5-a88f-4e28-b3bf-30161f75be34): recipientAccountId "0987654321" is not a 12-digit AWS account id',
      '75: record 3 (eventID fd072859-bd7c-4865-9e76-8e364e89307c): eventTime "2016-02-08 06:35" is not an ISO 8601 date-time such as 2024-01-31T12:00:00Z',
    ])
    expect(result.stats.records).toBe(4)
  })

  it('reports a truncated file and checks the records before the cut', async () => {
    const result = await scan(['malformed/truncated.json'])
    expect(result.diagnostics).toContainEqual(expect.objectContaining({severity: 'error', message: expect.stringContaining('truncated')}))
    expect(result.stats.records).toBe(2)
    expect(result.inputs[0]!.fate).toBe('read')
  })

  it('reports a corrupt gzip as failed and goes on with the other files', async () => {
    const result = await scan(['malformed/corrupt.json.gz', 'malformed/truncated.json.gz', 'samples/console-sign-in.json'])
    const byPath = Object.fromEntries(result.inputs.map((input) => [input.path.split('/').pop(), input]))
    expect(byPath['corrupt.json.gz']).toMatchObject({fate: 'failed', detail: expect.stringContaining('not a readable gzip file')})
    expect(result.diagnostics).toContainEqual(expect.objectContaining({code: 'gzip', file: 'fixtures/events/malformed/truncated.json.gz', message: expect.stringContaining('truncated')}))
    expect(result.results.map((r) => r.policy)).toEqual(['console-login-without-mfa', 'console-login-failure'])
  })
})

describe('scanEvents: coverage evidence', () => {
  it('reports regions, global-service and data events per account', async () => {
    const account = '444455556666'
    const record = (eventSource: string, awsRegion: string, eventTime: string, extra: Record<string, unknown> = {}) => ({
      eventVersion: '1.09', userIdentity: {type: 'IAMUser', arn: `arn:aws:iam::${account}:user/bob`, accountId: account}, eventTime, eventSource,
      eventName: 'ListThings', awsRegion, sourceIPAddress: '192.0.2.1', eventID: `${eventSource}-${eventTime}`, eventType: 'AwsApiCall', recipientAccountId: account, ...extra,
    })
    const dir = join(scratch, 'coverage', 'AWSLogs', account, 'CloudTrail')
    const write = (region: string, records: unknown[]) => {
      const path = join(dir, region, '2024', '05', '01', `${account}_CloudTrail_${region}_20240501T1200Z_x.json.gz`)
      mkdirSync(join(path, '..'), {recursive: true})
      writeFileSync(path, gzipSync(JSON.stringify({Records: records})))
      return path
    }
    const files = [
      write('eu-west-1', [record('ec2.amazonaws.com', 'eu-west-1', '2024-05-01T12:00:00Z')]),
      write('us-east-1', [record('iam.amazonaws.com', 'us-east-1', '2024-05-01T11:00:00Z'), record('s3.amazonaws.com', 'us-east-1', '2024-05-01T13:00:00Z', {eventCategory: 'Data', managementEvent: false})]),
    ]
    const result = await scanEvents([join(scratch, 'coverage')], {policies, params: {}, workers: 0})
    expect(result.coverage).toEqual([
      {account, regions: ['eu-west-1', 'us-east-1'], globalServiceEvents: true, dataEvents: true, records: 3, firstEventTime: '2024-05-01T11:00:00Z', lastEventTime: '2024-05-01T13:00:00Z'},
    ])
    const regional = await scanEvents([files[0]!], {policies, params: {}, workers: 0})
    expect(regional.coverage[0]).toMatchObject({globalServiceEvents: false, dataEvents: false, regions: ['eu-west-1']})
  })
})

describe('scanEvents: determinism and size limits', () => {
  it('gives the same outcome on worker threads as on the calling thread', async () => {
    const options = {policies: enabledEventPack(), params: {'source-ip-allowlist': {allowedCidrs: ['198.51.100.0/24']}}, cwd: REPO_ROOT}
    const single = await scanEvents([FIXTURES], {...options, workers: 0})
    const pooled = await scanEvents([FIXTURES], {...options, workers: 2})
    const stable = (result: EventScanResult) => ({...result, stats: {...result.stats, ms: 0}})
    expect(single.results.length).toBeGreaterThan(5)
    expect(single.results.some((r) => r.policy === 'source-ip-allowlist')).toBe(true)
    expect(stable(pooled)).toEqual(stable(single))
  })

  it('streams a file larger than the whole-file limit record by record, with the same findings', async () => {
    const whole = await scan(['AWSLogs/123456789012/CloudTrail', 'samples/console-sign-in.json'])
    const streamed = await scan(['AWSLogs/123456789012/CloudTrail', 'samples/console-sign-in.json'], 0, {maxWholeFileBytes: 64})
    expect(streamed.inputs.map((input) => input.detail)).toEqual([expect.stringContaining('streamed'), expect.stringContaining('streamed')])
    expect(streamed.results.map((r) => [r.policy, r.subject.id])).toEqual(whole.results.map((r) => [r.policy, r.subject.id]))
    expect(streamed.stats.records).toBe(whole.stats.records)
  })

  it('streams an object fetched from elsewhere (S3) that inflates past the whole-file limit from its own bytes, with the same findings', async () => {
    const key = 'AWSLogs/123456789012/CloudTrail/us-west-2/2016/05/20/123456789012_CloudTrail_us-west-2_20160520T0830Z_Ex4mpleRootTerm.json.gz'
    const bytes = readFileSync(join(FIXTURES, key))
    const remote = {files: [{path: `s3://trail-bucket/${key}`, absolutePath: ''}], fetch: () => Promise.resolve(new Uint8Array(bytes))}
    const whole = await scanEvents([], {policies, params: {}, workers: 0, cwd: REPO_ROOT, remote})
    const streamed = await scanEvents([], {policies, params: {}, workers: 0, cwd: REPO_ROOT, remote, maxWholeFileBytes: 64})
    expect(streamed.inputs).toEqual([expect.objectContaining({fate: 'read', detail: expect.stringContaining('1 record checked (streamed')})])
    expect(streamed.results.map((r) => [r.policy, r.subject.id])).toEqual(whole.results.map((r) => [r.policy, r.subject.id]))
    expect(streamed.results.length).toBeGreaterThan(0)
  })

  it('reports progress per file', async () => {
    const seen: number[] = []
    await scanEvents([join(FIXTURES, 'samples')], {policies, params: {}, workers: 0, onProgress: (p) => seen.push(p.files)})
    expect(seen).toEqual([1, 2])
  })

  it('keeps the seeds\' records as fixtures', () => {
    const text = readFileSync(join(FIXTURES, 'malformed/instance-connect-syntax.json'), 'utf8')
    expect(text).toContain('"eventName": "SendSSHPublicKey "')
    expect(text).toContain('"sourceIPAddress": "123.456.789.012"')
  })
})
