import fc from 'fast-check'

import {FUZZ_FIXTURES, fixtureById, type FuzzFixture} from './catalogue.js'
import {cleanUp, materialize} from './cases.js'
import {runChild, runInProcess, type Verdict} from './drivers.js'
import {MAX_CASE_BYTES, OversizedRecipe, recipeArb, type Recipe, type Scale} from './mutations.js'

export type Driver = 'in-process' | 'cli'

/** Runs one recipe through one driver and removes its files. */
export async function runRecipe(recipe: Recipe, driver: Driver): Promise<(Verdict & {bytes: number}) | 'oversized'> {
  let fuzzCase
  try {
    fuzzCase = materialize(recipe)
  } catch (error) {
    if (error instanceof OversizedRecipe) return 'oversized'
    throw error
  }
  if (fuzzCase.bytes > MAX_CASE_BYTES) {
    cleanUp(fuzzCase)
    return 'oversized'
  }
  try {
    const verdict = driver === 'cli' ? runChild(fuzzCase) : await runInProcess(fuzzCase)
    return {...verdict, bytes: fuzzCase.bytes}
  } finally {
    cleanUp(fuzzCase)
  }
}

export interface Finding {
  /** The violation with its numbers blurred, so one bug found a hundred times is listed once. */
  signature: string
  reader: string
  driver: Driver
  recipe: Recipe
  violations: string[]
  count: number
}

export interface CampaignOptions {
  seed: number
  runs: number
  /** Stop after this long, whatever `runs` says. */
  seconds?: number
  /** Every Nth case runs through `bin/run.js` in a child process; the others in process. */
  cliEvery: number
  fixtures?: readonly FuzzFixture[]
  scale?: Scale
  onCase?: (done: number, findings: number) => void
  /** Told of each new distinct violation as it is found, so a run that dies still leaves its findings. */
  onFinding?: (finding: Finding) => void
}

export interface CampaignFigures {
  seed: number
  cases: number
  cliCases: number
  /** Recipes that would have built a file over MAX_CASE_BYTES: not run. */
  oversized: number
  seconds: number
  casesByReader: Record<string, number>
  findings: Finding[]
  /** Peak RSS of this process (the in-process cases) and of the largest `bin/run.js` child, in MiB. */
  peakRssMb: {inProcess: number; child?: number}
}

function signatureOf(reader: string, violation: string): string {
  return `${reader}: ${violation.replace(/\d+(\.\d+)?/g, 'N').slice(0, 160)}`
}

/**
 * A long run: every case is judged and kept going, each distinct violation is recorded once with
 * the first recipe that showed it, so one run lists every bug rather than the first.
 */
export async function runCampaign(options: CampaignOptions): Promise<CampaignFigures> {
  const started = performance.now()
  const findings = new Map<string, Finding>()
  const casesByReader: Record<string, number> = {}
  let cases = 0
  let cliCases = 0
  let oversized = 0
  let childPeakRssMb: number | undefined
  const property = fc.asyncProperty(recipeArb(options.fixtures ?? FUZZ_FIXTURES, options.scale ?? 'full'), async (recipe) => {
    const driver: Driver = cases % options.cliEvery === options.cliEvery - 1 ? 'cli' : 'in-process'
    cases++
    if (driver === 'cli') cliCases++
    const reader = fixtureById(recipe.fixture).reader
    casesByReader[reader] = (casesByReader[reader] ?? 0) + 1
    const verdict = await runRecipe(recipe, driver)
    if (verdict === 'oversized') {
      oversized++
      return true
    }
    if (verdict.childPeakRssMb !== undefined) childPeakRssMb = Math.max(childPeakRssMb ?? 0, verdict.childPeakRssMb)
    for (const violation of verdict.violations) {
      const signature = signatureOf(reader, violation)
      const known = findings.get(signature)
      if (known) known.count++
      else {
        const finding = {signature, reader, driver, recipe, violations: verdict.violations, count: 1}
        findings.set(signature, finding)
        options.onFinding?.(finding)
      }
    }
    options.onCase?.(cases, findings.size)
    return true
  })
  await fc.check(property, {
    seed: options.seed,
    numRuns: options.runs,
    ...(options.seconds ? {interruptAfterTimeLimit: options.seconds * 1000, markInterruptAsFailure: false} : {}),
  })
  const peakRssMb = {inProcess: process.resourceUsage().maxRSS / 1024, ...(childPeakRssMb !== undefined ? {child: childPeakRssMb} : {})}
  return {seed: options.seed, cases, cliCases, oversized, seconds: (performance.now() - started) / 1000, casesByReader, findings: [...findings.values()], peakRssMb}
}
