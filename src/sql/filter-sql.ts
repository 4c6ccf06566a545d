import {compileFilterPattern, type FilterNode, type Step} from '../policy/filter-pattern.js'
import {sqlString, SqlCompileError} from './dialect.js'
import type {FieldAccess, PatternContext, ValueRef} from './pattern-sql.js'
import {wildcardLike} from './pattern-sql.js'

/**
 * A CloudWatch Logs filter pattern as SQL, with the semantics of `filter-pattern.ts`: a selector
 * reaches one value (array steps are indexes, no any-element), a comparison on a missing value is
 * false, and an object or array never compares.
 */
export function filterSql(source: string, record: FieldAccess, context: PatternContext): string {
  let tree: FilterNode
  try {
    tree = compileFilterPattern(source).tree
  } catch (error) {
    throw new SqlCompileError('filter pattern', context.policy, (error as Error).message)
  }
  return node(tree, record, context)
}

interface FilterView {
  present: string
  isString: string
  string: string
  isNumber: string
  number: string
  /** Compared with 'null', 'true', 'false' for IS. */
  text: string
  isContainer: string
}

function viewOf(value: ValueRef, selector: string, context: PatternContext): FilterView {
  if (value.kind === 'json') {
    const functions = context.functions
    const text = functions.text(value.sql)
    const first = `substr(${text}, 1, 1)`
    return {
      present: `${value.sql} IS NOT NULL`,
      isString: `${first} = '"'`,
      string: functions.stringOf(value.sql),
      isNumber: `${first} IN ('-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9')`,
      number: `TRY_CAST(${text} AS DOUBLE)`,
      text,
      isContainer: `${first} IN ('{', '[')`,
    }
  }
  if (value.kind === 'string') return {present: `${value.sql} IS NOT NULL`, isString: 'TRUE', string: value.sql, isNumber: 'FALSE', number: 'NULL', text: "''", isContainer: 'FALSE'}
  if (value.kind === 'boolean-text') return {present: `${value.sql} IS NOT NULL`, isString: 'FALSE', string: 'NULL', isNumber: 'FALSE', number: 'NULL', text: value.sql, isContainer: 'FALSE'}
  throw new SqlCompileError(`filter pattern selector $.${selector}`, context.policy, `the ${context.functions.name} table holds it as a STRUCT, which a filter pattern does not compare`)
}

function node(tree: FilterNode, record: FieldAccess, context: PatternContext): string {
  if (tree.kind !== 'comparison') return `(${tree.operands.map((operand) => node(operand, record, context)).join(tree.kind === 'and' ? ' AND ' : ' OR ')})`
  const view = viewOf(select(tree.path, tree.selector, record, context), tree.selector, context)
  const {present, isString, string, isNumber, number, text} = view
  const operand = tree.operand
  const guard = (sql: string): string => `coalesce(${sql}, FALSE)`
  switch (tree.operator) {
    case 'NOT EXISTS':
      return `NOT (${present})`
    case 'IS':
      return guard(`(${present} AND ${text} = ${sqlString(operand.kind === 'null' ? 'null' : operand.kind === 'true' ? 'true' : 'false')})`)
    case '<':
    case '<=':
    case '>':
    case '>=':
      if (operand.kind !== 'number') throw new SqlCompileError(`filter pattern comparison ${tree.selector} ${tree.operator}`, context.policy, 'compares numbers only')
      return guard(`(${present} AND ${isNumber} AND ${number} ${tree.operator} ${operand.value})`)
    default: {
      let equals: string
      switch (operand.kind) {
        case 'regex':
          throw new SqlCompileError(`filter pattern regular expression %${operand.source}%`, context.policy, 'the engines read regular expressions differently from CloudWatch Logs; no SQL form is given')
        case 'wildcard': {
          const pattern = sqlString(filterWildcardLike(operand.text))
          equals = `((${isString} AND ${string} LIKE ${pattern} ESCAPE '\\') OR (${isNumber} AND ${text} LIKE ${pattern} ESCAPE '\\'))`
          break
        }
        case 'number':
          // A string value equals the number as written; the parse tree keeps its value, written back here.
          equals = `((${isString} AND ${string} = ${sqlString(String(operand.value))}) OR (${isNumber} AND ${number} = ${operand.value}))`
          break
        case 'literal':
          equals = `(${isString} AND ${string} = ${sqlString(operand.text)})`
          break
        default:
          equals = 'FALSE'
      }
      if (tree.operator === '=') return guard(`(${present} AND ${equals})`)
      // `!=`: present, not an object or array; null and booleans differ from any string or number.
      return guard(`(${present} AND NOT ${view.isContainer} AND NOT ((${isString} OR ${isNumber}) AND ${equals}))`)
    }
  }
}

/** Filter-pattern wildcards: `*` any run, `\*` a literal star; other characters literal. */
function filterWildcardLike(text: string): string {
  return wildcardLike(text.replace(/\\(?!\*)/g, '\\\\'))
}

function select(path: Step[], selector: string, record: FieldAccess, context: PatternContext): ValueRef {
  const [head, ...rest] = path
  if (typeof head !== 'string') throw new SqlCompileError(`filter pattern selector $.${selector}`, context.policy, 'a selector starts with a field')
  let value: ValueRef = record(head)
  for (const step of rest) value = stepInto(value, step, selector, context)
  return value
}

function stepInto(value: ValueRef, step: Step, selector: string, context: PatternContext): ValueRef {
  if (value.kind === 'json') {
    if (typeof step === 'number') return {kind: 'json', sql: context.functions.index(value.sql, step)}
    return {kind: 'json', sql: context.functions.child(value.sql, step)}
  }
  if (value.kind === 'object' && typeof step === 'string') return value.field(step)
  throw new SqlCompileError(`filter pattern selector $.${selector}`, context.policy, `the ${context.functions.name} table has no JSON value to index at ${String(step)}`)
}
