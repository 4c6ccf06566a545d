import type {Scalar} from '../policy/pattern/matchers.js'
import {cidrSql} from './cidr-sql.js'
import {SAFE_KEY, sqlString, SqlCompileError, type JsonFunctions} from './dialect.js'
import {absentOutcome, belowAbsent, leafOnObject, type MatcherSpec, type SqlLeaf, type SqlNode} from './pattern-tree.js'

/**
 * Where a pattern path's value lives in a table row. JSON values carry their own type; typed
 * columns (a VARCHAR, a boolean kept as 'true'/'false', a STRUCT, an ARRAY of STRUCT) say theirs.
 * SQL NULL always means the path holds nothing.
 */
export type ValueRef =
  | {kind: 'json'; sql: string}
  | {kind: 'string'; sql: string}
  | {kind: 'boolean-text'; sql: string}
  | {kind: 'object'; sql: string | undefined; field: FieldAccess}
  | {kind: 'object-array'; sql: string; variable: string; field: (element: string) => FieldAccess}

/** A field of an object-like value; throws SqlCompileError for a field the source does not hold. */
export type FieldAccess = (key: string) => ValueRef

export interface PatternContext {
  functions: JsonFunctions
  policy: string
  /** Lambda variables must not shadow each other. */
  nextVariable(): string
}

const TRUE = 'TRUE'
const FALSE = 'FALSE'
const bool = (value: boolean): string => (value ? TRUE : FALSE)

function and(parts: string[]): string {
  if (parts.includes(FALSE)) return FALSE
  const kept = parts.filter((part) => part !== TRUE)
  if (kept.length === 0) return TRUE
  return kept.length === 1 ? kept[0]! : `(${kept.join(' AND ')})`
}

function or(parts: string[]): string {
  if (parts.includes(TRUE)) return TRUE
  const kept = parts.filter((part) => part !== FALSE)
  if (kept.length === 0) return FALSE
  return kept.length === 1 ? kept[0]! : `(${kept.join(' OR ')})`
}

/** The typed reading of one scalar value, whatever its source. */
interface ScalarView {
  isString: string
  string: string
  isNumber: string
  number: string
  isTrue: string
  isFalse: string
  isNull: string
}

const NUMBER_START = "('-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9')"

function jsonScalar(json: string, functions: JsonFunctions): ScalarView {
  const text = functions.text(json)
  const first = `substr(${text}, 1, 1)`
  return {
    isString: `${first} = '"'`,
    string: functions.stringOf(json),
    isNumber: `${first} IN ${NUMBER_START}`,
    number: `TRY_CAST(${text} AS DOUBLE)`,
    isTrue: `${text} = 'true'`,
    isFalse: `${text} = 'false'`,
    isNull: `${text} = 'null'`,
  }
}

function stringScalar(sql: string): ScalarView {
  return {isString: TRUE, string: sql, isNumber: FALSE, number: 'NULL', isTrue: FALSE, isFalse: FALSE, isNull: FALSE}
}

function booleanScalar(sql: string): ScalarView {
  return {isString: FALSE, string: 'NULL', isNumber: FALSE, number: 'NULL', isTrue: `${sql} = 'true'`, isFalse: `${sql} = 'false'`, isNull: FALSE}
}

/** `LIKE` text for a literal: `\`, `%` and `_` escaped, the ESCAPE character being `\`. */
const likeLiteral = (text: string): string => text.replace(/[\\%_]/g, (char) => `\\${char}`)

function like(subject: string, pattern: string): string {
  return `${subject} LIKE ${sqlString(pattern)} ESCAPE '\\'`
}

/** An EventBridge wildcard (`*` any run, `\*` a star, `\\` a backslash) as a LIKE pattern. */
export function wildcardLike(source: string): string {
  let out = ''
  for (let index = 0; index < source.length; index++) {
    const char = source[index]!
    if (char === '\\') {
      out += likeLiteral(source[index + 1]!)
      index++
    } else if (char === '*') {
      out += '%'
    } else {
      out += likeLiteral(char)
    }
  }
  return out
}

const numberLiteral = (value: number): string => (Number.isInteger(value) ? `${value}.0` : String(value))

