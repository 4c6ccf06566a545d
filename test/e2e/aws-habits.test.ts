/**
 * The AWS habits a user brings from the AWS CLI and the SDKs, through `bin/run.js audit` against the
 * local fake AWS, with shared config and credentials files of the test's own.
 */
import {mkdtempSync, writeFileSync} from 'node:fs'
import net from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'

import type {Report} from '../../src/engine/report-types.js'
import {startFakeAws, type FakeAws, type FakeWorld} from '../live/fake-aws/server.js'
import {trailgate, trailgateAsync, type CliRun} from './cli.js'

const ACCOUNT = '111122223333'
const SOURCE_ACCOUNT = '999988887777'

const world = (): FakeWorld => ({
  regions: ['us-east-1'],
  accounts: {
    [ACCOUNT]: {
      accessKeyIds: ['AKIAPROFILE'],
      roles: {Auditor: {}, GitHubActions: {webIdentityToken: 'oidc-token-from-github'}},
      trails: [{Name: 'main', HomeRegion: 'us-east-1', S3BucketName: 'main-logs', IsMultiRegionTrail: true, LogFileValidationEnabled: true, status: {IsLogging: true}}],
    },
    // Only a source of credentials: its key may assume the Auditor role in ACCOUNT.
    [SOURCE_ACCOUNT]: {accessKeyIds: ['AKIASOURCE'], trails: []},
  },
})

let fake: FakeAws | undefined
const listeners: net.Server[] = []
afterEach(async () => {
  await fake?.close()
  fake = undefined
  for (const listener of listeners.splice(0)) await new Promise((resolve) => listener.close(resolve))
})

/** A temporary AWS config and credentials file, and the environment that points at them and at nothing else. */
function awsFiles(config: string, credentials = ''): {dir: string; env: Record<string, string>} {
  const dir = mkdtempSync(join(tmpdir(), 'trailgate-aws-habits-'))
  writeFileSync(join(dir, 'config'), config)
  writeFileSync(join(dir, 'credentials'), credentials)
  return {
    dir,
    env: {
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
      CI: 'true',
    },
  }
}

const STATIC_KEYS = (key: string) => `aws_access_key_id = ${key}\naws_secret_access_key = fake-secret\n`

function report(run: CliRun): Report {
  if (!run.stdout.startsWith('{')) throw new Error(`audit printed no report (exit ${run.status}): ${run.stderr}`)
  return JSON.parse(run.stdout) as Report
}

const auditedAccounts = (r: Report) => [...new Set(r.inputs.filter((i) => i.fate === 'read').map((i) => i.path))].sort()
const errors = (r: Report) => r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)
const answered = (operation: string) => (fake?.requests ?? []).filter((r) => r.operation === operation && r.status === 200)

