import {DEFAULT_LIMITS} from '../model/limits.js'
import type {Diagnostic} from '../model/types.js'
import {locateConfigParam, locateInConfig} from './config.js'
import type {ParamSpec, Policy, TrailgateConfig} from './types.js'
import {compileFilterPattern} from './filter-pattern.js'
import {monitorParam} from './params.js'
import {parseCidr} from './pattern/cidr.js'
import {describeValue, didYouMean} from './schema-errors.js'
import {dict, own} from '../util/dict.js'
import {MAX_ALIAS_COUNT} from '../util/positions.js'
import {parseYamlDocument, YamlDepthError} from '../util/yaml-document.js'

const PARAM_CODE = 'policy-param'

/** `--param policy-id.name=value` split at its first `=` and the first `.` before it, the value as written. */
export function splitParamFlag(flag: string): {policy: string; name: string; text: string} | undefined {
  const equals = flag.indexOf('=')
  if (equals < 0) return undefined
  const target = flag.slice(0, equals).trim()
  const dot = target.indexOf('.')
  if (dot <= 0 || dot === target.length - 1) return undefined
  return {policy: target.slice(0, dot), name: target.slice(dot + 1), text: flag.slice(equals + 1)}
}

/**
 * Reads `--param policy-id.name=value`; the value is YAML, so `4`, `true` and `[a, b]` keep their types.
 * The error does not repeat the flag: callers say which flag it was about.
 */
export function parseParamFlag(flag: string): {policy: string; name: string; value: unknown} | {error: string} {
  const split = splitParamFlag(flag)
  if (!split) return {error: `expected policy-id.name=value, got '${flag}'`}
  const {policy, name, text} = split
  let document
  try {
    document = parseYamlDocument(text, {}, DEFAULT_LIMITS.maxDepth)
  } catch (error) {
    if (!(error instanceof YamlDepthError)) throw error
    return {error: `the value '${text.length > 60 ? `${text.slice(0, 60)}…` : text}' is nested deeper than ${error.limit} levels`}
  }
  if (document.errors.length > 0) {
    const reason = document.errors[0]!.message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '')
    return {error: `the value '${text}' is not valid YAML: ${reason}`}
  }
  try {
    return {policy, name, value: document.toJS({maxAliasCount: MAX_ALIAS_COUNT}) as unknown}
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error
    return {error: `the value '${text}' expands its YAML aliases past ${MAX_ALIAS_COUNT} copies`}
  }
}

/** Why `value` does not fit `spec`, or undefined when it does. */
export function checkParamValue(spec: ParamSpec, value: unknown): string | undefined {
  const problem = checkScalar(spec.type, spec.format, value)
  if (problem) return problem
  if (spec.type === 'array') {
    const items = value as unknown[]
    for (const [index, item] of items.entries()) {
      if (!spec.items) break
      const itemProblem = checkScalar(spec.items.type, spec.items.format, item)
      if (itemProblem) return `item ${index + 1} ${itemProblem}`
    }
  }
  if (spec.enum && !spec.enum.some((allowed) => sameValue(allowed, value))) {
    return `must be one of ${spec.enum.map((allowed) => JSON.stringify(allowed)).join(', ')}, found ${describeValue(value)}`
  }
  if (typeof value === 'number') {
    if (spec.minimum !== undefined && value < spec.minimum) return `must be at least ${spec.minimum}, found ${value}`
    if (spec.maximum !== undefined && value > spec.maximum) return `must be at most ${spec.maximum}, found ${value}`
  }
  return undefined
}

function checkScalar(type: ParamSpec['type'], format: string | undefined, value: unknown): string | undefined {
  const fits =
    type === 'string' ? typeof value === 'string'
    : type === 'integer' ? Number.isInteger(value)
    : type === 'number' ? typeof value === 'number' && Number.isFinite(value)
    : type === 'boolean' ? typeof value === 'boolean'
    : Array.isArray(value)
  if (!fits) return `must be ${type === 'array' ? 'a list' : type === 'integer' ? 'an integer' : `a ${type}`}, found ${describeValue(value)}`
  if (format === 'cidr' && typeof value === 'string' && !isCidr(value)) {
    return `must be a CIDR block such as 10.0.0.0/8 or 2001:db8::/32, found '${value}'`
  }
  return undefined
}

