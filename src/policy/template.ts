import {isUnknown} from '../model/types.js'
import {own} from '../util/dict.js'

const PLACEHOLDER = /\{\{\s*([\w.:|-]+)\s*\}\}/g

/**
 * Fills `{{Path}}` placeholders from the subject document (dotted paths, `Facts.*` included) and
 * `{{param}}` from the policy's params. `{{a|b}}` takes the first of the paths that has a value
 * (records name a caller by ARN, or only by user name). A missing value renders as `?` so a message
 * never lies.
 */
export function renderTemplate(template: string, document: unknown, params: Record<string, unknown>): string {
  return template.replace(PLACEHOLDER, (_whole, choices: string) => {
    for (const path of choices.split('|')) {
      const value = valueOf(path, document, params)
      if (value !== undefined && value !== null && value !== '') return display(value)
    }
    return '?'
  })
}

/**
 * The template for no subject in particular (a rule's help, the policy list): params show their
 * values, each subject placeholder reads `<Path>` so nothing looks filled in that is not.
 */
export function renderGeneric(template: string, params: Record<string, unknown>): string {
  return template.replace(PLACEHOLDER, (_whole, choices: string) => {
    const paths = choices.split('|')
    const fromParams = own(params, paths[0]!)
    return fromParams !== undefined ? display(fromParams) : `<${paths[0]!}>`
  })
}

function valueOf(path: string, document: unknown, params: Record<string, unknown>): unknown {
  const fromParams = own(params, path)
  return fromParams !== undefined ? fromParams : lookup(document, path)
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
