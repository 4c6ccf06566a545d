#!/usr/bin/env node
// Event-scan benchmark: generates a seeded archive of gzipped CloudTrail log files in the S3 layout
// (cached in the OS temp folder by seed and size), then measures, each in a fresh process: the decode
// floor (gunzip + JSON.parse of the same files in Node, on one thread and on as many threads as the
// scan uses), trailgate's scan with the whole built-in event pack (from dist/) on worker threads and
// on one thread, jq selecting on one field, and the pack run as SQL by DuckDB (`--engine duckdb`);
// each with its ratio to the floor of the same thread count. A flatness row scans a second, larger
// archive (--flat-size-mb, default 4× --size-mb; 0 leaves it out) and compares the peak RSS.
//
//   npm run build && node scripts/bench-events.js [--size-mb 1024] [--flat-size-mb 4096] [--records-per-file 10000] [--workers 2] [--runs 3] [--seed 20240501] [--generate-only]

import {execFileSync, spawnSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {gunzipSync, gzipSync} from 'node:zlib'

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`)
  return index >= 0 ? process.argv[index + 1] : fallback
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
// --dist points at another build of the project (a folder beside schemas/ and policies/).
const dist = resolve(option('dist', join(root, 'dist')))

/** The whole built-in event pack, the opt-in allowlist included, configured as a user would. */
async function eventPack() {
  const {loadPolicyFile} = await import(join(dist, 'policy/load.js'))
  const policyDir = join(root, 'policies/events')
  return readdirSync(policyDir)
    .filter((name) => name.endsWith('.yaml') && !name.endsWith('.tests.yaml'))
    .map((name) => loadPolicyFile(join(policyDir, name), {builtin: true}).policy)
    .filter(Boolean)
    .map((policy) => ({...policy, disabled: false}))
}

// --- child mode: one scan in a fresh process, so its peak RSS is its own -------------------------
if (process.argv[2] === '--child-scan') {
  const folder = process.argv[3]
  const workers = Number(process.argv[4])
  const {scanEvents} = await import(join(dist, 'events/scan.js'))
  const policies = await eventPack()
  const params = {'source-ip-allowlist': {allowedCidrs: ['10.0.0.0/8', '192.0.2.0/24', '2001:db8::/32']}}
  const started = performance.now()
  const result = await scanEvents([folder], {policies, params, workers})
  const ms = performance.now() - started
  const fails = result.results.filter((r) => r.status === 'fail').length
  // Everything but the timing, so the worker and single-thread runs can be compared exactly.
  const digest = createHash('sha256').update(JSON.stringify({...result, stats: {...result.stats, ms: 0}})).digest('hex').slice(0, 16)
  const maxRssKb = process.resourceUsage().maxRSS
  process.stdout.write(JSON.stringify({ms, records: result.stats.records, bytes: result.stats.bytes, fails, digest, policies: policies.length, diagnostics: result.diagnostics.length, maxRssKb}))
  process.exit(0)
}

// --- child mode: the decode floor in a fresh process ------------------------------------------------
if (process.argv[2] === '--child-floor') {
  const files = readFileSync(process.argv[3], 'utf8').split('\n')
  const threads = Number(process.argv[4] ?? '1')
  const floor = threads <= 1 ? decodeFloor(files) : await decodeFloorOnThreads(files, threads)
  process.stdout.write(JSON.stringify({...floor, maxRssKb: process.resourceUsage().maxRSS}))
  process.exit(0)
}

// --- child mode: the pack as SQL, run by DuckDB, in a fresh process -------------------------------
if (process.argv[2] === '--child-duckdb') {
  const folder = process.argv[3]
  const workers = Number(process.argv[4])
  const {scanEventsWithDuckDB} = await import(join(dist, 'sql/duckdb-engine.js'))
  const policies = await eventPack()
  // IPv4 ranges only: an IPv6 range narrower than ::/0 has no SQL form (docs/events.md).
  const params = {'source-ip-allowlist': {allowedCidrs: ['10.0.0.0/8', '192.0.2.0/24']}}
  const started = performance.now()
  const result = await scanEventsWithDuckDB(listFiles(folder), {policies, params, workers})
  const ms = performance.now() - started
  const fails = result.results.filter((r) => r.status === 'fail').length
  process.stdout.write(JSON.stringify({ms, records: result.stats.records, fails, policies: policies.length, maxRssKb: process.resourceUsage().maxRSS}))
  process.exit(0)
}

// --- generation ----------------------------------------------------------------------------------
function mulberry32(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const SEED = Number(option('seed', '20240501'))
const random = mulberry32(SEED)
const pick = (list) => list[Math.floor(random() * list.length)]
const hex = (n) => Array.from({length: n}, () => Math.floor(random() * 16).toString(16)).join('')
const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-8${hex(3)}-${hex(12)}`

const ACCOUNTS = ['111122223333', '444455556666']
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2']
const ROUTINE = [
  ['ec2.amazonaws.com', 'DescribeInstances'], ['ec2.amazonaws.com', 'DescribeSecurityGroups'], ['s3.amazonaws.com', 'GetBucketAcl'],
  ['s3.amazonaws.com', 'ListBuckets'], ['sts.amazonaws.com', 'AssumeRole'], ['iam.amazonaws.com', 'GetRole'], ['kms.amazonaws.com', 'Decrypt'],
  ['lambda.amazonaws.com', 'ListFunctions20150331'], ['cloudtrail.amazonaws.com', 'DescribeTrails'], ['logs.amazonaws.com', 'DescribeLogGroups'],
]
const NOTABLE = [
  ['cloudtrail.amazonaws.com', 'StopLogging'], ['ec2.amazonaws.com', 'AuthorizeSecurityGroupIngress'], ['ec2.amazonaws.com', 'CreateRoute'],
  ['iam.amazonaws.com', 'AttachRolePolicy'], ['kms.amazonaws.com', 'ScheduleKeyDeletion'], ['s3.amazonaws.com', 'PutBucketPolicy'],
  ['config.amazonaws.com', 'StopConfigurationRecorder'], ['organizations.amazonaws.com', 'CreateAccount'], ['ec2.amazonaws.com', 'CreateVpc'],
]

function record(account, region, time) {
  const [eventSource, eventName] = random() < 0.002 ? pick(NOTABLE) : pick(ROUTINE)
  const roll = random()
  const userIdentity =
    roll < 0.001
      ? {type: 'Root', principalId: account, arn: `arn:aws:iam::${account}:root`, accountId: account, accessKeyId: `ASIA${hex(16).toUpperCase()}`}
      : roll < 0.3
        ? {type: 'AWSService', invokedBy: pick(['ec2.amazonaws.com', 'lambda.amazonaws.com', 'cloudtrail.amazonaws.com'])}
        : {
            type: 'AssumedRole', principalId: `AROA${hex(16).toUpperCase()}:session-${hex(6)}`, arn: `arn:aws:sts::${account}:assumed-role/App${Math.floor(random() * 20)}/session-${hex(6)}`,
            accountId: account, accessKeyId: `ASIA${hex(16).toUpperCase()}`,
            sessionContext: {sessionIssuer: {type: 'Role', principalId: `AROA${hex(16).toUpperCase()}`, arn: `arn:aws:iam::${account}:role/App`, accountId: account, userName: 'App'}, attributes: {creationDate: time, mfaAuthenticated: 'false'}},
          }
  const sourceIPAddress = userIdentity.type === 'AWSService' ? userIdentity.invokedBy : random() < 0.97 ? `10.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}` : `198.51.100.${Math.floor(random() * 256)}`
  const error = random() < 0.01 ? {errorCode: pick(['AccessDenied', 'Client.UnauthorizedOperation', 'ThrottlingException']), errorMessage: 'Request denied'} : {}
  return {
    eventVersion: '1.09', userIdentity, eventTime: time, eventSource, eventName, awsRegion: region, sourceIPAddress,
    userAgent: pick(['aws-cli/2.15.30 md/Botocore#1.34.30 ua/2.0 os/linux#5.10', 'aws-sdk-java/1.12.600 Linux/5.10 OpenJDK_64-Bit_Server_VM/17', 'Boto3/1.34.30 md/Botocore#1.34.30 Python/3.12']),
    ...error,
    requestParameters: {instancesSet: {items: [{instanceId: `i-${hex(17)}`}]}, filterSet: {}, maxResults: 1000},
    responseElements: null,
    requestID: uuid(), eventID: uuid(), readOnly: eventName.startsWith('Describe') || eventName.startsWith('Get') || eventName.startsWith('List'),
    eventType: 'AwsApiCall', managementEvent: true, recipientAccountId: account, eventCategory: 'Management',
    tlsDetails: {tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: `${eventSource.split('.')[0]}.${region}.amazonaws.com`},
  }
}

function generate(folder, sizeMb, perFile) {
  const target = sizeMb * 1024 * 1024
  let written = 0
  let files = 0
  let minute = 0
  while (written < target) {
    const account = ACCOUNTS[files % ACCOUNTS.length]
    const region = REGIONS[files % REGIONS.length]
    const base = Date.UTC(2024, 4, 1) + minute * 60_000
    minute += 5
    const day = new Date(base).toISOString().slice(0, 10).split('-')
    const records = Array.from({length: perFile}, (_, i) => record(account, region, new Date(base + i * 30).toISOString().replace(/\.\d+Z$/, 'Z')))
    const text = JSON.stringify({Records: records})
    const stamp = new Date(base).toISOString().replace(/[-:]/g, '').slice(0, 13) + 'Z'
    const dir = join(folder, 'AWSLogs', account, 'CloudTrail', region, day[0], day[1], day[2])
    mkdirSync(dir, {recursive: true})
    writeFileSync(join(dir, `${account}_CloudTrail_${region}_${stamp}_${hex(16)}.json.gz`), gzipSync(text, {level: 6}))
    written += Buffer.byteLength(text)
    files++
  }
  return {files, bytes: written}
}

function listFiles(folder) {
  const out = []
  const visit = (dir) => {
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry)
      if (statSync(path).isDirectory()) visit(path)
      else out.push(path)
    }
  }
  visit(folder)
  return out
}

