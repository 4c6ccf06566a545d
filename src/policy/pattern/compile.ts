import {parseCidr} from './cidr.js'
import {formatScalar} from './describe.js'
import {PatternError} from './errors.js'
import {
  anythingButStrings,
  anythingButValues,
  anythingButWildcards,
  buildLeaf,
  cidrMatcher,
  equalsIgnoreCaseMatcher,
  existsMatcher,
  neverMatcher,
  numericMatcher,
  prefixMatcher,
  suffixMatcher,
  wildcardMatcher,
  type Bound,
  type Leaf,
  type Matcher,
  type Scalar,
} from './matchers.js'
import {emptyNode, finishNode, type PatternNode} from './tree.js'
import type {PatternPath} from './types.js'
import {parseWildcard, type Wildcard} from './wildcard.js'

/**
 * trailgate's own matcher, written only by params substitution: an empty list param leaves a value
 * array with nothing to match, which EventBridge cannot express (empty arrays are invalid).
 */
export const NEVER_MATCH_KEY = '$never'

export const MAX_OR_COMBINATIONS = 1000

type Json = Record<string, unknown>

export function isPlainObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value)

/** Compiles a pattern, collecting every error instead of stopping at the first. */
export function compileTree(pattern: unknown): {root: PatternNode; errors: PatternError[]} {
  const errors: PatternError[] = []
  const root = emptyNode()
  if (!isPlainObject(pattern)) {
    errors.push(new PatternError('Filter is not an object', []))
  } else if (Object.keys(pattern).length > 0) {
    // An empty top-level pattern is trailgate's "always": `when: {}` applies to every subject.
    new TreeCompiler(errors).object(pattern, [], root)
    const combinations = countCombinations(root)
    if (errors.length === 0 && combinations > MAX_OR_COMBINATIONS) {
      errors.push(new PatternError(`Rule is too complex - $or produces ${combinations} combinations, at most ${MAX_OR_COMBINATIONS} are allowed`, []))
    }
  }
  finishNode(root)
  return {root, errors}
}

function countCombinations(node: PatternNode): number {
  let count = 1
  for (const child of node.children) count *= countCombinations(child.node)
  for (const group of node.ors) count *= group.reduce((sum, branch) => sum + countCombinations(branch), 0)
  return count
}

/**
 * Names EventBridge keeps for its operators (event-ruler's RESERVED_FIELD_NAMES_IN_OR_RELATIONSHIP):
 * a pattern that uses one as a field name anywhere inside a `$or` branch is rejected.
 */
const RESERVED_IN_OR = new Set([
  'equals', 'equals-ignore-case', 'prefix', 'suffix', 'anything-but', 'exists', 'wildcard', 'numeric', 'cidr',
  '=', '<', '<=', '>', '>=',
  'regex', 'not-wildcard', 'not-equals-ignore-case',
  'date-after', 'date-on-or-after', 'date-before', 'date-on-or-before', 'in-date-range',
  'ip-address-in-range', 'ip-address-not-in-range',
])

class TreeCompiler {
  /** How many `$or` branches enclose the object being compiled. */
  private orDepth = 0

  constructor(private readonly errors: PatternError[]) {}

  private fail(message: string, path: PatternPath): undefined {
    this.errors.push(new PatternError(message, path))
    return undefined
  }

  object(pattern: Json, path: PatternPath, node: PatternNode): void {
    const keys = Object.keys(pattern)
    if (keys.length === 0) {
      this.fail('Empty objects are not allowed', path)
      return
    }
    for (const key of keys) {
      const value = pattern[key]
      const keyPath = [...path, key]
      if (this.orDepth > 0 && RESERVED_IN_OR.has(key)) {
        this.fail(`${key} is Ruler reserved fieldName which cannot be used inside $or.`, keyPath)
        continue
      }
      if (key === '$or') {
        this.or(value, keyPath, node)
      } else if (Array.isArray(value)) {
        // Duplicate paths (`a.b` beside `a: {b}`) keep the last, as EventBridge does with duplicate keys.
        descend(node, key).leaf = this.leaf(value, keyPath)
      } else if (isPlainObject(value)) {
        this.object(value, keyPath, descend(node, key))
      } else {
        this.fail(`"${key}" must be an object or an array`, keyPath)
      }
    }
  }

