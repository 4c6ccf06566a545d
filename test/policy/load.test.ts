import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {afterEach, describe, expect, it} from 'vitest'

import type {Diagnostic} from '../../src/model/types.js'
import {BUILTIN_POLICY_DIR, loadPolicies, loadPolicyFile} from '../../src/policy/load.js'

const FIXTURES = fileURLToPath(new URL('../../fixtures/policies/', import.meta.url))

function brief(diagnostics: Diagnostic[]): {severity: string; message: string; line?: number; column?: number}[] {
  return diagnostics.map(({severity, message, line, column}) => ({severity, message, line, column}))
}

const scratch: string[] = []
function writePolicy(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'trailgate-load-'))
  scratch.push(dir)
  const file = join(dir, name)
  writeFileSync(file, text)
  return file
}
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, {recursive: true, force: true})
})

describe('loadPolicyFile: a valid policy', () => {
  it('normalizes every field, single clauses becoming lists', () => {
    const {policy, diagnostics} = loadPolicyFile(join(FIXTURES, 'good/kms-key-in-partition.yaml'), {builtin: false, displayPath: 'good/kms-key-in-partition.yaml'})
    expect(diagnostics).toEqual([])
    expect(policy).toMatchObject({
      id: 'kms-key-in-partition',
      title: 'Trails are encrypted with a KMS key given by ARN',
      severity: 'medium',
      subject: 'trail',
      references: {securityHub: ['CloudTrail.2']},
      tags: ['encryption', 'custom'],
      precision: 'medium',
      params: {},
      when: [{IsOrganizationTrail: [false]}],
      unless: [],
      require: [{KmsKeyId: [{prefix: 'arn:aws:kms:'}]}],
      forbid: [],
      message: 'Trail {{Name}} names its KMS key as {{KmsKeyId}}.',
      disabled: false,
      source: {file: 'good/kms-key-in-partition.yaml', builtin: false},
    })
    expect(policy?.remediation).toContain('{{Name}}')
  })

  it('keeps the location of each top-level field and of each clause', () => {
    const {policy} = loadPolicyFile(join(FIXTURES, 'good/kms-key-in-partition.yaml'), {builtin: false, displayPath: 'k.yaml'})
    expect(policy?.source.locations.severity).toMatchObject({file: 'k.yaml', line: 4, column: 11})
    expect(policy?.source.locations['require.0']).toMatchObject({line: 16, column: 3})
  })

  it('applies the defaults of the optional fields', () => {
    const file = writePolicy('minimal.yaml', ['id: minimal', 'title: t', 'severity: info', 'subject: account', 'description: d', 'remediation: r', 'forbid: {AccountId: ["000000000000"]}', ''].join('\n'))
    const {policy, diagnostics} = loadPolicyFile(file, {builtin: true})
    expect(diagnostics).toEqual([])
    expect(policy).toMatchObject({tags: [], precision: 'high', params: {}, references: {}, disabled: false, when: [], require: [], source: {builtin: true}})
    expect(policy?.message).toBeUndefined()
  })

  it('accepts CloudWatch Logs filter pattern strings in event policies and keeps params', () => {
    const {policy, diagnostics} = loadPolicyFile(join(FIXTURES, 'good/office-ip-allowlist.yaml'), {builtin: false})
    expect(diagnostics).toEqual([])
    expect(policy?.unless).toEqual([{sourceIPAddress: [{cidr: '${allowedCidrs}'}]}, '{ $.userIdentity.type = "AWSService" }'])
    expect(policy?.params.allowedCidrs).toEqual({type: 'array', items: {type: 'string', format: 'cidr'}, default: ['203.0.113.0/24'], description: 'Ranges sign-ins may come from.'})
    expect(policy?.params.maxFailures).toMatchObject({type: 'integer', default: 3, minimum: 1, maximum: 10})
  })

  it('treats `when: {}` as applying to every subject', () => {
    const file = writePolicy('every.yaml', ['id: every', 'title: t', 'severity: low', 'subject: trail', 'description: d', 'remediation: r', 'when: {}', 'require: {LogFileValidationEnabled: [true]}', ''].join('\n'))
    expect(loadPolicyFile(file, {builtin: false}).policy?.when).toEqual([])
  })
})

