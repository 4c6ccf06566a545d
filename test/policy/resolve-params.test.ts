import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import {loadConfig} from '../../src/policy/config.js'
import {checkParamTargets, checkParamValue, checkPolicyReferences, isCidr, parseParamFlag, resolveParams} from '../../src/policy/resolve-params.js'
import type {ParamSpec, Policy, TrailgateConfig} from '../../src/policy/types.js'

function policyWith(params: Record<string, ParamSpec>, id = 'office-ip-allowlist'): Policy {
  return {
    id,
    title: 't',
    severity: 'low',
    subject: 'event',
    description: 'd',
    remediation: 'r',
    references: {},
    tags: ['network'],
    precision: 'high',
    params,
    when: [],
    unless: [],
    require: [],
    forbid: [{sourceIPAddress: [{exists: true}]}],
    disabled: false,
    source: {file: `policies/${id}.yaml`, builtin: false, locations: {'params.allowedCidrs': {file: `policies/${id}.yaml`, line: 8, column: 3}}},
  }
}

const PARAMS: Record<string, ParamSpec> = {
  allowedCidrs: {type: 'array', items: {type: 'string', format: 'cidr'}, default: ['203.0.113.0/24']},
  maxFailures: {type: 'integer', default: 3, minimum: 1, maximum: 10},
  mode: {type: 'string', enum: ['strict', 'lenient'], default: 'strict'},
}

const scratch: string[] = []
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, {recursive: true, force: true})
})
function configFrom(text: string): TrailgateConfig {
  const cwd = mkdtempSync(join(tmpdir(), 'trailgate-params-'))
  scratch.push(cwd)
  writeFileSync(join(cwd, '.trailgate.yaml'), text)
  const {config, diagnostics} = loadConfig({cwd})
  expect(diagnostics).toEqual([])
  return config
}

describe('parseParamFlag', () => {
  it('reads the value as YAML so it keeps its type', () => {
    expect(parseParamFlag('trails-per-region-limit.max=4')).toEqual({policy: 'trails-per-region-limit', name: 'max', value: 4})
    expect(parseParamFlag('source-ip-allowlist.allowedCidrs=[203.0.113.0/24, 10.0.0.0/8]')).toEqual({policy: 'source-ip-allowlist', name: 'allowedCidrs', value: ['203.0.113.0/24', '10.0.0.0/8']})
    expect(parseParamFlag('p-x.flag=true')).toEqual({policy: 'p-x', name: 'flag', value: true})
    expect(parseParamFlag('p-x.text=a=b')).toEqual({policy: 'p-x', name: 'text', value: 'a=b'})
  })

  it('explains a flag it cannot read', () => {
    expect(parseParamFlag('max=4')).toEqual({error: "expected policy-id.name=value, got 'max=4'"})
    expect(parseParamFlag('policy.max')).toEqual({error: "expected policy-id.name=value, got 'policy.max'"})
    expect(parseParamFlag('policy.=1')).toEqual({error: "expected policy-id.name=value, got 'policy.=1'"})
    const bad = parseParamFlag('p-x.list=[a, b')
    expect(bad).toHaveProperty('error')
    expect((bad as {error: string}).error).toMatch(/^the value '\[a, b' is not valid YAML: /)
  })
})

describe('resolveParams', () => {
  it('uses the defaults when nothing overrides them', () => {
    expect(resolveParams(policyWith(PARAMS), undefined, undefined)).toEqual({values: {allowedCidrs: ['203.0.113.0/24'], maxFailures: 3, mode: 'strict'}, diagnostics: []})
  })

  it('lets the config override a default and a flag override the config', () => {
    const {values, diagnostics} = resolveParams(policyWith(PARAMS), {maxFailures: 5, mode: 'lenient'}, {maxFailures: 7})
    expect(diagnostics).toEqual([])
    expect(values).toEqual({allowedCidrs: ['203.0.113.0/24'], maxFailures: 7, mode: 'lenient'})
  })

  it('rejects an override from the config that does not fit, naming the policy, the param and the config line', () => {
    const config = configFrom('version: 1\nparams:\n  office-ip-allowlist:\n    maxFailures: 50\n    allowedCidrs: [10.0.0.0/8, 10.0.0.300/32]\n')
    const {values, diagnostics} = resolveParams(policyWith(PARAMS), config.params['office-ip-allowlist'], undefined)
    expect(values).toEqual({allowedCidrs: ['203.0.113.0/24'], maxFailures: 3, mode: 'strict'})
    expect(diagnostics.map(({message, file, line, column}) => ({message, file, line, column}))).toEqual([
      {message: "param 'allowedCidrs' of policy 'office-ip-allowlist' item 2 must be a CIDR block such as 10.0.0.0/8 or 2001:db8::/32, found '10.0.0.300/32'", file: '.trailgate.yaml', line: 5, column: 19},
      {message: "param 'maxFailures' of policy 'office-ip-allowlist' must be at most 10, found 50", file: '.trailgate.yaml', line: 4, column: 18},
    ])
  })

  it('rejects a flag value that does not fit and keeps the value before it', () => {
    const {values, diagnostics} = resolveParams(policyWith(PARAMS), {maxFailures: 5}, {maxFailures: 'many', mode: 'loose'})
    expect(values.maxFailures).toBe(5)
    expect(values.mode).toBe('strict')
    expect(diagnostics.map((diagnostic) => diagnostic.message)).toEqual([
      "--param office-ip-allowlist.maxFailures: param 'maxFailures' of policy 'office-ip-allowlist' must be an integer, found 'many'",
      `--param office-ip-allowlist.mode: param 'mode' of policy 'office-ip-allowlist' must be one of "strict", "lenient", found 'loose'`,
    ])
    expect(diagnostics.every((diagnostic) => diagnostic.severity === 'error' && diagnostic.file === undefined)).toBe(true)
  })

  it('requires a value for a param without a default, pointing at its declaration', () => {
    const params: Record<string, ParamSpec> = {allowedCidrs: {type: 'array', items: {type: 'string', format: 'cidr'}}}
    const missing = resolveParams(policyWith(params), undefined, undefined)
    expect(missing.values).toEqual({})
    expect(missing.diagnostics).toMatchObject([{severity: 'error', file: 'policies/office-ip-allowlist.yaml', line: 8, column: 3}])
    expect(missing.diagnostics[0]?.message).toContain('--param office-ip-allowlist.allowedCidrs=<value>')
    expect(resolveParams(policyWith(params), {allowedCidrs: ['10.0.0.0/8']}, undefined)).toEqual({values: {allowedCidrs: ['10.0.0.0/8']}, diagnostics: []})
  })
})