// --- measurements --------------------------------------------------------------------------------
function decodeFloor(files) {
  const started = performance.now()
  let records = 0
  let stopLogging = 0
  for (const file of files) {
    const parsed = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8'))
    records += parsed.Records.length
    for (const r of parsed.Records) if (r.eventName === 'StopLogging') stopLogging++
  }
  return {ms: performance.now() - started, records, stopLogging}
}

/**
 * The same decoding on `threads` worker threads, each taking the next file as it finishes one:
 * what any scan on that many threads must spend at least.
 */
async function decodeFloorOnThreads(files, threads) {
  const {Worker} = await import('node:worker_threads')
  const source = `
    const {parentPort} = require('node:worker_threads')
    const {readFileSync} = require('node:fs')
    const {gunzipSync} = require('node:zlib')
    parentPort.on('message', (file) => {
      const parsed = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8'))
      let stopLogging = 0
      for (const r of parsed.Records) if (r.eventName === 'StopLogging') stopLogging++
      parentPort.postMessage({records: parsed.Records.length, stopLogging})
    })`
  const started = performance.now()
  let next = 0
  let records = 0
  let stopLogging = 0
  await Promise.all(
    Array.from({length: threads}, () => new Promise((resolve, reject) => {
      const worker = new Worker(source, {eval: true})
      const feed = () => {
        if (next < files.length) worker.postMessage(files[next++])
        else void worker.terminate().then(resolve)
      }
      worker.on('message', (answer) => {
        records += answer.records
        stopLogging += answer.stopLogging
        feed()
      })
      worker.on('error', reject)
      feed()
    })),
  )
  return {ms: performance.now() - started, records, stopLogging}
}

