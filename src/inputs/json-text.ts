import type {Diagnostic} from '../model/types.js'
import {type ParseResult, type PathSegment, type PositionedDocument} from '../util/positions.js'
import {LineIndex} from '../util/line-index.js'
import {JsonSyntaxError, parseJsonNodes, SourceIndex, type PNode} from './cloudformation/nodes.js'

/**
 * Parses JSON keeping positions. JSON.parse decides validity first, so a syntax error gets the
 * message people know from JSON tools ("Unexpected end of JSON input") rather than a YAML one,
 * at the line and column where the text went wrong.
 */
export function parseJsonWithPositions(text: string, file: string, maxDepth?: number): ParseResult {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  let value: unknown
  try {
    value = JSON.parse(body)
  } catch (error) {
    return {diagnostics: [jsonSyntaxDiagnostic(body, file, error instanceof Error ? error.message : String(error))]}
  }
  // The text is valid JSON: a small offset-keeping reader is many times faster than a YAML parser,
  // which matters for snapshots of whole organizations.
  let duplicate: {key: string; offset: number} | undefined
  const index = new SourceIndex(file, body)
  let root: PNode
  try {
    root = parseJsonNodes(body, (key, offset) => (duplicate ??= {key, offset}), maxDepth)
  } catch (error) {
    // Valid for JSON.parse, refused here: a number out of range, or nesting past the depth limit.
    if (!(error instanceof JsonSyntaxError)) throw error
    return {diagnostics: [{severity: 'error', code: error.code === 'number-range' ? 'json-number-range' : error.code, file, ...index.position(error.offset), message: error.message}]}
  }
  if (duplicate) {
    return {diagnostics: [{severity: 'error', code: 'yaml-duplicate_key', file, ...index.position(duplicate.offset), message: 'Map keys must be unique'}]}
  }
  return {document: positionedJson(file, body, root, value, index), diagnostics: []}
}

function positionedJson(file: string, text: string, root: PNode, value: unknown, index: SourceIndex): PositionedDocument {
  const walk = (path: readonly PathSegment[]): {node: PNode; key?: {start: number; end: number}; depth: number} => {
    let node = root
    let key: {start: number; end: number} | undefined
    let depth = 0
    for (const segment of path) {
      if (node.kind === 'map') {
        const found = node.entries.find((candidate) => candidate.key === String(segment))
        if (!found) break
        key = {start: found.keyStart, end: stringEnd(text, found.keyStart)}
        node = found.value
      } else if (node.kind === 'seq' && typeof segment === 'number' && node.items[segment]) {
        key = undefined
        node = node.items[segment] as PNode
      } else {
        break
      }
      depth++
    }
    return {node, ...(key ? {key} : {}), depth}
  }
  return {
    file,
    value,
    locate: (path) => {
      const {node} = walk(path)
      return index.span(node.start, node.end)
    },
    locateKey: (path) => {
      const found = walk(path)
      if (found.depth === path.length && found.key) return index.span(found.key.start, found.key.end)
      return index.span(found.node.start, found.node.end)
    },
    has: (path) => walk(path).depth === path.length,
  }
}

/** The offset just after the JSON string that starts at `start` (its opening quote). */
function stringEnd(text: string, start: number): number {
  let at = start + 1
  while (at < text.length) {
    const code = text.charCodeAt(at)
    if (code === 92) at += 2
    else if (code === 34) return at + 1
    else at++
  }
  return text.length
}

export function jsonSyntaxDiagnostic(text: string, file: string, rawMessage: string): Diagnostic {
  const offset = errorOffset(text, rawMessage)
  const {line, column} = new LineIndex(text).position(offset)
  // V8 names what it expected next even when the text simply stops; say that the text stops.
  const message = offset >= endOfContent(text) ? 'Unexpected end of JSON input' : cleanJsonMessage(rawMessage)
  return {severity: 'error', code: 'json-syntax', file, line, column, message}
}

function errorOffset(text: string, message: string): number {
  const position = /at position (\d+)/.exec(message)
  if (position) return Number(position[1])
  if (/Unexpected end of JSON input/.test(message)) return endOfContent(text)
  return firstSyntaxErrorOffset(text) ?? endOfContent(text)
}

function endOfContent(text: string): number {
  let end = text.length
  while (end > 0 && /\s/.test(text[end - 1] ?? '')) end--
  return end
}

function cleanJsonMessage(message: string): string {
  // V8 appends the offset and a quote of the whole text; the diagnostic carries the position instead.
  return message
    .replace(/ in JSON at position \d+(?: \(line \d+ column \d+\))?/, '')
    .replace(/, "[\s\S]*" is not valid JSON$/, '')
    .replace(/^Unexpected token '(.)', "[\s\S]*$/, "Unexpected token '$1'")
}

/** Offset of the first character that makes `text` invalid JSON, for messages V8 gives no position for. */
export function firstSyntaxErrorOffset(text: string): number | undefined {
  let index = 0
  class Stop extends Error {}
  const fail = (): never => {
    throw new Stop()
  }
  const skipSpace = (): void => {
    while (index < text.length && ' \t\n\r'.includes(text[index] ?? '')) index++
  }
  const literal = (word: string): void => {
    for (const char of word) {
      if (text[index] !== char) fail()
      index++
    }
  }
  const string = (): void => {
    index++
    while (index < text.length) {
      const char = text[index]
      if (char === '"') {
        index++
        return
      }
      if (char === '\\') {
        index++
        const escape = text[index]
        if (escape === 'u') {
          for (let digit = 0; digit < 4; digit++) {
            index++
            if (!/[0-9a-fA-F]/.test(text[index] ?? '')) fail()
          }
        } else if (escape === undefined || !'"\\/bfnrt'.includes(escape)) {
          fail()
        }
      } else if ((char ?? '').charCodeAt(0) < 0x20) {
        fail()
      }
      index++
    }
    fail()
  }
  const number = (): void => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(index, index + 400))
    if (!match) fail()
    else index += match[0].length
  }
  const value = (): void => {
    skipSpace()
    const char = text[index]
    if (char === '{') {
      index++
      skipSpace()
      if (text[index] === '}') {
        index++
        return
      }
      for (;;) {
        skipSpace()
        if (text[index] !== '"') fail()
        string()
        skipSpace()
        if (text[index] !== ':') fail()
        index++
        value()
        skipSpace()
        if (text[index] === ',') {
          index++
          continue
        }
        if (text[index] === '}') {
          index++
          return
        }
        fail()
      }
    } else if (char === '[') {
      index++
      skipSpace()
      if (text[index] === ']') {
        index++
        return
      }
      for (;;) {
        value()
        skipSpace()
        if (text[index] === ',') {
          index++
          continue
        }
        if (text[index] === ']') {
          index++
          return
        }
        fail()
      }
    } else if (char === '"') {
      string()
    } else if (char === 't') {
      literal('true')
    } else if (char === 'f') {
      literal('false')
    } else if (char === 'n') {
      literal('null')
    } else {
      number()
    }
  }
  try {
    value()
    skipSpace()
    if (index < text.length) return index
    return undefined
  } catch (error) {
    if (error instanceof Stop) return index
    throw error
  }
}

export {topLevelJsonKeys} from '../util/json-keys.js'
