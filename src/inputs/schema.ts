import type {ErrorObject} from 'ajv/dist/2020.js'

import type {PathSegment} from '../util/positions.js'
import {prepareValidators, type ValidatorSpec} from '../util/schema-validators.js'

/** The snapshot schema's id; its `$defs` also describe the AWS CLI outputs, which share its pieces. */
export const SNAPSHOT_SCHEMA_ID = 'urn:trailgate:snapshot:v1'

export interface SchemaProblem {
  /** Path of the value the problem is about (for a missing property: the object lacking it). */
  path: PathSegment[]
  /** True when `path` points at a key (an unexpected property) rather than a value. */
  atKey: boolean
  message: string
  /** For a missing required property: its name. */
  missing?: string
}

export type ShapeName = 'snapshot' | 'trail' | 'status' | 'eventSelector' | 'advancedEventSelector' | 'insightSelector' | 'tags'

/** The snapshot and each AWS CLI shape, generated at build time or compiled on first use. */
export const SHAPE_VALIDATOR_SPEC: ValidatorSpec<ShapeName> = {
  module: 'snapshot',
  schema: 'snapshot.schema.json',
  verbose: false,
  validators: {
    snapshot: '',
    trail: '/$defs/trail',
    status: '/$defs/status',
    eventSelector: '/$defs/eventSelector',
    advancedEventSelector: '/$defs/advancedEventSelector',
    insightSelector: '/$defs/insightSelector',
    tags: '/$defs/tags',
  },
}

const shapeValidators = await prepareValidators(SHAPE_VALIDATOR_SPEC)

/** Problems with `value` as the named shape; an empty list when it conforms. */
export function checkShape(shape: ShapeName, value: unknown): SchemaProblem[] {
  const validate = shapeValidators()[shape]
  if (validate(value)) return []
  return (validate.errors ?? []).map((error) => toProblem(error, value))
}

function toProblem(error: ErrorObject, root: unknown): SchemaProblem {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((segment): PathSegment => (/^\d+$/.test(segment) ? Number(segment) : segment))
  const name = path.length > 0 ? String(path[path.length - 1]) : 'the document'
  const found = valueAt(root, path)
  const params = error.params as Record<string, unknown>
  switch (error.keyword) {
    case 'required':
      return {path, atKey: false, missing: String(params.missingProperty), message: `${objectName(path)} has no ${String(params.missingProperty)}`}
    case 'additionalProperties':
      return {path: [...path, String(params.additionalProperty)], atKey: true, message: `unexpected property ${String(params.additionalProperty)} in ${objectName(path)}`}
    case 'type':
      return {path, atKey: false, message: `${name} must be ${article(String(params.type))}, found ${describe(found)}`}
    case 'enum':
      return {path, atKey: false, message: `${name} must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, found ${describe(found)}`}
    case 'const':
      return {path, atKey: false, message: `${name} must be ${JSON.stringify(params.allowedValue)}, found ${describe(found)}`}
    case 'pattern':
      return {path, atKey: false, message: `${name} ${describe(found)} does not match ${String(params.pattern)}`}
    case 'format':
      return {path, atKey: false, message: `${name} ${describe(found)} is not a valid ${String(params.format)}`}
    default:
      return {path, atKey: false, message: `${name} ${error.message ?? 'is invalid'}`}
  }
}

function objectName(path: readonly PathSegment[]): string {
  if (path.length === 0) return 'the document'
  const last = path[path.length - 1]
  return typeof last === 'number' ? `${String(path[path.length - 2] ?? 'item')}[${last}]` : String(last)
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (Array.isArray(value)) return 'an array'
  if (value === null) return 'null'
  if (typeof value === 'object') return 'an object'
  return JSON.stringify(value)
}

function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let current = root
  for (const segment of path) {
    if (typeof current !== 'object' || current === null) return undefined
    current = (current as Record<string, unknown>)[String(segment)]
  }
  return current
}
