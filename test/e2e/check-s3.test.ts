import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import http from 'node:http'
import type {AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gunzipSync, gzipSync} from 'node:zlib'

import {S3Client} from '@aws-sdk/client-s3'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {S3Store} from '../../src/archive/s3-store.js'
import {startFakeAws} from '../live/fake-aws/server.js'
import {buildArchive, listPublicKeysOutput} from '../archive/signed-archive.js'
import {tamperCases} from '../archive/tamper-cases.js'
import {ROOT, trailgate, trailgateAsync} from './cli.js'
import {S3RVER_CREDENTIALS, startS3rver, type RunningS3} from './s3rver.js'

const BUCKET = 'trail-bucket'
const LOG_KEY = 'AWSLogs/123456789012/CloudTrail/us-west-2/2016/05/20/123456789012_CloudTrail_us-west-2_20160520T0830Z_Ex4mpleRootTerm.json.gz'
const CORRUPT_KEY = 'AWSLogs/123456789012/CloudTrail/us-west-2/2016/05/20/123456789012_CloudTrail_us-west-2_20160520T0900Z_Corrupt.json.gz'
const OTHER_REGION_KEY = 'AWSLogs/123456789012/CloudTrail/us-east-1/2016/05/20/123456789012_CloudTrail_us-east-1_20160520T0830Z_OtherRegion.json.gz'
const OLD_KEY = 'AWSLogs/123456789012/CloudTrail/us-west-2/2016/05/10/123456789012_CloudTrail_us-west-2_20160510T0830Z_OldDay.json.gz'
const OTHER_ACCOUNT_KEY = 'AWSLogs/210987654321/CloudTrail/us-west-2/2016/05/20/210987654321_CloudTrail_us-west-2_20160520T0830Z_OtherAccount.json.gz'
const CREDENTIALS = S3RVER_CREDENTIALS

interface Report {
  inputs: {path: string; fate: string; detail: string}[]
  results: {policy: string; status: string; subject: {id: string}; message: string}[]
}

/**
 * A real S3-compatible server (s3rver), behind a proxy that logs every request and answers AWS's own
 * AccessDenied error for one prefix, as a bucket policy denying it would.
 */
let s3: RunningS3
let proxy: http.Server
let endpoint = ''
const requests: string[] = []
let flakyAnswers = 0
let brokenAnswers = 0
// A trail archive under `signed/`, each digest's signature in its object metadata as CloudTrail writes it.
const SIGNED = buildArchive({bucket: BUCKET, prefix: 'signed/'})
const TAMPERED = buildArchive({bucket: BUCKET, prefix: 'tampered/', key: SIGNED.key})
const TAMPERED_LOG = TAMPERED.logs[4]!.key
// Every way of tampering the local copies are tested with, each under its own trail prefix, signatures in metadata.
const CASES = tamperCases(SIGNED.key).map((_, index) => ({prefix: `case${index}/`, ...tamperCases(SIGNED.key, `case${index}/`)[index]!}))
// An intact archive whose second digest lost its signature metadata.
const UNSIGNED = buildArchive({bucket: BUCKET, prefix: 'unsigned/', key: SIGNED.key})
const UNSIGNED_DIGEST = UNSIGNED.digests[1]!.key

