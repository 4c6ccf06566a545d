import {describe, expect, it} from 'vitest'

import {evaluate} from '../../src/engine/evaluate.js'
import {atOrAbove, exitCodeFor} from '../../src/engine/exit-code.js'
import {selectPolicies} from '../../src/engine/select.js'
import {emptyInventory, type Inventory, type Result, type TrailSubject} from '../../src/model/types.js'
import {assemble} from '../../src/inputs/index.js'
import {emptyReaderOutput} from '../../src/inputs/types.js'
import {compilePolicy, judge} from '../../src/policy/judge.js'
import type {Policy} from '../../src/policy/types.js'

function policy(overrides: Partial<Policy>): Policy {
  return {
    id: 'test-policy',
    title: 'A test policy',
    severity: 'medium',
    subject: 'trail',
    description: 'd',
    remediation: 'aws cloudtrail update-trail --name {{Name}}',
    references: {},
    tags: [],
    precision: 'high',
    params: {},
    when: [],
    unless: [],
    require: [],
    forbid: [],
    disabled: false,
    source: {file: 'policies/test-policy.yaml', builtin: false, locations: {}},
    ...overrides,
  }
}

function trail(document: Record<string, unknown>, fields: Record<string, {line: number}> = {}): TrailSubject {
  // The trail as the readers make it: facts computed by the assembler, as for any input.
  const output = emptyReaderOutput('aws-cli/describe-trails')
  output.trails.push({document: {Status: {IsLogging: true}, ...document}, provenance: {kind: 'aws-cli/describe-trails'}})
  const subject = assemble([{output}], {}).trails[0] as TrailSubject
  const located = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, {file: 'trails.json', line: v.line, column: 3}]))
  return {...subject, provenance: {kind: 'aws-cli/describe-trails', location: {file: 'trails.json', line: 2, column: 1}, fields: located}}
}

const validation = policy({require: [{LogFileValidationEnabled: [true]}]})

describe('judge: when, unless, require, forbid, three-valued', () => {
  it('fails with the field and the condition that failed', () => {
    const verdict = judge(compilePolicy(validation, {}), trail({Name: 'legacy', LogFileValidationEnabled: false}))
    expect(verdict).toMatchObject({applicable: true, status: 'fail', details: [{path: 'LogFileValidationEnabled', expected: 'true', actual: 'false'}]})
    expect(verdict.applicable && verdict.message).toContain('LogFileValidationEnabled is false, expected true')
  })

  it('is unknown, never pass or fail, when the decision rests on an unknown value', () => {
    const verdict = judge(compilePolicy(validation, {}), trail({Name: 'planned', LogFileValidationEnabled: {$unknown: '!Ref Validate'}}))
    expect(verdict).toMatchObject({applicable: true, status: 'unknown'})
    expect(verdict.applicable && verdict.message).toContain('!Ref Validate')
  })

  it('does not apply when `when` does not match, and exempts on `unless`', () => {
    const scoped = policy({when: [{IsMultiRegionTrail: [true]}], unless: [{Tags: {exempt: ['yes']}}], require: [{IncludeGlobalServiceEvents: [true]}]})
    const compiled = compilePolicy(scoped, {})
    expect(judge(compiled, trail({Name: 'a', IsMultiRegionTrail: false}))).toEqual({applicable: false, exemptedBy: 'when'})
    expect(judge(compiled, trail({Name: 'b', IsMultiRegionTrail: true, IncludeGlobalServiceEvents: false, Tags: {exempt: 'yes'}}))).toEqual({applicable: false, exemptedBy: 'unless'})
    expect(judge(compiled, trail({Name: 'c', IsMultiRegionTrail: true, IncludeGlobalServiceEvents: false}))).toMatchObject({status: 'fail'})
  })

  it('never fails a subject whose applicability is unknown', () => {
    const scoped = policy({when: [{IsMultiRegionTrail: [true]}], require: [{IncludeGlobalServiceEvents: [true]}]})
    const verdict = judge(compilePolicy(scoped, {}), trail({Name: 'p', IsMultiRegionTrail: {$unknown: '!If [Prod, true, false]'}, IncludeGlobalServiceEvents: false}))
    expect(verdict).toMatchObject({status: 'unknown'})
  })

  it('fails on a forbid match, naming what matched', () => {
    const forbid = policy({forbid: [{Status: {LatestDeliveryError: [{'anything-but': ''}]}}]})
    const verdict = judge(compilePolicy(forbid, {}), trail({Name: 'x', Status: {IsLogging: true, LatestDeliveryError: 'AccessDenied'}}))
    expect(verdict).toMatchObject({status: 'fail', details: [{path: 'Status.LatestDeliveryError', actual: 'AccessDenied'}]})
  })

  it('substitutes params into patterns and messages', () => {
    const limit = policy({params: {max: {type: 'integer', default: 5}}, require: [{Facts: {EventSelectorCount: [{numeric: ['<=', '${max}']}]}}], message: 'Trail {{Name}} has {{Facts.EventSelectorCount}} selectors (limit {{max}}).'})
    const verdict = judge(compilePolicy(limit, {max: 1}), trail({Name: 'two', EventSelectors: [{ReadWriteType: 'All'}, {ReadWriteType: 'All'}]}))
    expect(verdict.applicable && verdict.message).toMatch(/^Trail two has 2 selectors \(limit 1\)/)
  })
})

