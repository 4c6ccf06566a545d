import {paramsFor} from '../events/event-policy.js'
import {substituteParams} from '../policy/params.js'
import type {Clause, Policy} from '../policy/types.js'
import {functionsFor, sqlString, SqlCompileError, type DialectName, type JsonFunctions} from './dialect.js'
import {filterSql} from './filter-sql.js'
import {patternSql, type PatternContext} from './pattern-sql.js'
import {sqlTree} from './pattern-tree.js'
import {jsonRecord, tableRecord, type RecordSource} from './sources.js'

/** The column DuckDB holds each record in (see `duckdbSource`). */
export const RECORD_COLUMN = 'record'

export interface SqlOptions {
  dialect: DialectName
  /** Athena: the table (default `cloudtrail_logs`); CloudTrail Lake: the event data store ID. */
  table?: string
  /** DuckDB: the files or globs to read (local paths or s3:// URLs). */
  paths?: string[]
}

/** The columns of every query: the same as trailgate's findings. */
export const FINDING_COLUMNS = ['policy', 'eventID', 'eventTime', 'account', 'region', 'who', 'what'] as const

function sourceFor(functions: JsonFunctions, policy: string): RecordSource {
  return functions.name === 'duckdb' ? jsonRecord(functions, RECORD_COLUMN, policy) : tableRecord(functions, policy)
}

/**
 * The condition under which a record fails the policy, combined as `quickVerdict` does: every
 * `when` matches, no `unless` does, and some `require` does not or some `forbid` does. With no
 * unknown values in a log record, the three-valued verdict is two-valued and `fail` is exactly this.
 */
export function failCondition(policy: Policy, params: Record<string, unknown> | undefined, dialect: DialectName): string {
  const {applies, violated} = policyConditions(policy, params, dialect)
  if (violated === 'FALSE') return 'FALSE'
  return applies === 'TRUE' ? violated : `${applies}\n  AND ${violated}`
}

/** `applies`: every `when` matches and no `unless` does; `violated`: some `require` does not match or some `forbid` does. */
export function policyConditions(policy: Policy, params: Record<string, unknown> | undefined, dialect: DialectName): {applies: string; violated: string} {
  if (policy.subject !== 'event') throw new SqlCompileError(`subject ${policy.subject}`, policy.id, 'only event policies have a SQL form')
  const functions = functionsFor(dialect)
  const values = paramsFor(policy, params)
  let variables = 0
  const context: PatternContext = {functions, policy: policy.id, nextVariable: () => `e${++variables}`}
  const source = sourceFor(functions, policy.id)
  const clause = (item: Clause): string => {
    if (typeof item === 'string') return filterSql(item, source.record, context)
    let pattern: unknown
    try {
      pattern = substituteParams(item, values)
    } catch (error) {
      throw new SqlCompileError('params', policy.id, (error as Error).message)
    }
    return `coalesce(${patternSql(sqlTree(pattern, policy.id), source.record, context)}, FALSE)`
  }
  const applies: string[] = [...policy.when.map(clause)]
  for (const item of policy.unless) applies.push(`NOT ${clause(item)}`)
  const violations = [...policy.require.map((item) => `NOT ${clause(item)}`), ...policy.forbid.map(clause)]
  return {
    applies: applies.length === 0 ? 'TRUE' : applies.join('\n  AND '),
    violated: violations.length === 0 ? 'FALSE' : violations.length === 1 ? violations[0]! : `(${violations.join('\n    OR ')})`,
  }
}

/** The SELECT list naming the failing record as trailgate's findings do. */
function findingColumns(policy: Policy, functions: JsonFunctions): string {
  const source = sourceFor(functions, policy.id)
  const text = (key: string): string => `NULLIF(${source.text(key)}, '')`
  const identity = (key: string): string =>
    functions.name === 'duckdb'
      ? `NULLIF(json_extract_string(${RECORD_COLUMN}, ${sqlString(`$.userIdentity.${key}`)}), '')`
      : `NULLIF(${functions.name === 'athena' ? 'useridentity' : 'userIdentity'}.${functions.name === 'athena' ? key.toLowerCase() : key}, '')`
  const time = functions.name === 'cloudtrail-lake' ? `CAST(${source.text('eventTime')} AS VARCHAR)` : text('eventTime')
  return [
    `${sqlString(policy.id)} AS policy`,
    `${text('eventID')} AS "eventID"`,
    `${time} AS "eventTime"`,
    `coalesce(${text('recipientAccountId')}, ${identity('accountId')}) AS account`,
    `${text('awsRegion')} AS region`,
    `coalesce(${identity('arn')}, ${identity('invokedBy')}, ${identity('type')}) AS who`,
    `${text('eventName')} AS what`,
  ].join(',\n  ')
}

/** DuckDB: every record of the files, one JSON value a row, with the file and the record's place in it. */
export function duckdbSource(paths: string[]): string {
  const list = `[${paths.map(sqlString).join(', ')}]`
  return [
    'records AS (',
    `  SELECT filename, unnest(range(len(Records))) AS record_index, unnest(Records) AS ${RECORD_COLUMN}`,
    `  FROM read_json(${list}, columns = {Records: 'JSON[]'}, format = 'auto', filename = true, maximum_object_size = 1073741824)`,
    ')',
  ].join('\n')
}

function fromClause(options: SqlOptions): string {
  if (options.dialect === 'duckdb') return 'records'
  if (options.dialect === 'athena') return options.table ?? 'cloudtrail_logs'
  if (!options.table) throw new SqlCompileError('FROM', undefined, 'a CloudTrail Lake query needs the event data store ID (--table)')
  return options.table
}

function select(policy: Policy, params: Record<string, unknown> | undefined, options: SqlOptions): string {
  const functions = functionsFor(options.dialect)
  return `SELECT\n  ${findingColumns(policy, functions)}\nFROM ${fromClause(options)}\nWHERE ${failCondition(policy, params, options.dialect)}`
}

function withSource(body: string, options: SqlOptions): string {
  if (options.dialect !== 'duckdb') return body
  return `WITH ${duckdbSource(options.paths ?? ['AWSLogs/**/*.json.gz'])}\n${body}`
}

/** One query for one policy, returning its findings. */
export function policyQuery(policy: Policy, params: Record<string, unknown> | undefined, options: SqlOptions): string {
  return `${withSource(select(policy, params, options), options)};`
}

/** One query for all the policies, their findings as one table. */
export function unionQuery(policies: Policy[], params: Record<string, Record<string, unknown>>, options: SqlOptions): string {
  if (policies.length === 0) throw new SqlCompileError('UNION ALL', undefined, 'no event policy is selected')
  return `${withSource(policies.map((policy) => select(policy, params[policy.id], options)).join('\nUNION ALL\n'), options)};`
}