function stringIn(view: ScalarView, values: string[], ignoreCase = false): string {
  if (values.length === 0) return FALSE
  const subject = ignoreCase ? `lower(${view.string})` : view.string
  const list = values.map((value) => (ignoreCase ? `lower(${sqlString(value)})` : sqlString(value))).join(', ')
  return and([view.isString, values.length === 1 ? `${subject} = ${list}` : `${subject} IN (${list})`])
}

function numberIn(view: ScalarView, values: number[]): string {
  if (values.length === 0) return FALSE
  const list = values.map(numberLiteral).join(', ')
  return and([view.isNumber, values.length === 1 ? `${view.number} = ${list}` : `${view.number} IN (${list})`])
}

function matcherSql(spec: MatcherSpec, view: ScalarView, context: PatternContext): string {
  switch (spec.op) {
    case 'prefix':
    case 'suffix': {
      const literal = likeLiteral(spec.value)
      const pattern = spec.op === 'prefix' ? `${literal}%` : `%${literal}`
      if (!spec.ignoreCase) return and([view.isString, like(view.string, pattern)])
      return and([view.isString, `lower(${view.string}) LIKE lower(${sqlString(pattern)}) ESCAPE '\\'`])
    }
    case 'equals-ignore-case':
      return stringIn(view, [spec.value], true)
    case 'wildcard':
      return and([view.isString, like(view.string, wildcardLike(spec.value))])
    case 'numeric': {
      const parts = [view.isNumber]
      if (spec.equals !== undefined) parts.push(`${view.number} = ${numberLiteral(spec.equals)}`)
      if (spec.low) parts.push(`${view.number} ${spec.low.inclusive ? '>=' : '>'} ${numberLiteral(spec.low.value)}`)
      if (spec.high) parts.push(`${view.number} ${spec.high.inclusive ? '<=' : '<'} ${numberLiteral(spec.high.value)}`)
      return and(parts)
    }
    case 'exists':
      return bool(spec.value)
    case 'cidr':
      return and([view.isString, cidrSql(view.string, spec.value, context.functions, context.policy)])
    case 'never':
      return FALSE
    case 'anything-but': {
      let excluded: string
      if (spec.kind === 'values') {
        excluded = or([
          stringIn(view, spec.values.filter((value): value is string => typeof value === 'string')),
          numberIn(view, spec.values.filter((value): value is number => typeof value === 'number')),
        ])
      } else if (spec.kind === 'equals-ignore-case') {
        excluded = stringIn(view, spec.values, true)
      } else {
        const patterns = spec.values.map((value) =>
          spec.kind === 'prefix' ? `${likeLiteral(value)}%` : spec.kind === 'suffix' ? `%${likeLiteral(value)}` : wildcardLike(value),
        )
        excluded = and([view.isString, or(patterns.map((pattern) => like(view.string, pattern)))])
      }
      return excluded === FALSE ? TRUE : excluded === TRUE ? FALSE : `NOT ${excluded}`
    }
  }
}

function leafAccepts(leaf: SqlLeaf, view: ScalarView, context: PatternContext): string {
  const strings = leaf.values.filter((value): value is string => typeof value === 'string')
  const numbers = leaf.values.filter((value): value is number => typeof value === 'number')
  const has = (value: Scalar): boolean => leaf.values.includes(value)
  return or([
    stringIn(view, strings),
    numberIn(view, numbers),
    has(true) ? view.isTrue : FALSE,
    has(false) ? view.isFalse : FALSE,
    has(null) ? view.isNull : FALSE,
    ...leaf.matchers.map((spec) => matcherSql(spec, view, context)),
  ])
}

/** The node on a scalar: its leaf accepts the value, and what is below sees nothing. */
function onScalar(node: SqlNode, view: ScalarView, context: PatternContext): string {
  return and([node.leaf ? leafAccepts(node.leaf, view, context) : TRUE, bool(belowAbsent(node))])
}

