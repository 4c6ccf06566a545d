import type {Diagnostic, Location} from '../model/types.js'
import type {PathSegment, PositionedDocument} from '../util/positions.js'

/**
 * Locations of every field under `path`, keyed by the dotted path the subject document will use
 * (`prefix` + relative path). Scalars inside arrays are left out: a 250-value resource list is
 * pointed at as a whole.
 */
export function fieldLocations(doc: PositionedDocument, path: readonly PathSegment[], value: unknown, prefix = ''): Record<string, Location> {
  const fields: Record<string, Location> = {}
  const visit = (current: unknown, at: readonly PathSegment[], key: string): void => {
    if (key !== '') fields[key] = doc.locate(at)
    if (Array.isArray(current)) {
      current.forEach((item, index) => {
        if (typeof item === 'object' && item !== null) visit(item, [...at, index], join(key, String(index)))
      })
    } else if (typeof current === 'object' && current !== null) {
      for (const [name, child] of Object.entries(current)) visit(child, [...at, name], join(key, name))
    }
  }
  visit(value, path, prefix)
  return fields
}

function join(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}.${name}`
}

export function diagnosticAt(location: Location, message: string, code: string, severity: 'error' | 'warning' = 'error'): Diagnostic {
  const diagnostic: Diagnostic = {severity, code, message, file: location.file, line: location.line, column: location.column}
  if (location.endLine !== undefined) diagnostic.endLine = location.endLine
  if (location.endColumn !== undefined) diagnostic.endColumn = location.endColumn
  return diagnostic
}

/** `"yes"`, `42`, `[…]`: how a wrong value is quoted in a message. */
export function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'an array'
  if (value === null) return 'null'
  if (typeof value === 'object') return 'an object'
  return JSON.stringify(value)
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
