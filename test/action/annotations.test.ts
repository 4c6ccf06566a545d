import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {formatAnnotation, omittedNote, planAnnotations, workspacePath} from '../../src/action/annotations.js'
import type {Result, Severity} from '../../src/model/types.js'
import {reportOf} from './report-fixture.js'

const WORKSPACE = join('/', 'runner', 'work', 'infra')
const report = (results: Result[], diagnostics: Parameters<typeof reportOf>[1] = []) => reportOf(results, diagnostics, {workingDirectory: WORKSPACE})

function result(policy: string, severity: Severity, status: Result['status'], line: number, file = 'cdk.out/Stack.template.json'): Result {
  return {policy, title: `Policy ${policy}`, severity, status, message: `${policy} says no`, subject: {type: 'trail', id: `arn:${policy}:${line}`, label: 'main'}, location: {file, line, column: 3}}
}

describe('annotations', () => {
  it('makes failures at or above fail-on errors, those below warnings, unknowns notices; passes and fileless results nothing', () => {
    const fileless: Result = {...result('no-file', 'critical', 'fail', 1), location: undefined}
    const plan = planAnnotations(report([result('a', 'high', 'fail', 10), result('b', 'low', 'fail', 20), result('c', 'high', 'unknown', 30), result('d', 'high', 'pass', 40), fileless]), WORKSPACE)
    expect(plan.shown.map((a) => [a.level, a.title.split(' ')[0], a.location.line])).toEqual([
      ['error', 'a', 10],
      ['notice', 'c', 30],
      ['warning', 'b', 20],
    ])
  })

  it('annotates diagnostics that name a line, before results', () => {
    const plan = planAnnotations(report([result('a', 'high', 'fail', 10)], [{severity: 'error', code: 'json-syntax', message: 'Unexpected token', file: 'plan.json', line: 3, column: 7}, {severity: 'warning', message: 'no line here', file: 'x.json'}]), WORKSPACE)
    expect(plan.shown.map((a) => `${a.level} ${a.location.file}:${a.location.line}:${a.location.column} ${a.title}`)).toEqual(['error plan.json:3:7 trailgate: json-syntax', 'error cdk.out/Stack.template.json:10:3 a (high): Policy a'])
  })

  it('stops at the per-step limits, most severe first, and counts what it left out', () => {
    const many = Array.from({length: 14}, (_, i) => result(`p${String(i).padStart(2, '0')}`, i < 2 ? 'critical' : 'medium', 'fail', i + 1))
    const plan = planAnnotations(report([...many].reverse()), WORKSPACE)
    expect(plan.shown).toHaveLength(10)
    expect(plan.shown.slice(0, 2).map((a) => a.title.split(' ')[0])).toEqual(['p00', 'p01'])
    expect(plan.omitted).toEqual({error: 4, warning: 0, notice: 0})
    expect(omittedNote(plan.omitted)).toBe('trailgate: 4 errors not annotated: GitHub shows at most 10 errors, 10 warnings and 10 notices per step (50 per job). Every result is in the job summary and the report files.')
    expect(omittedNote({error: 0, warning: 0, notice: 0})).toBeUndefined()
  })

  it('places paths relative to the workspace, and leaves out files outside it', () => {
    expect(workspacePath('cdk.out/a.json', join(WORKSPACE, 'app'), WORKSPACE)).toBe('app/cdk.out/a.json')
    expect(workspacePath(join('/', 'etc', 'x.json'), WORKSPACE, WORKSPACE)).toBeUndefined()
    expect(workspacePath('../other/x.json', WORKSPACE, WORKSPACE)).toBeUndefined()
    expect(workspacePath('a.json', WORKSPACE, undefined)).toBe('a.json')
  })

  it('turns the exclusive end column into GitHub\'s inclusive one, on one-line ranges only', () => {
    const base = {level: 'error' as const, message: 'm', title: 't'}
    expect(formatAnnotation({...base, location: {file: 'a.json', line: 2, column: 18, endLine: 2, endColumn: 23}})).toBe('::error title=t,file=a.json,line=2,endLine=2,col=18,endColumn=22::m')
    expect(formatAnnotation({...base, location: {file: 'a.json', line: 2, column: 18, endLine: 9, endColumn: 2}})).toBe('::error title=t,file=a.json,line=2,endLine=9,col=18::m')
  })
})
