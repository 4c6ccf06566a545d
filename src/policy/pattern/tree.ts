import type {Leaf} from './matchers.js'
import type {Truth} from './types.js'

/**
 * A compiled pattern: a trie over the dotted path segments of its keys, so that nested keys and
 * dotted keys (`Status.IsLogging`) compile to the same node. A node is the AND of its leaf (the
 * value array for this path), its children and its `$or` groups.
 */
export interface PatternNode {
  leaf: Leaf | null
  children: Child[]
  /** Each group is an OR of branches that apply at this same path. */
  ors: PatternNode[][]
  /** Outcome when the path holds no value: precomputed, it never depends on the document. */
  absent: boolean
  /** Outcome of children and `$or` groups alone when the path holds a scalar. */
  belowAbsent: boolean
  /** Outcome when the value at the path is unknown. */
  unknown: Truth
}

export interface Child {
  key: string
  /** Keys that name Object.prototype members must be read as own properties only. */
  ownOnly: boolean
  node: PatternNode
  /** `key.sub.path` spellings under which a document may hold this child's fields. */
  dotted: string[]
}

export function emptyNode(): PatternNode {
  return {leaf: null, children: [], ors: [], absent: true, belowAbsent: true, unknown: true}
}

/** Fills in the precomputed outcomes and the dotted spellings, bottom-up. */
export function finishNode(node: PatternNode): void {
  for (const child of node.children) {
    finishNode(child.node)
    child.dotted = subPaths(child.node).map((path) => `${child.key}.${path}`)
    child.ownOnly = child.key in Object.prototype
  }
  for (const group of node.ors) for (const branch of group) finishNode(branch)
  const belowAbsent =
    node.children.every((child) => child.node.absent) && node.ors.every((group) => group.some((branch) => branch.absent))
  node.belowAbsent = belowAbsent
  node.absent = (node.leaf === null || node.leaf.onAbsent) && belowAbsent
  const hasBelow = node.children.length > 0 || node.ors.length > 0
  const leafUnknown: Truth = node.leaf === null ? true : node.leaf.onUnknown
  node.unknown = leafUnknown === false ? false : hasBelow ? 'unknown' : leafUnknown
}

function subPaths(node: PatternNode): string[] {
  const paths = new Set<string>()
  for (const child of node.children) {
    paths.add(child.key)
    for (const path of subPaths(child.node)) paths.add(`${child.key}.${path}`)
  }
  for (const group of node.ors) for (const branch of group) for (const path of subPaths(branch)) paths.add(path)
  return [...paths]
}
