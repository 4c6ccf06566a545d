/**
 * The few JSON and list functions whose names differ between the engines. Everything else the
 * compiled SQL uses (CASE, LIKE … ESCAPE, lower, split_part, TRY_CAST, IN) is common to Trino and DuckDB.
 */
export type DialectName = 'athena' | 'cloudtrail-lake' | 'duckdb'

export const DIALECTS: readonly DialectName[] = ['athena', 'cloudtrail-lake', 'duckdb']

export interface JsonFunctions {
  name: DialectName
  /** The JSON value under an object key; SQL NULL when absent or when `json` is not an object. */
  child(json: string, key: string): string
  /** The JSON value at an array index; SQL NULL when absent. */
  index(json: string, position: number): string
  /** A JSON value as its JSON text (`"a"`, `1`, `null`, `{…}`). */
  text(json: string): string
  /** The content of a JSON string value. */
  stringOf(json: string): string
  /** A one-element list holding a JSON value. */
  singleton(json: string): string
  /** A JSON array as a list of JSON values. */
  elements(json: string): string
  /** True when some element of `list` satisfies `predicate` (which reads the element as `variable`). */
  anyMatch(list: string, variable: string, predicate: string): string
  /** Elements in a list. */
  length(list: string): string
  /** Whole-text regular expression match (the expression is anchored at both ends). */
  regexpLike(text: string, regex: string): string
  /** Parses JSON text into a JSON value. */
  parse(text: string): string
}

export const sqlString = (text: string): string => `'${text.replace(/'/g, "''")}'`

/** A JSONPath member step that both engines read alike; other keys have no portable spelling. */
export const SAFE_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/

const trino = (name: DialectName): JsonFunctions => ({
  name,
  child: (json, key) => `json_extract(${json}, ${sqlString(`$.${key}`)})`,
  index: (json, position) => `json_extract(${json}, ${sqlString(`$[${position}]`)})`,
  text: (json) => `json_format(${json})`,
  stringOf: (json) => `json_extract_scalar(${json}, '$')`,
  elements: (json) => `CAST(${json} AS ARRAY(JSON))`,
  singleton: (json) => `ARRAY[${json}]`,
  anyMatch: (list, variable, predicate) => `any_match(${list}, ${variable} -> ${predicate})`,
  length: (list) => `cardinality(${list})`,
  regexpLike: (text, regex) => `regexp_like(${text}, ${sqlString(`^(?:${regex})$`)})`,
  parse: (text) => `json_parse(${text})`,
})

export const DUCKDB_FUNCTIONS: JsonFunctions = {
  name: 'duckdb',
  child: (json, key) => `json_extract(${json}, ${sqlString(`$.${key}`)})`,
  index: (json, position) => `json_extract(${json}, ${sqlString(`$[${position}]`)})`,
  text: (json) => `CAST(${json} AS VARCHAR)`,
  stringOf: (json) => `json_extract_string(${json}, '$')`,
  elements: (json) => `CAST(${json} AS JSON[])`,
  singleton: (json) => `[${json}]`,
  anyMatch: (list, variable, predicate) => `(len(list_filter(${list}, ${variable} -> ${predicate})) > 0)`,
  length: (list) => `len(${list})`,
  regexpLike: (text, regex) => `regexp_full_match(${text}, ${sqlString(regex)})`,
  parse: (text) => `json(${text})`,
}

export function functionsFor(dialect: DialectName): JsonFunctions {
  return dialect === 'duckdb' ? DUCKDB_FUNCTIONS : trino(dialect)
}

/** A construct the dialect has no SQL form for: the query would be looser, so there is none. */
export class SqlCompileError extends Error {
  constructor(
    readonly construct: string,
    readonly policy: string | undefined,
    detail: string,
  ) {
    super(`${policy ? `policy ${policy}: ` : ''}${construct}: ${detail}`)
    this.name = 'SqlCompileError'
  }
}
