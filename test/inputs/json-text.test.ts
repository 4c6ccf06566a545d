import {describe, expect, it} from 'vitest'

import {parseJsonWithPositions, topLevelJsonKeys} from '../../src/inputs/json-text.js'

describe('JSON syntax errors', () => {
  const errorOf = (text: string) => parseJsonWithPositions(text, 'f.json').diagnostics[0]

  it('says "Unexpected end of JSON input" where a cut-short file stops', () => {
    expect(errorOf('{\n  "trailList": [\n    {"Name": "a",')).toEqual({severity: 'error', code: 'json-syntax', file: 'f.json', line: 3, column: 18, message: 'Unexpected end of JSON input'})
    expect(errorOf('{"trailList": ')).toMatchObject({line: 1, column: 14, message: 'Unexpected end of JSON input'})
  })

  it('names an unexpected token at its line and column', () => {
    expect(errorOf('{\n  "a": tru}\n')).toMatchObject({line: 2, column: 11, message: "Unexpected token '}'"})
    expect(errorOf('{\n  "a": 1\n  "b": 2\n}')).toMatchObject({line: 3, column: 3, message: "Expected ',' or '}' after property value"})
  })

  it('keeps positions for valid JSON', () => {
    const parsed = parseJsonWithPositions('{\n  "trailList": [\n    {"Name": "a"}\n  ]\n}', 'f.json')
    expect(parsed.diagnostics).toEqual([])
    expect(parsed.document?.locate(['trailList', 0, 'Name'])).toMatchObject({line: 3, column: 14})
  })
})

describe('top-level keys of a head that may be cut short', () => {
  it('reads keys and string values at the top level only', () => {
    const keys = topLevelJsonKeys('{"kind": "trailgate-snapshot", "accounts": [{"kind": "nested", "trails": [{"Name": "x"')
    expect([...(keys ?? new Map()).entries()]).toEqual([
      ['kind', 'trailgate-snapshot'],
      ['accounts', undefined],
    ])
  })

  it('is undefined for text that is not a JSON object', () => {
    expect(topLevelJsonKeys('kind: trailgate-snapshot')).toBeUndefined()
    expect(topLevelJsonKeys('[{"trailList": []}]')).toBeUndefined()
  })
})
