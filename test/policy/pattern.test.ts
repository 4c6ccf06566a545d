import {describe, expect, it} from 'vitest'

import {compilePattern, PatternError, validatePattern, type Truth} from '../../src/policy/pattern.js'

const decide = (pattern: unknown, document: unknown): Truth => compilePattern(pattern).test(document)
const firstError = (pattern: unknown): string | undefined => validatePattern(pattern)[0]?.message

describe('exact values', () => {
  it('matches strings, numbers, booleans and null, each only as its own JSON type', () => {
    expect(decide({a: ['x']}, {a: 'x'})).toBe(true)
    expect(decide({a: ['x', 'y']}, {a: 'y'})).toBe(true)
    expect(decide({a: [5]}, {a: 5.0})).toBe(true)
    expect(decide({a: [true]}, {a: true})).toBe(true)
    expect(decide({a: [null]}, {a: null})).toBe(true)
    expect(decide({a: ['']}, {a: ''})).toBe(true)
    expect(decide({a: ['true']}, {a: true})).toBe(false)
    expect(decide({a: [5]}, {a: '5'})).toBe(false)
    expect(decide({a: [null]}, {a: ''})).toBe(false)
    expect(decide({a: [null]}, {})).toBe(false)
    expect(decide({a: ['x']}, {A: 'x'})).toBe(false)
  })

  it('rejects a leaf that is not an array, an empty array and nested arrays', () => {
    expect(firstError({a: 'x'})).toBe('"a" must be an object or an array')
    expect(firstError({a: []})).toBe('Empty arrays are not allowed')
    expect(firstError({a: [['x']]})).toBe('Match value must be String, number, true, false, or null')
    expect(firstError(['x'])).toBe('Filter is not an object')
    expect(firstError({a: {}})).toBe('Empty objects are not allowed')
  })

  it('treats an empty top-level pattern as matching everything', () => {
    expect(decide({}, {anything: 1})).toBe(true)
  })
})

describe('prefix and suffix', () => {
  it('match the start or end of strings only, optionally ignoring case', () => {
    expect(decide({a: [{prefix: 'arn:aws'}]}, {a: 'arn:aws:kms:…'})).toBe(true)
    expect(decide({a: [{prefix: 'arn:aws'}]}, {a: 'alias/x'})).toBe(false)
    expect(decide({a: [{prefix: ''}]}, {a: 'anything'})).toBe(true)
    expect(decide({a: [{prefix: '1'}]}, {a: 12})).toBe(false)
    expect(decide({a: [{prefix: {'equals-ignore-case': 'EC2'}}]}, {a: 'ec2.amazonaws.com'})).toBe(true)
    expect(decide({a: [{suffix: '.png'}]}, {a: 'x.png'})).toBe(true)
    expect(decide({a: [{suffix: '.png'}]}, {a: 'x.PNG'})).toBe(false)
    expect(decide({a: [{suffix: {'equals-ignore-case': '.png'}}]}, {a: 'x.PNG'})).toBe(true)
  })

  it('rejects a value that is not a string', () => {
    expect(firstError({a: [{prefix: ['x']}]})).toBe('prefix match pattern must be a string')
    expect(firstError({a: [{suffix: 1}]})).toBe('suffix match pattern must be a string')
    expect(firstError({a: [{prefix: {'equals-ignore-case': 1}}]})).toBe('equals-ignore-case match pattern must be a string')
  })
})

describe('equals-ignore-case', () => {
  it('compares strings without regard to case', () => {
    expect(decide({a: [{'equals-ignore-case': 'alice'}]}, {a: 'ALICE'})).toBe(true)
    expect(decide({a: [{'equals-ignore-case': 'alice'}]}, {a: 'bob'})).toBe(false)
    expect(firstError({a: [{'equals-ignore-case': ['alice']}]})).toBe('equals-ignore-case match pattern must be a string')
  })
})

