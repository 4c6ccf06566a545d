import {existsSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {basename, extname, relative, resolve, sep} from 'node:path'
import {fileURLToPath} from 'node:url'
import {isDeepStrictEqual} from 'node:util'

import {compileFilterPattern} from './filter-pattern.js'
import {SUBJECT_TYPES, type Diagnostic, type Location, type Severity, type SubjectType} from '../model/types.js'
import {parseWithPositions, type PathSegment, type PositionedDocument} from '../util/positions.js'
import {checkPatternFields} from './fields.js'
import {substituteParams} from './params.js'
import {PatternError, validatePattern} from './pattern.js'
import {checkParamValue} from './resolve-params.js'
import {displayPath as displayFieldPath, validateDocument} from './schema-errors.js'
import {isTestsFile} from './tests-file.js'
import {TEMPLATE_KINDS, type Clause, type ParamSpec, type Pattern, type Policy, type References} from './types.js'
import {packagePath} from '../util/package-root.js'
import {displayPath} from '../util/paths.js'
import {walkFolder} from '../util/walk.js'
import {appendAll} from '../util/arrays.js'

export {loadPolicyTests, testsFileFor, isTestsFile} from './tests-file.js'

/** The built-in pack, `<package root>/policies`: the same folder from `src/` and from `dist/`. */
export const BUILTIN_POLICY_DIR: string = packagePath('policies')

/**
 * The built-in pack as loadPolicyFile returns it, written by the build beside the compiled code
 * (`dist/builtin-policies.json`), so that a run reads one JSON file instead of parsing and validating
 * every YAML file. From `src/` or a bundle there is no such file and the YAML files are read.
 */
export const BUILTIN_PACK_CACHE: string = fileURLToPath(new URL('../builtin-policies.json', import.meta.url))

/** Where the built-in pack is read from: its folder, and the cache of it. */
export interface BuiltinPack {
  dir: string
  cache: string
}

const SCHEMA_CODE = 'policy-schema'
const PATTERN_CODE = 'policy-pattern'
const FIELD_CODE = 'policy-field'
const CLAUSE_KEYS = ['when', 'unless', 'require', 'forbid'] as const
type ClauseKey = (typeof CLAUSE_KEYS)[number]
/** A string that is exactly `${name}` is replaced by the param's value; nothing else is. */
const PARAM_REFERENCE = /^\$\{([^{}]+)\}$/
const POLICY_EXTENSIONS = new Set(['.yaml', '.yml'])

export interface LoadOptions {
  builtin: boolean
  paths: string[]
  /** Base of relative paths, and of the paths printed in diagnostics (default: process.cwd()). */
  cwd?: string
}

/**
 * Reads, validates and normalizes one policy file. Every problem of the file is reported (schema,
 * patterns, params); the policy is returned only when there is no error.
 */
export function loadPolicyFile(file: string, options: {builtin: boolean; displayPath?: string}): {policy?: Policy; diagnostics: Diagnostic[]} {
  const shown = options.displayPath ?? displayPath(file, process.cwd())
  let text: string
  try {
    // A named pipe or a device would block or never end; only regular files are policies.
    if (!statSync(file).isFile()) throw new Error('not a regular file')
    text = readFileSync(file, 'utf8')
  } catch (error) {
    return {diagnostics: [{severity: 'error', code: 'policy-unreadable', file: shown, message: `cannot read the policy file: ${(error as Error).message}`}]}
  }
  const parsed = parseWithPositions(text, shown)
  const diagnostics = [...parsed.diagnostics]
  const document = parsed.document
  if (!document) return {diagnostics}
  if (document.value === null || document.value === undefined) {
    diagnostics.push({severity: 'error', code: SCHEMA_CODE, file: shown, line: 1, column: 1, message: 'the policy file is empty'})
    return {diagnostics}
  }
  appendAll(diagnostics, validateDocument('policy', document, SCHEMA_CODE))
  if (!isRecord(document.value)) return {diagnostics}
  const raw = document.value

  if (raw.require === undefined && raw.forbid === undefined && raw.monitor === undefined) {
    diagnostics.push(at(document, [], 'a policy needs at least one of \'require\', \'forbid\' or \'monitor\'', SCHEMA_CODE, true))
  }
  const params = validParams(raw.params)
  appendAll(diagnostics, checkParamSpecs(document, raw.params))
  appendAll(diagnostics, checkClauses(document, raw, params))
  if (typeof raw.monitor === 'string') appendAll(diagnostics, checkMonitor(document, raw.monitor, raw.subject, params))

  if (typeof raw.id === 'string') {
    const stem = basename(file, extname(file))
    if (stem !== raw.id) {
      diagnostics.push({...at(document, ['id'], `the policy id '${raw.id}' differs from its file name '${basename(file)}'; name the file ${raw.id}${extname(file)}`, 'policy-file-name'), severity: 'warning'})
    }
  }
  if (diagnostics.some((diagnostic) => diagnostic.severity === 'error')) return {diagnostics}
  return {policy: normalize(raw, document, shown, options.builtin), diagnostics}
}

/**
 * Loads the built-in pack (when asked) and the custom policies under `paths` (files, or folders
 * searched recursively for `.yaml`/`.yml`, leaving out `*.tests.yaml`). A bad file is reported and
 * the others still load; a second policy with an id already loaded is an error and is left out.
 */
export function loadPolicies(options: LoadOptions): {policies: Policy[]; diagnostics: Diagnostic[]; files: string[]} {
  return loadPoliciesWith({dir: BUILTIN_POLICY_DIR, cache: BUILTIN_PACK_CACHE}, options)
}

/** loadPolicies with another built-in pack: the same rules, for a pack in another folder. */
export function loadPoliciesWith(pack: BuiltinPack, options: LoadOptions): {policies: Policy[]; diagnostics: Diagnostic[]; files: string[]} {
  const cwd = options.cwd ?? process.cwd()
  const diagnostics: Diagnostic[] = []
  let cached: Map<string, LoadedPolicyFile> | undefined
  const toLoad: {file: string; builtin: boolean}[] = []
  const seen = new Set<string>()
  const add = (file: string, builtin: boolean): void => {
    const absolute = resolve(cwd, file)
    if (seen.has(absolute)) return
    seen.add(absolute)
    toLoad.push({file: absolute, builtin})
  }
  if (options.builtin) {
    if (existsSync(pack.dir)) {
      const {files: builtinFiles, diagnostics: walkProblems} = policyFilesUnder(pack.dir, cwd)
      appendAll(diagnostics, walkProblems)
      cached = readPackCache(pack, builtinFiles, cwd)
      for (const file of builtinFiles) add(file, true)
    } else {
      diagnostics.push({severity: 'error', code: 'policy-builtin-missing', message: `the built-in policy pack is missing (${displayPath(pack.dir, cwd)})`})
    }
  }
  for (const given of options.paths) {
    const path = resolve(cwd, given)
    const shown = displayPath(path, cwd)
    if (!existsSync(path)) {
      diagnostics.push({severity: 'error', code: 'policy-path-missing', file: shown, message: `policy path '${shown}' does not exist`})
      continue
    }
    if (statSync(path).isDirectory()) {
      const {files, diagnostics: walkProblems} = policyFilesUnder(path, cwd)
      appendAll(diagnostics, walkProblems)
      if (files.length === 0) diagnostics.push({severity: 'warning', code: 'policy-path-empty', file: shown, message: `no policy files (.yaml, .yml) in '${shown}'`})
      for (const file of files) add(file, false)
    } else if (isTestsFile(path)) {
      diagnostics.push({severity: 'warning', code: 'policy-tests-given', file: shown, message: `'${shown}' holds test cases, not a policy; it is read beside its policy by 'trailgate policies test'`})
    } else {
      add(path, false)
    }
  }

  const policies: Policy[] = []
  const files: string[] = []
  const byId = new Map<string, Policy>()
  for (const {file, builtin} of toLoad) {
    const shown = displayPath(file, cwd)
    files.push(shown)
    const loaded = (builtin ? cached?.get(file) : undefined) ?? loadPolicyFile(file, {builtin, displayPath: shown})
    appendAll(diagnostics, loaded.diagnostics)
    const policy = loaded.policy
    if (!policy) continue
    const first = byId.get(policy.id)
    if (first) {
      diagnostics.push({
        severity: 'error',
        code: 'policy-duplicate-id',
        message: `duplicate policy id '${policy.id}': already defined in ${first.source.file}${lineOf(first.source.locations.id)}; this one is ignored`,
        ...policy.source.locations.id,
      })
      continue
    }
    byId.set(policy.id, policy)
    policies.push(policy)
  }
  return {policies, diagnostics, files}
}

type LoadedPolicyFile = ReturnType<typeof loadPolicyFile>

/** The cache of a built-in pack: what loadPolicyFile returned for each file, paths relative to the pack. */
export interface PackCache {
  format: typeof PACK_CACHE_FORMAT
  files: ({path: string} & LoadedPolicyFile)[]
}

const PACK_CACHE_FORMAT = 1

/**
 * Loads every policy file of a pack from its YAML, as the cache holds it. File names are relative to
 * the pack: the name shown for a file depends on the working directory, so it is set when read.
 */
export function packCacheOf(dir: string): PackCache {
  const files = policyFilesUnder(dir, dir).files.map((file) => {
    const path = packRelative(dir, file)
    return {path, ...loadPolicyFile(file, {builtin: true, displayPath: path})}
  })
  return {format: PACK_CACHE_FORMAT, files}
}

/** Writes the cache of a pack; throws when a policy would not read back from JSON exactly as loaded. */
export function writePackCache(pack: BuiltinPack): PackCache {
  const cache = packCacheOf(pack.dir)
  const text = JSON.stringify(cache)
  const reread = JSON.parse(text) as PackCache
  cache.files.forEach((entry, index) => {
    if (!isDeepStrictEqual(reread.files[index], entry)) throw new Error(`${entry.path}: the policy holds a value JSON cannot keep (NaN, Infinity, undefined or a date)`)
  })
  writeFileSync(pack.cache, `${text}\n`)
  return cache
}

/**
 * The cached pack, by absolute file name, when the cache lists exactly the pack's files and no file is
 * newer than it (an edited policy in a checkout is read from its YAML, never from a stale cache).
 */
function readPackCache(pack: BuiltinPack, files: readonly string[], cwd: string): Map<string, LoadedPolicyFile> | undefined {
  let cache: PackCache
  try {
    const written = statSync(pack.cache).mtimeMs
    if (files.some((file) => statSync(file).mtimeMs > written)) return undefined
    cache = JSON.parse(readFileSync(pack.cache, 'utf8')) as PackCache
  } catch {
    return undefined
  }
  if (cache.format !== PACK_CACHE_FORMAT || !Array.isArray(cache.files) || cache.files.length !== files.length) return undefined
  if (cache.files.some((entry, index) => entry.path !== packRelative(pack.dir, files[index]!))) return undefined
  return new Map(files.map((file, index) => [file, shownAs(cache.files[index]!, displayPath(file, cwd))]))
}

/** A cached file's load result with the file named as this run shows it. */
function shownAs(entry: {path: string} & LoadedPolicyFile, shown: string): LoadedPolicyFile {
  const diagnostics = entry.diagnostics.map((diagnostic) => (diagnostic.file === undefined ? diagnostic : {...diagnostic, file: shown}))
  if (!entry.policy) return {diagnostics}
  const source = entry.policy.source
  const locations = Object.fromEntries(Object.entries(source.locations).map(([key, location]) => [key, {...location, file: shown}]))
  return {policy: {...entry.policy, source: {...source, file: shown, locations}}, diagnostics}
}

function packRelative(dir: string, file: string): string {
  return relative(dir, file).split(sep).join('/')
}

function lineOf(location: Location | undefined): string {
  return location ? `:${location.line}:${location.column}` : ''
}

/**
 * Policy files under a folder, in the one walking order, so that the first of two duplicates is
 * always the same one. A link out of the folder is not followed and is a warning; an entry that
 * cannot be followed is an error when it would have been a policy, else a warning.
 */
function policyFilesUnder(folder: string, cwd: string): {files: string[]; diagnostics: Diagnostic[]} {
  const isPolicyName = (path: string): boolean => POLICY_EXTENSIONS.has(extname(path).toLowerCase()) && !isTestsFile(basename(path))
  const shown = (path: string): string => displayPath(path, cwd)
  const files: string[] = []
  const diagnostics: Diagnostic[] = []
  for (const entry of walkFolder(folder, {shown})) {
    if (entry.type === 'file') {
      if (isPolicyName(entry.path)) files.push(entry.path)
    } else if (entry.type === 'skipped') {
      // Hidden entries and files reached twice are not lost policies; a link out of the folder may be.
      if (entry.cause === 'outside') diagnostics.push({severity: 'warning', code: 'policy-path-outside', file: shown(entry.path), message: `${shown(entry.path)}: ${entry.reason}`})
    } else {
      const severity = isPolicyName(entry.path) || !entry.missing ? 'error' : 'warning'
      diagnostics.push({severity, code: 'policy-unreadable', file: shown(entry.path), message: `cannot read ${shown(entry.path)}: ${entry.reason}`})
    }
  }
  return {files, diagnostics}
}

function at(document: PositionedDocument, path: readonly PathSegment[], message: string, code: string, startOnly = false): Diagnostic {
  const location = document.locate(path)
  const position = startOnly ? {file: location.file, line: location.line, column: location.column} : location
  return {severity: 'error', code, message, ...position}
}

/** The param specs that passed the schema, so later checks do not trip over a broken one. */
function validParams(value: unknown): Record<string, ParamSpec> {
  if (!isRecord(value)) return {}
  const types = new Set(['string', 'integer', 'number', 'boolean', 'array'])
  // fromEntries keeps a param named `__proto__` an own key (the policy is also kept as JSON, so no null prototype).
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, spec]) => isRecord(spec) && typeof spec.type === 'string' && types.has(spec.type))
      .map(([name, spec]) => [name, spec as unknown as ParamSpec]),
  )
}