function jqRun(files) {
  if (spawnSync('jq', ['--version']).status !== 0) return undefined
  const listFile = join(tmpdir(), `trailgate-bench-files-${process.pid}.txt`)
  writeFileSync(listFile, files.join('\n'))
  const started = performance.now()
  const out = execFileSync('sh', ['-c', `xargs zcat < "${listFile}" | jq -c '.Records[] | select(.eventName=="StopLogging")' | wc -l`], {maxBuffer: 1 << 26}).toString().trim()
  rmSync(listFile)
  return {ms: performance.now() - started, found: Number(out)}
}

function floorInChild(files, threads) {
  const listFile = join(tmpdir(), `trailgate-bench-floor-${process.pid}.txt`)
  writeFileSync(listFile, files.join('\n'))
  try {
    const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child-floor', listFile, String(threads)], {maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'inherit']}).toString()
    return JSON.parse(out)
  } finally {
    rmSync(listFile)
  }
}

function scanInChild(folder, workers, mode = '--child-scan') {
  const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), mode, folder, String(workers), '--dist', dist], {maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'inherit']}).toString()
  return JSON.parse(out)
}

const sizeMb = Number(option('size-mb', '1024'))
const perFile = Number(option('records-per-file', '10000'))
const workers = Number(option('workers', '2'))
const runs = Math.max(1, Number(option('runs', '3')))
const GOAL = 1.5
const SINGLE_GOAL = 1.3
if (!existsSync(join(dist, 'events/scan.js'))) {
  console.error(`${dist} has no build of the events module: run \`npm run build\` first.`)
  process.exit(2)
}

