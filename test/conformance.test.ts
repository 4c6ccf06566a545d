import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

import JSON5 from 'json5'
import {describe, expect, it} from 'vitest'

import {compilePattern, validatePattern} from '../src/policy/pattern.js'

type Outcome = 'match' | 'no match' | 'invalid'

interface Case {
  name: string
  event: unknown
  pattern: unknown
  expected: Outcome
}

/** AWS-validated pattern/event pairs shared beside the repository, when present. */
const SHARED = fileURLToPath(new URL('../../shared/conformance/eventbridge', import.meta.url))

/** The outcome a file name announces: `_EXC` invalid, `_NEG` no match, otherwise match. */
function expectedFromName(name: string): Outcome {
  if (name.endsWith('_EXC')) return 'invalid'
  if (name.endsWith('_NEG')) return 'no match'
  return 'match'
}

function sharedCases(): Case[] {
  return readdirSync(SHARED)
    .filter((file) => file.endsWith('.json5'))
    .sort()
    .map((file) => {
      const {Event, EventPattern} = JSON5.parse<{Event: unknown; EventPattern: unknown}>(readFileSync(`${SHARED}/${file}`, 'utf8'))
      const name = file.replace(/\.json5$/, '')
      return {name, event: Event, pattern: EventPattern, expected: expectedFromName(name)}
    })
}

/** A few cases of our own, in the same shape, so the run means something without the shared folder. */
const OWN_CASES: Case[] = [
  {name: 'prefix', event: {time: '2022-07-13T13:48:01Z'}, pattern: {time: [{prefix: '2022-07-13'}]}, expected: 'match'},
  {name: 'prefix_NEG', event: {time: '2022-07-13T13:48:01Z'}, pattern: {time: [{prefix: '2022-07-99'}]}, expected: 'no match'},
  {name: 'anything_but_null', event: {detail: {state: null}}, pattern: {detail: {state: [{'anything-but': 'initializing'}]}}, expected: 'match'},
  {name: 'anything_but_missing_NEG', event: {detail: {}}, pattern: {detail: {state: [{'anything-but': 'initializing'}]}}, expected: 'no match'},
  {name: 'exists_on_object_NEG', event: {d: {k: {S: 'x'}}}, pattern: {d: {k: [{exists: true}]}}, expected: 'no match'},
  {name: 'exists_empty_list_NEG', event: {resources: []}, pattern: {resources: [{exists: true}]}, expected: 'no match'},
  {name: 'number_float', event: {number: 300.0}, pattern: {number: [300]}, expected: 'match'},
  {name: 'numeric_string_NEG', event: {number: '300'}, pattern: {number: [{numeric: ['>', 100]}]}, expected: 'no match'},
  {name: 'dot_joining_NEG', event: {detail: {'state.status': {status: 'running'}}}, pattern: {detail: {state: {status: ['running']}}}, expected: 'no match'},
  {name: 'cidr_v6', event: {ip: '2001:0db8:1234:1a00:0000:0000:0000:0000'}, pattern: {ip: [{cidr: '2001:db8:1234:1a00::/64'}]}, expected: 'match'},
  {name: 'string_nolist_EXC', event: {}, pattern: {string: 'my-value'}, expected: 'invalid'},
  {name: 'wildcard_repeating_star_EXC', event: {}, pattern: {arn: [{wildcard: 'arn:aws:events:us-east-1:**:event-bus/*'}]}, expected: 'invalid'},
]

function outcomeOf(testCase: Case): Outcome {
  if (validatePattern(testCase.pattern).length > 0) {
    expect(() => compilePattern(testCase.pattern)).toThrow()
    return 'invalid'
  }
  const compiled = compilePattern(testCase.pattern)
  const fast = compiled.test(testCase.event)
  expect(compiled.match(testCase.event).value).toBe(fast)
  return fast === true ? 'match' : 'no match'
}

const haveShared = existsSync(SHARED)
if (!haveShared) console.info(`EventBridge conformance: ${SHARED} is absent; running trailgate's own cases only`)

const groups = [
  ...(haveShared ? [{source: 'shared EventBridge conformance cases', cases: sharedCases()}] : []),
  {source: "trailgate's own conformance cases", cases: OWN_CASES},
]

describe.each(groups)('$source', ({cases}) => {
  it.each(cases.map((testCase) => [testCase.name, testCase] as const))('%s', (_name, testCase) => {
    expect(outcomeOf(testCase)).toBe(testCase.expected)
  })
})

describe('the shared conformance folder', () => {
  it.runIf(haveShared)('holds cases of all three outcomes', () => {
    const outcomes = new Set(sharedCases().map((testCase) => testCase.expected))
    expect([...outcomes].sort()).toEqual(['invalid', 'match', 'no match'])
  })
})