/** What the schema cannot say: `items` and `format` fit the type, and the default fits the param. */
function checkParamSpecs(document: PositionedDocument, value: unknown): Diagnostic[] {
  const diagnostics: Diagnostic[] = []
  for (const [name, spec] of Object.entries(validParams(value))) {
    const path = ['params', name]
    if (spec.items !== undefined && spec.type !== 'array') diagnostics.push(at(document, [...path, 'items'], `params.${name}: 'items' is only for params of type array`, SCHEMA_CODE))
    if (spec.format !== undefined && spec.type !== 'string') {
      const hint = spec.type === 'array' ? ' (for a list of CIDRs write items: {type: string, format: cidr})' : ''
      diagnostics.push(at(document, [...path, 'format'], `params.${name}: 'format' is only for params of type string${hint}`, SCHEMA_CODE))
    }
    if (spec.minimum !== undefined && spec.maximum !== undefined && spec.minimum > spec.maximum) {
      diagnostics.push(at(document, [...path, 'minimum'], `params.${name}: minimum ${spec.minimum} is above maximum ${spec.maximum}`, SCHEMA_CODE))
    }
    if (spec.default !== undefined) {
      const problem = checkParamValue(spec, spec.default)
      if (problem) diagnostics.push(at(document, [...path, 'default'], `params.${name}.default ${problem}`, SCHEMA_CODE))
    }
  }
  return diagnostics
}