/**
 * The archive is generated once per seed, size and file size and kept in the OS temp folder, so a
 * rerun measures instead of regenerating; a marker file is written last, so a generation cut short
 * is started over.
 */
function cachedArchive(sizeMb) {
  const folder = join(tmpdir(), `trailgate-bench-events-seed${SEED}-${sizeMb}mb-${perFile}`)
  const marker = join(folder, 'complete.json')
  if (existsSync(marker)) {
    const files = listFiles(join(folder, 'AWSLogs'))
    return {folder, files, ...JSON.parse(readFileSync(marker, 'utf8')), cached: true}
  }
  rmSync(folder, {recursive: true, force: true})
  mkdirSync(folder, {recursive: true})
  const started = performance.now()
  const generated = generate(folder, sizeMb, perFile)
  const info = {bytes: generated.bytes, seconds: (performance.now() - started) / 1000}
  writeFileSync(marker, JSON.stringify(info))
  return {folder, files: listFiles(join(folder, 'AWSLogs')), ...info, cached: false}
}

const archive = cachedArchive(sizeMb)
// --generate-only: other benchmarks (bench-duckdb.js) reuse the same cached archive.
if (process.argv.includes('--generate-only')) {
  process.stdout.write(`${JSON.stringify({folder: join(archive.folder, 'AWSLogs'), bytes: archive.bytes})}\n`)
  process.exit(0)
}
const {files} = archive
const gzBytes = files.reduce((sum, file) => sum + statSync(file).size, 0)
const mb = archive.bytes / 1048576
const origin = archive.cached ? `cached in ${archive.folder}` : `generated in ${archive.seconds.toFixed(1)} s into ${archive.folder}`
console.log(`archive: ${files.length} files, ${mb.toFixed(0)} MB uncompressed, ${(gzBytes / 1048576).toFixed(0)} MB gzipped, seed ${SEED} (${origin})`)

// The machine may be shared: each measurement is repeated, interleaved with the others so a busy
// moment does not fall on one of them only, and the fastest run of each is kept.
const logs = join(archive.folder, 'AWSLogs')
const duckdbPresent = existsSync(join(dist, 'sql/duckdb-engine.js')) && existsSync(join(root, 'node_modules/@duckdb/node-api'))
const measured = {floor1: [], floorN: [], pooled: [], single: [], duckdb: []}
for (let run = 0; run < runs; run++) {
  measured.floor1.push(floorInChild(files, 1))
  measured.floorN.push(floorInChild(files, workers))
  measured.pooled.push(scanInChild(logs, workers))
  measured.single.push(scanInChild(logs, 0))
  if (duckdbPresent) measured.duckdb.push(scanInChild(logs, workers, '--child-duckdb'))
}
// The fastest run's time; peak memory is the largest of any run, not the fastest run's.
const best = (list) => ({...list.reduce((fastest, run) => (run.ms < fastest.ms ? run : fastest)), maxRssKb: list.reduce((most, run) => Math.max(most, run.maxRssKb), 0)})
const floor1 = best(measured.floor1)
const floorN = best(measured.floorN)
const pooled = best(measured.pooled)
const single = best(measured.single)
const duckdb = duckdbPresent ? best(measured.duckdb) : undefined
const jq = jqRun(files)

