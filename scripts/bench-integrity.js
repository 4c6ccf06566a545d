#!/usr/bin/env node
// Log file hashing benchmark: how fast the integrity check inflates and hashes log files (what a
// digest's hashValue is computed over), against the floor of the same work done by zlib and
// node:crypto in one call per file, on the archive bench-events.js generates and caches.
//
//   npm run build && node scripts/bench-integrity.js [--size-mb 256] [--runs 3] [--concurrency 4]

import {execFileSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {readdirSync, readFileSync, statSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'
import {gunzipSync} from 'node:zlib'

const {values} = parseArgs({options: {'size-mb': {type: 'string', default: '256'}, runs: {type: 'string', default: '3'}, concurrency: {type: 'string', default: '4'}, dist: {type: 'string'}}})
const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const dist = resolve(values.dist ?? join(root, 'dist'))
const runs = Number(values.runs)
const concurrency = Number(values.concurrency)

const archive = JSON.parse(execFileSync(process.execPath, [join(root, 'scripts/bench-events.js'), '--generate-only', '--size-mb', values['size-mb']], {stdio: ['ignore', 'pipe', 'inherit']}).toString().trim().split('\n').pop())
const files = readdirSync(archive.folder, {recursive: true}).filter((name) => name.endsWith('.json.gz')).sort().map((name) => join(archive.folder, name))
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
