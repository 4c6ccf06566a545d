#!/usr/bin/env node
// `npm run bench [-- section ...]`: trailgate's speed figures, printed with their ratios.
// Sections: startup, iac, events, duckdb, integrity, s3, audit (default: all). Needs a build (`npm run build`).
import {spawnSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import {join} from 'node:path'

const root = new URL('..', import.meta.url).pathname
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'))
const passThrough = process.argv.slice(2).filter((a) => a.startsWith('-'))
const sections = wanted.length > 0 ? wanted : ['startup', 'iac', 'events', 'duckdb', 'integrity', 's3', 'audit']
const env = {...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', NO_COLOR: '1'}

if (!existsSync(join(root, 'dist', 'index.js')) || !existsSync(join(root, 'dist', 'bundle', 'check.js'))) {
  console.error('No build found: run `npm run build` first.')
  process.exit(2)
}

function timeRuns(args, runs) {
  const times = []
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint()
    const run = spawnSync(process.execPath, args, {cwd: root, env, stdio: 'ignore'})
    times.push(Number(process.hrtime.bigint() - start) / 1e6)
    if (run.status !== 0 && run.status !== 1) throw new Error(`${args.join(' ')} exited ${run.status}`)
  }
  times.sort((a, b) => a - b)
  return {median: times[Math.floor(times.length / 2)], min: times[0]}
}

function startup() {
  const runs = 15
  console.log(`\n== Start-up (median of ${runs} cold runs, each a new process)`)
  timeRuns(['bin/run.js', '--version'], 2) // warm the file cache, not the process
  const bare = timeRuns(['-e', '0'], runs)
  const help = timeRuns(['bin/run.js', '--help'], runs)
  const check = timeRuns(['bin/run.js', 'check', 'fixtures/evidence/mixed-account', '--format', 'json'], runs)
  const row = (name, t) => console.log(`${name.padEnd(58)} ${t.median.toFixed(0).padStart(5)} ms  (min ${t.min.toFixed(0)} ms)  ${(t.median / bare.median).toFixed(2)}× node -e 0`)
  row('node -e 0', bare)
  row('trailgate --help', help)
  row('trailgate check fixtures/evidence/mixed-account', check)
}

function script(name, file) {
  const path = join(root, 'scripts', file)
  if (!existsSync(path)) {
    console.log(`\n== ${name}: ${file} is not present, skipped`)
    return
  }
  console.log(`\n== ${name}`)
  const run = spawnSync(process.execPath, [path, ...passThrough], {cwd: root, env, stdio: 'inherit'})
  if (run.status !== 0) process.exitCode = 1
}

for (const section of sections) {
  if (section === 'startup') startup()
  else if (section === 'iac') script('IaC: templates and plans', 'bench-iac.js')
  else if (section === 'events') script('Events: CloudTrail log archives', 'bench-events.js')
  else if (section === 'duckdb') script('DuckDB engine: the event pack as SQL', 'bench-duckdb.js')
  else if (section === 'integrity') script('Integrity: hashing log files as digests list them', 'bench-integrity.js')
  else if (section === 's3') script('S3: the event pack over an archive read from S3 vs the same files on disk', 'bench-s3.js')
  else if (section === 'audit') script('Audit: a simulated organization', 'bench-audit.js')
  else console.error(`unknown section ${section} (startup, iac, events, duckdb, integrity, s3, audit)`)
}
