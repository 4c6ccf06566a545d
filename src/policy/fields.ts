/**
 * Checks the field names of a pattern against the JSON Schema of its subject's document
 * (schemas/subjects/<subject>.schema.json), as EventBridge reads a pattern: a dotted key is a path,
 * arrays of the document are looked through, `$or` branches stand where they are written. A field
 * the document cannot have would make a pattern silently never match, so it is an error.
 */
import {readFileSync} from 'node:fs'

import type {SubjectType} from '../model/types.js'
import {packagePath} from '../util/package-root.js'
import type {PathSegment} from '../util/positions.js'
import {didYouMean} from './schema-errors.js'

/** The part of JSON Schema the subject schemas use. */
interface SchemaNode {
  type?: string | string[]
  properties?: Record<string, SchemaNode>
  additionalProperties?: boolean | SchemaNode
  items?: SchemaNode
  enum?: unknown[]
  $ref?: string
  $defs?: Record<string, SchemaNode>
}

export interface FieldProblem {
  /** Path of the offending key in the policy file, from the clause. */
  path: PathSegment[]
  message: string
}

const schemas = new Map<SubjectType, SchemaNode>()

function subjectSchema(subject: SubjectType): SchemaNode {
  let schema = schemas.get(subject)
  if (!schema) {
    schema = JSON.parse(readFileSync(packagePath('schemas', 'subjects', `${subject}.schema.json`), 'utf8')) as SchemaNode
    schemas.set(subject, schema)
  }
  return schema
}

/** What a document node is, once references are followed and arrays looked through. */
type Shape =
  | {kind: 'object'; properties: Record<string, SchemaNode>; takesValues: boolean; list: boolean}
  | {kind: 'map'; values: SchemaNode; list: boolean}
  | {kind: 'open'}
  | {kind: 'value'}

/** Every problem with the field names of `pattern`, a pattern over the document of `subject`. */
export function checkPatternFields(pattern: Record<string, unknown>, subject: SubjectType, path: readonly PathSegment[]): FieldProblem[] {
  const root = subjectSchema(subject)
  const problems: FieldProblem[] = []
  walk(pattern, root, root, [], [...path], subject, problems)
  return problems
}

function walk(pattern: Record<string, unknown>, node: SchemaNode, root: SchemaNode, fieldPath: string[], path: PathSegment[], subject: SubjectType, problems: FieldProblem[]): void {
  for (const [key, value] of Object.entries(pattern)) {
    const keyPath = [...path, key]
    if (key === '$or') {
      // Anything else than a list of objects is the matcher's error to report.
      if (Array.isArray(value)) value.forEach((branch, index) => isRecord(branch) && walk(branch, node, root, fieldPath, [...keyPath, index], subject, problems))
      continue
    }
    const found = resolve(key.split('.'), node, root, fieldPath, subject)
    if ('message' in found) {
      problems.push({path: keyPath, message: found.message})
      continue
    }
    if (found.node === undefined) continue
    const shape = shapeOf(found.node, root)
    if (Array.isArray(value)) {
      if ((shape.kind === 'object' && !shape.takesValues) || shape.kind === 'map') {
        const name = found.fieldPath.join('.')
        const what = shape.list ? 'a list of mappings' : 'a mapping'
        problems.push({path: keyPath, message: `'${name}' is ${what} in the ${subject} document: a list of values never matches it; test the fields inside it`})
      }
    } else if (isRecord(value)) {
      walk(value, found.node, root, found.fieldPath, keyPath, subject, problems)
    }
  }
}

/**
 * Follows the segments of one key from `node`. Gives the node reached (undefined when an open part
 * of the document was entered: anything below it is accepted) or the message of the first segment
 * the document cannot have.
 */
function resolve(
  segments: string[],
  node: SchemaNode,
  root: SchemaNode,
  fieldPath: string[],
  subject: SubjectType,
): {node: SchemaNode | undefined; fieldPath: string[]} | {message: string} {
  let current = node
  const reached = [...fieldPath]
  for (const [index, segment] of segments.entries()) {
    const shape = shapeOf(current, root)
    const written = [...fieldPath, ...segments].join('.')
    if (shape.kind === 'open') return {node: undefined, fieldPath: [...reached, ...segments.slice(index)]}
    if (shape.kind === 'value') {
      return {message: `unknown field '${written}' in the ${subject} document: '${reached.join('.')}' is a single value, it has no fields`}
    }
    if (shape.kind === 'map') {
      current = shape.values
    } else {
      const child = Object.hasOwn(shape.properties, segment) ? shape.properties[segment] : undefined
      if (!child) {
        const suggestion = didYouMean(segment, Object.keys(shape.properties))
        const meant = suggestion ? ` (did you mean '${[...reached, suggestion, ...segments.slice(index + 1)].join('.')}'?)` : ''
        return {message: `unknown field '${written}' in the ${subject} document${meant}`}
      }
      current = child
    }
    reached.push(segment)
  }
  return {node: current, fieldPath: reached}
}

function shapeOf(node: SchemaNode, root: SchemaNode): Shape {
  let current = dereference(node, root)
  let list = false
  while (current.items !== undefined) {
    list = true
    current = dereference(current.items, root)
  }
  const types = current.type === undefined ? [] : [current.type].flat()
  const takesValues = types.some((type) => type !== 'object')
  if (current.properties !== undefined) return {kind: 'object', properties: current.properties, takesValues, list}
  if (typeof current.additionalProperties === 'object') return {kind: 'map', values: current.additionalProperties, list}
  if (current.enum !== undefined || (types.length > 0 && !types.includes('object'))) return {kind: 'value'}
  return {kind: 'open'}
}

function dereference(node: SchemaNode, root: SchemaNode): SchemaNode {
  const name = node.$ref?.startsWith('#/$defs/') ? node.$ref.slice('#/$defs/'.length) : undefined
  if (node.$ref === undefined) return node
  const target = name === undefined ? undefined : root.$defs?.[name]
  // The schemas are generated; a reference they do not resolve is a build mistake, not the user's.
  if (!target) throw new Error(`subject schema: cannot resolve ${node.$ref}`)
  return target
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
