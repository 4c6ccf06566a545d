/**
 * Maps keyed by names that come from users' files and flags (policy ids, params, severities, tags,
 * CloudFormation parameters and mappings). They have no prototype, so `__proto__`, `constructor` and
 * `prototype` are names like any other and never a way to `Object.prototype`.
 */
export type Dict<T> = Record<string, T>

export function dict<T>(entries?: Iterable<readonly [string, T]>): Dict<T> {
  const result = Object.create(null) as Dict<T>
  if (entries) for (const [key, value] of entries) result[key] = value
  return result
}

/** The value stored under `key` itself, never one inherited from `Object.prototype`. */
export function own<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined
}