const threadsOf = (n) => (n <= 1 ? '1 thread' : `${n} threads`)
const seconds = (ms) => `${(ms / 1000).toFixed(2).padStart(7)} s`
const rates = (ms, records) => `${Math.round(records / (ms / 1000)).toLocaleString('en-US').padStart(11)} rec/s  ${(mb / (ms / 1000)).toFixed(0).padStart(4)} MB/s`
const ratioTo = (ms, floor) => `${(ms / floor.ms).toFixed(2).padStart(5)}x floor`
const line = (name, ms, records, floor, extra) => console.log(`${name.padEnd(50)} ${seconds(ms)} ${rates(ms, records)}  ${ratioTo(ms, floor)}  ${extra}`)
const rss = (kb) => `peak RSS ${(kb / 1024).toFixed(0)} MB`
console.log(`fastest of ${runs} interleaved runs each${jq ? ', jq once' : ''}; each ratio is to the decode floor on the same number of threads`)
console.log('')
line('decode floor: gunzip + JSON.parse, 1 thread', floor1.ms, floor1.records, floor1, `${floor1.stopLogging} StopLogging, ${rss(floor1.maxRssKb)}`)
line(`decode floor: gunzip + JSON.parse, ${threadsOf(workers)}`, floorN.ms, floorN.records, floorN, `${floorN.stopLogging} StopLogging, ${rss(floorN.maxRssKb)}`)
line(`trailgate, ${pooled.policies} event policies, ${workers} workers`, pooled.ms, pooled.records, floorN, `${pooled.fails} fails, ${rss(pooled.maxRssKb)}`)
line(`trailgate, ${single.policies} event policies, 1 thread`, single.ms, single.records, floor1, `${single.fails} fails, ${rss(single.maxRssKb)}`)
if (duckdb) line(`DuckDB (--engine duckdb), ${duckdb.policies} policies as SQL, ${threadsOf(workers)}`, duckdb.ms, duckdb.records, floorN, `${duckdb.fails} fails (IPv4 allowlist only), ${rss(duckdb.maxRssKb)}`)
else console.log('DuckDB: @duckdb/node-api or its build is not present, skipped')
if (jq) line('zcat | jq select(.eventName=="StopLogging"), 1 thread', jq.ms, floor1.records, floor1, `${jq.found} found`)
else console.log('zcat | jq: jq is not installed, skipped (apt-get install jq)')
console.log("(peak RSS is per process; trailgate's workers are threads of its process, so theirs is included)")

// Flatness: the same scan over a larger archive of the same shape must not need more memory.
const flatSizeMb = Number(option('flat-size-mb', String(sizeMb * 4)))
let flat
if (flatSizeMb > 0 && flatSizeMb !== sizeMb) {
  const large = cachedArchive(flatSizeMb)
  const scan = scanInChild(join(large.folder, 'AWSLogs'), workers)
  flat = {sizeMb: large.bytes / 1048576, scan}
  console.log(`flatness: trailgate, ${workers} workers, ${rss(pooled.maxRssKb)} at ${mb.toFixed(0)} MB, ${rss(scan.maxRssKb)} at ${flat.sizeMb.toFixed(0)} MB of records (${(scan.maxRssKb / pooled.maxRssKb).toFixed(2)}x) in ${seconds(scan.ms).trim()}`)
}

let ok = true
if (pooled.records !== floor1.records || single.records !== floor1.records || floorN.records !== floor1.records) {
  console.error(`record counts differ: floor ${floor1.records} / ${floorN.records}, trailgate ${pooled.records} / ${single.records}`)
  ok = false
}
const digests = new Set([...measured.pooled, ...measured.single].map((run) => run.digest))
if (digests.size !== 1) {
  console.error(`the ${workers}-worker and 1-thread scans disagree: outcome digests ${[...digests].join(', ')}`)
  ok = false
}
const judged = (ms, floor, goal) => `${(ms / floor.ms).toFixed(2)}x (goal ${goal}x: ${ms / floor.ms <= goal ? 'met' : 'NOT met'})`
const memoryGoal = (kb) => `${(kb / 1024).toFixed(0)} MB (goal 300 MB: ${kb / 1024 <= 300 ? 'met' : 'NOT met'})`
console.log('')
console.log(`verdict: ${workers} workers ${judged(pooled.ms, floorN, GOAL)} the ${threadsOf(workers)} floor; 1 thread ${judged(single.ms, floor1, SINGLE_GOAL)} the 1-thread floor; peak RSS ${memoryGoal(pooled.maxRssKb)}${flat ? `, ${memoryGoal(flat.scan.maxRssKb)} at ${flat.sizeMb.toFixed(0)} MB` : ''}`)
console.log(ok ? `every run gave the identical outcome (${pooled.digest})` : 'the runs DISAGREE, see above')
if (duckdb && pooled.ms > duckdb.ms) console.log(`DuckDB was faster than trailgate's scan (${(duckdb.ms / 1000).toFixed(2)} s against ${(pooled.ms / 1000).toFixed(2)} s)`)
if (!ok) process.exitCode = 1
