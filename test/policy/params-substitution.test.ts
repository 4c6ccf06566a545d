import {describe, expect, it} from 'vitest'

import {substituteParams} from '../../src/policy/params.js'
import {compilePattern, PatternError, type Truth} from '../../src/policy/pattern.js'

const decide = (pattern: unknown, params: Record<string, unknown>, document: unknown): Truth =>
  compilePattern(substituteParams(pattern, params)).test(document)

describe('substituteParams', () => {
  it('replaces a whole-string reference with the typed value', () => {
    expect(substituteParams({'Facts.TrailCount': [{numeric: ['<=', '${max}']}]}, {max: 5})).toEqual({'Facts.TrailCount': [{numeric: ['<=', 5]}]})
    expect(substituteParams({a: ['${flag}'], b: [{exists: '${present}'}]}, {flag: true, present: false})).toEqual({a: [true], b: [{exists: false}]})
    expect(substituteParams({a: ['prefix-${x}']}, {x: 1})).toEqual({a: ['prefix-${x}']})
  })

  it('turns numbers given as text into numbers inside numeric', () => {
    expect(decide({n: [{numeric: ['<=', '${max}']}]}, {max: '5'}, {n: 5})).toBe(true)
    expect(decide({n: [{numeric: ['<=', '${max}']}]}, {max: '5'}, {n: 6})).toBe(false)
  })

  it('fans a list out over single-value operators', () => {
    const pattern = {sourceIPAddress: [{cidr: '${allowed}'}]}
    expect(substituteParams(pattern, {allowed: ['10.0.0.0/8', '192.168.0.0/16']})).toEqual({
      sourceIPAddress: [{cidr: '10.0.0.0/8'}, {cidr: '192.168.0.0/16'}],
    })
    expect(substituteParams({a: [{prefix: {'equals-ignore-case': '${p}'}}]}, {p: ['x', 'y']})).toEqual({
      a: [{prefix: {'equals-ignore-case': 'x'}}, {prefix: {'equals-ignore-case': 'y'}}],
    })
    expect(decide(pattern, {allowed: ['10.0.0.0/8', '192.168.0.0/16']}, {sourceIPAddress: '192.168.1.1'})).toBe(true)
  })

  it('splices a list used as a value array or an element of one', () => {
    expect(substituteParams({eventName: '${names}'}, {names: ['StopLogging', 'DeleteTrail']})).toEqual({eventName: ['StopLogging', 'DeleteTrail']})
    expect(substituteParams({eventName: ['UpdateTrail', '${names}']}, {names: ['StopLogging']})).toEqual({eventName: ['UpdateTrail', 'StopLogging']})
    expect(substituteParams({eventName: '${name}'}, {name: 'StopLogging'})).toEqual({eventName: ['StopLogging']})
    expect(substituteParams({a: [{'anything-but': '${names}'}]}, {names: ['x', 'y']})).toEqual({a: [{'anything-but': ['x', 'y']}]})
  })

  it('makes an empty list match nothing, so an unless built on it exempts nothing', () => {
    const unless = {sourceIPAddress: [{cidr: '${allowed}'}]}
    for (const document of [{sourceIPAddress: '203.0.113.10'}, {sourceIPAddress: {$unknown: 'x'}}, {}]) {
      expect(decide(unless, {allowed: []}, document)).toBe(false)
    }
    expect(decide({eventName: '${names}'}, {names: []}, {eventName: 'StopLogging'})).toBe(false)
    expect(compilePattern(substituteParams(unless, {allowed: []})).match({sourceIPAddress: '1.2.3.4'}).failures).toEqual([
      {path: 'sourceIPAddress', expected: 'nothing (allowed is empty)', actual: '1.2.3.4'},
    ])
  })

  it('keeps the other matchers of a value array when a list is empty', () => {
    const pattern = {sourceIPAddress: [{cidr: '${allowed}'}, {cidr: '::/0'}]}
    expect(decide(pattern, {allowed: []}, {sourceIPAddress: '::1'})).toBe(true)
    expect(decide(pattern, {allowed: []}, {sourceIPAddress: '10.0.0.1'})).toBe(false)
  })

  it('makes anything-but an empty list match every present value', () => {
    expect(decide({a: [{'anything-but': '${names}'}]}, {names: []}, {a: 'x'})).toBe(true)
    expect(decide({a: [{'anything-but': '${names}'}]}, {names: []}, {})).toBe(false)
    expect(decide({a: [{'anything-but': {prefix: '${p}'}}]}, {p: []}, {a: 'x'})).toBe(true)
  })

  it('substitutes inside $or branches and does not change its input', () => {
    const pattern = {$or: [{a: ['${x}']}, {b: [{numeric: ['>', '${n}']}]}]}
    const copy = structuredClone(pattern)
    expect(substituteParams(pattern, {x: 'v', n: 3})).toEqual({$or: [{a: ['v']}, {b: [{numeric: ['>', 3]}]}]})
    expect(pattern).toEqual(copy)
  })

  it('rejects an unknown param with its path', () => {
    let error: unknown
    try {
      substituteParams({Facts: {TrailCount: [{numeric: ['<=', '${maxx}']}]}}, {max: 5})
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(PatternError)
    expect((error as PatternError).message).toBe("Unknown param ${maxx} (the policy's params are max)")
    expect((error as PatternError).path).toEqual(['Facts', 'TrailCount', 0, 'numeric', 1])
  })
})
