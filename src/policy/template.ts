import {isUnknown} from '../model/types.js'
import {own} from '../util/dict.js'

/**
 * Fills `{{Path}}` placeholders from the subject document (dotted paths, `Facts.*` included) and
 * `{{param}}` from the policy's params. A missing value renders as `?` so a message never lies.
 */
export function renderTemplate(template: string, document: unknown, params: Record<string, unknown>): string {
  return template.replace(/\{\{\s*([\w.:-]+)\s*\}\}/g, (_whole, path: string) => {
    const fromParams = own(params, path)
    const value = fromParams !== undefined ? fromParams : lookup(document, path)
    return display(value)
  })
}

export function lookup(document: unknown, path: string): unknown {
  let current: unknown = document
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined
    current = own(current as Record<string, unknown>, segment)
  }
  return current
}

export function display(value: unknown): string {
  if (value === undefined) return '?'
  if (isUnknown(value)) return typeof value.$unknown === 'string' ? `(${value.$unknown})` : '(unknown)'
  if (Array.isArray(value)) return value.map(display).join(', ')
  if (value !== null && typeof value === 'object') return JSON.stringify(value)
  return String(value)
}
