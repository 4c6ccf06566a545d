import {describeValue, unknownReason} from './describe.js'
import {leafAccepts, type Scalar} from './matchers.js'
import type {Child, PatternNode} from './tree.js'
import {and} from './truth.js'
import type {LeafReport, Truth} from './types.js'
import {appendAll} from '../../util/arrays.js'

type Json = Record<string, unknown>

/**
 * The value a child of the pattern sees in a document object. A document may spell a path with dots
 * (`{"a.b": 1}` for `{a: {b: 1}}`); when the plain key is missing, the dotted spellings are gathered
 * into a view so both forms match alike. (A document holding both spellings of one path is not
 * merged: trailgate's documents never do.)
 */
function lookup(object: Json, child: Child): unknown {
  const direct = child.ownOnly ? (Object.hasOwn(object, child.key) ? object[child.key] : undefined) : object[child.key]
  if (direct !== undefined || child.dotted.length === 0) return direct
  let view: Json | undefined
  const cut = child.key.length + 1
  for (const spelling of child.dotted) {
    if (!Object.hasOwn(object, spelling)) continue
    view ??= Object.create(null) as Json
    view[spelling.slice(cut)] = object[spelling]
  }
  return view
}

/**
 * Any element decides the node; nested arrays are walked with a stack, not recursion, because their
 * depth is the data's (hostile input can nest thousands deep), not the pattern's.
 */
function testElements(node: PatternNode, array: unknown[]): Truth {
  // An empty array or object beside values holds nothing: the path is present (`[[], 1]` is not absent).
  const skipEmpty = array.length > 1 && !holdsNothing(array)
  let result: Truth = false
  const stack: {items: unknown[]; next: number}[] = [{items: array, next: 0}]
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!
    if (top.next >= top.items.length) {
      stack.pop()
      continue
    }
    const item = top.items[top.next++]
    if (skipEmpty && isEmptyLeaf(item)) continue
    if (Array.isArray(item) && item.length > 0) {
      stack.push({items: item, next: 0})
      continue
    }
    const truth = Array.isArray(item) ? node.absent : testNode(node, item)
    if (truth === true) return true
    if (truth === 'unknown') result = 'unknown'
  }
  return result
}

/**
 * Decides a node against a value. Arrays are any-of, and a whole node is decided within one array
 * element: that is EventBridge's array consistency (two fields matched in different elements of
 * the same array do not make a match). It holds for `exists: false` too, so
 * `{Trails: {Name: [x], KmsKeyId: [{exists: false}]}}` asks for one trail named x without a key.
 */
export function testNode(node: PatternNode, value: unknown): Truth {
  if (value === undefined) return node.absent
  if (typeof value !== 'object' || value === null) {
    if (node.leaf !== null && !leafAccepts(node.leaf, value as Scalar)) return false
    return node.belowAbsent
  }
  if (Array.isArray(value)) return value.length === 0 ? node.absent : testElements(node, value)
  if ('$unknown' in value) return node.unknown
  // An object is not a leaf value: a value array here sees the path as absent.
  if (node.leaf !== null && !node.leaf.onAbsent) return false
  let result: Truth = true
  const children = node.children
  for (let index = 0; index < children.length; index++) {
    const child = children[index]!
    const truth = testNode(child.node, lookup(value as Json, child))
    if (truth === false) return false
    if (truth === 'unknown') result = 'unknown'
  }
  for (const group of node.ors) {
    let groupTruth: Truth = false
    for (const branch of group) {
      const truth = testNode(branch, value)
      if (truth === true) {
        groupTruth = true
        break
      }
      if (truth === 'unknown') groupTruth = 'unknown'
    }
    if (groupTruth === false) return false
    if (groupTruth === 'unknown') result = 'unknown'
  }
  return result
}

function isEmptyLeaf(value: unknown): boolean {
  if (Array.isArray(value)) return value.length === 0
  return typeof value === 'object' && value !== null && !('$unknown' in value) && Object.keys(value).length === 0
}

/** An empty array or object (nested empties too): EventBridge sees no value in it. Walked with a stack, like testElements. */
function holdsNothing(value: unknown): boolean {
  const stack: unknown[] = [value]
  while (stack.length > 0) {
    const item = stack.pop()
    if (Array.isArray(item)) {
      for (let index = 0; index < item.length; index++) stack.push(item[index])
    } else if (!isEmptyLeaf(item)) {
      return false
    }
  }
  return true
}

export interface Trace {
  failures: LeafReport[]
  matched: LeafReport[]
  unknowns: LeafReport[]
}

export const newTrace = (): Trace => ({failures: [], matched: [], unknowns: []})

const join = (path: string, key: string | number): string => (path === '' ? String(key) : `${path}.${key}`)

function record(trace: Trace, truth: Truth, report: LeafReport): void {
  if (truth === true) trace.matched.push(report)
  else if (truth === false) trace.failures.push(report)
  else trace.unknowns.push(report)
}

