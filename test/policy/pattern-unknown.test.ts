import {describe, expect, it} from 'vitest'

import {compilePattern, type Truth} from '../../src/policy/pattern.js'

const key = {$unknown: '!Ref AuditKey'}
const decide = (pattern: unknown, document: unknown): Truth => compilePattern(pattern).test(document)
const explain = (pattern: unknown, document: unknown) => compilePattern(pattern).match(document)

describe('an unknown value', () => {
  it('is present: exists decides it, every other matcher is unknown', () => {
    expect(decide({KmsKeyId: [{exists: true}]}, {KmsKeyId: key})).toBe(true)
    expect(decide({KmsKeyId: [{exists: false}]}, {KmsKeyId: key})).toBe(false)
    for (const matcher of [
      'alias/x',
      5,
      true,
      null,
      {prefix: 'arn:aws'},
      {suffix: 'x'},
      {wildcard: 'arn:*'},
      {'equals-ignore-case': 'x'},
      {'anything-but': 'x'},
      {'anything-but': {prefix: 'x'}},
      {numeric: ['>', 1]},
      {cidr: '10.0.0.0/8'},
    ]) {
      expect(decide({KmsKeyId: [matcher]}, {KmsKeyId: key}), JSON.stringify(matcher)).toBe('unknown')
    }
  })

  it('combines by Kleene logic: AND is false before unknown, OR is true before unknown', () => {
    const document = {KmsKeyId: key, LogFileValidationEnabled: false, IsMultiRegionTrail: true}
    expect(decide({KmsKeyId: [{prefix: 'arn:'}], LogFileValidationEnabled: [true]}, document)).toBe(false)
    expect(decide({KmsKeyId: [{prefix: 'arn:'}], IsMultiRegionTrail: [true]}, document)).toBe('unknown')
    expect(decide({KmsKeyId: [{prefix: 'arn:'}, {exists: true}]}, document)).toBe(true)
    expect(decide({KmsKeyId: [{prefix: 'arn:'}, 'x']}, document)).toBe('unknown')
    expect(decide({$or: [{KmsKeyId: [{prefix: 'arn:'}]}, {IsMultiRegionTrail: [true]}]}, document)).toBe(true)
    expect(decide({$or: [{KmsKeyId: [{prefix: 'arn:'}]}, {LogFileValidationEnabled: [true]}]}, document)).toBe('unknown')
  })

  it('in one array element leaves the outcome open unless another element decides it', () => {
    const pattern = {Trails: {IsLogging: [true]}}
    expect(decide(pattern, {Trails: [{IsLogging: false}, {IsLogging: {$unknown: 'Condition IsProd'}}]})).toBe('unknown')
    expect(decide(pattern, {Trails: [{IsLogging: true}, {IsLogging: {$unknown: 'Condition IsProd'}}]})).toBe(true)
    expect(decide({ids: ['a']}, {ids: ['b', {$unknown: 'after apply'}]})).toBe('unknown')
  })

  it('standing for a whole array or object makes every pattern inside it unknown', () => {
    const trail = {EventSelectors: {$unknown: '!GetAtt Selectors'}}
    expect(decide({EventSelectors: {ReadWriteType: ['All']}}, trail)).toBe('unknown')
    expect(decide({EventSelectors: {ReadWriteType: [{exists: false}]}}, trail)).toBe('unknown')
    expect(decide({EventSelectors: [{exists: true}]}, trail)).toBe(true)
  })

  it('is reported with its reason', () => {
    const result = explain({KmsKeyId: [{prefix: 'arn:aws'}]}, {KmsKeyId: key})
    expect(result.value).toBe('unknown')
    expect(result.unknowns).toEqual([{path: 'KmsKeyId', expected: 'prefix arn:aws', actual: '!Ref AuditKey'}])
    const nested = explain({EventSelectors: {ReadWriteType: ['All']}}, {EventSelectors: {$unknown: true}})
    expect(nested.unknowns).toEqual([{path: 'EventSelectors.ReadWriteType', expected: 'All', actual: 'unknown'}])
  })
})