describe('loadPolicyFile: schema errors at file:line:column', () => {
  it('reports every mistake of a file, each where it is, in plain words', () => {
    const {policy, diagnostics} = loadPolicyFile(join(FIXTURES, 'bad/kms-typos.yaml'), {builtin: false, displayPath: 'bad/kms-typos.yaml'})
    expect(policy).toBeUndefined()
    expect(diagnostics.every((diagnostic) => diagnostic.file === 'bad/kms-typos.yaml' && diagnostic.code === 'policy-schema')).toBe(true)
    expect(brief(diagnostics)).toEqual(
      expect.arrayContaining([
        {severity: 'error', message: "unknown property 'severty' (did you mean 'severity'?)", line: 3, column: 1},
        {severity: 'error', message: "missing required property 'severity'", line: 1, column: 1},
        {severity: 'error', message: "subject must be one of trail, region, account, event, archive (did you mean 'trail'?)", line: 4, column: 10},
        {severity: 'error', message: "tags must be a list, found 'security'", line: 7, column: 7},
      ]),
    )
    expect(diagnostics).toHaveLength(4)
  })

  it('points a missing property at the object that lacks it, one error per property', () => {
    const {diagnostics} = loadPolicyFile(join(FIXTURES, 'bad/missing-fields.yaml'), {builtin: false})
    expect(brief(diagnostics)).toEqual([
      {severity: 'error', message: "missing required property 'title'", line: 1, column: 1},
      {severity: 'error', message: "missing required property 'description'", line: 1, column: 1},
      {severity: 'error', message: "missing required property 'remediation'", line: 1, column: 1},
    ])
    expect(diagnostics[0]?.endLine).toBeUndefined()
  })

  it('names the rule an id breaks and where the bad value is', () => {
    const file = writePolicy('Bad_Id.yaml', ['id: Bad_Id', 'title: t', 'severity: low', 'subject: trail', 'description: d', 'remediation: r', 'require: {LogFileValidationEnabled: [true]}', ''].join('\n'))
    const errors = loadPolicyFile(file, {builtin: false}).diagnostics.filter((diagnostic) => diagnostic.severity === 'error')
    expect(brief(errors)).toEqual([
      {severity: 'error', message: "id 'Bad_Id' is not valid: lowercase letters, digits and '-', starting with a letter, 3 to 64 characters", line: 1, column: 5},
    ])
  })

  it('reports nested unknown keys at the key, with the field it sits in', () => {
    const file = writePolicy('refs.yaml', ['id: refs', 'title: t', 'severity: low', 'subject: trail', 'description: d', 'remediation: r', 'references:', '  securityhub: [CloudTrail.1]', 'require: {LogFileValidationEnabled: [true]}', ''].join('\n'))
    expect(brief(loadPolicyFile(file, {builtin: false}).diagnostics)).toEqual([
      {severity: 'error', message: "unknown property 'securityhub' in references (did you mean 'securityHub'?)", line: 8, column: 3},
    ])
  })

  it('requires require, forbid or monitor', () => {
    const file = writePolicy('nothing.yaml', ['id: nothing', 'title: t', 'severity: low', 'subject: trail', 'description: d', 'remediation: r', 'when: {Name: [a]}', ''].join('\n'))
    expect(brief(loadPolicyFile(file, {builtin: false}).diagnostics)).toEqual([
      {severity: 'error', message: "a policy needs at least one of 'require', 'forbid' or 'monitor'", line: 1, column: 1},
    ])
  })

  it('explains a clause that is neither a pattern, a list of patterns nor a string', () => {
    const file = writePolicy('clause.yaml', ['id: clause', 'title: t', 'severity: low', 'subject: event', 'description: d', 'remediation: r', 'require: 5', 'forbid:', '  - {eventName: [StopLogging]}', '  - true', ''].join('\n'))
    expect(brief(loadPolicyFile(file, {builtin: false}).diagnostics)).toEqual([
      {severity: 'error', message: 'require must be an EventBridge pattern, a list of them, or (event policies only) a CloudWatch Logs filter pattern string, found the number 5', line: 7, column: 10},
      {severity: 'error', message: 'forbid[1] must be an EventBridge pattern or (event policies only) a CloudWatch Logs filter pattern string, found true', line: 10, column: 5},
    ])
  })

  it('accepts filter pattern strings only in event policies', () => {
    const {policy, diagnostics} = loadPolicyFile(join(FIXTURES, 'bad/string-clause-on-trail.yaml'), {builtin: false})
    expect(policy).toBeUndefined()
    expect(brief(diagnostics)).toEqual([
      {severity: 'error', message: 'require: a clause written as a string (a CloudWatch Logs filter pattern) is only allowed in event policies; write an EventBridge pattern', line: 7, column: 10},
    ])
  })

  it('reports a broken filter pattern string at the clause', () => {
    const file = writePolicy('filter.yaml', ['id: filter', 'title: t', 'severity: low', 'subject: event', 'description: d', 'remediation: r', "forbid: '{ $.eventName = '", ''].join('\n'))
    const [diagnostic, ...rest] = loadPolicyFile(file, {builtin: false}).diagnostics
    expect(rest).toEqual([])
    expect(diagnostic).toMatchObject({severity: 'error', code: 'policy-pattern', line: 7, column: 9})
    expect(diagnostic?.message).toMatch(/^forbid: invalid CloudWatch Logs filter pattern: /)
  })

  it('checks param defaults against their own spec and clause references against the declared params', () => {
    const {policy, diagnostics} = loadPolicyFile(join(FIXTURES, 'bad/bad-params.yaml'), {builtin: false})
    expect(policy).toBeUndefined()
    expect(brief(diagnostics)).toEqual([
      {severity: 'error', message: 'params.max.default must be at most 5, found 9', line: 10, column: 14},
      {severity: 'error', message: "require.Facts.TrailCount[0].numeric[1]: unknown param 'limit' (declared params: max)", line: 14, column: 35},
    ])
  })

  it('reports YAML syntax errors and duplicate keys with their position', () => {
    const duplicate = loadPolicyFile(join(FIXTURES, 'bad/duplicate-key.yaml'), {builtin: false})
    expect(duplicate.policy).toBeUndefined()
    expect(duplicate.diagnostics).toHaveLength(1)
    expect(duplicate.diagnostics[0]).toMatchObject({severity: 'error', code: 'yaml-duplicate_key', line: 3, column: 1})
    expect(duplicate.diagnostics[0]?.message).toMatch(/unique/)

    const broken = loadPolicyFile(join(FIXTURES, 'mixed/broken.yaml'), {builtin: false})
    expect(broken.policy).toBeUndefined()
    expect(broken.diagnostics.length).toBeGreaterThan(0)
    expect(broken.diagnostics[0]).toMatchObject({severity: 'error', line: expect.any(Number), column: expect.any(Number)})
    expect(broken.diagnostics[0]?.code).toMatch(/^yaml-/)
  })

  it('says so when a file is empty or is not a mapping', () => {
    expect(brief(loadPolicyFile(writePolicy('empty.yaml', '# nothing yet\n'), {builtin: false}).diagnostics)).toEqual([{severity: 'error', message: 'the policy file is empty', line: 1, column: 1}])
    expect(brief(loadPolicyFile(writePolicy('list.yaml', '- id: a\n'), {builtin: false}).diagnostics)).toEqual([{severity: 'error', message: 'the document must be a mapping, found a list', line: 1, column: 1}])
  })

  it('warns when the file name differs from the id, and still loads the policy', () => {
    const file = writePolicy('other-name.yaml', ['id: real-name', 'title: t', 'severity: low', 'subject: trail', 'description: d', 'remediation: r', 'require: {LogFileValidationEnabled: [true]}', ''].join('\n'))
    const {policy, diagnostics} = loadPolicyFile(file, {builtin: false})
    expect(policy?.id).toBe('real-name')
    expect(brief(diagnostics)).toEqual([
      {severity: 'warning', message: "the policy id 'real-name' differs from its file name 'other-name.yaml'; name the file real-name.yaml", line: 1, column: 5},
    ])
  })

  it('reports an unreadable file instead of throwing', () => {
    const {policy, diagnostics} = loadPolicyFile(join(FIXTURES, 'does-not-exist.yaml'), {builtin: false, displayPath: 'does-not-exist.yaml'})
    expect(policy).toBeUndefined()
    expect(diagnostics).toMatchObject([{severity: 'error', code: 'policy-unreadable', file: 'does-not-exist.yaml'}])
  })
})