/** Strings are for event policies only; params referenced must exist; every pattern is checked by the matcher. */
function checkClauses(document: PositionedDocument, raw: Record<string, unknown>, params: Record<string, ParamSpec>): Diagnostic[] {
  const diagnostics: Diagnostic[] = []
  const subject = raw.subject
  for (const key of CLAUSE_KEYS) {
    const value = raw[key]
    if (value === undefined) continue
    const items: {clause: unknown; path: PathSegment[]}[] = Array.isArray(value) ? value.map((clause, index) => ({clause, path: [key, index]})) : [{clause: value, path: [key]}]
    for (const {clause, path} of items) {
      if (typeof clause === 'string') {
        if (subject !== 'event') {
          if (subject === 'trail' || subject === 'region' || subject === 'account' || subject === 'archive') {
            diagnostics.push(at(document, path, `${displayFieldPath(path)}: a clause written as a string (a CloudWatch Logs filter pattern) is only allowed in event policies; write an EventBridge pattern`, SCHEMA_CODE))
          }
          continue
        }
        appendAll(diagnostics, checkFilterPattern(document, path, clause))
      } else if (isRecord(clause)) {
        appendAll(diagnostics, checkPattern(document, path, clause, params))
        if (isSubjectType(subject)) appendAll(diagnostics, checkFieldNames(document, path, clause, subject))
      }
    }
  }
  return diagnostics
}

