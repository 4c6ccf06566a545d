// `npm run fuzz [-- --runs N] [--seconds S] [--seed N] [--cli-every N]`: the long property-based
// fuzz run over every reader. Prints its figures and every distinct violation with the recipe that
// replays it; exits 1 when any was found. `--replay RECIPE` runs one printed recipe through both
// drivers; `--keep DIR` also writes its files there to be run by hand.
import {cpSync, existsSync} from 'node:fs'
import {join} from 'node:path'
import {parseArgs} from 'node:util'

import {ROOT} from '../e2e/cli.js'
import {runCampaign, runRecipe} from './campaign.js'
import {cliArgs, materialize} from './cases.js'
import type {Recipe} from './mutations.js'

const {values} = parseArgs({
  options: {
    runs: {type: 'string'},
    seconds: {type: 'string'},
    seed: {type: 'string'},
    'cli-every': {type: 'string', default: '10'},
    replay: {type: 'string'},
    keep: {type: 'string'},
  },
})

const number = (name: string, text: string | undefined): number | undefined => {
  if (text === undefined) return undefined
  const value = Number(text)
  if (!Number.isSafeInteger(value) || value < 0) {
    console.error(`--${name} ${text}: expected a whole number`)
    process.exit(2)
  }
  return value
}

if (!existsSync(join(ROOT, 'dist', 'commands', 'check.js'))) {
  console.error('No build found: run `npm run build` first (the CLI cases run bin/run.js).')
  process.exit(2)
}

if (values.replay) {
  const recipe = JSON.parse(values.replay) as Recipe
  if (values.keep) {
    const kept = materialize(recipe)
    cpSync(kept.dir, values.keep, {recursive: true})
    console.log(`files in ${values.keep}: trailgate ${cliArgs(kept).join(' ')}`)
  }
  for (const driver of ['in-process', 'cli'] as const) {
    const verdict = await runRecipe(recipe, driver)
    if (verdict === 'oversized') {
      console.log(`${driver}: not run, the mutated file would exceed the fuzzer's case size`)
      continue
    }
    console.log(`${driver}: exit ${String(verdict.exitCode)} in ${verdict.seconds.toFixed(1)} s, ${verdict.bytes} bytes${verdict.violations.map((v) => `\n  ${v}`).join('')}`)
  }
  process.exit(0)
}

const seed = number('seed', values.seed) ?? Math.floor(Math.random() * 2 ** 31)
const seconds = number('seconds', values.seconds)
const runs = number('runs', values.runs) ?? (seconds ? Number.MAX_SAFE_INTEGER : 500)
const cliEvery = Math.max(1, number('cli-every', values['cli-every']) ?? 10)

console.log(`fuzz: seed ${seed}, ${runs === Number.MAX_SAFE_INTEGER ? 'no case limit' : `${runs} cases`}${seconds ? `, at most ${seconds} s` : ''}, every ${cliEvery}th case through bin/run.js`)
const figures = await runCampaign({
  seed,
  runs,
  cliEvery,
  ...(seconds ? {seconds} : {}),
  onCase: (done, found) => {
    if (done % 50 === 0) process.stderr.write(`  ${done} cases, ${found} distinct violations\n`)
  },
  onFinding: (finding) => process.stderr.write(`  found: ${finding.signature} (${finding.driver})\n    recipe: ${JSON.stringify(finding.recipe)}\n`),
})

console.log(`\ncases run:   ${figures.cases - figures.oversized} (${figures.cliCases} through bin/run.js, the rest in process; ${figures.oversized} recipes over the case size not run)`)
console.log(`time:        ${figures.seconds.toFixed(1)} s (${(figures.cases / figures.seconds).toFixed(1)} cases/s)`)
console.log(`peak RSS:    ${figures.peakRssMb.inProcess.toFixed(0)} MiB this process (the in-process cases)${figures.peakRssMb.child !== undefined ? `, ${figures.peakRssMb.child.toFixed(0)} MiB the largest bin/run.js child` : ''}`)
console.log(`by reader:   ${Object.entries(figures.casesByReader).map(([reader, n]) => `${reader} ${n}`).join(', ')}`)
console.log(`failures:    ${figures.findings.length} distinct (${figures.findings.reduce((n, f) => n + f.count, 0)} violations)`)
console.log(`seed:        ${seed}`)
for (const finding of figures.findings) {
  console.log(`\n- ${finding.signature}  (×${finding.count}, ${finding.driver})`)
  console.log(`  recipe: ${JSON.stringify(finding.recipe)}`)
  for (const violation of finding.violations) console.log(`  ${violation}`)
}
process.exit(figures.findings.length > 0 ? 1 : 0)