describe('trailgate audit honours the profile as the AWS CLI does', () => {
  it.each([
    ['--profile', (env: Record<string, string>) => ({args: ['--profile', 'fake'], env})],
    ['AWS_PROFILE', (env: Record<string, string>) => ({args: [], env: {...env, AWS_PROFILE: 'fake'}})],
  ])('sends every call to the endpoint_url of the profile named by %s', async (_how, how) => {
    fake = await startFakeAws(world())
    const files = awsFiles(`[profile fake]\nregion = us-east-1\nendpoint_url = ${fake.url}\n`, `[fake]\n${STATIC_KEYS('AKIAPROFILE')}`)
    const {args, env} = how(files.env)
    const run = await trailgateAsync(['audit', '--regions', 'us-east-1', '--format', 'json', ...args], {env})
    const audit = report(run)
    expect(errors(audit)).toEqual([])
    expect(auditedAccounts(audit)).toEqual([`aws://${ACCOUNT}/us-east-1`])
    expect(answered('DescribeTrails')).toHaveLength(1)
    // The trail has no KMS key and no CloudWatch Logs: judged, and failed.
    expect(run.status).toBe(1)
  })

  it('sends the AssumeRole of a source_profile + role_arn profile to --endpoint-url, and audits the role\'s account', async () => {
    fake = await startFakeAws(world())
    const files = awsFiles(
      `[profile base]\nregion = us-east-1\n[profile auditor]\nrole_arn = arn:aws:iam::${ACCOUNT}:role/Auditor\nsource_profile = base\nregion = us-east-1\n`,
      `[base]\n${STATIC_KEYS('AKIASOURCE')}`,
    )
    const run = await trailgateAsync(['audit', '--profile', 'auditor', '--endpoint-url', fake.url, '--regions', 'us-east-1', '--format', 'json'], {env: files.env})
    const audit = report(run)
    expect(errors(audit)).toEqual([])
    expect(answered('AssumeRole').map((r) => r.input?.RoleArn)).toEqual([`arn:aws:iam::${ACCOUNT}:role/Auditor`])
    expect(auditedAccounts(audit)).toEqual([`aws://${ACCOUNT}/us-east-1`])
  })

  it('sends the web identity exchange (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN) to --endpoint-url', async () => {
    fake = await startFakeAws(world())
    const files = awsFiles('')
    const token = join(files.dir, 'token')
    writeFileSync(token, 'oidc-token-from-github')
    const env = {...files.env, AWS_WEB_IDENTITY_TOKEN_FILE: token, AWS_ROLE_ARN: `arn:aws:iam::${ACCOUNT}:role/GitHubActions`, AWS_REGION: 'us-east-1'}
    const run = await trailgateAsync(['audit', '--endpoint-url', fake.url, '--regions', 'us-east-1', '--format', 'json'], {env})
    const audit = report(run)
    expect(errors(audit)).toEqual([])
    expect(answered('AssumeRoleWithWebIdentity')).toHaveLength(1)
    expect(auditedAccounts(audit)).toEqual([`aws://${ACCOUNT}/us-east-1`])
  })

  it.each([
    ['--profile nope', ['--profile', 'nope'], {}],
    ['AWS_PROFILE=nope', [], {AWS_PROFILE: 'nope'}],
  ])('names a missing profile (%s) in the error and exits 2', async (_how, args, extra) => {
    fake = await startFakeAws(world())
    const files = awsFiles('[profile other]\nregion = us-east-1\n', `[other]\n${STATIC_KEYS('AKIAPROFILE')}`)
    const run = await trailgateAsync(['audit', '--endpoint-url', fake.url, '--regions', 'us-east-1', '--format', 'json', ...args], {env: {...files.env, ...extra}})
    const audit = report(run)
    expect(errors(audit)).toEqual([expect.stringMatching(/profile "nope".*is not in the shared config file .*config nor in the credentials file .*credentials/)])
    expect(fake.requests).toEqual([])
    expect(run.status).toBe(2)
  })
})

/** A port that accepts each connection and drops it at once, counting them: every attempt is one connection. */
async function droppingListener(): Promise<{url: string; connections: () => number}> {
  let count = 0
  const listener = net.createServer((socket) => {
    count++
    socket.destroy()
  })
  listeners.push(listener)
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve))
  const address = listener.address() as net.AddressInfo
  return {url: `http://127.0.0.1:${address.port}`, connections: () => count}
}

/** A port nothing listens on. */
async function refusedPort(): Promise<string> {
  const probe = net.createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const {port} = probe.address() as net.AddressInfo
  await new Promise((resolve) => probe.close(resolve))
  return `http://127.0.0.1:${port}`
}

