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

describe('the fast positioned JSON reader', () => {
  it('points at the same places as the YAML parser does, for values and for keys', async () => {
    const {readFileSync} = await import('node:fs')
    const {parseWithPositions} = await import('../../src/util/positions.js')
    const file = 'fixtures/evidence/mixed-account/describe-trails.eu-west-1.json'
    const text = readFileSync(file, 'utf8')
    const fast = parseJsonWithPositions(text, file).document!
    const slow = parseWithPositions(text, file).document!
    expect(fast.value).toEqual(slow.value)
    const paths: (string | number)[][] = [[], ['trailList'], ['trailList', 0], ['trailList', 2, 'Name'], ['trailList', 3, 'KmsKeyId'], ['trailList', 1, 'HomeRegion'], ['trailList', 9], ['nope', 'deeper']]
    for (const path of paths) {
      expect(fast.locate(path), JSON.stringify(path)).toEqual(slow.locate(path))
      expect(fast.locateKey(path), JSON.stringify(path)).toEqual(slow.locateKey(path))
      expect(fast.has(path)).toBe(slow.has(path))
    }
  })

  it('reports a duplicate key where it stands', () => {
    const parsed = parseJsonWithPositions('{\n  "trailList": [],\n  "trailList": []\n}\n', 'dup.json')
    expect(parsed.document).toBeUndefined()
    expect(parsed.diagnostics).toEqual([{severity: 'error', code: 'yaml-duplicate_key', file: 'dup.json', line: 3, column: 3, message: 'Map keys must be unique'}])
  })
})
