import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {afterEach, describe, expect, it} from 'vitest'

import {isTestsFile, loadPolicyTests, testsFileFor} from '../../src/policy/tests-file.js'

const FIXTURES = fileURLToPath(new URL('../../fixtures/policies/', import.meta.url))

const scratch: string[] = []
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, {recursive: true, force: true})
})

describe('loadPolicyTests', () => {
  it('loads each case with its location', () => {
    const {cases, diagnostics} = loadPolicyTests(join(FIXTURES, 'good/kms-key-in-partition.tests.yaml'), {displayPath: 'k.tests.yaml'})
    expect(diagnostics).toEqual([])
    expect(cases.map(({name, expect: expected, message}) => ({name, expected, message}))).toEqual([
      {name: 'full key ARN', expected: 'pass', message: undefined},
      {name: 'alias', expected: 'fail', message: '/alias\\/cloudtrail/'},
      {name: 'organization trail', expected: 'not-applicable', message: undefined},
    ])
    expect(cases[1]?.subject).toEqual({Name: 'b', IsOrganizationTrail: false, KmsKeyId: 'alias/cloudtrail'})
    expect(cases[1]?.location).toMatchObject({file: 'k.tests.yaml', line: 4, column: 3})
  })

  it('reports a bad case where it is and keeps the good ones', () => {
    const {cases, diagnostics} = loadPolicyTests(join(FIXTURES, 'tests-files/mixed-cases.tests.yaml'))
    expect(cases.map((testCase) => testCase.name)).toEqual(['good case', 'with params and message'])
    expect(cases[1]).toMatchObject({params: {max: 3}, expect: 'fail', message: '/does not validate/'})
    expect(diagnostics.map(({message, line, column}) => ({message, line, column}))).toEqual([
      {message: "[1].expect must be one of pass, fail, unknown, not-applicable (did you mean 'pass'?)", line: 6, column: 11},
      {message: "[3]: missing required property 'name'", line: 12, column: 3},
    ])
  })

  it('warns about a file without cases and reports one that is not a list', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trailgate-tests-'))
    scratch.push(dir)
    writeFileSync(join(dir, 'a.tests.yaml'), '[]\n')
    expect(loadPolicyTests(join(dir, 'a.tests.yaml')).diagnostics).toMatchObject([{severity: 'warning', code: 'policy-tests-empty'}])
    writeFileSync(join(dir, 'b.tests.yaml'), 'name: x\n')
    const notList = loadPolicyTests(join(dir, 'b.tests.yaml'))
    expect(notList.cases).toEqual([])
    expect(notList.diagnostics).toMatchObject([{severity: 'error', message: 'the document must be a list, found a mapping', line: 1, column: 1}])
  })
})

describe('tests files beside policies', () => {
  it('recognizes tests files and finds the one beside a policy', () => {
    expect(isTestsFile('policies/kms.tests.yaml')).toBe(true)
    expect(isTestsFile('policies/kms.tests.yml')).toBe(true)
    expect(isTestsFile('policies/kms.yaml')).toBe(false)
    expect(testsFileFor(join(FIXTURES, 'good/kms-key-in-partition.yaml'))).toBe(join(FIXTURES, 'good/kms-key-in-partition.tests.yaml'))
    expect(testsFileFor(join(FIXTURES, 'good/office-ip-allowlist.yaml'))).toBeUndefined()
  })
})
