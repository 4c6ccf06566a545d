/**
 * GitHub Actions workflow commands (`::error file=…,line=…::message`), written to standard output.
 * The runner reads one command per line, so data and properties are escaped as GitHub documents:
 * `%`, `\r` and `\n` everywhere, and also `:` and `,` inside properties.
 */

export type AnnotationLevel = 'error' | 'warning' | 'notice'

export interface AnnotationProperties {
  title?: string
  file?: string
  line?: number
  endLine?: number
  col?: number
  endColumn?: number
}

export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

// The order GitHub's own toolkit writes them in, so logs read the same as other actions'.
const PROPERTY_ORDER: (keyof AnnotationProperties)[] = ['title', 'file', 'line', 'endLine', 'col', 'endColumn']

export function command(name: string, properties: AnnotationProperties, message: string): string {
  const pairs = PROPERTY_ORDER.filter((key) => properties[key] !== undefined && properties[key] !== '').map((key) => `${key}=${escapeProperty(String(properties[key]))}`)
  return `::${name}${pairs.length > 0 ? ` ${pairs.join(',')}` : ''}::${escapeData(message)}`
}

export function annotation(level: AnnotationLevel, message: string, properties: AnnotationProperties = {}): string {
  return command(level, properties, message)
}

/** Asks the runner to replace `secret` with `***` in every later log line. */
export function addMask(secret: string): string {
  return `::add-mask::${escapeData(secret)}`
}
