import type {Diagnostic} from '../model/types.js'

export function formatDiagnostic(d: Diagnostic): string {
  const where = d.file ? `${d.file}${d.line ? `:${d.line}:${d.column ?? 1}` : ''}: ` : ''
  return `${where}${d.severity}: ${d.message}`
}

/** Diagnostics go to standard error, so standard output stays machine-readable. */
export function printDiagnostics(diagnostics: Diagnostic[]): void {
  for (const d of diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`)
}