/** A CIDR block exactly as the pattern matcher reads one, so a param never holds a range the matcher refuses. */
export function isCidr(text: string): boolean {
  return !('error' in parseCidr(text))
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

/**
 * A policy's param values: its defaults, overridden by the config file, overridden by `--param`.
 * An override that does not fit the param is reported and not used, so the run goes on with the
 * value before it; a param that ends up without any value is an error.
 */
export function resolveParams(
  policy: Policy,
  fromConfig: Record<string, unknown> | undefined,
  fromFlags: Record<string, unknown> | undefined,
): {values: Record<string, unknown>; diagnostics: Diagnostic[]} {
  const values = dict<unknown>()
  const diagnostics: Diagnostic[] = []
  const pattern = monitorParam(policy.monitor)
  for (const [name, spec] of Object.entries(policy.params)) {
    const label = `param '${name}' of policy '${policy.id}'`
    // The param a monitor clause names is a filter pattern: one that does not parse is refused here, where it was given.
    const problemOf = (param: ParamSpec, value: unknown): string | undefined => checkParamValue(param, value) ?? (name === pattern ? filterPatternProblem(value) : undefined)
    if (spec.default !== undefined) values[name] = spec.default
    if (fromConfig && Object.hasOwn(fromConfig, name)) {
      const problem = problemOf(spec, fromConfig[name])
      if (problem) diagnostics.push({severity: 'error', code: PARAM_CODE, message: `${label} ${problem}`, ...locateConfigParam(fromConfig, name)})
      else values[name] = fromConfig[name]
    }
    if (fromFlags && Object.hasOwn(fromFlags, name)) {
      const problem = problemOf(spec, fromFlags[name])
      if (problem) diagnostics.push({severity: 'error', code: PARAM_CODE, message: `--param ${policy.id}.${name}: ${label} ${problem}`})
      else values[name] = fromFlags[name]
    }
    if (!Object.hasOwn(values, name)) {
      const where = own(policy.source.locations, `params.${name}`)
      diagnostics.push({
        severity: 'error',
        code: PARAM_CODE,
        message: `${label} has no default and no value: set params.${policy.id}.${name} in .trailgate.yaml or pass --param ${policy.id}.${name}=<value>`,
        ...where,
      })
    }
  }
  return {values, diagnostics}
}

function filterPatternProblem(value: unknown): string | undefined {
  try {
    compileFilterPattern(String(value))
    return undefined
  } catch (error) {
    return `is not a CloudWatch Logs filter pattern: ${(error as Error).message}`
  }
}

/** Overrides must name a loaded policy and one of its params; a typo would otherwise change nothing, silently. */
export function checkParamTargets(policies: Policy[], config: TrailgateConfig, flags: {policy: string; name: string}[]): Diagnostic[] {
  const byId = new Map(policies.map((policy) => [policy.id, policy]))
  const ids = [...byId.keys()]
  const diagnostics: Diagnostic[] = []
  const unknownPolicy = (id: string): string => {
    const suggestion = didYouMean(id, ids)
    return `unknown policy '${id}'${suggestion ? ` (did you mean '${suggestion}'?)` : ''}`
  }
  const unknownParam = (policy: Policy, name: string): string => {
    const names = Object.keys(policy.params)
    const suggestion = didYouMean(name, names)
    const known = names.length === 0 ? 'it has no params' : `its params are ${names.join(', ')}`
    return `policy '${policy.id}' has no param '${name}' (${suggestion ? `did you mean '${suggestion}'?` : known})`
  }
  for (const [id, values] of Object.entries(config.params)) {
    const policy = byId.get(id)
    if (!policy) {
      diagnostics.push({severity: 'error', code: PARAM_CODE, message: `params: ${unknownPolicy(id)}`, ...locateInConfig(config, ['params', id], true)})
      continue
    }
    for (const name of Object.keys(values)) {
      if (Object.hasOwn(policy.params, name)) continue
      diagnostics.push({severity: 'error', code: PARAM_CODE, message: `params.${id}: ${unknownParam(policy, name)}`, ...locateInConfig(config, ['params', id, name], true)})
    }
  }
  for (const flag of flags) {
    const policy = byId.get(flag.policy)
    const target = `--param ${flag.policy}.${flag.name}`
    if (!policy) diagnostics.push({severity: 'error', code: PARAM_CODE, message: `${target}: ${unknownPolicy(flag.policy)}`})
    else if (!Object.hasOwn(policy.params, flag.name)) diagnostics.push({severity: 'error', code: PARAM_CODE, message: `${target}: ${unknownParam(policy, flag.name)}`})
  }
  return diagnostics
}

/**
 * Policy ids named by `policies.severity` and by waivers that match no loaded policy: likely typos,
 * said as warnings at their place in the config. (`only` and `skip` are checked where policies are
 * selected, since the command line adds to them.) Globs are left alone.
 */
export function checkPolicyReferences(policies: Policy[], config: TrailgateConfig): Diagnostic[] {
  const ids = policies.map((policy) => policy.id)
  const known = new Set(ids)
  const diagnostics: Diagnostic[] = []
  const check = (id: string, path: (string | number)[], atKey: boolean, where: string): void => {
    if (known.has(id) || id.includes('*') || id.includes('?')) return
    const suggestion = didYouMean(id, ids)
    diagnostics.push({
      severity: 'warning',
      code: 'config-reference',
      message: `${where}: unknown policy '${id}'${suggestion ? ` (did you mean '${suggestion}'?)` : ''}`,
      ...locateInConfig(config, path, atKey),
    })
  }
  for (const id of Object.keys(config.policies.severity)) check(id, ['policies', 'severity', id], true, 'policies.severity')
  config.waivers.forEach((waiver, index) => check(waiver.policy, ['waivers', index, 'policy'], false, `waivers[${index}].policy`))
  return diagnostics
}
