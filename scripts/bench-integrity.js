#!/usr/bin/env node
// Log file hashing benchmark: how fast the integrity check inflates and hashes log files (what a
// digest's hashValue is computed over), against the floor of the same work done by zlib and
// node:crypto in one call per file. Generates a seeded folder of gzipped CloudTrail-like log files
// in the OS temp folder on first use (not committed).
//
//   npm run build && node scripts/bench-integrity.js [--size-mb 256] [--runs 3] [--concurrency 4]

import {createHash} from 'node:crypto'
import {existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {gunzipSync, gzipSync} from 'node:zlib'

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`)
  return index >= 0 ? process.argv[index + 1] : fallback
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const dist = resolve(option('dist', join(root, 'dist')))
const sizeMb = Number(option('size-mb', '256'))
const runs = Number(option('runs', '3'))
const concurrency = Number(option('concurrency', '4'))
const SEED = 20240501

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

function generate(folder) {
  mkdirSync(folder, {recursive: true})
  const random = mulberry32(SEED)
  const names = ['GetObject', 'AssumeRole', 'DescribeInstances', 'ConsoleLogin', 'PutObject', 'StopLogging']
  let written = 0
  for (let file = 0; written < sizeMb * 1e6; file++) {
    const records = []
    for (let i = 0; i < 5000; i++) {
      records.push({eventVersion: '1.08', eventTime: new Date(1714521600000 + Math.floor(random() * 86400000)).toISOString(), eventSource: 's3.amazonaws.com', eventName: names[Math.floor(random() * names.length)], awsRegion: 'us-east-1', sourceIPAddress: `10.${Math.floor(random() * 255)}.${Math.floor(random() * 255)}.${Math.floor(random() * 255)}`, userIdentity: {type: 'IAMUser', arn: `arn:aws:iam::111122223333:user/u${Math.floor(random() * 500)}`}, requestParameters: {bucketName: `b${Math.floor(random() * 50)}`, key: random().toString(36)}, eventID: `${random().toString(16).slice(2)}-${file}-${i}`, recipientAccountId: '111122223333'})
    }
    const text = Buffer.from(JSON.stringify({Records: records}))
    written += text.length
    writeFileSync(join(folder, `111122223333_CloudTrail_us-east-1_20240501T${String(file).padStart(4, '0')}Z_bench.json.gz`), gzipSync(text))
  }
}

const folder = join(tmpdir(), `trailgate-bench-integrity-seed${SEED}-${sizeMb}mb`)
if (!existsSync(folder)) generate(folder)
const files = readdirSync(folder).sort().map((name) => join(folder, name))
const stored = files.reduce((sum, file) => sum + statSync(file).size, 0)
const {inflatedSha256} = await import(join(dist, 'archive/integrity/hash.js'))

async function floor() {
  let inflated = 0
  const started = performance.now()
  for (const file of files) {
    const bytes = gunzipSync(readFileSync(file))
    createHash('sha256').update(bytes).digest('hex')
    inflated += bytes.length
  }
  return {ms: performance.now() - started, inflated}
}

async function trailgate() {
  let inflated = 0
  let next = 0
  const started = performance.now()
  // As the integrity check does: a few objects in flight, each inflated as a stream into SHA-256.
  const worker = async () => {
    while (next < files.length) {
      const hashed = await inflatedSha256(readFileSync(files[next++]), 1 << 30)
      if ('problem' in hashed) throw new Error(hashed.problem)
      inflated += hashed.inflatedBytes
    }
  }
  await Promise.all(Array.from({length: concurrency}, worker))
  return {ms: performance.now() - started, inflated}
}

const best = {floor: Infinity, trailgate: Infinity}
let inflated = 0
for (let run = 0; run < runs; run++) {
  const f = await floor()
  const t = await trailgate()
  best.floor = Math.min(best.floor, f.ms)
  best.trailgate = Math.min(best.trailgate, t.ms)
  inflated = t.inflated
}
const row = (name, ms) => console.log(`${name.padEnd(52)} ${(ms / 1000).toFixed(2).padStart(6)} s  ${(inflated / 1e6 / (ms / 1000)).toFixed(0).padStart(5)} MB/s inflated  ${(stored / 1e6 / (ms / 1000)).toFixed(0).padStart(4)} MB/s stored  ${(ms / best.floor).toFixed(2)}× floor`)
console.log(`${files.length} gzipped log files, ${(inflated / 1e6).toFixed(0)} MB inflated, ${(stored / 1e6).toFixed(0)} MB stored; best of ${runs}, interleaved`)
row('floor: gunzipSync + sha256, one call per file', best.floor)
row(`trailgate: streamed inflate + sha256, ${concurrency} in flight`, best.trailgate)
