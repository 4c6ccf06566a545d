import {gunzipSync, gzipSync} from 'node:zlib'

import fc from 'fast-check'
import YAML, {isMap, isScalar, isSeq, type Document, type Node} from 'yaml'

import type {FuzzFixture, Layout} from './catalogue.js'

/** One element of a fixed list (fc.constantFrom would need the list spread into a call). */
function oneOf<T>(list: readonly T[]): fc.Arbitrary<T> {
  return fc.nat({max: list.length - 1}).map((index) => list[index]!)
}

/**
 * A mutation is a small plain recipe, not the mutated bytes: a counterexample prints in a line and
 * replays exactly, even when the bytes it makes are megabytes.
 */
export type Replacement =
  | {type: 'json'; value: null | boolean | number | string | [] | Record<string, never> | [null] | {$unknown: string}}
  /** Text that JSON.stringify cannot produce: numbers beyond a double, negative zero. */
  | {type: 'raw-number'; text: '1e999' | '-1e999' | '-0' | '1e-400' | '123456789012345678901234567890'}
  | {type: 'huge-string'; kib: number; char: string}
  | {type: 'deep'; depth: number; shape: 'array' | 'object'}
  /** A string value whose bytes are not UTF-8. */
  | {type: 'invalid-utf8'}
  /** Nested YAML aliases (a "billion laughs"): nine per level, `levels` deep; a syntax error in JSON. */
  | {type: 'alias-bomb'; levels: number}

export type Mutation =
  | {kind: 'truncate'; permille: number}
  | {kind: 'flip-byte'; permille: number; byte: number}
  | {kind: 'encoding'; as: 'utf8-bom' | 'utf16le-bom' | 'utf16be-bom' | 'utf16le' | 'invalid-utf8-at' | 'nul-byte-at'; permille: number}
  | {kind: 'replace'; node: number; with: Replacement}
  | {kind: 'hostile-key'; node: number; key: string; with: Replacement}
  | {kind: 'delete-key'; node: number}
  | {kind: 'repeat'; node: number; times: number}

/** Only gzipped fixtures: how the compressed container is damaged after the content mutation. */
export type Container = 'gzip' | 'gzip-truncated' | 'gzip-trailing-garbage' | 'gzip-two-members' | 'not-gzip'

export interface Recipe {
  fixture: string
  mutations: Mutation[]
  /** JSON Lines: which line the value mutations apply to. */
  line?: number
  container?: Container
}

export const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '', '$unknown', 'a.b', '\u0000', '💥', 'Fn::GetAtt', 'Ref'] as const

const permille = fc.integer({min: 0, max: 1000})

/**
 * How big the hostile values get. `quick` keeps each case to a fraction of a second for `npm test`;
 * `full` reaches the sizes real attacks use, still within what one case may hold in memory.
 */
export type Scale = 'quick' | 'full'
const SIZES = {
  quick: {kib: [16, 256], depth: [10, 2000], times: [2, 50]},
  full: {kib: [64, 2048], depth: [50, 100_000], times: [2, 2000]},
} as const

export function replacementArb(scale: Scale): fc.Arbitrary<Replacement> {
  const size = SIZES[scale]
  return fc.oneof(
    fc.constantFrom<Replacement>(
      {type: 'json', value: null},
      {type: 'json', value: true},
      {type: 'json', value: false},
      {type: 'json', value: 0},
      {type: 'json', value: -1},
      {type: 'json', value: 1.5},
      {type: 'json', value: ''},
      {type: 'json', value: 'x'},
      {type: 'json', value: []},
      {type: 'json', value: {}},
      {type: 'json', value: [null]},
      {type: 'json', value: {$unknown: 'fuzz'}},
      {type: 'json', value: '\u0000\u001b[31m\r\n'},
      {type: 'json', value: '\ud800'},
      {type: 'json', value: 'arn:aws:cloudtrail:us-east-1:123456789012:trail/x'},
      {type: 'raw-number', text: '1e999'},
      {type: 'raw-number', text: '-1e999'},
      {type: 'raw-number', text: '-0'},
      {type: 'raw-number', text: '1e-400'},
      {type: 'raw-number', text: '123456789012345678901234567890'},
      {type: 'invalid-utf8'},
    ),
    fc.record({type: fc.constant('huge-string' as const), kib: fc.integer({min: size.kib[0], max: size.kib[1]}), char: fc.constantFrom('a', 'é', '"', '\\', '\n', '💥')}),
    fc.record({type: fc.constant('alias-bomb' as const), levels: fc.integer({min: 2, max: 9})}),
    fc.record({type: fc.constant('deep' as const), depth: fc.integer({min: size.depth[0], max: size.depth[1]}), shape: fc.constantFrom('array' as const, 'object' as const)}),
  )
}

