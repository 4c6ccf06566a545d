#!/usr/bin/env node
// S3 read benchmark: `trailgate check s3://…` against a local S3-compatible server (s3rver, the one
// the tests start) vs `trailgate check` of the same files on disk, interleaved, best of N, on the
// archive bench-events.js generates and caches. Prints wall time, records/s, MB/s, peak RSS and the
// ratio S3/local. The server shares the machine's cores with trailgate: the ratio is an upper bound.
//
//   npm run build && node scripts/bench-s3.js [--size-mb 128] [--runs 3]

import {execFileSync, spawn, spawnSync} from 'node:child_process'
import {mkdtempSync, readdirSync, readFileSync, rmSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'

import {PutObjectCommand, S3Client} from '@aws-sdk/client-s3'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
const {values} = parseArgs({options: {'size-mb': {type: 'string', default: '128'}, runs: {type: 'string', default: '3'}}})
const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const runs = Number(values.runs)
const BUCKET = 'bench-trail'

const archive = JSON.parse(execFileSync(process.execPath, [join(root, 'scripts/bench-events.js'), '--generate-only', '--size-mb', values['size-mb']], {stdio: ['ignore', 'pipe', 'inherit']}).toString().trim().split('\n').pop())
const awsLogs = archive.folder // …/AWSLogs
const keys = readdirSync(awsLogs, {recursive: true}).filter((name) => name.endsWith('.json.gz')).sort()
const stored = keys.reduce((sum, key) => sum + statSync(join(awsLogs, key)).size, 0)

const directory = mkdtempSync(join(tmpdir(), 'trailgate-bench-s3-'))
const server = spawn(process.execPath, ['--openssl-legacy-provider', join(root, 'test/e2e/s3rver-process.mjs'), directory, BUCKET], {stdio: ['ignore', 'pipe', 'inherit']})
const port = await new Promise((resolve) => server.stdout.once('data', (chunk) => resolve(Number(chunk.toString().trim()))))
const endpoint = `http://127.0.0.1:${port}`
const credentials = {AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1'}
try {
  const client = new S3Client({endpoint, region: 'us-east-1', forcePathStyle: true, credentials: {accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER'}})
  const uploadStarted = performance.now()
  for (const key of keys) await client.send(new PutObjectCommand({Bucket: BUCKET, Key: `AWSLogs/${key.replace(/\\/g, '/')}`, Body: readFileSync(join(awsLogs, key))}))
  client.destroy()
  console.log(`archive: ${keys.length} objects, ${(archive.bytes / 1048576).toFixed(0)} MB uncompressed, ${(stored / 1048576).toFixed(0)} MB stored; uploaded to s3rver in ${((performance.now() - uploadStarted) / 1000).toFixed(1)} s`)

  const env = {...process.env, ...credentials, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', NO_COLOR: '1'}
  const measure = (args) => {
    const started = performance.now()
    const run = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, join(root, 'bin/run.js'), 'check', ...args, '--format', 'json'], {cwd: root, env, maxBuffer: 1 << 28, encoding: 'utf8'})
    const ms = performance.now() - started
    if (run.status !== 0 && run.status !== 1) throw new Error(`check ${args[0]} exited ${run.status}: ${run.stderr.slice(-2000)}`)
    const report = JSON.parse(run.stdout)
    const note = report.notes.find((text) => /CloudTrail records in \d+ files judged/.test(text)) ?? ''
    const records = Number(/^(\d+) CloudTrail records/.exec(note)?.[1] ?? 0)
    const requests = report.notes.find((text) => /S3 requests? for \d+ calls?:/.test(text))
    return {ms, records, maxRssKb: Number(run.stderr.trim().split('\n').pop()), requests, fails: report.results.filter((result) => result.status === 'fail').length}
  }
  const best = {local: undefined, s3: undefined}
  const keep = (name, result) => {
    if (best[name] === undefined || result.ms < best[name].ms) best[name] = result
  }
  for (let run = 0; run < runs; run++) {
    keep('local', measure([awsLogs]))
    keep('s3', measure([`s3://${BUCKET}/AWSLogs/`, '--endpoint-url', endpoint]))
  }
  if (best.local.records !== best.s3.records || best.local.fails !== best.s3.fails) throw new Error(`S3 and local runs disagree: ${JSON.stringify(best)}`)
  const mb = archive.bytes / 1048576
  const line = (name, r) => console.log(`${name.padEnd(44)} ${(r.ms / 1000).toFixed(2).padStart(6)} s  ${(r.records / (r.ms / 1000)).toFixed(0).padStart(8)} records/s  ${(mb / (r.ms / 1000)).toFixed(0).padStart(4)} MB/s  peak RSS ${(r.maxRssKb / 1024).toFixed(0)} MB`)
  console.log(`best of ${runs}, interleaved; ${best.local.records} records, ${best.local.fails} fails in both`)
  line('trailgate check, local files', best.local)
  line('trailgate check s3://… (s3rver on 127.0.0.1)', best.s3)
  console.log(`S3 / local: ${(best.s3.ms / best.local.ms).toFixed(2)}×   (${best.s3.requests})`)
} finally {
  server.kill('SIGTERM')
  rmSync(directory, {recursive: true, force: true})
}