/** Each key of the pattern must be a field the subject's document can have (schemas/subjects/). */
function checkFieldNames(document: PositionedDocument, path: PathSegment[], pattern: Pattern, subject: SubjectType): Diagnostic[] {
  return checkPatternFields(pattern, subject, path).map((problem) => {
    const location = document.locateKey(problem.path)
    return {severity: 'error', code: FIELD_CODE, message: `${displayFieldPath(problem.path)}: ${problem.message}`, file: location.file, line: location.line, column: location.column}
  })
}

/** A filter pattern's selector (`userIdentity.type`, `resources.0.ARN`) names a field of the record; indexes are looked through as arrays are. */
function checkSelectorField(document: PositionedDocument, path: PathSegment[], selector: string): Diagnostic[] {
  const key = selector
    .split('.')
    .filter((step) => !/^\d+$/.test(step))
    .join('.')
  return checkPatternFields({[key]: {}}, 'event', []).map((problem) => at(document, path, `${displayFieldPath(path)}: ${problem.message}`, FIELD_CODE, true))
}

function isSubjectType(value: unknown): value is SubjectType {
  return typeof value === 'string' && (SUBJECT_TYPES as readonly string[]).includes(value)
}

function checkFilterPattern(document: PositionedDocument, path: PathSegment[], text: string): Diagnostic[] {
  try {
    const {selectors} = compileFilterPattern(text)
    return selectors.flatMap((selector) => checkSelectorField(document, path, selector))
  } catch (error) {
    return [at(document, path, `${displayFieldPath(path)}: invalid CloudWatch Logs filter pattern: ${(error as Error).message}`, PATTERN_CODE)]
  }
}