const nodeIndex = fc.nat({max: 10_000})

export function mutationArb(scale: Scale): fc.Arbitrary<Mutation> {
  const replacement = replacementArb(scale)
  const times = SIZES[scale].times
  return fc.oneof(
    {weight: 2, arbitrary: fc.record({kind: fc.constant('truncate' as const), permille})},
    {weight: 1, arbitrary: fc.record({kind: fc.constant('flip-byte' as const), permille, byte: fc.integer({min: 0, max: 255})})},
    {weight: 2, arbitrary: fc.record({kind: fc.constant('encoding' as const), as: fc.constantFrom('utf8-bom' as const, 'utf16le-bom' as const, 'utf16be-bom' as const, 'utf16le' as const, 'invalid-utf8-at' as const, 'nul-byte-at' as const), permille})},
    {weight: 5, arbitrary: fc.record({kind: fc.constant('replace' as const), node: nodeIndex, with: replacement})},
    {weight: 3, arbitrary: fc.record({kind: fc.constant('hostile-key' as const), node: nodeIndex, key: oneOf(HOSTILE_KEYS), with: replacement})},
    {weight: 2, arbitrary: fc.record({kind: fc.constant('delete-key' as const), node: nodeIndex})},
    {weight: 1, arbitrary: fc.record({kind: fc.constant('repeat' as const), node: nodeIndex, times: fc.integer({min: times[0], max: times[1]})})},
  )
}

export function recipeArb(fixtures: readonly FuzzFixture[], scale: Scale = 'full'): fc.Arbitrary<Recipe> {
  const mutation = mutationArb(scale)
  return oneOf(fixtures).chain((fixture) =>
    fc.record(
      {
        fixture: fc.constant(fixture.id),
        mutations: fc.array(mutation, {minLength: 1, maxLength: 3}),
        ...(fixture.layout === 'jsonl' ? {line: fc.nat({max: 20})} : {}),
        ...(fixture.layout === 'gzip-json' ? {container: fc.constantFrom<Container>('gzip', 'gzip', 'gzip', 'gzip-truncated', 'gzip-trailing-garbage', 'gzip-two-members', 'not-gzip')} : {}),
      },
      {requiredKeys: ['fixture', 'mutations']},
    ),
  )
}

// --- applying a recipe ----------------------------------------------------------------------------

/** The most one mutated file may hold: hostile, yet a case the fuzzer can build and run many times. */
export const MAX_CASE_BYTES = 16 * 2 ** 20

export class OversizedRecipe extends Error {}

/** A repeat of big items is cut short rather than building gigabytes in the fuzzer itself. */
function repeatsWithin(itemBytes: number, times: number): number {
  return Math.max(1, Math.min(times, Math.floor(MAX_CASE_BYTES / Math.max(1, itemBytes))))
}

const RAW = (n: number) => `@@FUZZRAW${n}@@`
const INVALID_UTF8_MARK = '@@FUZZBYTES@@'
const INVALID_UTF8 = Buffer.from([0x22, 0x6f, 0xff, 0xfe, 0xc3, 0x28, 0x6b, 0x22])

/** The value mutations act on the text, the byte mutations on the encoded bytes; this keeps both. */
interface Staged {
  text: string
  raws: string[]
}

function rawText(replacement: Replacement): string | undefined {
  switch (replacement.type) {
    case 'raw-number':
      return replacement.text
    case 'deep':
      return replacement.shape === 'array' ? `${'['.repeat(replacement.depth)}1${']'.repeat(replacement.depth)}` : `${'{"a":'.repeat(replacement.depth)}1${'}'.repeat(replacement.depth)}`
    case 'alias-bomb': {
      const levels = Array.from({length: replacement.levels}, (_, level) => `&fuzz${level} [${Array(9).fill(level === 0 ? 'lol' : `*fuzz${level - 1}`).join(', ')}]`)
      return `[${levels.join(', ')}]`
    }
    default:
      return undefined
  }
}

/** The value a replacement stands for in a parsed tree: raw text goes in through a marker string. */
function replacementValue(replacement: Replacement, raws: string[]): unknown {
  if (replacement.type === 'json') return structuredClone(replacement.value)
  if (replacement.type === 'huge-string') return replacement.char.repeat(Math.ceil((replacement.kib * 1024) / Buffer.byteLength(replacement.char)))
  if (replacement.type === 'invalid-utf8') return INVALID_UTF8_MARK
  raws.push(rawText(replacement) ?? '')
  return RAW(raws.length - 1)
}

type Json = null | boolean | number | string | Json[] | {[key: string]: Json}
interface Slot {
  parent: Json[] | {[key: string]: Json} | undefined
  key: string | number
  value: Json
}

