import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {afterEach, describe, expect, it} from 'vitest'

import {loadPolicyFile} from '../../src/policy/load.js'

const FIXTURES = fileURLToPath(new URL('../../fixtures/policies/', import.meta.url))

const scratch: string[] = []
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, {recursive: true, force: true})
})
function policyFile(lines: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'trailgate-patterns-'))
  scratch.push(dir)
  const file = join(dir, 'patterns.yaml')
  writeFileSync(file, ['id: patterns', 'title: t', 'severity: low', 'subject: trail', 'description: d', 'remediation: r', ...lines, ''].join('\n'))
  return file
}

describe('pattern errors at the line and column of the policy file', () => {
  it('reports each invalid pattern with EventBridge\'s wording, where the mistake is', () => {
    const {policy, diagnostics} = loadPolicyFile(join(FIXTURES, 'bad/bad-pattern.yaml'), {builtin: false})
    expect(policy).toBeUndefined()
    expect(diagnostics.every((diagnostic) => diagnostic.code === 'policy-pattern' && diagnostic.severity === 'error')).toBe(true)
    expect(diagnostics.map(({line, column}) => ({line, column}))).toEqual([
      {line: 8, column: 31},
      {line: 10, column: 19},
    ])
    expect(diagnostics[0]?.message).toMatch(/^require\[0\]\.LogFileValidationEnabled: .*must be an object or an array/)
    expect(diagnostics[1]?.message).toMatch(/^require\[1\]\.Status\.IsLogging\[0\]/)
    expect(diagnostics[1]?.message).toContain('EXISTS')
  })

  it('checks a pattern after putting in the params\' defaults', () => {
    const ok = loadPolicyFile(join(FIXTURES, 'good/office-ip-allowlist.yaml'), {builtin: false})
    expect(ok.diagnostics).toEqual([])
    const file = policyFile(['params:', '  max: {type: integer, default: 5}', 'require:', '  Facts.EventSelectorCount: [{numeric: ["<<", "${max}"]}]'])
    const {diagnostics} = loadPolicyFile(file, {builtin: false})
    expect(diagnostics).toHaveLength(1)
    expect(diagnostics[0]).toMatchObject({severity: 'error', code: 'policy-pattern', line: 10, column: 41})
    expect(diagnostics[0]?.message).toMatch(/^require\[?.*numeric.*: .*<</)
  })

  it('leaves a pattern whose param has no default to be checked once its value is known', () => {
    const file = policyFile(['params:', '  max: {type: integer}', 'require:', '  Facts.EventSelectorCount: [{numeric: ["<=", "${max}"]}]'])
    const {policy, diagnostics} = loadPolicyFile(file, {builtin: false})
    expect(diagnostics).toEqual([])
    expect(policy?.require).toEqual([{'Facts.EventSelectorCount': [{numeric: ['<=', '${max}']}]}])
  })

  it('warns that a param inside a longer string is not replaced', () => {
    const file = policyFile(['params:', '  bucket: {type: string, default: logs}', 'require:', '  S3BucketName: [{prefix: "audit-${bucket}"}]'])
    const {policy, diagnostics} = loadPolicyFile(file, {builtin: false})
    expect(policy).toBeDefined()
    expect(diagnostics).toMatchObject([{severity: 'warning', line: 10, column: 27}])
    expect(diagnostics[0]?.message).toContain("'audit-${bucket}' is not replaced")
  })

  it('reports every clause of a file, not only the first bad one', () => {
    const file = policyFile(['when: {IsMultiRegionTrail: true}', 'unless: [{Name: []}]', 'forbid: {Tags: {env: [{anything-but: [prod, null]}]}}'])
    const {diagnostics} = loadPolicyFile(file, {builtin: false})
    expect(diagnostics.map((diagnostic) => diagnostic.line)).toEqual([7, 8, 9])
    expect(diagnostics.map((diagnostic) => diagnostic.message.split(':')[0])).toEqual(['when.IsMultiRegionTrail', 'unless[0].Name', expect.stringMatching(/^forbid\.Tags\.env\[0\]/)])
  })
})