describe('loadPolicies', () => {
  it('loads the good files of a folder when one of them is broken, and skips tests files and other files', () => {
    const {policies, diagnostics, files} = loadPolicies({builtin: false, paths: [join(FIXTURES, 'mixed')]})
    expect(policies.map((policy) => policy.id)).toEqual(['alpha-check', 'zulu-check'])
    expect(files.map((file) => file.replace(/^.*\/mixed\//, ''))).toEqual(['alpha-check.yaml', 'broken.yaml', 'zulu-check.yaml'])
    expect(diagnostics.filter((diagnostic) => diagnostic.severity === 'error').every((diagnostic) => diagnostic.file?.endsWith('mixed/broken.yaml'))).toBe(true)
    expect(diagnostics.length).toBeGreaterThan(0)
  })

  it('keeps the first of two policies with the same id and reports the second where its id is', () => {
    const {policies, diagnostics} = loadPolicies({builtin: false, paths: [join(FIXTURES, 'duplicates')]})
    expect(policies.map((policy) => policy.title)).toEqual(['First'])
    const duplicate = diagnostics.find((diagnostic) => diagnostic.code === 'policy-duplicate-id')
    expect(duplicate).toMatchObject({severity: 'error', line: 1, column: 5})
    expect(duplicate?.file).toMatch(/duplicates\/second\.yaml$/)
    expect(duplicate?.message).toMatch(/^duplicate policy id 'same-id': already defined in .*duplicates\/first\.yaml:1:5; this one is ignored$/)
  })

  it('loads a file given directly, and reports paths that do not exist', () => {
    const {policies, diagnostics} = loadPolicies({builtin: false, paths: [join(FIXTURES, 'good/kms-key-in-partition.yaml'), join(FIXTURES, 'nowhere')]})
    expect(policies.map((policy) => policy.id)).toEqual(['kms-key-in-partition'])
    expect(diagnostics).toMatchObject([{severity: 'error', code: 'policy-path-missing'}])
    expect(diagnostics[0]?.message).toMatch(/policy path '.*nowhere' does not exist/)
  })

  it('loads a file once even when it is named twice', () => {
    const file = join(FIXTURES, 'good/kms-key-in-partition.yaml')
    const {policies, diagnostics} = loadPolicies({builtin: false, paths: [file, join(FIXTURES, 'good')]})
    expect(policies.map((policy) => policy.id).sort()).toEqual(['kms-key-in-partition', 'office-ip-allowlist'])
    expect(diagnostics).toEqual([])
  })

  it('warns about an empty folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trailgate-empty-'))
    scratch.push(dir)
    const {policies, diagnostics} = loadPolicies({builtin: false, paths: [dir]})
    expect(policies).toEqual([])
    expect(diagnostics).toMatchObject([{severity: 'warning', code: 'policy-path-empty'}])
  })

  it('loads the built-in pack without errors, marked as built-in', () => {
    const {policies, diagnostics} = loadPolicies({builtin: true, paths: []})
    expect(BUILTIN_POLICY_DIR).toMatch(/policies$/)
    expect(diagnostics.filter((diagnostic) => diagnostic.severity === 'error')).toEqual([])
    expect(policies.length).toBeGreaterThan(0)
    expect(policies.every((policy) => policy.source.builtin)).toBe(true)
  })

  it('reports a custom policy that reuses a built-in id', () => {
    const builtin = loadPolicies({builtin: true, paths: []}).policies[0]
    expect(builtin).toBeDefined()
    const file = writePolicy(`${builtin!.id}.yaml`, [`id: ${builtin!.id}`, 'title: t', 'severity: low', 'subject: trail', 'description: d', 'remediation: r', 'require: {LogFileValidationEnabled: [true]}', ''].join('\n'))
    const {policies, diagnostics} = loadPolicies({builtin: true, paths: [file]})
    expect(policies.filter((policy) => policy.id === builtin!.id)).toHaveLength(1)
    expect(policies.find((policy) => policy.id === builtin!.id)?.source.builtin).toBe(true)
    expect(diagnostics.filter((diagnostic) => diagnostic.code === 'policy-duplicate-id')).toHaveLength(1)
  })
})