  private or(value: unknown, path: PatternPath, node: PatternNode): void {
    if (!Array.isArray(value)) {
      this.fail('It must be an Array followed with $or.', path)
      return
    }
    const branches: PatternNode[] = []
    value.forEach((branch, index) => {
      if (!isPlainObject(branch)) {
        this.fail('Only JSON object is allowed in array of $or relationship.', [...path, index])
        return
      }
      const branchNode = emptyNode()
      this.orDepth++
      this.object(branch, [...path, index], branchNode)
      this.orDepth--
      branches.push(branchNode)
    })
    if (value.length < 2) this.fail('There must have at least 2 Objects in $or relationship.', path)
    node.ors.push(branches)
  }

  private leaf(values: unknown[], path: PatternPath): Leaf {
    if (values.length === 0) this.fail('Empty arrays are not allowed', path)
    const scalars: Scalar[] = []
    const matchers: Matcher[] = []
    const texts: string[] = []
    values.forEach((value, index) => {
      if (value === null || typeof value === 'string' || typeof value === 'boolean' || isNumber(value)) {
        scalars.push(value)
        texts.push(formatScalar(value))
      } else if (isPlainObject(value)) {
        const matcher = this.matcher(value, [...path, index])
        if (matcher) {
          matchers.push(matcher)
          texts.push(matcher.text)
        }
      } else {
        this.fail('Match value must be String, number, true, false, or null', [...path, index])
      }
    })
    return buildLeaf(scalars, matchers, texts)
  }

  private matcher(expression: Json, path: PatternPath): Matcher | undefined {
    const keys = Object.keys(expression)
    if (keys.length === 0) return this.fail('Match expression name not found', path)
    if (keys.length > 1) return this.fail('Only one key allowed in match expression', path)
    const operator = keys[0]!
    const value = expression[operator]
    const at = [...path, operator]
    switch (operator) {
      case 'prefix':
      case 'suffix':
        return this.affix(operator, value, at)
      case 'equals-ignore-case':
        if (typeof value !== 'string') return this.fail('equals-ignore-case match pattern must be a string', at)
        return equalsIgnoreCaseMatcher(value)
      case 'wildcard': {
        const wildcard = this.wildcard(value, at)
        return wildcard && wildcardMatcher(value as string, wildcard)
      }
      case 'numeric':
        return this.numeric(value, at)
      case 'exists':
        if (typeof value !== 'boolean') return this.fail('exists match pattern must be either true or false.', at)
        return existsMatcher(value)
      case 'cidr': {
        // EventBridge reports a non-string CIDR with the prefix wording.
        if (typeof value !== 'string') return this.fail('prefix match pattern must be a string', at)
        const range = parseCidr(value)
        if ('error' in range) return this.fail(range.error, at)
        return cidrMatcher(value, range)
      }
      case 'anything-but':
        return this.anythingBut(value, at)
      case NEVER_MATCH_KEY:
        return neverMatcher(typeof value === 'string' ? value : 'an empty list')
      default:
        return this.fail(`Unrecognized match type ${operator}`, path)
    }
  }

  private affix(operator: 'prefix' | 'suffix', value: unknown, at: PatternPath): Matcher | undefined {
    const build = operator === 'prefix' ? prefixMatcher : suffixMatcher
    if (typeof value === 'string') return build(value, false)
    if (!isPlainObject(value)) return this.fail(`${operator} match pattern must be a string`, at)
    const keys = Object.keys(value)
    if (keys.length !== 1) return this.fail('Only one key allowed in match expression', at)
    if (keys[0] !== 'equals-ignore-case') return this.fail(`Unsupported anything-but pattern: ${keys[0]}`, [...at, keys[0]!])
    const text = value['equals-ignore-case']
    if (typeof text !== 'string') return this.fail('equals-ignore-case match pattern must be a string', [...at, 'equals-ignore-case'])
    return build(text, true)
  }

  private wildcard(value: unknown, at: PatternPath): Wildcard | undefined {
    if (typeof value !== 'string') return this.fail('wildcard match pattern must be a string', at)
    const wildcard = parseWildcard(value)
    if ('error' in wildcard) return this.fail(wildcard.error, at)
    return wildcard
  }

