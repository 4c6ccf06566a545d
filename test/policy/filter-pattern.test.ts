import {describe, expect, it} from 'vitest'

import {compileFilterPattern, FilterPatternError} from '../../src/policy/filter-pattern.js'

const record = {
  eventName: 'ConsoleLogin',
  errorCode: 'Client.UnauthorizedOperation',
  errorMessage: 'Failed authentication',
  userIdentity: {type: 'IAMUser', sessionContext: {attributes: {mfaAuthenticated: 'false'}}},
  additionalEventData: {MFAUsed: 'No'},
  responseElements: null,
  readOnly: false,
  requestParameters: {count: 5, ratio: 0.25, items: [{id: 'a'}, {id: 'b'}], tags: ['x', 'y']},
}

const matches = (pattern: string, doc: unknown = record): boolean => compileFilterPattern(pattern).test(doc)

describe('CloudWatch Logs filter patterns', () => {
  it('compares quoted and unquoted values identically', () => {
    expect(matches('{ $.eventName = "ConsoleLogin" }')).toBe(true)
    expect(matches('{ $.eventName = ConsoleLogin }')).toBe(true)
    expect(matches('{ $.eventName = ConsoleLogout }')).toBe(false)
    expect(matches('{ ($.errorMessage = Failed authentication) }')).toBe(true)
  })

  it('treats * as a wildcard at either end or inside', () => {
    expect(matches('{ $.errorCode = "*UnauthorizedOperation" }')).toBe(true)
    expect(matches('{ $.errorCode = Client.* }')).toBe(true)
    expect(matches('{ $.errorCode = Cli*Operation }')).toBe(true)
    expect(matches('{ $.errorCode = "AccessDenied*" }')).toBe(false)
    expect(matches('{ $.errorCode = "Client\\*" }')).toBe(false)
  })

  it('gives && precedence over ||', () => {
    // A || (B && C): true through A although C is false.
    expect(matches('{ $.eventName = ConsoleLogin || $.eventName = Nope && $.readOnly IS TRUE }')).toBe(true)
    // (A || B) && C with explicit parentheses: false.
    expect(matches('{ ($.eventName = ConsoleLogin || $.eventName = Nope) && $.readOnly IS TRUE }')).toBe(false)
  })

  it('is false for any comparison on a missing selector, != included; NOT EXISTS tests absence', () => {
    expect(matches('{ $.missing = "x" }')).toBe(false)
    expect(matches('{ $.missing != "x" }')).toBe(false)
    expect(matches('{ $.userIdentity.invokedBy NOT EXISTS }')).toBe(true)
    expect(matches('{ $.userIdentity.type NOT EXISTS }')).toBe(false)
    expect(matches('{ $.additionalEventData.MFAUsed != "Yes" }')).toBe(true)
    expect(matches('{ $.additionalEventData.MFAUsed != "No" }')).toBe(false)
  })

  it('tests null and booleans with IS', () => {
    expect(matches('{ $.responseElements IS NULL }')).toBe(true)
    expect(matches('{ $.readOnly IS FALSE }')).toBe(true)
    expect(matches('{ $.readOnly IS TRUE }')).toBe(false)
    expect(matches('{ $.missing IS NULL }')).toBe(false)
  })

  it('compares numbers numerically and never matches strings with < or >', () => {
    expect(matches('{ $.requestParameters.count > 4 }')).toBe(true)
    expect(matches('{ $.requestParameters.count >= 5 && $.requestParameters.count <= 5 }')).toBe(true)
    expect(matches('{ $.requestParameters.count = 5.0 }')).toBe(true)
    expect(matches('{ $.requestParameters.count = "5" }')).toBe(true)
    expect(matches('{ $.requestParameters.ratio < 1e-1 }')).toBe(false)
    expect(matches('{ $.eventName > 1 }')).toBe(false)
  })

  it('follows array indexes and never matches an object or an array itself', () => {
    expect(matches('{ $.requestParameters.items[1].id = b }')).toBe(true)
    expect(matches('{ $.requestParameters.tags[0] = x }')).toBe(true)
    expect(matches('{ $.requestParameters.items[2].id = b }')).toBe(false)
    expect(matches('{ $.userIdentity = "IAMUser" }')).toBe(false)
    expect(matches('{ $.userIdentity != "IAMUser" }')).toBe(false)
  })

  it('matches %regular expressions%', () => {
    expect(matches('{ $.errorCode = %Unauthorized% }')).toBe(true)
    expect(matches('{ $.errorCode = %^Access% }')).toBe(false)
  })

  it('reports errors with the column of the problem', () => {
    const cases: [string, number, RegExp][] = [
      ['$.eventName = x', 1, /starts with "\{"/],
      ['{ $.eventName == x }', 15, /"==" is not an operator/],
      ['{ ($.eventName = x }', 20, /expected "\)"/],
      ['{ $.eventName }', 15, /expected an operator/],
      ['{ $.count > abc }', 13, /compares numbers/],
      ['{ $.a = "x }', 9, /unterminated quoted value/],
      ['{ $.a IS NOT NULL }', 13, /IS NOT/],
      ['{ eventName = x }', 3, /expected a selector/],
    ]
    for (const [pattern, column, message] of cases) {
      let caught: unknown
      try {
        compileFilterPattern(pattern)
      } catch (error) {
        caught = error
      }
      expect(caught, pattern).toBeInstanceOf(FilterPatternError)
      expect((caught as FilterPatternError).column, pattern).toBe(column)
      expect((caught as FilterPatternError).message, pattern).toMatch(message)
    }
  })

  it('exposes the parsed pattern: and/or, and per comparison the selector, operator and what it compares against', () => {
    const {tree} = compileFilterPattern('{ ($.a = "x\\*y" || $.b = Client.*) && $.c[0].d >= 5 && $.e IS NULL && $.f NOT EXISTS && $.g != %ab+% }')
    expect(tree.kind).toBe('and')
    const strip = (node: typeof tree): unknown => (node.kind === 'comparison' ? {selector: node.selector, path: node.path, operator: node.operator, operand: node.operand} : {kind: node.kind, operands: node.operands.map(strip)})
    expect(strip(tree)).toEqual({
      kind: 'and',
      operands: [
        {kind: 'or', operands: [{selector: 'a', path: ['a'], operator: '=', operand: {kind: 'literal', text: 'x*y'}}, {selector: 'b', path: ['b'], operator: '=', operand: {kind: 'wildcard', text: 'Client.*'}}]},
        {selector: 'c.0.d', path: ['c', 0, 'd'], operator: '>=', operand: {kind: 'number', value: 5}},
        {selector: 'e', path: ['e'], operator: 'IS', operand: {kind: 'null'}},
        {selector: 'f', path: ['f'], operator: 'NOT EXISTS', operand: {kind: 'missing'}},
        {selector: 'g', path: ['g'], operator: '!=', operand: {kind: 'regex', source: 'ab+'}},
      ],
    })
    const comparison = (tree as {operands: Array<{kind: string; test?: (record: unknown) => boolean}>}).operands[1]!
    expect(comparison.test!({c: [{d: 6}]})).toBe(true)
    expect(comparison.test!({c: [{d: 4}]})).toBe(false)
  })
})