function slots(root: Json): Slot[] {
  const out: Slot[] = [{parent: undefined, key: 0, value: root}]
  // Iterative: the fixtures are shallow, but a second mutation may walk a deep first one.
  for (let i = 0; i < out.length && out.length < 50_000; i++) {
    const value = out[i]!.value
    if (Array.isArray(value)) value.forEach((v, k) => out.push({parent: value, key: k, value: v}))
    else if (value && typeof value === 'object') for (const k of Object.keys(value)) out.push({parent: value, key: k, value: value[k]!})
  }
  return out
}

function setOwn(target: {[key: string]: Json}, key: string, value: Json): void {
  // An ordinary assignment of `__proto__` would change the prototype instead of adding the key.
  Object.defineProperty(target, key, {value, enumerable: true, writable: true, configurable: true})
}

function mutateJsonValue(root: Json, mutation: Mutation, raws: string[]): Json {
  const all = slots(root)
  const pick = <T>(list: T[], n: number): T | undefined => (list.length === 0 ? undefined : list[n % list.length])
  switch (mutation.kind) {
    case 'replace': {
      const slot = pick(all, mutation.node)!
      const value = replacementValue(mutation.with, raws) as Json
      if (!slot.parent) return value
      if (Array.isArray(slot.parent)) slot.parent[slot.key as number] = value
      else setOwn(slot.parent, slot.key as string, value)
      return root
    }
    case 'hostile-key': {
      const target = pick(all.filter((s) => s.value && typeof s.value === 'object' && !Array.isArray(s.value)), mutation.node)
      if (target) setOwn(target.value as {[key: string]: Json}, mutation.key, replacementValue(mutation.with, raws) as Json)
      return root
    }
    case 'delete-key': {
      const slot = pick(all.filter((s) => s.parent), mutation.node)
      if (!slot?.parent) return root
      if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 1)
      else delete slot.parent[slot.key as string]
      return root
    }
    case 'repeat': {
      const list = pick(all.filter((s) => Array.isArray(s.value) && s.value.length > 0), mutation.node)
      if (!list) return root
      const items = list.value as Json[]
      const copy = [...items]
      for (let i = 1; i < repeatsWithin(JSON.stringify(copy).length, mutation.times); i++) for (const item of copy) items.push(structuredClone(item))
      return root
    }
    default:
      return root
  }
}

function mutateYamlDocument(doc: Document, mutation: Mutation, raws: string[]): void {
  const nodes: {node: Node; parent: Node | undefined; index: number}[] = []
  const walk = (node: Node | null | undefined, parent: Node | undefined, index: number): void => {
    if (!node || nodes.length > 50_000) return
    nodes.push({node, parent, index})
    if (isMap(node) || isSeq(node)) node.items.forEach((item, i) => (isMap(node) ? walk((item as {value: Node | null}).value, node, i) : walk(item as Node, node, i)))
  }
  walk(doc.contents as Node | null, undefined, 0)
  const pick = <T>(list: T[], n: number): T | undefined => (list.length === 0 ? undefined : list[n % list.length])
  const replaceAt = (entry: {parent: Node | undefined; index: number}, node: Node): void => {
    if (!entry.parent) doc.contents = node as Document['contents']
    else if (isMap(entry.parent)) (entry.parent.items[entry.index] as {value: unknown}).value = node
    else if (isSeq(entry.parent)) entry.parent.items[entry.index] = node
  }
  switch (mutation.kind) {
    case 'replace': {
      const entry = pick(nodes, mutation.node)
      if (entry) replaceAt(entry, doc.createNode(replacementValue(mutation.with, raws)))
      return
    }
    case 'hostile-key': {
      const map = pick(nodes.filter((n) => isMap(n.node)), mutation.node)
      if (map && isMap(map.node)) map.node.items.push(doc.createPair(mutation.key, replacementValue(mutation.with, raws)))
      return
    }
    case 'delete-key': {
      const entry = pick(nodes.filter((n) => n.parent), mutation.node)
      if (entry && (isMap(entry.parent) || isSeq(entry.parent))) entry.parent.items.splice(entry.index, 1)
      return
    }
    case 'repeat': {
      const seq = pick(nodes.filter((n) => isSeq(n.node) && n.node.items.length > 0), mutation.node)
      if (!seq || !isSeq(seq.node)) return
      const copy = [...seq.node.items]
      for (let i = 1; i < repeatsWithin(String(seq.node).length, mutation.times); i++) for (const item of copy) seq.node.items.push(isScalar(item) ? item.clone() : (item as Node).clone())
      return
    }
    default:
      return
  }
}

function isValueMutation(mutation: Mutation): boolean {
  return mutation.kind === 'replace' || mutation.kind === 'hostile-key' || mutation.kind === 'delete-key' || mutation.kind === 'repeat'
}

