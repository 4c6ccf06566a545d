import {isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node as YamlNode} from 'yaml'

import {DEFAULT_LIMITS, tooDeep} from '../../model/limits.js'
import type {Location} from '../../model/types.js'
import {LineIndex} from '../../util/line-index.js'

/**
 * A parsed value with its source offsets. YAML and JSON inputs are both turned into this one shape,
 * so the code that reads templates and plans does not care which syntax the user wrote.
 */
export type PNode = PScalar | PMap | PSeq

interface PBase {
  start: number
  end: number
  /** A YAML local tag such as `!Ref`; absent for plain values and standard tags. */
  tag?: string
}

export interface PScalar extends PBase {
  kind: 'scalar'
  value: string | number | boolean | null
}

export interface PEntry {
  key: string
  keyStart: number
  value: PNode
}

export interface PMap extends PBase {
  kind: 'map'
  entries: PEntry[]
}

export interface PSeq extends PBase {
  kind: 'seq'
  items: PNode[]
}

export function entry(node: PNode | undefined, key: string): PEntry | undefined {
  if (node?.kind !== 'map') return undefined
  return node.entries.find((candidate) => candidate.key === key)
}

export function child(node: PNode | undefined, key: string | number): PNode | undefined {
  if (node === undefined) return undefined
  if (typeof key === 'number') return node.kind === 'seq' ? node.items[key] : undefined
  return entry(node, key)?.value
}

/** Line and column of one source file, and the spans of its nodes as locations in it. */
export class SourceIndex extends LineIndex {
  constructor(
    readonly file: string,
    text: string,
  ) {
    super(text)
  }

  span(start: number, end: number): Location {
    // A block collection ends at column 1 of the next line; point at its last real character instead.
    let last = end
    while (last > start && /\s/.test(this.text[last - 1] ?? '')) last--
    const from = this.position(start)
    const to = this.position(last)
    return {file: this.file, line: from.line, column: from.column, endLine: to.line, endColumn: to.column}
  }
}

/** Converts a `yaml` node (parsed from a slice that starts at `base` in the whole text) into a PNode. */
export function fromYaml(node: YamlNode | null | undefined, base: number, doc?: Document): PNode {
  // An alias stands for its anchored node (the caller has bounded how far aliases expand).
  if (isAlias(node) && doc !== undefined) return fromYaml(node.resolve(doc) as YamlNode | undefined, base, doc)
  const [start, end] = node?.range ?? [0, 0]
  const tag = node?.tag !== undefined && node.tag.startsWith('!') ? node.tag : undefined
  const common = tag === undefined ? {start: base + start, end: base + end} : {start: base + start, end: base + end, tag}
  if (isMap(node)) {
    const entries: PEntry[] = []
    for (const pair of node.items) {
      if (!isPair(pair)) continue
      const keyNode = pair.key as YamlNode | null
      const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode)
      const keyStart = base + (keyNode?.range?.[0] ?? start)
      const valueNode = pair.value as YamlNode | null
      entries.push({key, keyStart, value: valueNode ? fromYaml(valueNode, base, doc) : {kind: 'scalar', value: null, start: keyStart, end: keyStart}})
    }
    return {kind: 'map', entries, ...common}
  }
  if (isSeq(node)) return {kind: 'seq', items: node.items.map((item) => fromYaml(item as YamlNode, base, doc)), ...common}
  if (isScalar(node)) {
    const value = node.value
    const scalar = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null ? value : String(value)
    return {kind: 'scalar', value: scalar, ...common}
  }
  return {kind: 'scalar', value: null, ...common}
}

const KEYWORDS: [string, boolean | null][] = [['true', true], ['false', false], ['null', null]]
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y

/** Why a text is refused: bad syntax, a number out of range, or nesting past the depth limit. */
export type JsonProblem = 'json-syntax' | 'number-range' | 'max-depth'

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly code: JsonProblem = 'json-syntax',
  ) {
    super(message)
  }
}

/**
 * A small JSON parser that keeps offsets. Large templates and plans are mostly JSON (CDK output,
 * `terraform show -json`); this reads them about as fast as the bytes arrive, where a general YAML
 * parser would take seconds. Duplicate keys are reported through `onDuplicate`; the last one wins,
 * as with JSON.parse.
 */