/**
 * `monitor` is an account policy's filter pattern, written out or as exactly `${name}` of a string
 * param: the pattern (the param's default) must parse, and its selectors must be record fields.
 */
function checkMonitor(document: PositionedDocument, monitor: string, subject: unknown, params: Record<string, ParamSpec>): Diagnostic[] {
  if (subject !== 'account' && isSubjectType(subject)) return [at(document, ['monitor'], `monitor: only account policies judge CloudWatch monitoring (this policy's subject is ${subject})`, SCHEMA_CODE)]
  const reference = PARAM_REFERENCE.exec(monitor)
  if (!reference) {
    if (monitor.includes('${')) return [at(document, ['monitor'], `monitor: '${monitor}' is not replaced; a param is used as the whole value, exactly '\${name}'`, PATTERN_CODE)]
    return checkFilterPattern(document, ['monitor'], monitor)
  }
  const name = reference[1]!
  const spec = params[name]
  if (!spec) {
    const declared = Object.keys(params)
    return [at(document, ['monitor'], `monitor: unknown param '${name}' (${declared.length === 0 ? 'the policy declares no params' : `declared params: ${declared.join(', ')}`})`, PATTERN_CODE)]
  }
  if (spec.type !== 'string') return [at(document, ['params', name, 'type'], `params.${name}: monitor uses it as a filter pattern, so its type must be string`, SCHEMA_CODE)]
  return typeof spec.default === 'string' ? checkFilterPattern(document, ['params', name, 'default'], spec.default) : []
}

