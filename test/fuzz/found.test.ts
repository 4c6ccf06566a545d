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

  it('a CloudTrail log whose record holds a deeply nested value is judged, not a crash', () => {
    // The schema message quoted the whole offending value with JSON.stringify, which overflowed the stack.
    const deep = `${'['.repeat(90_000)}1${']'.repeat(90_000)}`
    const fuzzCase = handWritten('cloudtrail-json', (text) => text.replace(/"eventSource": *"signin\.amazonaws\.com"/, `"eventSource": ${deep}`))
    expect(fuzzCase.bytes).toBeGreaterThan(180_000)
    expect(contractHolds(fuzzCase)).toEqual([])
  }, 60_000)

  it('a CloudTrail record whose matched field is a deeply nested array is judged, not a crash', () => {
    // The matcher recursed once per nesting level of the data, not of the pattern.
    const deep = `${'['.repeat(70_000)}"No"${']'.repeat(70_000)}`
    const fuzzCase = handWritten('cloudtrail-json', (text) => text.replaceAll(/"MFAUsed": *"No"/g, `"MFAUsed": ${deep}`))
    expect(fuzzCase.bytes).toBeGreaterThan(140_000)
    expect(contractHolds(fuzzCase)).toEqual([])
  }, 60_000)

  // The three below are rows of the hostile-input table whose fixes are made apart from the fuzzer:
  // they fail until the YAML alias cap and the `__proto__` location fix are in.
  const aliasBomb = `[${Array.from({length: 9}, (_, level) => `&lol${level} [${Array(9).fill(level === 0 ? 'lol' : `*lol${level - 1}`).join(', ')}]`).join(', ')}]`

  it('a YAML alias bomb in the config is an error with a report, not a crash (needs the YAML alias cap)', () => {
    const fuzzCase = handWritten('config', (text) => text.replace('    maxFailures: 5', `    maxFailures: 5\n    extra: ${aliasBomb}`))
    expect(contractHolds(fuzzCase)).toEqual([])
  }, 60_000)

  it('a YAML alias bomb in a policy is an error with a report, not a crash (needs the YAML alias cap)', () => {
    const fuzzCase = handWritten('policy-trail', (text) => text.replace('tags: [encryption, custom]', `tags: ${aliasBomb}`))
    expect(contractHolds(fuzzCase)).toEqual([])
  }, 60_000)

  it('__proto__ as a key in a policy pattern is reported at a real line and column (needs the __proto__ location fix)', () => {
    const fuzzCase = handWritten('policy-trail', (text) => text.replace('  KmsKeyId: [{prefix: "arn:aws:kms:"}]', '  KmsKeyId: [{prefix: "arn:aws:kms:"}]\n  __proto__: [{exists: true}]'))
    expect(contractHolds(fuzzCase)).toEqual([])
  }, 60_000)
})
