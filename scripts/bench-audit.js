#!/usr/bin/env node
// Audits a simulated organization against the local fake AWS endpoint, with realistic latency and
// CloudTrail's rate limits enforced by the server, and prints what it cost.
//   node scripts/bench-audit.js [--accounts 200] [--concurrency 8] [--latency 20-60]
// Needs a build (`npm run build`): it measures the compiled library, as users run it.
import {existsSync} from 'node:fs'
import {parseArgs} from 'node:util'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'

const REGIONS = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ap-south-1', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3',
  'ap-southeast-1', 'ap-southeast-2', 'ca-central-1', 'eu-central-1', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-north-1', 'sa-east-1',
]

const {values} = parseArgs({
  options: {
    accounts: {type: 'string', default: '200'},
    concurrency: {type: 'string', default: '8'},
    latency: {type: 'string', default: '20-60'},
  },
})
const library = new URL('../dist/live/index.js', import.meta.url)
if (!existsSync(library)) {
  console.error('bench-audit: dist/live/index.js is missing; run `npm run build` first')
  process.exit(2)
}
const {collectLive, formatProgress} = await import(library.href)
const {startFakeAws, organizationWorld} = await import(new URL('../test/live/fake-aws/server.js', import.meta.url).href)

const accounts = Number(values.accounts)
const concurrency = Number(values.concurrency)
const [low, high] = values.latency.split('-').map(Number)
const world = organizationWorld({accounts, regions: REGIONS, roleName: 'Auditor'})
const fake = await startFakeAws(world, {latencyMs: [low, high ?? low]})

let lastLine = 0
const result = await collectLive({
  endpointUrl: fake.url,
  region: 'us-east-1',
  credentials: {accessKeyId: 'AKIAMANAGEMENT', secretAccessKey: 'fake-secret'},
  org: true,
  roleName: 'Auditor',
  regions: REGIONS,
  concurrency,
  onProgress: (progress) => {
    if (process.stderr.isTTY && performance.now() - lastLine > 200) {
      lastLine = performance.now()
      process.stderr.write(`\r${formatProgress(progress)}   `)
    }
  },
})
if (process.stderr.isTTY) process.stderr.write('\n')
await fake.close()

const {stats, diagnostics, snapshot} = result
const errors = snapshot.accounts.reduce((sum, account) => sum + (account.errors?.length ?? 0), 0)
const throttledRequests = fake.requests.filter((request) => request.error === 'ThrottlingException').length
console.log(`accounts × regions   ${snapshot.accounts.length} × ${REGIONS.length} (${stats.regions} account-regions examined)`)
console.log(`latency per call     ${low}-${high ?? low} ms, rate limits enforced (10/2/1 per second per account and region)`)
console.log(`concurrency          ${concurrency} accounts at a time`)
console.log(`wall time            ${(stats.ms / 1000).toFixed(2)} s`)
console.log(`calls made           ${stats.calls} (${(stats.calls / snapshot.accounts.length).toFixed(1)} per account)`)
console.log(`calls by operation   ${Object.entries(stats.callsByOperation).map(([operation, count]) => `${operation} ${count}`).join(', ')}`)
console.log(`throttles seen       ${stats.throttles} (server answered ${throttledRequests}), retries ${stats.retries}`)
console.log(`errors surfaced      ${errors} in the snapshot, ${diagnostics.filter((diagnostic) => diagnostic.severity === 'error').length} error diagnostics`)
if (errors > 0 || diagnostics.some((diagnostic) => diagnostic.severity === 'error')) {
  for (const diagnostic of diagnostics) console.error(`${diagnostic.severity}: ${diagnostic.message}`)
  process.exit(1)
}
