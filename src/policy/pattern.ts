/**
 * trailgate's pattern language: Amazon EventBridge event patterns, with EventBridge's semantics
 * (including array consistency and dotted-key joining), evaluated three-valued over documents that
 * may hold unknown values (`{"$unknown": "<reason>"}`), and explained per leaf.
 */
import {compileTree} from './pattern/compile.js'
import {explainNode, newTrace, testNode} from './pattern/evaluate.js'
import type {PatternError} from './pattern/errors.js'
import type {CompiledPattern, MatchResult, Truth} from './pattern/types.js'

export {PatternError} from './pattern/errors.js'
export {MAX_OR_COMBINATIONS, NEVER_MATCH_KEY} from './pattern/compile.js'
export type {CompiledPattern, LeafReport, MatchResult, PatternPath, Truth} from './pattern/types.js'

/** Compiles a pattern once for many documents. Throws the first PatternError of an invalid pattern. */
export function compilePattern(pattern: unknown): CompiledPattern {
  const {root, errors} = compileTree(pattern)
  if (errors.length > 0) throw errors[0]!
  return {
    source: pattern,
    test: (document: unknown): Truth => testNode(root, document),
    match(document: unknown): MatchResult {
      const trace = newTrace()
      const value = explainNode(root, document, '', trace)
      return {
        value,
        failures: value === false ? trace.failures : [],
        matched: value === true ? trace.matched : [],
        unknowns: value === 'unknown' ? trace.unknowns : [],
      }
    },
  }
}

/** Every error of a pattern, in pattern order; [] when it is valid. */
export function validatePattern(pattern: unknown): PatternError[] {
  return compileTree(pattern).errors
}
