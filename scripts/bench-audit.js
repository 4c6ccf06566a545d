#!/usr/bin/env node
// Audits a simulated organization against the local fake AWS endpoint, with realistic latency and
// CloudTrail's rate limits enforced by the server, and prints what it cost. Two scenarios:
// - breadth: many accounts × every region, every answer after 20-60 ms;
// - one slow region: 30 accounts whose ap-southeast-2 answers after 5 s, against the floor the
//   latencies imply (the slowest account audited alone: its chain of dependent calls).
//   node scripts/bench-audit.js [--accounts 200] [--concurrency N] [--latency 20-60] [--slow-accounts 30] [--slow-ms 5000]
// Needs a build (`npm run build`): it measures the compiled library, as users run it.
import {existsSync} from 'node:fs'
import {parseArgs} from 'node:util'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'

const REGIONS = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ap-south-1', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3',
  'ap-southeast-1', 'ap-southeast-2', 'ca-central-1', 'eu-central-1', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-north-1', 'sa-east-1',
]
const SLOW_REGION = 'ap-southeast-2'
const GOAL = 1.2

const {values} = parseArgs({
  options: {
    accounts: {type: 'string', default: '200'},
    concurrency: {type: 'string'},
    latency: {type: 'string', default: '20-60'},
    'slow-accounts': {type: 'string', default: '30'},
    'slow-ms': {type: 'string', default: '5000'},
  },
  strict: false,
})
const library = new URL('../dist/live/index.js', import.meta.url)
if (!existsSync(library)) {
  console.error('bench-audit: dist/live/index.js is missing; run `npm run build` first')
  process.exit(2)
}
const {collectLive, formatProgress} = await import(library.href)
const {startFakeAws, organizationWorld} = await import(new URL('../test/live/fake-aws/server.js', import.meta.url).href)

const [low, high] = values.latency.split('-').map(Number)
// Unset: the library's default, which is what users get.
const concurrency = values.concurrency === undefined ? {} : {concurrency: Number(values.concurrency)}

async function audit(world, extra = {}) {
  const fake = await startFakeAws(world, {latencyMs: [low, high ?? low]})
  let lastLine = 0
  try {
    const result = await collectLive({
      endpointUrl: fake.url,
      region: 'us-east-1',
      credentials: {accessKeyId: 'AKIAMANAGEMENT', secretAccessKey: 'fake-secret'},
      org: true,
      roleName: 'Auditor',
      regions: REGIONS,
      ...concurrency,
      ...extra,
      onProgress: (progress) => {
        if (process.stderr.isTTY && performance.now() - lastLine > 200) {
          lastLine = performance.now()
          process.stderr.write(`\r${formatProgress(progress)}   `)
        }
      },
    })
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[K')
    const errors = result.snapshot.accounts.reduce((sum, account) => sum + (account.errors?.length ?? 0), 0)
    if (errors > 0 || result.diagnostics.some((diagnostic) => diagnostic.severity === 'error')) {
      for (const diagnostic of result.diagnostics) console.error(`${diagnostic.severity}: ${diagnostic.message}`)
      process.exit(1)
    }
    return {...result, throttledRequests: fake.requests.filter((request) => request.error === 'ThrottlingException').length}
  } finally {
    await fake.close()
  }
}

const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`
const setting = values.concurrency === undefined ? 'default' : values.concurrency

// --- breadth -------------------------------------------------------------------------------------
const accounts = Number(values.accounts)
const breadth = await audit(organizationWorld({accounts, regions: REGIONS, roleName: 'Auditor'}))
const {stats, snapshot} = breadth
console.log(`breadth: ${snapshot.accounts.length} accounts × ${REGIONS.length} regions, every call answered in ${low}-${high ?? low} ms, rate limits enforced (10/2/1 per second per account and region), concurrency ${setting}`)
console.log(`  wall time            ${seconds(stats.ms)}`)
console.log(`  calls made           ${stats.calls} (${(stats.calls / snapshot.accounts.length).toFixed(1)} per account)`)
console.log(`  calls by operation   ${Object.entries(stats.callsByOperation).map(([operation, count]) => `${operation} ${count}`).join(', ')}`)
console.log(`  throttles seen       ${stats.throttles} (server answered ${breadth.throttledRequests}), retries ${stats.retries}`)

// --- one slow region -----------------------------------------------------------------------------
const slowAccounts = Number(values['slow-accounts'])
const slowMs = Number(values['slow-ms'])
const slowWorld = () => {
  const world = organizationWorld({accounts: slowAccounts, regions: REGIONS, roleName: 'Auditor'})
  for (const account of Object.values(world.accounts)) account.faults = {delayMs: {[SLOW_REGION]: slowMs}}
  return world
}
// The account with the longest chain: its trail's home is the slow region, so its details wait there too.
const slowest = Object.entries(slowWorld().accounts).find(([, account]) => account.trails.some((trail) => trail.HomeRegion === SLOW_REGION))?.[0]
const floor = await audit(slowWorld(), {accounts: [slowest]})
const slow = await audit(slowWorld())
const ratio = slow.stats.ms / floor.stats.ms
console.log(`one slow region: ${slowAccounts} accounts × ${REGIONS.length} regions, ${SLOW_REGION} answers after ${seconds(slowMs)} in every account, concurrency ${setting}`)
console.log(`  floor                ${seconds(floor.stats.ms)} (account ${slowest} alone, whose trail lives in ${SLOW_REGION}: the chain of calls the latencies imply)`)
console.log(`  wall time            ${seconds(slow.stats.ms)} = ${ratio.toFixed(2)}× the floor (goal ≤ ${GOAL}×: ${ratio <= GOAL ? 'met' : 'NOT met'})`)
console.log(`  calls made           ${slow.stats.calls}, throttles ${slow.stats.throttles}, retries ${slow.stats.retries}`)
