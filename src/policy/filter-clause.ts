import {compileFilterPattern, type CompiledFilterPattern} from './filter-pattern.js'
import type {LeafReport, MatchResult} from './pattern.js'

/** A CloudWatch Logs filter pattern as a clause the judge can explain, like an EventBridge pattern. */
export function filterPatternClause(text: string): {match(document: unknown): MatchResult} {
  const compiled = compileFilterPattern(text)
  return {match: (document) => explainFilter(compiled, document)}
}

function explainFilter(compiled: CompiledFilterPattern, document: unknown): MatchResult {
  const value = compiled.test(document)
  const leaves: LeafReport[] = compiled.selectors.map((path) => ({path, expected: `to satisfy ${compiled.source}`, actual: showValue(read(document, path))}))
  return {value, failures: value ? [] : leaves, matched: value ? leaves : [], unknowns: []}
}

function read(document: unknown, path: string): unknown {
  let current = document
  for (const step of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined
    current = (current as Record<string, unknown>)[step]
  }
  return current
}

function showValue(value: unknown): string {
  return value === undefined ? 'missing' : JSON.stringify(value)
}