export function parseJsonNodes(text: string, onDuplicate?: (key: string, offset: number) => void, maxDepth: number = DEFAULT_LIMITS.maxDepth): PNode {
  let at = 0
  const skip = (): void => {
    for (;;) {
      const code = text.charCodeAt(at)
      if (code === 32 || code === 10 || code === 13 || code === 9) at++
      else break
    }
  }
  const fail = (message: string, code?: JsonProblem): never => {
    throw new JsonSyntaxError(message, Math.min(at, text.length), code)
  }
  const readString = (): string => {
    const start = at
    at++
    let result = ''
    let chunkStart = at
    for (;;) {
      const code = text.charCodeAt(at)
      if (Number.isNaN(code)) {
        at = start
        return fail('Unterminated string')
      }
      if (code === 34) {
        result += text.slice(chunkStart, at)
        at++
        return result
      }
      if (code < 32) return fail('Control character in string')
      if (code === 92) {
        result += text.slice(chunkStart, at)
        const escape = text[at + 1]
        const simple: Record<string, string> = {'"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t'}
        if (escape !== undefined && escape in simple) {
          result += simple[escape]
          at += 2
        } else if (escape === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(at + 2, at + 6))) {
          result += String.fromCharCode(parseInt(text.slice(at + 2, at + 6), 16))
          at += 6
        } else {
          at++
          return fail('Bad escape in string')
        }
        chunkStart = at
        continue
      }
      at++
    }
  }
  // `depth` is the number of arrays and objects around the value; recursion stops at the limit.
  const readValue = (depth: number): PNode => {
    skip()
    const start = at
    const code = text.charCodeAt(at)
    if ((code === 123 || code === 91) && depth >= maxDepth) fail(`This value is ${tooDeep(maxDepth)}`, 'max-depth')
    if (code === 123) {
      at++
      const entries: PEntry[] = []
      const seen = new Map<string, number>()
      skip()
      if (text.charCodeAt(at) === 125) {
        at++
        return {kind: 'map', entries, start, end: at}
      }
      for (;;) {
        skip()
        if (text.charCodeAt(at) !== 34) fail('Expected a property name in double quotes')
        const keyStart = at
        const key = readString()
        skip()
        if (text.charCodeAt(at) !== 58) fail("Expected ':' after a property name")
        at++
        const value = readValue(depth + 1)
        const previous = seen.get(key)
        if (previous !== undefined) {
          onDuplicate?.(key, keyStart)
          entries[previous] = {key, keyStart, value}
        } else {
          seen.set(key, entries.length)
          entries.push({key, keyStart, value})
        }
        skip()
        const next = text.charCodeAt(at)
        at++
        if (next === 44) continue
        if (next === 125) return {kind: 'map', entries, start, end: at}
        at--
        fail("Expected ',' or '}' after a property value")
      }
    }
    if (code === 91) {
      at++
      const items: PNode[] = []
      skip()
      if (text.charCodeAt(at) === 93) {
        at++
        return {kind: 'seq', items, start, end: at}
      }
      for (;;) {
        items.push(readValue(depth + 1))
        skip()
        const next = text.charCodeAt(at)
        at++
        if (next === 44) continue
        if (next === 93) return {kind: 'seq', items, start, end: at}
        at--
        fail("Expected ',' or ']' after an array element")
      }
    }
    if (code === 34) return {kind: 'scalar', value: readString(), start, end: at}
    for (const [word, value] of KEYWORDS) {
      if (text.startsWith(word, at)) {
        at += word.length
        return {kind: 'scalar', value, start, end: at}
      }
    }
    NUMBER.lastIndex = at
    const number = NUMBER.exec(text)
    if (!number) return fail(Number.isNaN(code) ? 'Unexpected end of JSON input' : `Unexpected character '${text[at]}'`)
    const value = Number(number[0])
    // JSON.parse would read it as Infinity, which every report then shows as null.
    if (!Number.isFinite(value)) fail(`number out of range: ${clipped(number[0])} is too large for a number (it would be read as infinity)`, 'number-range')
    at += number[0].length
    return {kind: 'scalar', value, start, end: at}
  }
  if (text.charCodeAt(0) === 0xfeff) at = 1
  const root = readValue(0)
  skip()
  if (at < text.length) fail('Unexpected content after the JSON value')
  return root
}

function clipped(literal: string): string {
  return literal.length > 40 ? `${literal.slice(0, 20)}…${literal.slice(-12)}` : literal
}

/** The plain JS value of a node, tags ignored (callers that care about tags read them first). */
export function plain(node: PNode): unknown {
  if (node.kind === 'scalar') return node.value
  if (node.kind === 'seq') return node.items.map(plain)
  // fromEntries defines own properties, so a `__proto__` key stays a key and never sets the prototype.
  return Object.fromEntries(node.entries.map(({key, value}) => [key, plain(value)]))
}
