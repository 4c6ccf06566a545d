/**
 * SDK answers carry `Date` objects and `$metadata`; the snapshot wants what the AWS CLI prints:
 * ISO timestamp strings and only the API's own members.
 */
export function toPlainJson(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString()
  if (Array.isArray(value)) return value.map(toPlainJson)
  if (typeof value === 'object' && value !== null) {
    const plain: Record<string, unknown> = {}
    for (const [key, member] of Object.entries(value)) {
      if (key === '$metadata' || member === undefined) continue
      plain[key] = toPlainJson(member)
    }
    return plain
  }
  return value
}

export function toPlainRecord(value: unknown): Record<string, unknown> {
  const plain = toPlainJson(value)
  return typeof plain === 'object' && plain !== null && !Array.isArray(plain) ? (plain as Record<string, unknown>) : {}
}