describe('evaluate: results, locations, waivers', () => {
  const inventory = (): Inventory => ({...emptyInventory(), trails: [trail({Name: 'legacy', TrailARN: 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/legacy', LogFileValidationEnabled: false}, {LogFileValidationEnabled: {line: 9}})]})
  const now = new Date('2026-11-23T12:00:00Z')

  it('points a failure at the offending property', () => {
    const {results} = evaluate(inventory(), [validation], {params: {}, waivers: [], now})
    expect(results[0]).toMatchObject({status: 'fail', location: {file: 'trails.json', line: 9}, remediation: 'aws cloudtrail update-trail --name legacy'})
  })

  it('suppresses with a waiver by glob, with its reason; an expired waiver does not apply and says so', () => {
    const waiver = {policy: 'test-policy', subject: 'arn:aws:cloudtrail:*:trail/leg*', reason: 'Migrating (SEC-1)', expires: '2026-12-31'}
    const live = evaluate(inventory(), [validation], {params: {}, waivers: [waiver], now})
    expect(live.results[0]).toMatchObject({status: 'suppressed', suppression: {kind: 'waiver', reason: 'Migrating (SEC-1)', expires: '2026-12-31'}})
    expect(live.diagnostics).toEqual([])
    const expired = evaluate(inventory(), [validation], {params: {}, waivers: [{...waiver, expires: '2026-11-01'}], now})
    expect(expired.results[0]?.status).toBe('fail')
    expect(expired.results[0]?.message).toContain('waiver expired on 2026-11-01')
    expect(expired.diagnostics.map((d) => d.code)).toEqual(['waiver-expired'])
  })

  it('warns about a waiver that matches nothing', () => {
    const {diagnostics} = evaluate(inventory(), [validation], {params: {}, waivers: [{policy: 'test-policy', subject: 'nothing-*', reason: 'r', expires: '2999-01-01'}], now})
    expect(diagnostics.map((d) => d.code)).toEqual(['waiver-unused'])
  })

  it('honours a trailgate:skip tag with an until date', () => {
    const tagged = inventory()
    tagged.trails[0]!.document.Tags = {'trailgate:skip:test-policy': 'until=2027-01-31 Validated by S3 Object Lock'}
    const {results} = evaluate(tagged, [validation], {params: {}, waivers: [], now})
    expect(results[0]).toMatchObject({status: 'suppressed', suppression: {kind: 'tag', reason: 'Validated by S3 Object Lock', expires: '2027-01-31'}})
  })

  it('turns a policy that cannot compile into error results and a diagnostic, not a crash', () => {
    const broken = policy({require: [{Name: [{NUMERIC: ['>', 1]}]}]})
    const {results, diagnostics} = evaluate(inventory(), [broken], {params: {}, waivers: [], now})
    expect(results.map((r) => r.status)).toEqual(['error'])
    expect(diagnostics[0]?.message).toContain('Unrecognized match type NUMERIC')
  })
})

describe('selection and exit codes', () => {
  const pack = [policy({id: 'kms-encryption', tags: ['encryption']}), policy({id: 'trails-per-region-limit', tags: ['quota']}), policy({id: 'data-resources-limit', tags: ['quota']}), policy({id: 'opt-in', disabled: true})]

  it('selects by id, glob and tag, and rejects an entry that selects nothing', () => {
    expect(selectPolicies(pack, {only: ['*-limit'], skip: []}).selected.map((p) => p.id)).toEqual(['trails-per-region-limit', 'data-resources-limit'])
    expect(selectPolicies(pack, {only: [], skip: ['tag:quota']}).selected.map((p) => p.id)).toEqual(['kms-encryption'])
    expect(selectPolicies(pack, {only: ['opt-in'], skip: []}).selected.map((p) => p.id)).toEqual(['opt-in'])
    expect(selectPolicies(pack, {only: ['kms-encrytion'], skip: []}).diagnostics[0]?.message).toContain('--only kms-encrytion matches no policy')
  })

  it('exits 1 only for failures at or above the threshold, and 2 when the run cannot be trusted', () => {
    const fail = (severity: Result['severity']): Result => ({policy: 'p', title: 't', severity, status: 'fail', message: 'm', subject: {type: 'trail', id: 'x', label: 'x'}})
    expect(atOrAbove('high', 'medium')).toBe(true)
    expect(atOrAbove('low', 'medium')).toBe(false)
    expect(exitCodeFor([fail('low')], [], [], 'medium')).toBe(0)
    expect(exitCodeFor([fail('high')], [], [], 'medium')).toBe(1)
    expect(exitCodeFor([fail('critical')], [], [], 'none')).toBe(0)
    expect(exitCodeFor([], [{severity: 'error', message: 'bad'}], [], 'low')).toBe(2)
    expect(exitCodeFor([], [], [{path: 'x.json', fate: 'failed', detail: 'truncated'}], 'low')).toBe(2)
    expect(exitCodeFor([{...fail('low'), status: 'suppressed'}], [{severity: 'warning', message: 'w'}], [], 'info')).toBe(0)
  })
})