function checkPattern(document: PositionedDocument, path: PathSegment[], pattern: Pattern, params: Record<string, ParamSpec>): Diagnostic[] {
  const diagnostics: Diagnostic[] = []
  const references = paramReferences(pattern, path)
  let missingValue = false
  for (const reference of references) {
    if (reference.kind === 'embedded') {
      diagnostics.push({
        ...at(document, reference.path, `${displayFieldPath(reference.path)}: '${reference.text}' is not replaced; a param is used as a whole string, exactly '\${name}'`, PATTERN_CODE),
        severity: 'warning',
      })
      continue
    }
    const spec = params[reference.name]
    if (!spec) {
      const declared = Object.keys(params)
      const known = declared.length === 0 ? 'the policy declares no params' : `declared params: ${declared.join(', ')}`
      diagnostics.push(at(document, reference.path, `${displayFieldPath(reference.path)}: unknown param '${reference.name}' (${known})`, PATTERN_CODE))
      missingValue = true
    } else if (spec.default === undefined || checkParamValue(spec, spec.default) !== undefined) {
      // Without a usable default the pattern is checked when the values are known, at evaluation.
      missingValue = true
    }
  }
  if (missingValue) return diagnostics

  const defaults = Object.fromEntries(Object.entries(params).map(([name, spec]) => [name, spec.default]))
  let concrete: unknown = pattern
  try {
    if (references.length > 0) concrete = substituteParams(pattern, defaults)
  } catch (error) {
    const errorPath = [...path, ...(error instanceof PatternError ? error.path : [])]
    return [...diagnostics, at(document, errorPath, `${displayFieldPath(errorPath)}: ${(error as Error).message}`, PATTERN_CODE)]
  }
  for (const error of validatePattern(concrete)) {
    const errorPath = [...path, ...error.path]
    diagnostics.push(at(document, errorPath, `${displayFieldPath(errorPath)}: ${error.message}`, PATTERN_CODE))
  }
  return diagnostics
}

type ParamReference = {kind: 'whole'; name: string; path: PathSegment[]} | {kind: 'embedded'; text: string; path: PathSegment[]}

function paramReferences(value: unknown, path: PathSegment[]): ParamReference[] {
  if (typeof value === 'string') {
    const whole = PARAM_REFERENCE.exec(value)
    if (whole) return [{kind: 'whole', name: whole[1]!, path}]
    return value.includes('${') ? [{kind: 'embedded', text: value, path}] : []
  }
  if (Array.isArray(value)) return value.flatMap((item, index) => paramReferences(item, [...path, index]))
  if (isRecord(value)) return Object.entries(value).flatMap(([key, item]) => paramReferences(item, [...path, key]))
  return []
}

function normalize(raw: Record<string, unknown>, document: PositionedDocument, file: string, builtin: boolean): Policy {
  const located: [string, Location][] = Object.keys(raw).map((key) => [key, document.locate([key])])
  const clauses = (key: ClauseKey): Clause[] => {
    const value = raw[key]
    if (value === undefined) return []
    if (Array.isArray(value)) {
      value.forEach((_, index) => located.push([`${key}.${index}`, document.locate([key, index])]))
      return value as Clause[]
    }
    // `when: {}` is the documented way to say "every subject".
    if (key === 'when' && isRecord(value) && Object.keys(value).length === 0) return []
    located.push([`${key}.0`, document.locate([key])])
    return [value as Clause]
  }
  const params = validParams(raw.params)
  for (const name of Object.keys(params)) located.push([`params.${name}`, document.locate(['params', name])])

  const [when, unless, require, forbid] = [clauses('when'), clauses('unless'), clauses('require'), clauses('forbid')]
  const policy: Policy = {
    id: raw.id as string,
    title: raw.title as string,
    severity: raw.severity as Severity,
    subject: raw.subject as SubjectType,
    description: raw.description as string,
    ...remediationOf(raw.remediation as string | Record<string, string>),
    references: (raw.references ?? {}) as References,
    tags: (raw.tags ?? []) as string[],
    precision: (raw.precision ?? 'high') as Policy['precision'],
    params,
    when,
    unless,
    require,
    forbid,
    disabled: raw.disabled === true,
    // fromEntries keeps keys such as `params.__proto__` own keys.
    source: {file, builtin, locations: Object.fromEntries(located)},
  }
  if (typeof raw.message === 'string') policy.message = raw.message
  if (typeof raw.monitor === 'string') policy.monitor = raw.monitor
  return policy
}

/** A remediation is one text, or `{cli, cloudformation, cdk, terraform}` (the schema checked which). */
function remediationOf(raw: string | Record<string, string>): Pick<Policy, 'remediation' | 'templateRemediation'> {
  if (typeof raw === 'string') return {remediation: raw}
  const templateRemediation: NonNullable<Policy['templateRemediation']> = {}
  for (const kind of TEMPLATE_KINDS) if (typeof raw[kind] === 'string') templateRemediation[kind] = raw[kind]
  return {remediation: raw.cli ?? '', templateRemediation}
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
