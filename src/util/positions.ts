import {
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Document,
  type DocumentOptions,
  type Node,
  type ParseOptions,
  type SchemaOptions,
  visit,
} from 'yaml'

import {DEFAULT_LIMITS, tooDeep} from '../model/limits.js'
import type {Diagnostic, Location} from '../model/types.js'
import {parseYamlDocument, YamlDepthError} from './yaml-document.js'

export type PathSegment = string | number

/** A YAML or JSON text parsed with its source positions kept, so that any value can be pointed at. */
export interface PositionedDocument {
  file: string
  value: unknown
  /** The yaml document, when the text was parsed as YAML (JSON evidence is parsed by a faster reader). */
  doc?: Document
  /** Location of the value at `path` (whole node range). Falls back to the nearest existing ancestor. */
  locate(path: readonly PathSegment[]): Location
  /** Location of the key of the pair at `path` (for "unknown key" errors), else of the value. */
  locateKey(path: readonly PathSegment[]): Location
  /** True when a node exists at `path`. */
  has(path: readonly PathSegment[]): boolean
}

export interface ParseResult {
  document?: PositionedDocument
  diagnostics: Diagnostic[]
}

type YamlOptions = ParseOptions & DocumentOptions & SchemaOptions

/**
 * The `yaml` package's own bound on alias expansion (its default): a few aliases are fine, a
 * "billion laughs" document whose aliases multiply into millions of nodes is refused.
 */
export const MAX_ALIAS_COUNT = 100

/** The error for a document whose aliases expand past MAX_ALIAS_COUNT, at its first alias. */
export function aliasCountDiagnostic(doc: Document, file: string, at: (offset: number) => {line: number; column: number}): Diagnostic {
  let first: number | undefined
  visit(doc, {
    Alias: (_key, node) => {
      first = node.range?.[0]
      return visit.BREAK
    },
  })
  return {
    severity: 'error',
    code: 'yaml-alias-count',
    file,
    ...at(first ?? 0),
    message: `YAML aliases here expand past ${MAX_ALIAS_COUNT} copies (an alias bomb?); the file was not read`,
  }
}

/** The error for a document nested past the depth limit, at the token that went past it. */
export function depthDiagnostic(file: string, position: {line: number; column: number}, limit: number): Diagnostic {
  return {severity: 'error', code: 'max-depth', file, ...position, message: `This value is ${tooDeep(limit)}; the file was not read`}
}

/** True when the document uses an alias anywhere. */
export function hasAlias(doc: Document): boolean {
  let found = false
  visit(doc, {
    Alias: () => {
      found = true
      return visit.BREAK
    },
  })
  return found
}

/**
 * Parses YAML (and therefore JSON, a subset of YAML 1.2) keeping positions. Syntax errors, duplicate
 * keys and unresolved tags become diagnostics at file:line:column; the document is still returned
 * when the parser could recover, so callers may report more than the first problem.
 */
export function parseWithPositions(text: string, file: string, options: YamlOptions = {}, maxDepth: number = DEFAULT_LIMITS.maxDepth): ParseResult {
  const lineCounter = new LineCounter()
  const at = (offset: number): {line: number; column: number} => {
    const pos = lineCounter.linePos(offset)
    return {line: pos.line, column: pos.col}
  }
  let doc: Document.Parsed
  try {
    doc = parseYamlDocument(text, {lineCounter, prettyErrors: false, keepSourceTokens: false, ...options}, maxDepth)
  } catch (error) {
    if (!(error instanceof YamlDepthError)) throw error
    return {diagnostics: [depthDiagnostic(file, at(error.offset), error.limit)]}
  }
  const diagnostics: Diagnostic[] = []
  for (const error of doc.errors) {
    diagnostics.push({severity: 'error', code: `yaml-${error.code.toLowerCase()}`, file, ...at(error.pos[0]), message: cleanMessage(error.message)})
  }
  for (const warning of doc.warnings) {
    diagnostics.push({severity: 'error', code: `yaml-${warning.code.toLowerCase()}`, file, ...at(warning.pos[0]), message: cleanMessage(warning.message)})
  }
  if (doc.errors.length > 0) return {diagnostics}

  const rangeOf = (node: Node | undefined | null): Location | undefined => {
    const range = node?.range
    if (!range) return undefined
    const start = at(range[0])
    // A block collection's range ends at column 1 of the next line; point at the last real character.
    let endOffset = range[1]
    while (endOffset > range[0] && /\s/.test(text[endOffset - 1] ?? '')) endOffset--
    const end = at(endOffset)
    return {file, line: start.line, column: start.column, endLine: end.line, endColumn: end.column}
  }

  const walk = (path: readonly PathSegment[]): {node?: Node; keyNode?: Node; depth: number} => {
    let node: Node | undefined = doc.contents ?? undefined
    let keyNode: Node | undefined
    let depth = 0
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((item) => isPair(item) && keyText(item.key) === String(segment))
        if (!pair) break
        keyNode = pair.key as Node
        node = (pair.value ?? pair.key) as Node
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment]
        if (!item) break
        keyNode = undefined
        node = item as Node
      } else {
        break
      }
      depth++
    }
    return {node, keyNode, depth}
  }

  let value: unknown
  try {
    value = doc.toJS({maxAliasCount: MAX_ALIAS_COUNT})
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error
    return {diagnostics: [...diagnostics, aliasCountDiagnostic(doc, file, at)]}
  }
  const fallback: Location = {file, line: 1, column: 1}
  const document: PositionedDocument = {
    file,
    value,
    doc,
    locate: (path) => rangeOf(walk(path).node) ?? fallback,
    locateKey: (path) => {
      const found = walk(path)
      if (found.depth === path.length && found.keyNode) return rangeOf(found.keyNode) ?? fallback
      return rangeOf(found.node) ?? fallback
    },
    has: (path) => walk(path).depth === path.length,
  }
  return {document, diagnostics}
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value)
  if (typeof key === 'string' || typeof key === 'number') return String(key)
  return undefined
}

function cleanMessage(message: string): string {
  // The yaml package appends "at line N, column M" and a code excerpt; the diagnostic carries both already.
  return message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '').trim()
}
