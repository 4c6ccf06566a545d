import {describe, expect, it} from 'vitest'

import {inputVariable, parseInputs, splitList, splitParams} from '../../src/action/inputs.js'

describe('action inputs', () => {
  it('reads INPUT_<NAME> the way the runner names it: upper case, spaces to underscores, dashes kept', () => {
    expect(inputVariable('fail-on')).toBe('INPUT_FAIL-ON')
    expect(inputVariable('my input')).toBe('INPUT_MY_INPUT')
  })

  it('splits lists on lines and commas, dropping blanks and comment lines', () => {
    expect(splitList('cdk.out\n\n  plan.json , evidence/\n# not this\n')).toEqual(['cdk.out', 'plan.json', 'evidence/'])
  })

  it('splits params on lines, and on commas only before another policy-id.name=', () => {
    expect(splitParams('a-limit.max=4, b.regions=[us-east-1, eu-west-1]\nc.name=x,y')).toEqual(['a-limit.max=4', 'b.regions=[us-east-1, eu-west-1]', 'c.name=x,y'])
  })

  it('gives the documented defaults when nothing but paths is set', () => {
    const {inputs, problems} = parseInputs({'INPUT_PATHS': 'cdk.out'})
    expect(problems).toEqual([])
    expect(inputs).toEqual({mode: 'check', paths: ['cdk.out'], policies: [], summary: true, annotations: true, only: [], skip: [], params: [], regions: [], org: false})
  })

  it('reads every audit input', () => {
    const {inputs, problems} = parseInputs({INPUT_MODE: 'Audit', INPUT_ORG: 'true', 'INPUT_ROLE-NAME': 'Auditor', INPUT_REGIONS: 'us-east-1,eu-west-1', 'INPUT_FAIL-ON': 'HIGH', 'INPUT_EVENTS-SINCE': '2026-01-01'})
    expect(problems).toEqual([])
    expect(inputs).toMatchObject({mode: 'audit', org: true, roleName: 'Auditor', regions: ['us-east-1', 'eu-west-1'], failOn: 'high', eventsSince: '2026-01-01'})
  })

  it('names each bad input and says what it expected', () => {
    const {problems} = parseInputs({INPUT_MODE: 'scan', INPUT_ANNOTATIONS: 'sometimes', 'INPUT_EVENTS-SINCE': 'last week'})
    expect(problems.map((p) => p.input)).toEqual(['paths', 'mode', 'annotations', 'events-since'])
    expect(problems[2]!.message).toBe('annotations: expected true or false, got "sometimes"')
  })

  it('needs paths only to check, not to audit', () => {
    expect(parseInputs({}).problems.map((p) => p.input)).toEqual(['paths'])
    expect(parseInputs({INPUT_MODE: 'audit'}).problems).toEqual([])
  })
})