describe('trailgate audit retries as AWS_MAX_ATTEMPTS and AWS_RETRY_MODE say', () => {
  const keys = {AWS_ACCESS_KEY_ID: 'AKIAPROFILE', AWS_SECRET_ACCESS_KEY: 'fake-secret', AWS_REGION: 'us-east-1'}

  it.each([
    ['AWS_MAX_ATTEMPTS=1', {AWS_MAX_ATTEMPTS: '1'}, '', 1],
    ['AWS_MAX_ATTEMPTS=3', {AWS_MAX_ATTEMPTS: '3'}, '', 3],
    ['max_attempts = 2 in the profile', {}, 'max_attempts = 2\n', 2],
    ['the default of 8', {}, '', 8],
  ])('a dropped connection is tried %s times', async (_how, extra, profileLines, attempts) => {
    const listener = await droppingListener()
    const files = awsFiles(`[default]\nregion = us-east-1\n${profileLines}`)
    const run = await trailgateAsync(['audit', '--endpoint-url', listener.url, '--regions', 'us-east-1', '--format', 'json'], {env: {...files.env, ...keys, ...extra}})
    const audit = report(run)
    expect(listener.connections()).toBe(attempts)
    expect(errors(audit)).toEqual([expect.stringContaining('GetCallerIdentity failed')])
    expect(run.status).toBe(2)
  }, 60_000)

  it('gives up on a refused port after one attempt with AWS_MAX_ATTEMPTS=1', async () => {
    const url = await refusedPort()
    const files = awsFiles('[default]\nregion = us-east-1\n')
    const started = Date.now()
    const run = await trailgateAsync(['audit', '--endpoint-url', url, '--regions', 'us-east-1', '--format', 'json'], {env: {...files.env, ...keys, AWS_MAX_ATTEMPTS: '1'}})
    const audit = report(run)
    // One attempt: the failure does not say "(after N attempts)", as it does when a call was retried.
    expect(errors(audit)).toEqual([expect.stringMatching(/GetCallerIdentity failed: ECONNREFUSED: (?!.*after \d+ attempts)/)])
    expect(Date.now() - started).toBeLessThan(30_000)
  })

  it.each([
    ['AWS_MAX_ATTEMPTS=many', {AWS_MAX_ATTEMPTS: 'many'}, '', /AWS_MAX_ATTEMPTS must be a whole number of at least 1, not "many"/],
    ['AWS_MAX_ATTEMPTS=0', {AWS_MAX_ATTEMPTS: '0'}, '', /AWS_MAX_ATTEMPTS must be a whole number of at least 1, not "0"/],
    ['AWS_RETRY_MODE=eager', {AWS_RETRY_MODE: 'eager'}, '', /AWS_RETRY_MODE must be one of standard, adaptive, legacy, not "eager"/],
    ['retry_mode = eager in the profile', {}, 'retry_mode = eager\n', /retry_mode of profile default must be one of standard, adaptive, legacy, not "eager"/],
  ])('refuses %s with an error naming where it came from', async (_how, extra, profileLines, message) => {
    const files = awsFiles(`[default]\nregion = us-east-1\n${profileLines}`)
    const url = await refusedPort()
    const run = await trailgateAsync(['audit', '--endpoint-url', url, '--regions', 'us-east-1'], {env: {...files.env, ...keys, ...extra}})
    expect(run.stderr).toMatch(message)
    expect(run.status).toBe(2)
  })

  it('audits with AWS_RETRY_MODE=adaptive through throttles, retrying them', async () => {
    const throttled = world()
    throttled.accounts[ACCOUNT]!.faults = {throttle: {DescribeTrails: 2, GetTrailStatus: 2}}
    fake = await startFakeAws(throttled)
    const files = awsFiles('[default]\nregion = us-east-1\n')
    const run = await trailgateAsync(['audit', '--endpoint-url', fake.url, '--regions', 'us-east-1', '--format', 'json'], {env: {...files.env, ...keys, AWS_RETRY_MODE: 'adaptive'}})
    const audit = report(run)
    expect(errors(audit)).toEqual([])
    expect(audit.notes.find((n) => n.includes('AWS calls'))).toMatch(/4 throttled and retried/)
    expect(auditedAccounts(audit)).toEqual([`aws://${ACCOUNT}/us-east-1`])
  })
})

describe('--output is --format, as in the AWS CLI', () => {
  it.each(['check', 'audit'])('%s accepts --output json and --output text', async (command) => {
    const files = awsFiles('[default]\nregion = us-east-1\n')
    if (command === 'audit') fake = await startFakeAws(world())
    const args = command === 'check' ? ['check', 'fixtures/evidence/mixed-account'] : ['audit', '--endpoint-url', fake!.url, '--regions', 'us-east-1']
    const env = {...files.env, AWS_ACCESS_KEY_ID: 'AKIAPROFILE', AWS_SECRET_ACCESS_KEY: 'fake-secret', AWS_REGION: 'us-east-1'}
    const json = await trailgateAsync([...args, '--output', 'json'], {env})
    expect((JSON.parse(json.stdout) as Report).command).toBe(command)
    const text = await trailgateAsync([...args, '--output', 'text'], {env})
    expect(text.stdout).toMatch(new RegExp(`^trailgate ${command} `))
    expect(text.status).toBe(json.status)
  })

  it('refuses an AWS CLI output this tool does not write, listing the ones it does', () => {
    const run = trailgate(['check', 'fixtures/evidence/mixed-account', '--output', 'yaml'])
    expect(run.stderr.replace(/\s+›\s+/g, ' ')).toMatch(/yaml to be one of: text, json, sarif, junit, markdown/)
    expect(run.status).toBe(2)
  })
})
