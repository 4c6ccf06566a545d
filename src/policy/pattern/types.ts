/** Three-valued truth: `'unknown'` when the outcome depends on a value that is not known. */
export type Truth = boolean | 'unknown'

/** One leaf of a pattern, judged against one document path. */
export interface LeafReport {
  /** Dotted document path; array elements appear as their index (`Trails.2.Status.IsLogging`). */
  path: string
  expected: string
  actual: string
}

export interface MatchResult {
  value: Truth
  /** When `value` is false: the leaves that failed (for arrays of objects, in the closest element). */
  failures: LeafReport[]
  /** When `value` is true: the leaves that matched. */
  matched: LeafReport[]
  /** When `value` is unknown: the leaves that depend on an unknown value, `actual` being its reason. */
  unknowns: LeafReport[]
}

export interface CompiledPattern {
  readonly source: unknown
  /** Decides the document and explains the outcome per leaf. */
  match(document: unknown): MatchResult
  /** Decides the document without building explanations: the fast path for large inputs. */
  test(document: unknown): Truth
}

/** Where something sits inside a pattern object: keys and array indexes from its root. */
export type PatternPath = (string | number)[]
