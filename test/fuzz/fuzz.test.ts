import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {FIXTURES_DIR, FUZZ_FIXTURES} from './catalogue.js'
import {runRecipe, type Driver} from './campaign.js'
import {applyRecipe, recipeArb, type Recipe} from './mutations.js'

/** Fixed, so `npm test` is repeatable; TRAILGATE_FUZZ_SEED replays another run's seed. */
const SEED = Number(process.env.TRAILGATE_FUZZ_SEED ?? 20261201)

/**
 * Cases per reader in process, and cases through `bin/run.js`: one each keeps `npm test` to a few
 * seconds while every reader is still covered. TRAILGATE_FUZZ_RUNS=N runs N of each; `npm run fuzz`
 * is the long run.
 */
const RUNS = Math.max(1, Number.parseInt(process.env.TRAILGATE_FUZZ_RUNS ?? '1', 10) || 1)

async function holds(recipe: Recipe, driver: Driver): Promise<void> {
  const verdict = await runRecipe(recipe, driver)
  if (verdict === 'oversized') return
  if (verdict.violations.length > 0) throw new Error(`${driver}: ${verdict.violations.join('; ')}`)
}

async function assertFuzz(recipes: fc.Arbitrary<Recipe>, driver: Driver, numRuns: number): Promise<void> {
  try {
    // No shrinking: each case is a whole run; the recipe printed is already small and replays exactly.
    await fc.assert(fc.asyncProperty(recipes, (recipe) => holds(recipe, driver)), {seed: SEED, numRuns, endOnFailure: true})
  } catch (error) {
    throw new Error(`fuzz seed ${SEED} (replay: TRAILGATE_FUZZ_SEED=${SEED}, or npm run fuzz -- --replay '<recipe>')\n${error instanceof Error ? error.message : String(error)}`, {cause: error})
  }
}

describe('fuzz: mutated fixtures keep the report contract', () => {
  it.each(FUZZ_FIXTURES.map((fixture) => [fixture.id, fixture] as const))('%s, in process', async (_id, fixture) => {
    await assertFuzz(recipeArb([fixture], 'quick'), 'in-process', RUNS)
  }, 60_000 * RUNS)

  it('through bin/run.js, with the child measured', async () => {
    await assertFuzz(recipeArb(FUZZ_FIXTURES, 'quick'), 'cli', RUNS)
  }, 120_000 * RUNS)

  it('a recipe replays to the same bytes, so a printed counterexample is the input itself', () => {
    const sample = fc.sample(recipeArb(FUZZ_FIXTURES, 'quick'), {seed: SEED, numRuns: 10})
    for (const recipe of sample) {
      const fixture = FUZZ_FIXTURES.find((f) => f.id === recipe.fixture)!
      const original = readFileSync(join(FIXTURES_DIR, fixture.file))
      const once = applyRecipe(fixture, original, recipe)
      expect(applyRecipe(fixture, original, recipe).equals(once)).toBe(true)
    }
  })
})