/** Same outcome as `testNode`, recording every leaf it judges. */
export function explainNode(node: PatternNode, value: unknown, path: string, trace: Trace): Truth {
  if (value === undefined) return explainAbsent(node, path, trace, 'missing')
  if (typeof value !== 'object' || value === null) {
    let truth: Truth = true
    if (node.leaf !== null) {
      truth = leafAccepts(node.leaf, value as Scalar)
      record(trace, truth, {path, expected: node.leaf.text, actual: describeValue(value)})
    }
    return and(truth, explainBelowAbsent(node, path, trace))
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return explainAbsent(node, path, trace, '[]')
    if (node.leaf !== null && node.children.length === 0 && node.ors.length === 0) {
      // A value array against a list of values: one report for the list, not one per element.
      const truth = testNode(node, value)
      const hit = truth === true ? value.find((item) => testNode(node, item) === true) : value
      record(trace, truth, {path, expected: node.leaf.text, actual: describeValue(hit)})
      return truth
    }
    const skipEmpty = value.length > 1 && value.some((item) => !holdsNothing(item))
    const kept = value.map((item, index) => ({item, index})).filter(({item}) => !(skipEmpty && holdsNothing(item)))
    return explainGroup(
      kept.map(({item, index}) => (sub: Trace) => explainNode(node, item, join(path, index), sub)),
      'closest',
      trace,
    )
  }
  if ('$unknown' in value) return explainUnknown(node, path, unknownReason(value as {$unknown: unknown}), trace)
  let truth: Truth = true
  if (node.leaf !== null) {
    truth = node.leaf.onAbsent
    record(trace, truth, {path, expected: node.leaf.text, actual: describeValue(value)})
  }
  for (const child of node.children) {
    truth = and(truth, explainNode(child.node, lookup(value as Json, child), join(path, child.key), trace))
  }
  for (const group of node.ors) {
    truth = and(truth, explainGroup(group.map((branch) => (sub: Trace) => explainNode(branch, value, path, sub)), 'all', trace))
  }
  return truth
}

function explainAbsent(node: PatternNode, path: string, trace: Trace, actual: string): Truth {
  let truth: Truth = true
  if (node.leaf !== null) {
    truth = node.leaf.onAbsent
    record(trace, truth, {path, expected: node.leaf.text, actual})
  }
  return and(truth, explainBelowAbsent(node, path, trace))
}

function explainBelowAbsent(node: PatternNode, path: string, trace: Trace): Truth {
  let truth: Truth = true
  for (const child of node.children) truth = and(truth, explainAbsent(child.node, join(path, child.key), trace, 'missing'))
  for (const group of node.ors) {
    truth = and(truth, explainGroup(group.map((branch) => (sub: Trace) => explainAbsent(branch, path, sub, 'missing')), 'all', trace))
  }
  return truth
}

/** Under an unknown value every leaf is unknown, except `exists`, which presence decides. */
function explainUnknown(node: PatternNode, path: string, reason: string, trace: Trace): Truth {
  if (node.leaf !== null) record(trace, node.leaf.onUnknown, {path, expected: node.leaf.text, actual: reason})
  const below = (inner: PatternNode, innerPath: string): void => {
    for (const child of inner.children) {
      const childPath = join(innerPath, child.key)
      if (child.node.leaf !== null) trace.unknowns.push({path: childPath, expected: child.node.leaf.text, actual: reason})
      below(child.node, childPath)
    }
    for (const group of inner.ors) for (const branch of group) below(branch, innerPath)
  }
  below(node, path)
  return node.unknown
}

/**
 * An OR over alternatives, each explained on its own trace. True keeps the first match; unknown keeps
 * the unknown leaves; false keeps either every branch's failures (`$or`) or, for array elements,
 * the element that came closest (fewest failed leaves). Alternatives are explained one at a time
 * and only what can still be kept is held, so an array of 71,000 trails is not 71,000 traces at once.
 */
function explainGroup(alternatives: ((sub: Trace) => Truth)[], onFalse: 'all' | 'closest', trace: Trace): Truth {
  const unknowns: LeafReport[] = []
  let undecided = false
  const failures: LeafReport[] = []
  let closest: LeafReport[] | undefined
  for (const run of alternatives) {
    const sub = newTrace()
    const truth = run(sub)
    if (truth === true) {
      appendAll(trace.matched, sub.matched)
      return true
    }
    if (truth === 'unknown') {
      undecided = true
      appendAll(unknowns, sub.unknowns)
    } else if (!undecided) {
      // Once an alternative is unknown, the group is at best unknown: failures are no longer kept.
      if (onFalse === 'all') appendAll(failures, sub.failures)
      else if (closest === undefined || sub.failures.length < closest.length) closest = sub.failures
    }
  }
  if (undecided) {
    appendAll(trace.unknowns, unknowns)
    return 'unknown'
  }
  appendAll(trace.failures, onFalse === 'all' ? failures : (closest ?? []))
  return false
}
