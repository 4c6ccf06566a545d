import {describe, expect, it} from 'vitest'

import {cleanUp, handWritten, type FuzzCase} from './cases.js'
import {runChild} from './drivers.js'

/**
 * What the fuzzer found, each kept as a named case through `bin/run.js`: the exit code, no stack
 * trace, every input's fate, the time and memory bounds of the fuzz invariants.
 */
function contractHolds(fuzzCase: FuzzCase): string[] {
  try {
    return runChild(fuzzCase).violations
  } finally {
    cleanUp(fuzzCase)
  }
}

describe('inputs the fuzzer found', () => {
  it('a policy whose enum value is a 1 MB string is refused in bounded time and memory', () => {
    // The did-you-mean suggestion compared the whole string with each allowed value, cell by cell.
    const fuzzCase = handWritten('policy-event', (text) => text.replace('  maxFailures:\n    type: integer', `  maxFailures:\n    type: ${'x'.repeat(1_000_000)}`))
    expect(contractHolds(fuzzCase)).toEqual([])
  }, 60_000)
})