describe('checkParamValue and isCidr', () => {
  it('checks type, range, items and CIDR format', () => {
    expect(checkParamValue({type: 'number', minimum: 0.5}, 0.25)).toBe('must be at least 0.5, found 0.25')
    expect(checkParamValue({type: 'integer'}, 2.5)).toBe('must be an integer, found the number 2.5')
    expect(checkParamValue({type: 'boolean'}, 'yes')).toBe("must be a boolean, found 'yes'")
    expect(checkParamValue({type: 'array', items: {type: 'integer'}}, [1, 'x'])).toBe("item 2 must be an integer, found 'x'")
    expect(checkParamValue({type: 'array'}, 'a')).toBe("must be a list, found 'a'")
    expect(checkParamValue({type: 'string', format: 'cidr'}, '2001:db8::/32')).toBeUndefined()
    expect(isCidr('10.0.0.0/8')).toBe(true)
    expect(isCidr('10.0.0.0')).toBe(false)
    expect(isCidr('10.0.0.0/33')).toBe(false)
    expect(isCidr('::/0')).toBe(true)
    expect(isCidr('2001:db8::/129')).toBe(false)
    expect(isCidr('x/8')).toBe(false)
    // The same reading as the matcher's cidr operator, leading zeros included.
    expect(isCidr('01.2.3.0/24')).toBe(true)
  })
})

describe('checkParamTargets', () => {
  const policies = [policyWith(PARAMS), policyWith({}, 'log-file-validation')]

  it('accepts overrides of known params', () => {
    const config = configFrom('version: 1\nparams:\n  office-ip-allowlist:\n    maxFailures: 5\n')
    expect(checkParamTargets(policies, config, [{policy: 'office-ip-allowlist', name: 'mode'}])).toEqual([])
  })

  it('reports overrides of unknown policies and params, at the config key', () => {
    const config = configFrom('version: 1\nparams:\n  office-ip-alowlist:\n    maxFailures: 5\n  office-ip-allowlist:\n    maxFailure: 5\n  log-file-validation:\n    strict: true\n')
    const diagnostics = checkParamTargets(policies, config, [{policy: 'nope', name: 'x'}, {policy: 'office-ip-allowlist', name: 'colour'}])
    expect(diagnostics.map(({severity, message, line, column}) => ({severity, message, line, column}))).toEqual([
      {severity: 'error', message: "params: unknown policy 'office-ip-alowlist' (did you mean 'office-ip-allowlist'?)", line: 3, column: 3},
      {severity: 'error', message: "params.office-ip-allowlist: policy 'office-ip-allowlist' has no param 'maxFailure' (did you mean 'maxFailures'?)", line: 6, column: 5},
      {severity: 'error', message: "params.log-file-validation: policy 'log-file-validation' has no param 'strict' (it has no params)", line: 8, column: 5},
      {severity: 'error', message: "--param nope.x: unknown policy 'nope'", line: undefined, column: undefined},
      {severity: 'error', message: "--param office-ip-allowlist.colour: policy 'office-ip-allowlist' has no param 'colour' (its params are allowedCidrs, maxFailures, mode)", line: undefined, column: undefined},
    ])
  })
})

describe('checkPolicyReferences', () => {
  it('warns about policy ids in severity overrides and waivers that match no loaded policy', () => {
    const config = configFrom(
      'version: 1\npolicies:\n  severity: {office-ip-allowlist: high, log-file-validaton: low}\nwaivers:\n  - {policy: unknown-one, subject: x, reason: r, expires: 2030-01-01}\n  - {policy: "*-allowlist", subject: x, reason: r, expires: 2030-01-01}\n',
    )
    const diagnostics = checkPolicyReferences([policyWith(PARAMS), policyWith({}, 'log-file-validation')], config)
    expect(diagnostics.map(({severity, message, line, column}) => ({severity, message, line, column}))).toEqual([
      {severity: 'warning', message: "policies.severity: unknown policy 'log-file-validaton' (did you mean 'log-file-validation'?)", line: 3, column: 41},
      {severity: 'warning', message: "waivers[0].policy: unknown policy 'unknown-one'", line: 5, column: 14},
    ])
  })
})
