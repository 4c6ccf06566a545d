import {createHash} from 'node:crypto'
import {readFileSync} from 'node:fs'

import {Ajv2020, type ErrorObject, type ValidateFunction} from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import {packagePath} from '../util/package-root.js'
import {FAST_CHECK_SCHEMA_FINGERPRINT, surelyWellFormed} from './record-fast-check.js'

/** One thing wrong with a record, in words a person can act on. */
export interface RecordProblem {
  /** Dotted path of the field (`userIdentity.accountId`), empty for the record itself. */
  path: string
  message: string
}

const SCHEMA_URL = packagePath('schemas', 'cloudtrail-record.schema.json')

// ajv-formats is CommonJS; under Node16 resolution its default export arrives as the module object.
type FormatsPlugin = (ajv: Ajv2020, formats: string[]) => unknown
const addFormats = ((addFormatsModule as unknown as {default?: unknown}).default ?? addFormatsModule) as FormatsPlugin

interface Validators {
  /** Stops at the first error: the fast yes/no for the millions of good records. */
  quick: ValidateFunction
  /** Collects every error, run only on records that failed the quick check. */
  thorough: ValidateFunction
}

let validators: Validators | undefined
let schemaText: string | undefined

function schema(): Record<string, unknown> {
  schemaText ??= readFileSync(SCHEMA_URL, 'utf8')
  return JSON.parse(schemaText) as Record<string, unknown>
}

// Compiling the schema costs more than checking a whole log file the fast way, so it waits for a
// record the fast path is not sure about.
function compiled(): Validators {
  if (validators) return validators
  const source = schema()
  const build = (allErrors: boolean): ValidateFunction => {
    const ajv = new Ajv2020({allErrors, strict: false, unicodeRegExp: false})
    addFormats(ajv, ['date-time', 'ipv4', 'ipv6'])
    return ajv.compile(source)
  }
  validators = {quick: build(false), thorough: build(true)}
  return validators
}

let fastPathEnabled: boolean | undefined

/** The fast path restates one version of the schema; any other version is left to the validator alone. */
function fastPathMatchesSchema(): boolean {
  fastPathEnabled ??= createHash('sha256').update(JSON.stringify(schema())).digest('hex') === FAST_CHECK_SCHEMA_FINGERPRINT
  return fastPathEnabled
}

/** Checks a record against schemas/cloudtrail-record.schema.json; an empty list means it is well formed. */
export function checkRecord(record: unknown): RecordProblem[] {
  if (fastPathMatchesSchema() && surelyWellFormed(record)) return []
  return checkRecordWithSchema(record)
}

/** The same check through the compiled schema alone; `checkRecord` must always agree with it. */
export function checkRecordWithSchema(record: unknown): RecordProblem[] {
  const {quick, thorough} = compiled()
  if (quick(record)) return []
  thorough(record)
  return describeErrors(record, thorough.errors ?? [])
}

function describeErrors(record: unknown, errors: ErrorObject[]): RecordProblem[] {
  const problems: RecordProblem[] = []
  const seen = new Set<string>()
  for (const error of errors) {
    // The branches of an anyOf each fail on a bad value; the anyOf error itself says it once.
    if (/\/anyOf\/\d+\//.test(error.schemaPath)) continue
    const problem = describe(record, error)
    const key = `${problem.path}\u0000${problem.message}`
    if (seen.has(key)) continue
    seen.add(key)
    problems.push(problem)
  }
  return problems
}

function describe(record: unknown, error: ErrorObject): RecordProblem {
  const segments = error.instancePath.split('/').slice(1).map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
  if (error.keyword === 'required') {
    const missing = String((error.params as {missingProperty?: string}).missingProperty)
    const path = [...segments, missing].join('.')
    return {path, message: `missing required field ${path}`}
  }
  const path = segments.join('.')
  const value = valueAt(record, segments)
  const shown = shownValue(value)
  if (path === '') return {path, message: `a record must be a JSON object, found ${describeType(value)}`}
  if (typeof value === 'string' && value !== value.trim()) {
    return {path, message: `${path} ${shown} has leading or trailing whitespace`}
  }
  if (error.keyword === 'type') {
    return {path, message: `${path} must be ${String((error.params as {type?: unknown}).type)}, found ${describeType(value)}`}
  }
  if (path === 'sourceIPAddress') {
    return {path, message: `sourceIPAddress ${shown} is not an IP address, a service DNS name or "AWS Internal"`}
  }
  if (error.keyword === 'format' && (error.params as {format?: string}).format === 'date-time') {
    return {path, message: `${path} ${shown} is not an ISO 8601 date-time such as 2024-01-31T12:00:00Z`}
  }
  if (path === 'recipientAccountId' || path.endsWith('accountId')) {
    return {path, message: `${path} ${shown} is not a 12-digit AWS account id`}
  }
  if (error.keyword === 'enum') {
    const allowed = ((error.params as {allowedValues?: unknown[]}).allowedValues ?? []).join(', ')
    return {path, message: `${path} ${shown} is not one of ${allowed}`}
  }
  return {path, message: `${path} ${shown} ${error.message ?? 'is not valid'}`}
}

function valueAt(record: unknown, segments: string[]): unknown {
  let current = record
  for (const segment of segments) {
    if (typeof current !== 'object' || current === null) return undefined
    current = (current as Record<string, unknown>)[segment]
  }
  return current
}

/** A value as quoted in a message: short, and never a walk of a hostile, deeply nested one. */
function shownValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 120 ? `${value.slice(0, 117)}...` : value)
  if (value !== null && typeof value === 'object') return Array.isArray(value) ? '(an array)' : '(an object)'
  return String(JSON.stringify(value))
}

function describeType(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return `a ${typeof value}`
}
