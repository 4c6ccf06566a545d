#!/usr/bin/env node
// DuckDB engine benchmark: on the archive bench-events.js generates (and caches in the OS temp
// folder), times the event pack judged by the native scanner and by `--engine duckdb`, each in a
// fresh process as bench-events does, and checks both find the same (policy, event) set.
//
//   npm run build && node scripts/bench-duckdb.js [--size-mb 256] [--workers 2] [--runs 1]

import {execFileSync} from 'node:child_process'
import {readdirSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`)
  return index >= 0 ? process.argv[index + 1] : fallback
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const dist = join(root, 'dist')

// --- child mode: one scan in a fresh process ----------------------------------------------------
if (process.argv[2] === '--child') {
  const [, , , engine, folder, workers] = process.argv
  const {loadPolicyFile} = await import(join(dist, 'policy/load.js'))
  const policyDir = join(root, 'policies/events')
  const policies = readdirSync(policyDir)
    .filter((name) => name.endsWith('.yaml') && !name.endsWith('.tests.yaml'))
    .map((name) => loadPolicyFile(join(policyDir, name), {builtin: true}).policy)
    .filter(Boolean)
    .map((policy) => ({...policy, disabled: false}))
  // IPv4 ranges only: an IPv6 range narrower than ::/0 has no SQL form, and both engines must run the same pack.
  const params = {'source-ip-allowlist': {allowedCidrs: ['10.0.0.0/8', '192.0.2.0/24']}}
  const started = performance.now()
  let result
  if (engine === 'duckdb') {
    const {scanEventsWithDuckDB} = await import(join(dist, 'sql/duckdb-engine.js'))
    const files = listFiles(folder)
    result = await scanEventsWithDuckDB(files, {policies, params, workers: Number(workers)})
  } else {
    const {scanEvents} = await import(join(dist, 'events/scan.js'))
    result = await scanEvents([folder], {policies, params, workers: Number(workers)})
  }
  const ms = performance.now() - started
  const found = result.results.filter((r) => r.status === 'fail').map((r) => `${r.policy} ${r.subject.id}`).sort()
  const errors = result.results.filter((r) => r.status === 'error').length
  process.stdout.write(JSON.stringify({ms, records: result.stats.records, found, unlisted: result.unlisted, errors, maxRssKb: process.resourceUsage().maxRSS}))
  process.exit(0)
}

function listFiles(folder) {
  const out = []
  const walk = (dir) => {
    for (const entry of readdirSync(dir, {withFileTypes: true})) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (entry.name.endsWith('.json.gz')) out.push(path)
    }
  }
  walk(folder)
  return out.sort()
}

const sizeMb = option('size-mb', '256')
const workers = option('workers', '2')
const runs = Math.max(1, Number(option('runs', '1')))
const archive = JSON.parse(execFileSync(process.execPath, [join(root, 'scripts/bench-events.js'), '--generate-only', '--size-mb', sizeMb], {stdio: ['ignore', 'pipe', 'inherit']}).toString().trim().split('\n').pop())
const child = (engine) => JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', engine, archive.folder, workers], {maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'inherit']}).toString())
const fastest = (list) => list.reduce((best, run) => (run.ms < best.ms ? run : best))
const nativeRuns = []
const duckdbRuns = []
for (let run = 0; run < runs; run++) {
  nativeRuns.push(child('native'))
  duckdbRuns.push(child('duckdb'))
}
const native = fastest(nativeRuns)
const duckdb = fastest(duckdbRuns)
const mb = archive.bytes / 1048576
const line = (name, run) =>
  console.log(`${name.padEnd(40)} ${(run.ms / 1000).toFixed(2).padStart(7)} s  ${Math.round(run.records / (run.ms / 1000)).toLocaleString('en-US').padStart(10)} rec/s  ${(mb / (run.ms / 1000)).toFixed(0).padStart(4)} MB/s  ${run.found.length} fails listed  peak RSS ${(run.maxRssKb / 1024).toFixed(0)} MB`)
console.log(`archive: ${archive.folder}, ${mb.toFixed(0)} MB uncompressed; fastest of ${runs} run(s) each`)
line(`native scanner, ${workers} workers`, native)
line('--engine duckdb', duckdb)
console.log(`duckdb / native: ${(duckdb.ms / native.ms).toFixed(2)}x the time`)
const same = JSON.stringify(native.found) === JSON.stringify(duckdb.found) && JSON.stringify(native.unlisted) === JSON.stringify(duckdb.unlisted) && native.records === duckdb.records
console.log(same ? `same findings: ${native.found.length} listed (policy, event) pairs and the same unlisted counts, ${native.records} records each` : 'DIFFERENT findings between the engines')
if (!same || duckdb.errors > 0) process.exitCode = 1