beforeAll(async () => {
  s3 = await startS3rver(BUCKET)
  const port = s3.port
  proxy = http.createServer((request, response) => {
    const url = decodeURIComponent(request.url ?? '')
    requests.push(`${request.method} ${url}`)
    // S3's answer when a prefix is read too fast: always for `slow/`, for the first two GETs of `flaky/`.
    if (request.method === 'GET' && !url.includes('list-type') && (url.includes('/slow/') || (url.includes('/flaky/') && flakyAnswers++ < 2))) {
      response.writeHead(503, {'content-type': 'application/xml'})
      response.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>2</RequestId></Error>')
      return
    }
    // A server error once for the first GET of `broken/`: retried, and counted apart from throttling.
    if (request.method === 'GET' && !url.includes('list-type') && url.includes('/broken/') && brokenAnswers++ < 1) {
      response.writeHead(500, {'content-type': 'application/xml'})
      response.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message><RequestId>3</RequestId></Error>')
      return
    }
    if (url.includes('denied/')) {
      response.writeHead(403, {'content-type': 'application/xml'})
      response.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>1</RequestId></Error>')
      return
    }
    const upstream = http.request({host: '127.0.0.1', port, method: request.method, path: request.url, headers: request.headers}, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(response)
    })
    request.pipe(upstream)
  })
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
  endpoint = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`
  const log = readFileSync(join(ROOT, 'fixtures/events', LOG_KEY))
  const signed = (objects: {key: string; bytes: Uint8Array; metadata: Record<string, string>}[]) => objects.map((object) => ({key: object.key, body: object.bytes, metadata: object.metadata}))
  await s3.put([
    ...[LOG_KEY, OTHER_REGION_KEY, OLD_KEY, `flaky/${LOG_KEY}`, `slow/${LOG_KEY}`, `broken/${LOG_KEY}`, OTHER_ACCOUNT_KEY].map((key) => ({key, body: log})),
    {key: CORRUPT_KEY, body: Buffer.concat([log.subarray(0, 40), Buffer.from('not the rest of a gzip stream')])},
    ...signed(SIGNED.objects),
    ...signed(TAMPERED.objects.map((object) => (object.key === TAMPERED_LOG ? {...object, bytes: gzipSync(gunzipSync(object.bytes).toString().replace('us-east-1', 'us-east-2'))} : object))),
    ...CASES.flatMap((testCase) => signed(testCase.objects)),
    ...signed(UNSIGNED.objects.map((object) => (object.key === UNSIGNED_DIGEST ? {...object, metadata: {}} : object))),
    ...Array.from({length: 1005}, (_, index) => ({key: `many/${String(index).padStart(4, '0')}.txt`, body: 'x'})),
  ])
}, 120_000)

afterAll(async () => {
  await new Promise<void>((resolve) => proxy.close(() => resolve()))
  s3.close()
})

const check = (args: string[]) => trailgateAsync(['check', ...args, '--endpoint-url', endpoint, '--format', 'json'], {env: CREDENTIALS})

describe('check s3://bucket/prefix against a real S3-compatible server', () => {
  it('lists past the first page of 1,000 keys', async () => {
    const client = new S3Client({endpoint, region: 'us-east-1', forcePathStyle: true, credentials: {accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER'}})
    const store = new S3Store(client, BUCKET)
    const keys: string[] = []
    for await (const entry of store.list('many/')) keys.push(entry.key)
    store.close()
    expect(keys).toHaveLength(1005)
    expect(keys.at(-1)).toBe('many/1004.txt')
    expect(requests.filter((request) => request.includes('prefix=many/') && request.includes('continuation-token')).length).toBeGreaterThan(0)
  })

  it('judges the objects as the same files on disk are judged, and a corrupt object is a failed input while the rest go on', async () => {
    const run = await check([`s3://${BUCKET}/AWSLogs/123456789012/CloudTrail/us-west-2/2016/05/20/`])
    const report = JSON.parse(run.stdout) as Report
    expect(run.status, run.stderr).toBe(2)
    const local = JSON.parse(trailgate(['check', join('fixtures/events', LOG_KEY), '--format', 'json', '--regions', 'us-west-2']).stdout) as Report
    // The same finding, but for where it was read from.
    const findings = (r: Report) => r.results.filter((result) => result.status === 'fail').map((result) => `${result.policy} ${result.subject.id} ${result.message.replace(`s3://${BUCKET}/`, 'fixtures/events/')}`).sort()
    expect(findings(local).length).toBeGreaterThan(0)
    expect(findings(report)).toEqual(findings(local))
    expect(report.inputs.find((input) => input.path === `s3://${BUCKET}/${LOG_KEY}`)).toMatchObject({fate: 'read'})
    expect(report.inputs.find((input) => input.path === `s3://${BUCKET}/${CORRUPT_KEY}`)).toMatchObject({fate: 'failed'})
  })

  it('never fetches an object of a region outside --regions', async () => {
    requests.length = 0
    await check([`s3://${BUCKET}/AWSLogs/`, '--regions', 'us-west-2'])
    expect(requests.some((request) => request.startsWith('GET') && request.includes(LOG_KEY))).toBe(true)
    expect(requests.some((request) => request.includes('OtherRegion'))).toBe(false)
  })

  it('fails a prefix that lists nothing, and one the bucket denies, with exit 2', async () => {
    const empty = await check([`s3://${BUCKET}/AWSLogs/999999999999/`])
    expect(empty.status).toBe(2)
    expect((JSON.parse(empty.stdout) as Report).inputs).toEqual([expect.objectContaining({path: `s3://${BUCKET}/AWSLogs/999999999999/`, fate: 'failed', detail: expect.stringContaining('no JSON')})])
    const denied = await check([`s3://${BUCKET}/denied/`, join(ROOT, 'fixtures/events', LOG_KEY)])
    const report = JSON.parse(denied.stdout) as Report
    expect(denied.status).toBe(2)
    expect(report.inputs.find((input) => input.path === `s3://${BUCKET}/denied/`)).toMatchObject({fate: 'failed', detail: expect.stringContaining('AccessDenied')})
    expect(report.results.some((result) => result.status === 'fail')).toBe(true)
  })

  it('walks the layout to the days of --since/--until and the accounts of --accounts: nothing outside is listed or fetched', async () => {
    requests.length = 0
    const run = await check([`s3://${BUCKET}/`, '--since', '2016-05-20T00:00:00Z', '--until', '2016-05-20T12:00:00Z', '--accounts', '123456789012', '--regions', 'us-west-2'])
    const report = JSON.parse(run.stdout) as Report & {notes: string[]}
    expect(run.status, run.stderr).toBe(2) // the corrupt object of that day is still a failed input
    expect(report.inputs.find((input) => input.path === `s3://${BUCKET}/${LOG_KEY}`)).toMatchObject({fate: 'read'})
    expect(report.results.some((result) => result.status === 'fail' && result.message.includes(LOG_KEY))).toBe(true)
    for (const outside of ['OldDay', 'OtherAccount', 'OtherRegion', '2016/05/10', '210987654321', 'us-east-1']) expect(requests.filter((request) => request.includes(outside))).toEqual([])
    // Listing went down folder by folder, not over the whole bucket.
    expect(requests.some((request) => request.includes('delimiter=/'))).toBe(true)
    expect(requests.some((request) => request.includes('prefix=AWSLogs/123456789012/CloudTrail/us-west-2/2016/05/20/'))).toBe(true)
  })

  it('drops a file of a boundary day whose name says it was delivered before --since', async () => {
    requests.length = 0
    const run = await check([`s3://${BUCKET}/AWSLogs/123456789012/CloudTrail/us-west-2/`, '--since', '2016-05-20T08:45:00Z', '--until', '2016-05-21'])
    const report = JSON.parse(run.stdout) as Report & {notes: string[]}
    expect(report.inputs.some((input) => input.path.endsWith(LOG_KEY))).toBe(false)
    expect(requests.some((request) => request.startsWith('GET') && request.includes('Ex4mpleRootTerm'))).toBe(false)
    expect(report.inputs.find((input) => input.path.endsWith(CORRUPT_KEY))).toMatchObject({fate: 'failed'})
    expect(report.notes.some((note) => /1 object outside --since\/--until not read/.test(note))).toBe(true)
  })

  it('fails a window that leaves nothing to read, with exit 2, locally as in S3', async () => {
    const remote = await check([`s3://${BUCKET}/AWSLogs/`, '--since', '2020-01-01'])
    expect(remote.status).toBe(2)
    expect((JSON.parse(remote.stdout) as Report).inputs).toEqual([expect.objectContaining({path: `s3://${BUCKET}/AWSLogs/`, fate: 'failed', detail: expect.stringContaining('within --since/--until')})])
    const local = trailgate(['check', join('fixtures/events', LOG_KEY), '--since', '2020-01-01', '--format', 'json'])
    expect(local.status).toBe(2)
    expect((JSON.parse(local.stdout) as Report).inputs).toEqual([expect.objectContaining({fate: 'skipped', detail: expect.stringContaining('outside --since/--until')})])
  })

  it('refuses a --since it cannot read, and one after --until', () => {
    expect(trailgate(['check', 'fixtures/events', '--since', 'last week']).stderr).toContain('--since last week: expected a duration')
    expect(trailgate(['check', 'fixtures/events', '--since', '2016-05-21', '--until', '2016-05-20']).status).toBe(2)
    expect(trailgate(['check', 'fixtures/events', '--accounts', '12345']).stderr).toContain('12-digit')
  })

  it('retries 503 SlowDown and server errors with back-off and counts them apart; an object still throttled is a failed input and the rest go on', async () => {
    flakyAnswers = 0
    brokenAnswers = 0
    const run = await check([`s3://${BUCKET}/flaky/`, `s3://${BUCKET}/slow/`, `s3://${BUCKET}/broken/`])
    const report = JSON.parse(run.stdout) as Report & {notes: string[]}
    expect(run.status, run.stderr).toBe(2)
    expect(report.inputs.find((input) => input.path === `s3://${BUCKET}/flaky/${LOG_KEY}`)).toMatchObject({fate: 'read'})
    expect(report.results.some((result) => result.status === 'fail' && result.message.includes(`flaky/${LOG_KEY}`))).toBe(true)
    expect(report.inputs.find((input) => input.path === `s3://${BUCKET}/slow/${LOG_KEY}`)).toMatchObject({fate: 'failed', detail: expect.stringContaining('SlowDown')})
    expect(report.inputs.find((input) => input.path === `s3://${BUCKET}/broken/${LOG_KEY}`)).toMatchObject({fate: 'read'})
    // Three listings and three GETs. Two throttled GETs of the flaky object, five of the slow one (four
    // retries, then given up), one server error of the broken one: 7 throttles, 1 server error, 7 retries.
    expect(report.notes, report.notes.join('\n')).toContain('13 S3 requests for 6 calls: 7 throttled (503 SlowDown), 1 server error, 7 retried')
  }, 60_000)

  it('proves a live archive\'s integrity with the signatures in its digests\' S3 metadata, the newest included, and fails a changed log', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'trailgate-s3-keys-'))
    writeFileSync(join(cwd, 'keys.json'), listPublicKeysOutput([SIGNED.key]))
    const only = ['--only', 'log-file-integrity,digest-chain-integrity', '--public-keys', join(cwd, 'keys.json')]
    const intact = await check([`s3://${BUCKET}/signed/`, ...only])
    const report = JSON.parse(intact.stdout) as Report
    expect(intact.status, intact.stderr).toBe(0)
    const statuses = (policy: string) => report.results.filter((result) => result.policy === policy).map((result) => result.status)
    // Unlike a local copy, no digest's signature is unknown: S3 kept them all.
    expect(statuses('digest-chain-integrity')).toEqual(SIGNED.digests.map(() => 'pass'))
    expect(statuses('log-file-integrity')).toEqual(SIGNED.logs.map(() => 'pass'))
    expect(report.inputs.filter((input) => input.path.includes('CloudTrail-Digest')).map((input) => input.fate)).toEqual(SIGNED.digests.map(() => 'read'))
    const tampered = await check([`s3://${BUCKET}/tampered/`, ...only])
    const failedIds = (JSON.parse(tampered.stdout) as Report).results.filter((result) => result.status === 'fail').map((result) => result.subject.id)
    expect(tampered.status).toBe(1)
    expect(failedIds).toEqual([`s3://${BUCKET}/${TAMPERED_LOG}`])
  })

  for (const testCase of CASES) {
    it(`${testCase.name}, in S3: fails what aws cloudtrail validate-logs prints INVALID, and what it does not see`, async () => {
      const cwd = mkdtempSync(join(tmpdir(), 'trailgate-s3-tamper-'))
      writeFileSync(join(cwd, 'keys.json'), listPublicKeysOutput([SIGNED.key]))
      const run = await check([`s3://${BUCKET}/${testCase.prefix}`, '--only', 'log-file-integrity,digest-chain-integrity,digest-chain-continuity', '--public-keys', join(cwd, 'keys.json')])
      const report = JSON.parse(run.stdout) as Report
      const failed = report.results.filter((result) => result.status === 'fail').map((result) => `${result.policy} ${result.subject.id}`).sort()
      // S3 keeps every digest's signature: what a copy leaves unknown is decided here.
      expect(failed).toEqual([...testCase.agreed, ...testCase.extras].map((item) => `${item.policy} s3://${BUCKET}/${item.key}`).sort())
      expect(report.results.filter((result) => result.status === 'unknown')).toEqual([])
      for (const line of testCase.cli) expect(report.results.find((result) => result.status === 'fail' && result.subject.id === `s3://${BUCKET}/${line.key}`)?.message).toContain(line.line.slice(line.line.indexOf(' INVALID: ')))
      expect(run.status).toBe(1)
    })
  }

  it('fails a digest whose object lost its signature metadata, as validate-logs does, and passes the rest', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'trailgate-s3-unsigned-'))
    writeFileSync(join(cwd, 'keys.json'), listPublicKeysOutput([SIGNED.key]))
    const run = await check([`s3://${BUCKET}/unsigned/`, '--only', 'digest-chain-integrity,log-file-integrity', '--public-keys', join(cwd, 'keys.json')])
    const report = JSON.parse(run.stdout) as Report
    const failed = report.results.filter((result) => result.status !== 'pass')
    expect(failed.map((result) => `${result.status} ${result.subject.id}`)).toEqual([`fail s3://${BUCKET}/${UNSIGNED_DIGEST}`])
    expect(failed[0]!.message).toMatch(/signature/i)
    expect(run.status).toBe(1)
  })

  it('without --public-keys, asks CloudTrail for them (ListPublicKeys in the trail\'s home region); keys it cannot list leave signatures unknown, said why', async () => {
    const validity = {ValidityStartTime: '2025-01-01T00:00:00Z', ValidityEndTime: '2026-01-01T00:00:00Z'}
    const fake = await startFakeAws({accounts: {'111122223333': {accessKeyIds: ['S3RVER'], publicKeys: {'us-east-1': [{Value: SIGNED.key.value, Fingerprint: SIGNED.key.fingerprint, ...validity}]}}}}, {rateLimits: false})
    try {
      const only = ['--only', 'digest-chain-integrity']
      const live = JSON.parse((await trailgateAsync(['check', `s3://${BUCKET}/signed/`, ...only, '--endpoint-url', endpoint, '--format', 'json'], {env: {...CREDENTIALS, AWS_ENDPOINT_URL_CLOUDTRAIL: fake.url}})).stdout) as Report & {notes: string[]}
      expect(live.results.map((result) => result.status)).toEqual(SIGNED.digests.map(() => 'pass'))
      expect(live.notes.some((note) => note.includes('1 CloudTrail public key listed live'))).toBe(true)
      expect(fake.requests.filter((request) => request.operation === 'ListPublicKeys').map((request) => request.region)).toEqual(['us-east-1'])
      const refused = await trailgateAsync(['check', `s3://${BUCKET}/signed/`, ...only, '--endpoint-url', endpoint, '--format', 'json'], {env: {...CREDENTIALS, AWS_ENDPOINT_URL_CLOUDTRAIL: 'http://127.0.0.1:9'}})
      const report = JSON.parse(refused.stdout) as Report
      expect(report.results.every((result) => result.status === 'unknown' || result.status === 'pass')).toBe(true)
      expect(report.results.filter((result) => result.status === 'unknown').length).toBeGreaterThan(0)
      expect(report.results.find((result) => result.status === 'unknown')?.message).toContain('ListPublicKeys in us-east-1 failed')
    } finally {
      await fake.close()
    }
  }, 120_000)

  it('audit --events-from-bucket judges each audited trail\'s own bucket for the window, and a trail whose bucket is missing is a failed input', async () => {
    const trails = [
      {Name: 'main', HomeRegion: 'us-west-2', S3BucketName: BUCKET, IsMultiRegionTrail: true},
      {Name: 'gone', HomeRegion: 'us-west-2', S3BucketName: 'missing-bucket', S3KeyPrefix: 'logs'},
    ]
    const fake = await startFakeAws({regions: ['us-west-2'], accounts: {'123456789012': {accessKeyIds: ['S3RVER'], trails}}}, {rateLimits: false})
    try {
      requests.length = 0
      const window = ['--events-start', '2016-05-20T00:00:00Z', '--events-end', '2016-05-20T12:00:00Z']
      // One endpoint per service, as AWS's own variables name them: the fake AWS for the audit's calls, s3rver for the buckets.
      const env = {...CREDENTIALS, AWS_ENDPOINT_URL: fake.url, AWS_ENDPOINT_URL_S3: endpoint, AWS_CONFIG_FILE: join(tmpdir(), 'trailgate-none'), AWS_SHARED_CREDENTIALS_FILE: join(tmpdir(), 'trailgate-none'), AWS_EC2_METADATA_DISABLED: 'true'}
      const run = await trailgateAsync(['audit', '--regions', 'us-west-2', '--events-from-bucket', ...window, '--format', 'json'], {env})
      const report = JSON.parse(run.stdout) as Report & {notes: string[]}
      expect(run.status, run.stderr).toBe(2)
      expect(report.results.some((result) => result.status === 'fail' && result.message.includes(LOG_KEY))).toBe(true)
      expect(report.inputs.find((input) => input.path === `s3://${BUCKET}/${LOG_KEY}`)).toMatchObject({fate: 'read'})
      expect(report.inputs.find((input) => input.path === 's3://missing-bucket/logs/AWSLogs/')).toMatchObject({fate: 'failed', detail: expect.stringContaining('trail arn:aws:cloudtrail:us-west-2:123456789012:trail/gone delivers here')})
      for (const outside of ['OldDay', 'OtherAccount', 'OtherRegion', 'flaky/', 'signed/']) expect(requests.filter((request) => request.includes(outside))).toEqual([])
      expect(fake.requests.some((request) => request.operation === 'LookupEvents')).toBe(false)
      const refused = await trailgateAsync(['audit', '--regions', 'us-west-2', '--events-from-bucket'], {env})
      expect(refused.status).toBe(2)
      expect(refused.stderr).toContain('--events-since')
    } finally {
      await fake.close()
    }
  }, 120_000)
})