function mutateText(text: string, layout: Layout, mutations: Mutation[], line: number | undefined, staged: Staged): string {
  const values = mutations.filter(isValueMutation)
  if (values.length === 0) return text
  if (layout === 'jsonl') {
    const lines = text.split('\n')
    const at = (line ?? 0) % lines.length
    lines[at] = mutateText(lines[at]!, 'json', values, undefined, staged)
    return lines.join('\n')
  }
  if (layout === 'yaml') {
    const doc = YAML.parseDocument(text, {uniqueKeys: false})
    for (const mutation of values) mutateYamlDocument(doc, mutation, staged.raws)
    return doc.toString({lineWidth: 0})
  }
  let root: Json
  try {
    root = JSON.parse(text) as Json
  } catch {
    return text
  }
  for (const mutation of values) root = mutateJsonValue(root, mutation, staged.raws)
  return JSON.stringify(root, null, 2)
}

function spliceRaws(text: string, raws: string[]): string {
  let size = text.length
  for (const match of text.matchAll(/@@FUZZRAW(\d+)@@/g)) size += raws[Number(match[1])]?.length ?? 0
  if (size > MAX_CASE_BYTES) throw new OversizedRecipe(`the mutated file would hold ${size} characters`)
  return text.replace(/["']?@@FUZZRAW(\d+)@@["']?/g, (_, n: string) => raws[Number(n)] ?? '')
}

function encode(text: string, mutations: Mutation[]): Buffer {
  let bytes: Buffer = Buffer.from(text, 'utf8')
  const mark = Buffer.from(`"${INVALID_UTF8_MARK}"`)
  for (let at = bytes.indexOf(mark); at >= 0; at = bytes.indexOf(mark)) bytes = Buffer.concat([bytes.subarray(0, at), INVALID_UTF8, bytes.subarray(at + mark.length)])
  const position = (p: number) => Math.floor((bytes.length * p) / 1000)
  for (const mutation of mutations) {
    if (mutation.kind === 'truncate') bytes = bytes.subarray(0, position(mutation.permille))
    else if (mutation.kind === 'flip-byte' && bytes.length > 0) {
      bytes = Buffer.from(bytes)
      bytes[Math.min(position(mutation.permille), bytes.length - 1)] = mutation.byte
    } else if (mutation.kind === 'encoding') bytes = reencode(bytes, mutation.as, position(mutation.permille))
  }
  return bytes
}

function reencode(bytes: Buffer, as: Extract<Mutation, {kind: 'encoding'}>['as'], at: number): Buffer {
  const text = bytes.toString('utf8')
  switch (as) {
    case 'utf8-bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes])
    case 'utf16le-bom':
      return Buffer.from(`\ufeff${text}`, 'utf16le')
    case 'utf16le':
      return Buffer.from(text, 'utf16le')
    case 'utf16be-bom':
      return Buffer.from(`\ufeff${text}`, 'utf16le').swap16()
    case 'invalid-utf8-at':
      return Buffer.concat([bytes.subarray(0, at), Buffer.from([0xff, 0xc3, 0x28]), bytes.subarray(at)])
    case 'nul-byte-at':
      return Buffer.concat([bytes.subarray(0, at), Buffer.from([0]), bytes.subarray(at)])
  }
}

function contain(content: Buffer, container: Container | undefined): Buffer {
  switch (container ?? 'gzip') {
    case 'gzip':
      return gzipSync(content)
    case 'gzip-truncated': {
      const zipped = gzipSync(content)
      return zipped.subarray(0, Math.max(10, Math.floor(zipped.length / 2)))
    }
    case 'gzip-trailing-garbage':
      return Buffer.concat([gzipSync(content), Buffer.from('not gzip at all\n')])
    case 'gzip-two-members': {
      const half = Math.floor(content.length / 2)
      return Buffer.concat([gzipSync(content.subarray(0, half)), gzipSync(content.subarray(half))])
    }
    case 'not-gzip':
      return content
  }
}

/** The fixture's bytes after the recipe: value mutations on the parsed text, then the byte ones. */
export function applyRecipe(fixture: FuzzFixture, original: Buffer, recipe: Recipe): Buffer {
  const gzipped = fixture.layout === 'gzip-json'
  const text = (gzipped ? gunzipSync(original) : original).toString('utf8')
  const staged: Staged = {text, raws: []}
  const mutated = spliceRaws(mutateText(text, gzipped ? 'json' : fixture.layout, recipe.mutations, recipe.line, staged), staged.raws)
  const bytes = encode(mutated, recipe.mutations)
  return gzipped ? contain(bytes, recipe.container) : bytes
}