/** The node on an object: a leaf there sees the path as absent; children and `$or` groups read its fields. */
function onObject(node: SqlNode, field: FieldAccess, context: PatternContext): string {
  const parts: string[] = []
  if (node.leaf && !leafOnObject(node.leaf)) return FALSE
  for (const child of node.children) parts.push(testValue(child.node, field(child.key), context))
  for (const group of node.ors) parts.push(or(group.map((branch) => onObject(branch, field, context))))
  return and(parts)
}

function jsonField(json: string, context: PatternContext): FieldAccess {
  return (key) => {
    if (!SAFE_KEY.test(key)) throw new SqlCompileError(`field name ${JSON.stringify(key)}`, context.policy, 'only letters, digits and _ have one JSONPath spelling in every engine')
    return {kind: 'json', sql: context.functions.child(json, key)}
  }
}

function caseOf(branches: [string, string][], otherwise: string): string {
  // Constant branches stay, so the CASE keeps its order of tests.
  return `(CASE ${branches.map(([when, then]) => `WHEN ${when} THEN ${then}`).join(' ')} ELSE ${otherwise} END)`
}

/**
 * The node on a JSON value of any type: EventBridge's testNode. A scalar is decided by its leaf; an
 * object or an array goes through one any-element test (an object being a list of itself), so that
 * what is below appears once in the SQL, not once per shape.
 */
function testJson(node: SqlNode, json: string, context: PatternContext): string {
  const functions = context.functions
  const text = functions.text(json)
  const first = `substr(${text}, 1, 1)`
  const absent = bool(absentOutcome(node))
  const list = `(CASE WHEN ${first} = '[' THEN ${functions.elements(json)} ELSE ${functions.singleton(json)} END)`
  const element = context.nextVariable()
  const probe = context.nextVariable()
  const elementText = functions.text(element)
  const isEmpty = (value: string): string => `${functions.text(value)} IN ('[]', '{}')`
  // An empty array or object beside values holds nothing and is skipped, as in `testElements`.
  const skip = `(${first} = '[' AND ${functions.length(list)} > 1 AND ${functions.anyMatch(list, probe, `NOT ${isEmpty(probe)}`)})`
  const perElement = caseOf(
    [
      [`${skip} AND ${isEmpty(element)}`, FALSE],
      [`${elementText} = '[]'`, absent],
      // Arrays directly inside arrays are not followed (see MAX_NESTED_ARRAYS in docs/events.md).
      [`substr(${elementText}, 1, 1) = '['`, FALSE],
      [`substr(${elementText}, 1, 1) = '{'`, onObject(node, jsonField(element, context), context)],
    ],
    onScalar(node, jsonScalar(element, functions), context),
  )
  return caseOf(
    [
      [`${json} IS NULL`, absent],
      [`${text} = '[]'`, absent],
      [`${first} NOT IN ('[', '{')`, onScalar(node, jsonScalar(json, functions), context)],
    ],
    `coalesce(${functions.anyMatch(list, element, perElement)}, FALSE)`,
  )
}

/** The SQL truth of a pattern node over a value, never NULL. */
export function testValue(node: SqlNode, value: ValueRef, context: PatternContext): string {
  const absent = bool(absentOutcome(node))
  switch (value.kind) {
    case 'json':
      return testJson(node, value.sql, context)
    case 'string':
      return caseOf([[`${value.sql} IS NULL`, absent]], onScalar(node, stringScalar(value.sql), context))
    case 'boolean-text':
      return caseOf([[`${value.sql} IS NULL`, absent]], onScalar(node, booleanScalar(value.sql), context))
    case 'object':
      if (value.sql === undefined) return onObject(node, value.field, context)
      return caseOf([[`${value.sql} IS NULL`, absent]], onObject(node, value.field, context))
    case 'object-array': {
      const functions = context.functions
      const each = onObject(node, value.field(value.variable), context)
      return caseOf([[`${value.sql} IS NULL OR ${functions.length(value.sql)} = 0`, absent]], `coalesce(${functions.anyMatch(value.sql, value.variable, each)}, FALSE)`)
    }
  }
}

/** The truth of a whole pattern over a record whose top-level fields `record` reads. */
export function patternSql(root: SqlNode, record: FieldAccess, context: PatternContext): string {
  return onObject(root, record, context)
}
