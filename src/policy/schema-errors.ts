import type {ErrorObject} from 'ajv/dist/2020.js'

import type {Diagnostic, Location} from '../model/types.js'
import type {PathSegment, PositionedDocument} from '../util/positions.js'
import {packagePath} from '../util/package-root.js'
import {prepareValidators, type ValidatorSpec} from '../util/schema-validators.js'
import {appendAll} from '../util/arrays.js'

/** The JSON Schemas shipped in `<package root>/schemas`; the same folder from `src/` and from `dist/`. */
export const SCHEMA_DIR = `${packagePath('schemas')}/`

export type SchemaName = 'policy' | 'policy-tests' | 'config'

function specOf(name: SchemaName): ValidatorSpec<'validate'> {
  // verbose: the messages need the failing value and the schema around it (allowed keys, descriptions).
  // A policy is read with the policy file's part of its schema: the patterns of each subject kind, the
  // rest of the schema, are checked by the matcher and the field check, in EventBridge's terms.
  const pointer = name === 'policy' ? '/$defs/policy' : ''
  return {module: name, schema: `${name}.schema.json`, verbose: true, formats: ['date', 'uri'], validators: {validate: pointer}}
}

/** The validators of trailgate's own files, generated at build time or compiled on first use. */
export const DOCUMENT_VALIDATOR_SPECS: readonly ValidatorSpec<'validate'>[] = (['policy', 'policy-tests', 'config'] as const).map(specOf)

const validators = new Map(await Promise.all(DOCUMENT_VALIDATOR_SPECS.map(async (spec) => [spec.module, await prepareValidators(spec)] as const)))

/** Validates a parsed document against one of trailgate's schemas; every error becomes a positioned diagnostic. */
export function validateDocument(name: SchemaName, document: PositionedDocument, code: string): Diagnostic[] {
  const validate = validators.get(name)!().validate
  if (validate(document.value)) return []
  return schemaErrorsToDiagnostics(validate.errors ?? [], document, code)
}

/** A problem found in a document, before it is given a position. */
interface Problem {
  path: PathSegment[]
  message: string
  /** Point at the key of the pair rather than at its value (unknown properties, bad key names). */
  atKey?: boolean
  /** Point at the start of the node only (a missing property: the whole parent is not the mistake). */
  startOnly?: boolean
}

export function schemaErrorsToDiagnostics(errors: readonly ErrorObject[], document: PositionedDocument, code: string): Diagnostic[] {
  const problems = collapseAlternatives(errors).map((error) => describeError(error, document.value))
  const seen = new Set<string>()
  const diagnostics: Diagnostic[] = []
  for (const problem of problems) {
    if (!problem) continue
    const location = problem.atKey ? document.locateKey(problem.path) : document.locate(problem.path)
    const key = `${location.line}:${location.column}:${problem.message}`
    if (seen.has(key)) continue
    seen.add(key)
    diagnostics.push({severity: 'error', code, message: problem.message, ...positionOf(location, problem.startOnly === true)})
  }
  return diagnostics
}

function positionOf(location: Location, startOnly: boolean): Location {
  if (startOnly) return {file: location.file, line: location.line, column: location.column}
  return location
}

/**
 * ajv reports a failed `anyOf` as the errors of every branch followed by the `anyOf` error itself.
 * Only the branch written for the value's own type says something useful ("a list whose second item
 * is a number"); when no branch fits the type, one sentence naming the accepted shapes is clearer.
 * Branch errors precede their `anyOf` error and sit at or below its instance path, which is how they
 * are found (ajv's schemaPath is relative to each `$ref` target, so it cannot be used).
 */
function collapseAlternatives(errors: readonly ErrorObject[]): ErrorObject[] {
  const kept: ErrorObject[] = []
  for (const error of errors) {
    if (error.keyword !== 'anyOf' && error.keyword !== 'oneOf') {
      kept.push(error)
      continue
    }
    const branchErrors: ErrorObject[] = []
    while (kept.length > 0 && isAtOrBelow(kept[kept.length - 1]!.instancePath, error.instancePath)) {
      branchErrors.unshift(kept.pop()!)
    }
    const typeMismatch = (candidate: ErrorObject): boolean => candidate.keyword === 'type' && candidate.instancePath === error.instancePath
    const fitting = branchErrors.filter((candidate) => !typeMismatch(candidate))
    if (fitting.length > 0) appendAll(kept, fitting)
    else kept.push(error)
  }
  return kept.filter((error) => error.keyword !== 'propertyNames')
}

function isAtOrBelow(path: string, ancestor: string): boolean {
  return path === ancestor || path.startsWith(`${ancestor}/`)
}