  private numeric(value: unknown, at: PatternPath): Matcher | undefined {
    if (!Array.isArray(value)) return this.fail('Value of numeric must be an array.', at)
    if (value.length === 0) return this.fail('Invalid member in numeric match: ]', at)
    const [operator, operand] = value as unknown[]
    const valueName = (op: string): string => (op === '=' ? 'equals' : op)
    if (typeof operator !== 'string') return this.fail(`Invalid member in numeric match: ${String(operator)}`, [...at, 0])
    if (!['=', '<', '<=', '>', '>='].includes(operator)) return this.fail(`Unrecognized numeric range operator: ${operator}`, [...at, 0])
    if (!isNumber(operand)) return this.fail(`Value of ${valueName(operator)} must be numeric`, [...at, 1])
    if (value.length === 2) {
      if (operator === '=') return numericMatcher(undefined, undefined, operand)
      const bound = {value: operand, inclusive: operator.endsWith('=')}
      return operator.startsWith('>') ? numericMatcher(bound, undefined, undefined) : numericMatcher(undefined, bound, undefined)
    }
    if (operator !== '>' && operator !== '>=') return this.fail('Too many elements in numeric expression', [...at, 2])
    const [, , upperOperator, upperOperand] = value as unknown[]
    if (typeof upperOperator !== 'string') return this.fail(`Bad value in numeric range: ${String(upperOperator)}`, [...at, 2])
    if (upperOperator !== '<' && upperOperator !== '<=') return this.fail(`Bad numeric range operator: ${upperOperator}`, [...at, 2])
    if (!isNumber(upperOperand)) return this.fail(`Value of ${upperOperator} must be numeric`, [...at, 3])
    if (upperOperand <= operand) return this.fail('Bottom must be less than top', [...at, 3])
    if (value.length > 4) return this.fail('Too many terms in numeric range expression', [...at, 4])
    const low: Bound = {value: operand, inclusive: operator === '>='}
    const high: Bound = {value: upperOperand, inclusive: upperOperator === '<='}
    return numericMatcher(low, high, undefined)
  }

  private anythingBut(value: unknown, at: PatternPath): Matcher | undefined {
    if (typeof value === 'string' || isNumber(value)) return anythingButValues([value])
    if (Array.isArray(value)) {
      if (value.length === 0) return this.fail('Empty arrays are not allowed', at)
      const bad = value.findIndex((item) => typeof item !== 'string' && !isNumber(item))
      if (bad >= 0) return this.fail('Inside anything but list, start|null|boolean is not supported.', [...at, bad])
      const kinds = new Set(value.map((item) => typeof item))
      if (kinds.size > 1) return this.fail('Inside anything but list, either all values are number or string, mixed type is not supported', at)
      return anythingButValues(value as (string | number)[])
    }
    if (!isPlainObject(value)) return this.fail('Value of anything-but must be an array or single string/number value.', at)
    const keys = Object.keys(value)
    if (keys.length === 0) return this.fail('Anything-but expression name not found', at)
    if (keys.length > 1) return this.fail('Only one key allowed in match expression', at)
    const inner = keys[0]!
    const innerValue = value[inner]
    const innerAt = [...at, inner]
    const list = typeof innerValue === 'string' ? [innerValue] : Array.isArray(innerValue) ? (innerValue as unknown[]) : undefined
    switch (inner) {
      case 'prefix':
      case 'suffix': {
        if (isPlainObject(innerValue)) return this.fail('Value of anything-but must be an array or single string/number value.', innerAt)
        if (!list || list.some((item) => typeof item !== 'string')) return this.fail('prefix/suffix match pattern must be a string', innerAt)
        if (list.length === 0) return this.fail('Empty arrays are not allowed', innerAt)
        if (list.includes('')) return this.fail('Null prefix/suffix not allowed', innerAt)
        return anythingButStrings(inner, list as string[])
      }
      case 'equals-ignore-case': {
        if (!list || list.some((item) => typeof item !== 'string')) {
          return this.fail('Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.', innerAt)
        }
        if (list.length === 0) return this.fail('Empty arrays are not allowed', innerAt)
        return anythingButStrings(inner, list as string[])
      }
      case 'wildcard': {
        if (!list) return this.fail('wildcard match pattern must be a string', innerAt)
        if (list.length === 0) return this.fail('Empty arrays are not allowed', innerAt)
        const wildcards: Wildcard[] = []
        list.forEach((item, index) => {
          const wildcard = this.wildcard(item, Array.isArray(innerValue) ? [...innerAt, index] : innerAt)
          if (wildcard) wildcards.push(wildcard)
        })
        if (wildcards.length !== list.length) return undefined
        return anythingButWildcards(list as string[], wildcards)
      }
      default:
        return this.fail(`Unsupported anything-but pattern: ${inner}`, innerAt)
    }
  }
}

function descend(node: PatternNode, key: string): PatternNode {
  let current = node
  for (const segment of key.split('.')) {
    let child = current.children.find((candidate) => candidate.key === segment)
    if (!child) {
      child = {key: segment, ownOnly: false, node: emptyNode(), dotted: []}
      current.children.push(child)
    }
    current = child.node
  }
  return current
}
