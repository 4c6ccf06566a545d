import {isPlainObject, NEVER_MATCH_KEY} from '../policy/pattern/compile.js'
import {validatePattern} from '../policy/pattern.js'
import type {Scalar} from '../policy/pattern/matchers.js'
import {SqlCompileError} from './dialect.js'

/**
 * An event pattern as plain data for the SQL compiler: the same trie as the matcher's
 * (`pattern/tree.ts`) but keeping what each matcher was written with, which the matcher's closures hide.
 * The pattern is validated by the matcher's own compiler first, so this reads only valid patterns.
 */
export interface SqlNode {
  leaf: SqlLeaf | null
  children: {key: string; node: SqlNode}[]
  ors: SqlNode[][]
}

export interface SqlLeaf {
  values: Scalar[]
  matchers: MatcherSpec[]
}

export interface NumericBound {
  value: number
  inclusive: boolean
}

export type MatcherSpec =
  | {op: 'prefix' | 'suffix'; value: string; ignoreCase: boolean}
  | {op: 'equals-ignore-case'; value: string}
  | {op: 'wildcard'; value: string}
  | {op: 'numeric'; low?: NumericBound; high?: NumericBound; equals?: number}
  | {op: 'exists'; value: boolean}
  | {op: 'cidr'; value: string}
  | {op: 'never'}
  | {op: 'anything-but'; kind: 'values'; values: (string | number)[]}
  | {op: 'anything-but'; kind: 'prefix' | 'suffix' | 'equals-ignore-case' | 'wildcard'; values: string[]}

const emptyNode = (): SqlNode => ({leaf: null, children: [], ors: []})

/** Builds the tree of a substituted pattern; throws SqlCompileError when it is not a valid pattern. */
export function sqlTree(pattern: unknown, policy: string): SqlNode {
  const errors = validatePattern(pattern)
  if (errors.length > 0) throw new SqlCompileError('pattern', policy, errors[0]!.message)
  const root = emptyNode()
  if (isPlainObject(pattern)) object(pattern, root)
  return root
}

function object(pattern: Record<string, unknown>, node: SqlNode): void {
  for (const [key, value] of Object.entries(pattern)) {
    if (key === '$or') {
      node.ors.push((value as Record<string, unknown>[]).map((branch) => {
        const branchNode = emptyNode()
        object(branch, branchNode)
        return branchNode
      }))
    } else if (Array.isArray(value)) {
      descend(node, key).leaf = leaf(value)
    } else {
      object(value as Record<string, unknown>, descend(node, key))
    }
  }
}

function descend(node: SqlNode, key: string): SqlNode {
  let current = node
  for (const segment of key.split('.')) {
    let child = current.children.find((candidate) => candidate.key === segment)
    if (!child) {
      child = {key: segment, node: emptyNode()}
      current.children.push(child)
    }
    current = child.node
  }
  return current
}

function leaf(values: unknown[]): SqlLeaf {
  const scalars: Scalar[] = []
  const matchers: MatcherSpec[] = []
  for (const value of values) {
    if (isPlainObject(value)) matchers.push(matcher(value))
    else scalars.push(value as Scalar)
  }
  return {values: scalars, matchers}
}

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value])

function matcher(expression: Record<string, unknown>): MatcherSpec {
  const [operator, value] = Object.entries(expression)[0]!
  switch (operator) {
    case 'prefix':
    case 'suffix':
      if (typeof value === 'string') return {op: operator, value, ignoreCase: false}
      return {op: operator, value: (value as Record<string, string>)['equals-ignore-case']!, ignoreCase: true}
    case 'equals-ignore-case':
    case 'wildcard':
    case 'cidr':
      return {op: operator, value: value as string}
    case 'exists':
      return {op: 'exists', value: value as boolean}
    case 'numeric':
      return numeric(value as unknown[])
    case NEVER_MATCH_KEY:
      return {op: 'never'}
    default: {
      // anything-but, the only operator left once the pattern is valid.
      if (!isPlainObject(value)) return {op: 'anything-but', kind: 'values', values: asList(value) as (string | number)[]}
      const [inner, operand] = Object.entries(value)[0]!
      return {op: 'anything-but', kind: inner as 'prefix' | 'suffix' | 'equals-ignore-case' | 'wildcard', values: asList(operand) as string[]}
    }
  }
}

function numeric(terms: unknown[]): MatcherSpec {
  const [operator, operand, upperOperator, upperOperand] = terms as [string, number, string | undefined, number | undefined]
  if (operator === '=') return {op: 'numeric', equals: operand}
  const first: NumericBound = {value: operand, inclusive: operator.endsWith('=')}
  if (operator.startsWith('<')) return {op: 'numeric', high: first}
  if (upperOperator === undefined) return {op: 'numeric', low: first}
  return {op: 'numeric', low: first, high: {value: upperOperand!, inclusive: upperOperator === '<='}}
}

/** Outcome when the path holds no value, as `finishNode` computes it. */
export function absentOutcome(node: SqlNode): boolean {
  const onAbsent = node.leaf === null || node.leaf.matchers.some((spec) => spec.op === 'exists' && !spec.value)
  return onAbsent && belowAbsent(node)
}

export function belowAbsent(node: SqlNode): boolean {
  return node.children.every((child) => absentOutcome(child.node)) && node.ors.every((group) => group.some((branch) => absentOutcome(branch)))
}

/** Whether a leaf accepts an object (the path is then "absent" for the leaf). */
export function leafOnObject(leaf: SqlLeaf): boolean {
  return leaf.matchers.some((spec) => spec.op === 'exists' && !spec.value)
}