function describeError(error: ErrorObject, root: unknown): Problem | undefined {
  const path = pointerToPath(error.instancePath, root)
  const name = displayPath(path)
  const subject = name === '' ? 'the document' : name
  const params = error.params as Record<string, unknown>
  const parentSchema = (error.parentSchema ?? {}) as {description?: string; properties?: Record<string, unknown>; anyOf?: unknown[]}
  switch (error.keyword) {
    case 'required': {
      const property = String(params.missingProperty)
      return {path, startOnly: true, message: `${name === '' ? '' : `${name}: `}missing required property '${property}'`}
    }
    case 'additionalProperties': {
      const property = String(params.additionalProperty)
      const suggestion = didYouMean(property, Object.keys(parentSchema.properties ?? {}))
      const where = name === '' ? '' : ` in ${name}`
      return {path: [...path, property], atKey: true, message: `unknown property '${property}'${where}${suggestion ? ` (did you mean '${suggestion}'?)` : ''}`}
    }
    case 'type':
      return {path, message: `${subject} must be ${typeName(String(params.type))}, found ${describeValue(error.data)}`}
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String)
      const suggestion = typeof error.data === 'string' ? didYouMean(error.data, allowed) : undefined
      const found = suggestion ? ` (did you mean '${suggestion}'?)` : `, found ${describeValue(error.data)}`
      return {path, message: `${subject} must be one of ${allowed.join(', ')}${found}`}
    }
    case 'const':
      return {path, message: `${subject} must be ${JSON.stringify(params.allowedValue)}, found ${describeValue(error.data)}`}
    case 'pattern': {
      if (error.propertyName !== undefined) {
        const rule = parentSchema.description ?? `names must match ${String(params.pattern)}`
        return {path: [...path, error.propertyName], atKey: true, message: `${name} name '${error.propertyName}' is not valid: ${rule}`}
      }
      const rule = parentSchema.description ?? `it must match ${String(params.pattern)}`
      return {path, message: `${subject} '${String(error.data)}' is not valid: ${rule}`}
    }
    case 'format':
      return {path, message: `${subject} '${String(error.data)}' is not ${formatName(String(params.format))}`}
    case 'minItems':
      return {path, message: Number(params.limit) === 1 ? `${subject} must not be an empty list` : `${subject} must have at least ${String(params.limit)} items`}
    case 'maxItems':
      return {path, message: `${subject} must have at most ${String(params.limit)} items`}
    case 'minLength':
      return {path, message: Number(params.limit) === 1 ? `${subject} must not be empty` : `${subject} must be at least ${String(params.limit)} characters long`}
    case 'maxLength':
      return {path, message: `${subject} must be at most ${String(params.limit)} characters long (it has ${String(error.data).length})`}
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return {path, message: `${subject} must be ${String(params.comparison)} ${String(params.limit)}, found ${describeValue(error.data)}`}
    case 'anyOf':
    case 'oneOf': {
      const shapes = parentSchema.description ?? alternativesOf(parentSchema.anyOf)
      return {path, message: `${subject} must be ${shapes}, found ${describeValue(error.data)}`}
    }
    default:
      return {path, message: `${subject} ${error.message ?? 'is not valid'}`}
  }
}

function alternativesOf(branches: unknown[] | undefined): string {
  const types = (branches ?? []).map((branch) => (branch as {type?: unknown}).type).filter((type): type is string => typeof type === 'string')
  return types.length > 0 ? types.map(typeName).join(' or ') : 'one of the accepted forms'
}

/** Turns an ajv instance path (`/waivers/0/expires`) into path segments, numbers where the data is a list. */
export function pointerToPath(pointer: string, root: unknown): PathSegment[] {
  if (pointer === '') return []
  const path: PathSegment[] = []
  let node = root
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    if (Array.isArray(node)) {
      const index = Number(segment)
      path.push(index)
      node = node[index]
    } else {
      path.push(segment)
      node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[segment] : undefined
    }
  }
  return path
}

/** `waivers[0].expires`, as a person would write it. */
export function displayPath(path: readonly PathSegment[]): string {
  let text = ''
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) text += text === '' ? segment : `.${segment}`
    else text += `[${JSON.stringify(segment)}]`
  }
  return text
}

function typeName(type: string): string {
  switch (type) {
    case 'object':
      return 'a mapping'
    case 'array':
      return 'a list'
    case 'integer':
      return 'an integer'
    case 'boolean':
      return 'true or false'
    case 'null':
      return 'null'
    default:
      return `a ${type}`
  }
}

export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing (null)'
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list'
  switch (typeof value) {
    case 'object':
      return 'a mapping'
    case 'string':
      return value.length > 40 ? `the string '${value.slice(0, 37)}...'` : `'${value}'`
    case 'number':
      return `the number ${value}`
    case 'boolean':
      return `${value}`
    default:
      return typeof value
  }
}

function formatName(format: string): string {
  switch (format) {
    case 'date':
      return 'a date written YYYY-MM-DD'
    case 'uri':
      return 'an absolute URL'
    default:
      return `a valid ${format}`
  }
}

/** The closest candidate when it is close enough to be a plausible typo. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Infinity
  const tolerance = Math.max(1, Math.floor(word.length / 3))
  for (const candidate of candidates) {
    // The distance is at least the difference in length: a hostile megabyte-long word costs nothing.
    if (Math.abs(word.length - candidate.length) > tolerance) continue
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase())
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  return bestDistance <= tolerance ? best : undefined
}

/** Edit distance counting a swap of two neighbours as one edit ("trial" → "trail"), the commonest typo. */
function editDistance(a: string, b: string): number {
  const rows: number[][] = [Array.from({length: b.length + 1}, (_, index) => index)]
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) {
      let best = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1)
      row.push(best)
    }
    rows.push(row)
  }
  return rows[a.length]![b.length]!
}
