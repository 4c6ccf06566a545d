import {describe, expect, it} from 'vitest'

import {compilePattern} from '../../src/policy/pattern.js'

const explain = (pattern: unknown, document: unknown) => compilePattern(pattern).match(document)

describe('explanations', () => {
  it('name each failed leaf with what was expected and what was found', () => {
    const result = explain({LogFileValidationEnabled: [true], KmsKeyId: [{exists: true}], IsMultiRegionTrail: [true]}, {LogFileValidationEnabled: false, IsMultiRegionTrail: true})
    expect(result.value).toBe(false)
    expect(result.failures).toEqual([
      {path: 'LogFileValidationEnabled', expected: 'true', actual: 'false'},
      {path: 'KmsKeyId', expected: 'present', actual: 'missing'},
    ])
    expect(result.matched).toEqual([])
  })

  it('describe numeric ranges and alternatives', () => {
    expect(explain({Facts: {TrailCount: [{numeric: ['<=', 5]}]}}, {Facts: {TrailCount: 6}}).failures).toEqual([
      {path: 'Facts.TrailCount', expected: 'numeric <= 5', actual: '6'},
    ])
    expect(explain({'Facts.ManagementEvents': ['ReadWrite', 'WriteOnly']}, {Facts: {ManagementEvents: 'None'}}).failures).toEqual([
      {path: 'Facts.ManagementEvents', expected: 'ReadWrite or WriteOnly', actual: 'None'},
    ])
    expect(explain({a: ['true']}, {a: true}).failures).toEqual([{path: 'a', expected: '"true"', actual: 'true'}])
  })

  it('point at the closest array element, with its index', () => {
    const account = {
      Trails: [
        {Name: 'a', IsMultiRegionTrail: false, Status: {IsLogging: false}},
        {Name: 'b', IsMultiRegionTrail: false, Status: {IsLogging: true}},
        {Name: 'c', IsMultiRegionTrail: true, Status: {IsLogging: false}},
      ],
    }
    const result = explain({Trails: {IsMultiRegionTrail: [true], Status: {IsLogging: [true]}, Facts: {ManagementEvents: ['ReadWrite']}}}, account)
    expect(result.value).toBe(false)
    expect(result.failures).toEqual([
      {path: 'Trails.1.IsMultiRegionTrail', expected: 'true', actual: 'false'},
      {path: 'Trails.1.Facts.ManagementEvents', expected: 'ReadWrite', actual: 'missing'},
    ])
  })

  it('list what matched when the pattern matches', () => {
    const result = explain({eventName: ['StopLogging', 'DeleteTrail'], eventSource: [{prefix: 'cloudtrail.'}]}, {eventName: 'StopLogging', eventSource: 'cloudtrail.amazonaws.com'})
    expect(result.value).toBe(true)
    expect(result.matched).toEqual([
      {path: 'eventName', expected: 'StopLogging or DeleteTrail', actual: 'StopLogging'},
      {path: 'eventSource', expected: 'prefix cloudtrail.', actual: 'cloudtrail.amazonaws.com'},
    ])
    expect(result.failures).toEqual([])
  })

  it('report the matching element of a list value, and the whole list when none matches', () => {
    expect(explain({resources: [{prefix: 'arn:aws:s3'}]}, {resources: ['arn:aws:kms:x', 'arn:aws:s3:::b']}).matched).toEqual([
      {path: 'resources', expected: 'prefix arn:aws:s3', actual: 'arn:aws:s3:::b'},
    ])
    expect(explain({resources: ['x']}, {resources: ['a', 'b']}).failures).toEqual([{path: 'resources', expected: 'x', actual: '[a, b]'}])
  })

  it('show every branch of a failed $or and only the winning branch of a matched one', () => {
    const pattern = {$or: [{errorCode: [{suffix: 'UnauthorizedOperation'}]}, {errorCode: [{prefix: 'AccessDenied'}]}]}
    expect(explain(pattern, {errorCode: 'Throttling'}).failures.map((leaf) => leaf.expected)).toEqual([
      'suffix UnauthorizedOperation',
      'prefix AccessDenied',
    ])
    expect(explain(pattern, {errorCode: 'AccessDenied'}).matched).toEqual([{path: 'errorCode', expected: 'prefix AccessDenied', actual: 'AccessDenied'}])
  })

  it('agree with the fast test on the outcome', () => {
    const pattern = compilePattern({Trails: {IsMultiRegionTrail: [true], Status: {IsLogging: [true]}}})
    for (const document of [{Trails: []}, {Trails: [{IsMultiRegionTrail: true, Status: {IsLogging: {$unknown: 'x'}}}]}, {Trails: [{IsMultiRegionTrail: true, Status: {IsLogging: true}}]}, {}]) {
      expect(pattern.match(document).value).toBe(pattern.test(document))
    }
  })
})