describe('wildcard', () => {
  it('matches any run of characters at each star, and escaped stars literally', () => {
    const pattern = {arn: [{wildcard: 'arn:aws:cloudtrail:*:*:trail/*'}]}
    expect(decide(pattern, {arn: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/main'})).toBe(true)
    expect(decide(pattern, {arn: 'arn:aws:s3:::bucket'})).toBe(false)
    expect(decide({a: [{wildcard: 'a*b'}]}, {a: 'ab'})).toBe(true)
    expect(decide({a: [{wildcard: 'a\\*b'}]}, {a: 'a*b'})).toBe(true)
    expect(decide({a: [{wildcard: 'a\\*b'}]}, {a: 'axb'})).toBe(false)
    expect(decide({a: [{wildcard: 'a\\\\b'}]}, {a: 'a\\b'})).toBe(true)
    expect(decide({a: [{wildcard: ''}]}, {a: 'x'})).toBe(false)
  })

  it('rejects consecutive stars, bad escapes and patterns too complex to run', () => {
    expect(firstError({a: [{wildcard: 'arn:aws:events:us-east-1:**:event-bus/*'}]})).toBe('Consecutive wildcard characters at pos 26')
    expect(firstError({a: [{wildcard: 'a\\b'}]})).toBe('Invalid escape character at pos 1')
    expect(firstError({a: [{wildcard: '*:*:*:*:*:event-bus/*'}]})).toMatch(/^Rule is too complex/)
    expect(firstError({a: [{wildcard: '/Users/*/dir/dir/dir/dir/dir/doc.txt'}]})).toBeUndefined()
  })
})

describe('anything-but', () => {
  it('matches every present value other than those listed, null and other types included', () => {
    expect(decide({a: [{'anything-but': 'x'}]}, {a: 'y'})).toBe(true)
    expect(decide({a: [{'anything-but': 'x'}]}, {a: 'x'})).toBe(false)
    expect(decide({a: [{'anything-but': 'x'}]}, {a: null})).toBe(true)
    expect(decide({a: [{'anything-but': 'x'}]}, {})).toBe(false)
    expect(decide({a: [{'anything-but': [1, 2]}]}, {a: 2})).toBe(false)
    expect(decide({a: [{'anything-but': [1, 2]}]}, {a: '2'})).toBe(true)
    expect(decide({a: [{'anything-but': {prefix: 'us-'}}]}, {a: 'eu-west-1'})).toBe(true)
    expect(decide({a: [{'anything-but': {prefix: ['us-', 'eu-']}}]}, {a: 'eu-west-1'})).toBe(false)
    expect(decide({a: [{'anything-but': {prefix: 'us-'}}]}, {a: 7})).toBe(true)
    expect(decide({a: [{'anything-but': {suffix: '.png'}}]}, {a: 'x.png'})).toBe(false)
    expect(decide({a: [{'anything-but': {'equals-ignore-case': ['Stopped']}}]}, {a: 'STOPPED'})).toBe(false)
    expect(decide({a: [{'anything-but': {wildcard: '*/lib/*'}}]}, {a: 'src/lib/x'})).toBe(false)
    expect(decide({a: [{'anything-but': {wildcard: ['*/lib/*', '*/bin/*']}}]}, {a: 'src/app/x'})).toBe(true)
  })

  it('rejects nulls, booleans, mixed lists, empty prefixes and nested operators', () => {
    const message = 'Value of anything-but must be an array or single string/number value.'
    expect(firstError({a: [{'anything-but': null}]})).toBe(message)
    expect(firstError({a: [{'anything-but': {prefix: {'equals-ignore-case': 'x'}}}]})).toBe(message)
    expect(firstError({a: [{'anything-but': ['x', true]}]})).toBe('Inside anything but list, start|null|boolean is not supported.')
    expect(firstError({a: [{'anything-but': ['x', 1]}]})).toMatch(/mixed type is not supported/)
    expect(firstError({a: [{'anything-but': {prefix: ''}}]})).toBe('Null prefix/suffix not allowed')
    expect(firstError({a: [{'anything-but': {cidr: '10.0.0.0/8'}}]})).toBe('Unsupported anything-but pattern: cidr')
  })
})

describe('numeric', () => {
  it('compares numbers against at most one lower and one upper bound', () => {
    const range = {n: [{numeric: ['>', 0, '<=', 5]}]}
    expect(decide(range, {n: 5})).toBe(true)
    expect(decide(range, {n: 0})).toBe(false)
    expect(decide(range, {n: 6})).toBe(false)
    expect(decide(range, {n: '3'})).toBe(false)
    expect(decide(range, {n: null})).toBe(false)
    expect(decide({n: [{numeric: ['=', 3.018e2]}]}, {n: 301.8})).toBe(true)
    expect(decide({n: [{numeric: ['>=', 10]}]}, {n: 10})).toBe(true)
    expect(decide({n: [{numeric: ['<', 10]}]}, {n: 10})).toBe(false)
  })

  it('rejects malformed ranges with the EventBridge messages', () => {
    expect(firstError({n: [{NUMERIC: ['=', 5]}]})).toBe('Unrecognized match type NUMERIC')
    expect(firstError({n: [{numeric: ['>', 0, '>', 0]}]})).toBe('Bad numeric range operator: >')
    expect(firstError({n: [{numeric: ['<', '5']}]})).toBe('Value of < must be numeric')
    expect(firstError({n: [{numeric: '>'}]})).toBe('Value of numeric must be an array.')
    expect(firstError({n: [{numeric: ['<', 5, '>', 1]}]})).toBe('Too many elements in numeric expression')
    expect(firstError({n: [{numeric: ['>', 5, '<', 1]}]})).toBe('Bottom must be less than top')
  })
})

describe('exists', () => {
  it('is about leaf values: objects and empty arrays count as absent', () => {
    expect(decide({a: [{exists: true}]}, {a: 'x'})).toBe(true)
    expect(decide({a: [{exists: true}]}, {a: null})).toBe(true)
    expect(decide({a: [{exists: true}]}, {a: {b: 1}})).toBe(false)
    expect(decide({a: [{exists: true}]}, {a: []})).toBe(false)
    expect(decide({a: [{exists: false}]}, {})).toBe(true)
    expect(decide({a: [{exists: false}]}, {a: {b: 1}})).toBe(true)
    expect(decide({a: [{exists: false}]}, {a: 'x'})).toBe(false)
    expect(decide({a: {b: {c: [{exists: false}]}}}, {x: 1})).toBe(true)
    expect(firstError({a: [{exists: 'yes'}]})).toBe('exists match pattern must be either true or false.')
  })

  it('sees a value beside an empty array or object: the field is present', () => {
    expect(decide({f: [{exists: false}]}, {f: [[], 1]})).toBe(false)
    expect(decide({f: [{exists: false}]}, {f: [{}, 'a']})).toBe(false)
    expect(decide({f: [{exists: true}]}, {f: [[], 1]})).toBe(true)
    expect(decide({f: [{exists: false}]}, {f: [[], {}]})).toBe(true)
    expect(decide({f: [{exists: false}]}, {f: [[[]]]})).toBe(true)
    expect(compilePattern({f: [{exists: false}]}).match({f: [[], 1]}).value).toBe(false)
    expect(compilePattern({f: {g: [{exists: false}]}}).match({f: [{}, {g: 1}]}).value).toBe(false)
    expect(firstError({a: [{EXISTS: true}]})).toBe('Unrecognized match type EXISTS')
  })
})

describe('cidr', () => {
  it('matches IPv4 and IPv6 addresses inside the range, and nothing that is not an address', () => {
    expect(decide({ip: [{cidr: '10.0.0.0/24'}]}, {ip: '10.0.0.255'})).toBe(true)
    expect(decide({ip: [{cidr: '10.0.0.0/24'}]}, {ip: '10.0.1.0'})).toBe(false)
    expect(decide({ip: [{cidr: '10.0.0.0/24'}]}, {ip: '10.0.0.256'})).toBe(false)
    expect(decide({ip: [{cidr: '10.0.0.0/24'}]}, {ip: 'AWS Internal'})).toBe(false)
    expect(decide({ip: [{cidr: '10.0.0.0/24'}]}, {ip: 167772161})).toBe(false)
    expect(decide({ip: [{cidr: '2001:db8:1234:1a00::/64'}]}, {ip: '2001:0db8:1234:1a00:0000:0000:0000:0001'})).toBe(true)
    expect(decide({ip: [{cidr: '2001:db8:1234:1a00::/64'}]}, {ip: '2001:db8:1234:1a01::1'})).toBe(false)
    expect(decide({ip: [{cidr: '0.0.0.0/0'}]}, {ip: '::1'})).toBe(false)
    expect(decide({ip: [{cidr: '::/0'}]}, {ip: '::ffff:10.0.0.1'})).toBe(true)
  })

  it('rejects malformed ranges', () => {
    expect(firstError({ip: [{cidr: '10.0.0.0'}]})).toBe("Malformed CIDR, one '/' required")
    expect(firstError({ip: [{cidr: '10.0.0.0/x'}]})).toBe('Malformed CIDR, mask bits must be an integer')
    expect(firstError({ip: [{cidr: 'xx.11.xx/8'}]})).toBe('Nonstandard IP address: xx.11.xx')
    expect(firstError({ip: [{cidr: ['10.0.0.0/8']}]})).toBe('prefix match pattern must be a string')
  })
})

describe('$or', () => {
  it('rejects operator names as field names anywhere inside a branch, as EventBridge does', () => {
    expect(firstError({$or: [{numeric: ['>', 0]}, {b: ['x']}]})).toBe('numeric is Ruler reserved fieldName which cannot be used inside $or.')
    expect(firstError({a: {$or: [{b: {prefix: ['x']}}, {c: ['y']}]}})).toBe('prefix is Ruler reserved fieldName which cannot be used inside $or.')
    expect(firstError({$or: [{b: {equals: ['x']}}, {c: ['y']}]})).toBe('equals is Ruler reserved fieldName which cannot be used inside $or.')
    expect(firstError({numeric: ['x'], $or: [{b: ['x']}, {c: ['y']}]})).toBeUndefined()
    expect(firstError({$or: [{'b.equals': ['x']}, {c: ['y']}]})).toBeUndefined()
  })

  it('matches when any branch matches, at any depth', () => {
    const pattern = {detail: {$or: [{a: [1]}, {b: [2]}, {c: {$or: [{d: [3]}, {e: [4]}]}}]}}
    expect(decide(pattern, {detail: {b: 2}})).toBe(true)
    expect(decide(pattern, {detail: {c: {e: 4}}})).toBe(true)
    expect(decide(pattern, {detail: {a: 2, b: 1}})).toBe(false)
  })

  it('needs at least two object branches and at most 1000 combinations', () => {
    expect(firstError({$or: [{a: [1]}]})).toBe('There must have at least 2 Objects in $or relationship.')
    expect(firstError({$or: [{a: [1]}, 'b']})).toBe('Only JSON object is allowed in array of $or relationship.')
    expect(firstError({$or: {a: [1]}})).toBe('It must be an Array followed with $or.')
    const ten = {$or: Array.from({length: 10}, (_, index) => ({[`k${index}`]: [index]}))}
    expect(firstError({x: ten, y: ten, z: ten})).toBeUndefined()
    expect(firstError({x: ten, y: ten, z: ten, w: {$or: [{a: [1]}, {b: [1]}]}})).toMatch(/^Rule is too complex - \$or produces 2000 combinations/)
  })
})

describe('arrays in documents', () => {
  const account = {
    Trails: [
      {Name: 'a', IsMultiRegionTrail: true, Status: {IsLogging: false}},
      {Name: 'b', IsMultiRegionTrail: false, Status: {IsLogging: true}},
    ],
  }

  it('match when any element matches', () => {
    expect(decide({resources: ['r2']}, {resources: ['r1', 'r2']})).toBe(true)
    expect(decide({resources: ['r3']}, {resources: ['r1', 'r2']})).toBe(false)
    expect(decide({a: [1]}, {a: [[0], [1]]})).toBe(true)
    expect(decide({Trails: {Name: ['b']}}, account)).toBe(true)
  })

  it('refuse a match whose fields sit in different elements of one array', () => {
    expect(decide({Trails: {IsMultiRegionTrail: [true], Status: {IsLogging: [true]}}}, account)).toBe(false)
    const fixed = structuredClone(account)
    fixed.Trails[0]!.Status.IsLogging = true
    expect(decide({Trails: {IsMultiRegionTrail: [true], Status: {IsLogging: [true]}}}, fixed)).toBe(true)
  })

  it('keep consistency inside nested arrays and across $or branches', () => {
    const trail = {EventSelectors: [{ReadWriteType: 'All', DataResources: [{Type: 'AWS::S3::Object'}]}, {ReadWriteType: 'ReadOnly', DataResources: [{Type: 'AWS::Lambda::Function'}]}]}
    expect(decide({EventSelectors: {ReadWriteType: ['All'], DataResources: {Type: ['AWS::Lambda::Function']}}}, trail)).toBe(false)
    expect(decide({EventSelectors: {ReadWriteType: ['ReadOnly'], DataResources: {Type: ['AWS::Lambda::Function']}}}, trail)).toBe(true)
    expect(decide({EventSelectors: {ReadWriteType: ['All'], $or: [{DataResources: {Type: ['AWS::Lambda::Function']}}, {x: [1]}]}}, trail)).toBe(false)
  })
})

describe('dotted keys', () => {
  it('are paths in patterns and in documents alike', () => {
    const nested = {Status: {IsLogging: true}}
    const dotted = {'Status.IsLogging': true}
    expect(decide({'Status.IsLogging': [true]}, nested)).toBe(true)
    expect(decide({Status: {IsLogging: [true]}}, dotted)).toBe(true)
    expect(decide({'Status.IsLogging': [true]}, dotted)).toBe(true)
    expect(decide({Tags: {'app.kubernetes.io/name': ['web']}}, {Tags: {'app.kubernetes.io/name': 'web'}})).toBe(true)
    expect(decide({Tags: {'app.kubernetes.io/name': ['web']}}, {Tags: {app: 'web'}})).toBe(false)
  })

  it('do not match a path of a different length', () => {
    expect(decide({detail: {state: {status: ['running']}}}, {detail: {'state.status': {status: 'running'}}})).toBe(false)
    expect(decide({detail: {'state.status': {status: ['running']}}}, {detail: {state: {status: 'running'}}})).toBe(false)
  })

  it('merge a dotted key with its nested spelling in one pattern', () => {
    const pattern = {'Status.IsLogging': [true], Status: {LatestDeliveryError: [{exists: false}]}}
    expect(decide(pattern, {Status: {IsLogging: true}})).toBe(true)
    expect(decide(pattern, {Status: {IsLogging: true, LatestDeliveryError: 'AccessDenied'}})).toBe(false)
  })
})

describe('document keys', () => {
  it('are read as own fields of the document only', () => {
    expect(decide({toString: [{exists: true}]}, {})).toBe(false)
    expect(decide({constructor: [{exists: false}]}, {})).toBe(true)
    expect(decide({toString: ['x']}, JSON.parse('{"toString": "x"}'))).toBe(true)
  })
})

describe('errors', () => {
  it('carry the path inside the pattern and are all reported', () => {
    const errors = validatePattern({a: [{prefix: 1}], b: {c: [{numeric: ['<', 'x']}]}, d: 'no'})
    expect(errors.map((error) => [error.message, error.path])).toEqual([
      ['prefix match pattern must be a string', ['a', 0, 'prefix']],
      ['Value of < must be numeric', ['b', 'c', 0, 'numeric', 1]],
      ['"d" must be an object or an array', ['d']],
    ])
    expect(() => compilePattern({a: [{prefix: 1}]})).toThrow(PatternError)
  })
})
