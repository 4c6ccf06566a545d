import {DEFAULT_LIMITS} from '../../model/limits.js'
import {aliasCountDiagnostic, depthDiagnostic, hasAlias, MAX_ALIAS_COUNT} from '../../util/positions.js'
import {parseYamlDocument, YamlDepthError} from '../../util/yaml-document.js'
import type {Diagnostic} from '../../model/types.js'
import {CFN_YAML_TAGS} from './intrinsics.js'
import {MONITORING_TYPES} from './monitoring.js'
import {entry, fromYaml, JsonSyntaxError, SourceIndex, parseJsonNodes, type PEntry, type PNode} from './nodes.js'

/** One entry of the `Resources` section. `node` is absent when only the type was needed (see below). */
export interface ResourceSource {
  logicalId: string
  keyStart: number
  type?: string
  node?: PNode
}

export interface TemplateSource {
  index: SourceIndex
  /** Top-level sections that matter for evaluation: Parameters, Mappings, Conditions, Transform. */
  sections: Map<string, PEntry>
  resources: ResourceSource[]
  diagnostics: Diagnostic[]
  syntax: 'json' | 'yaml'
  /** Levels of nesting a template may have (the depth limit). */
  maxDepth: number
}

/** Resources whose whole body is parsed (trails and what monitors them); of the others only the type is read. */
const FULLY_READ_TYPES = new Set(['AWS::CloudTrail::Trail', ...MONITORING_TYPES])
const EVALUATED_SECTIONS = new Set(['Parameters', 'Mappings', 'Conditions', 'Transform', 'Resources'])

/** Content-based detection: a CloudFormation template says so, or has resources typed `AWS::…`. */
export function looksLikeTemplate(head: string): boolean {
  if (/(^|[{,])\s*["']?AWSTemplateFormatVersion["']?\s*:/m.test(head)) return true
  return /(^|[{,])\s*["']?Resources["']?\s*:/m.test(head) && /["']?Type["']?\s*:\s*["']?(AWS|Custom|Alexa)::[A-Za-z0-9]+/.test(head)
}

export function parseTemplate(text: string, file: string, maxDepth: number = DEFAULT_LIMITS.maxDepth): TemplateSource {
  const index = new SourceIndex(file, text)
  const source: TemplateSource = {index, sections: new Map(), resources: [], diagnostics: [], syntax: 'yaml', maxDepth}
  const trimmed = text.trimStart().replace(/^\uFEFF/, '')
  if (trimmed.startsWith('{')) {
    source.syntax = 'json'
    readJson(text, source)
  } else if (!readYamlInChunks(text, source)) {
    source.sections.clear()
    source.resources = []
    source.diagnostics = []
    const root = parseYamlChunk(text, 0, source)
    if (root) collect(root, source)
  }
  return source
}

function readJson(text: string, source: TemplateSource): void {
  try {
    const root = parseJsonNodes(text, (key, offset) =>
      source.diagnostics.push({severity: 'error', code: 'json-duplicate-key', ...at(source, offset), message: `Duplicate key "${key}": the last one is used`}),
      source.maxDepth,
    )
    collect(root, source)
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error
    source.diagnostics.push({severity: 'error', code: error.code, ...at(source, error.offset), message: error.message})
  }
}

function collect(root: PNode, source: TemplateSource): void {
  if (root.kind !== 'map') {
    source.diagnostics.push({severity: 'error', code: 'cfn-not-a-template', ...at(source, root.start), message: 'A CloudFormation template must be a mapping'})
    return
  }
  for (const section of root.entries) {
    if (section.key !== 'Resources') {
      source.sections.set(section.key, section)
      continue
    }
    if (section.value.kind !== 'map') {
      source.diagnostics.push({severity: 'error', code: 'cfn-resources', ...at(source, section.value.start), message: 'Resources must be a mapping of logical ids to resources'})
      continue
    }
    for (const resource of section.value.entries) source.resources.push(resourceFrom(resource, source))
  }
}

function resourceFrom(resource: PEntry, source: TemplateSource): ResourceSource {
  const typeNode = entry(resource.value, 'Type')?.value
  const type = typeNode?.kind === 'scalar' && typeof typeNode.value === 'string' ? typeNode.value : undefined
  if (type === undefined) {
    source.diagnostics.push({
      severity: 'error',
      code: 'cfn-resource-type',
      ...at(source, resource.keyStart),
      message: `Resource ${resource.key} has no Type; it is not checked`,
    })
  }
  return {logicalId: resource.key, keyStart: resource.keyStart, type, node: resource.value}
}

const KEY_LINE = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[A-Za-z0-9_][\w.:-]*)[ \t]*:(?:[ \t]+(.*))?$/

interface Line {
  start: number
  text: string
  indent: number
  /** Blank or comment only. */
  empty: boolean
}

function splitLines(text: string): Line[] {
  const lines: Line[] = []
  let start = 0
  while (start <= text.length) {
    let end = text.indexOf('\n', start)
    if (end === -1) end = text.length
    const raw = text.slice(start, end).replace(/\r$/, '')
    const indent = raw.length - raw.trimStart().length
    const rest = raw.slice(indent)
    lines.push({start, text: raw, indent, empty: rest === '' || rest.startsWith('#')})
    start = end + 1
  }
  return lines
}

function unquote(key: string): string {
  if (key.startsWith('"')) return JSON.parse(key) as string
  if (key.startsWith("'")) return key.slice(1, -1).replace(/''/g, "'")
  return key
}

/**
 * Reads a block-style YAML template one piece at a time: each top-level section and each resource is
 * parsed on its own. Resources that are not trails are only scanned for their `Type`, which keeps a
 * 10,000-resource template fast and lets one broken resource not hide the others. Returns false when
 * the text is not laid out in the usual block style; the caller then parses the whole text at once.
 */
function readYamlInChunks(text: string, source: TemplateSource): boolean {
  const lines = splitLines(text)
  const topLevel: {key: string; line: number}[] = []
  for (const [number, line] of lines.entries()) {
    if (line.empty || line.indent > 0) continue
    if (line.text === '---' || line.text.startsWith('--- ') || line.text === '...') {
      if (topLevel.length > 0) return false
      continue
    }
    const match = KEY_LINE.exec(line.text)
    if (!match) return false
    topLevel.push({key: unquote(match[1] as string), line: number})
  }
  if (topLevel.length === 0) return false
  const seen = new Set<string>()
  for (const [position, section] of topLevel.entries()) {
    const first = lines[section.line] as Line
    const endLine = topLevel[position + 1]?.line ?? lines.length
    if (seen.has(section.key)) {
      source.diagnostics.push({severity: 'error', code: 'yaml-duplicate_key', ...at(source, first.start), message: `Map keys must be unique: ${section.key} appears twice; the second is ignored`})
      continue
    }
    seen.add(section.key)
    if (!EVALUATED_SECTIONS.has(section.key)) continue
    const match = KEY_LINE.exec(first.text) as RegExpExecArray
    const inline = match[2]?.replace(/\s+#.*$/, '')
    if (section.key !== 'Resources' || (inline !== undefined && inline !== '')) {
      const node = parseYamlChunk(text.slice(first.start, endOffset(lines, endLine, text)), first.start, source)
      if (node === undefined) continue
      const parsed = entry(node, section.key)
      if (section.key === 'Resources' && parsed) collect({kind: 'map', entries: [parsed], start: node.start, end: node.end}, source)
      else if (parsed) source.sections.set(section.key, parsed)
      continue
    }
    readResourcesInChunks(text, lines, section.line + 1, endLine, source)
  }
  return true
}

function endOffset(lines: Line[], endLine: number, text: string): number {
  return lines[endLine]?.start ?? text.length
}

/** Up to this many resources, every resource is parsed, so a YAML error anywhere is reported; above it, only trails are. */
const SYNTAX_CHECK_LIMIT = 1000

function readResourcesInChunks(text: string, lines: Line[], from: number, to: number, source: TemplateSource): void {
  let indent = -1
  const starts: number[] = []
  for (let number = from; number < to; number++) {
    const line = lines[number] as Line
    if (line.empty) continue
    if (indent === -1) indent = line.indent
    if (line.indent === indent) starts.push(number)
    else if (line.indent < indent) {
      // Not the layout this fast path understands; parse the section as a whole.
      const node = parseYamlChunk(text.slice((lines[from - 1] as Line).start, endOffset(lines, to, text)), (lines[from - 1] as Line).start, source)
      if (node) collect(node, source)
      return
    }
  }
  const seen = new Set<string>()
  const syntaxChecked = starts.length <= SYNTAX_CHECK_LIMIT
  if (!syntaxChecked) {
    source.diagnostics.push({
      severity: 'warning',
      code: 'cfn-syntax-not-checked',
      ...at(source, (lines[from - 1] as Line).start),
      message: `${starts.length} resources: those that are not trails were scanned for their Type only, so YAML errors inside them are not reported (the limit for a full check is ${SYNTAX_CHECK_LIMIT})`,
    })
  }
  for (const [position, startLine] of starts.entries()) {
    const line = lines[startLine] as Line
    const endLine = starts[position + 1] ?? to
    const match = KEY_LINE.exec(line.text.slice(indent))
    const chunk = text.slice(line.start, endOffset(lines, endLine, text))
    const logicalId = match ? unquote(match[1] as string) : undefined
    if (logicalId !== undefined && seen.has(logicalId)) {
      source.diagnostics.push({severity: 'error', code: 'yaml-duplicate_key', ...at(source, line.start + indent), message: `Map keys must be unique: resource ${logicalId} appears twice; the second is ignored`})
      continue
    }
    if (logicalId !== undefined) seen.add(logicalId)
    const scannedType = match && (match[2] ?? '').trim() === '' ? scanType(lines, startLine + 1, endLine) : undefined
    if (logicalId !== undefined && scannedType !== undefined && !FULLY_READ_TYPES.has(scannedType)) {
      // Other resources are still checked for YAML errors, unless the template is too big for that to stay fast.
      if (syntaxChecked) parseYamlChunk(chunk, line.start, source)
      source.resources.push({logicalId, keyStart: line.start + indent, type: scannedType})
      continue
    }
    const node = parseYamlChunk(chunk, line.start, source)
    if (node?.kind === 'map') for (const resource of node.entries) source.resources.push(resourceFrom(resource, source))
    else if (logicalId !== undefined) {
      source.diagnostics.push({severity: 'error', code: 'cfn-resource-unreadable', ...at(source, line.start + indent), message: `Resource ${logicalId} could not be read because of the error above; it is not checked`})
    }
  }
}

/** The plain `Type: AWS::…` line at the resource's property indentation, if there is one. */
function scanType(lines: Line[], from: number, to: number): string | undefined {
  let indent = -1
  for (let number = from; number < to; number++) {
    const line = lines[number] as Line
    if (line.empty) continue
    if (indent === -1) indent = line.indent
    if (line.indent !== indent) continue
    const match = /^Type[ \t]*:[ \t]*(["']?)((?:AWS|Custom|Alexa)::[A-Za-z0-9:_-]+)\1[ \t]*(?:#.*)?$/.exec(line.text.slice(indent))
    if (match) return match[2]
    if (/^["']?Type["']?[ \t]*:/.test(line.text.slice(indent))) return undefined
  }
  return undefined
}

function parseYamlChunk(chunk: string, base: number, source: TemplateSource): PNode | undefined {
  let doc
  try {
    doc = parseYamlDocument(chunk, {customTags: CFN_YAML_TAGS, prettyErrors: false, uniqueKeys: true}, source.maxDepth)
  } catch (error) {
    if (!(error instanceof YamlDepthError)) throw error
    source.diagnostics.push(depthDiagnostic(source.index.file, source.index.position(base + error.offset), error.limit))
    return undefined
  }
  for (const problem of [...doc.errors, ...doc.warnings]) {
    const message = problem.message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '').trim()
    const unknownTag = problem.code === 'TAG_RESOLVE_FAILED'
    source.diagnostics.push({
      severity: 'error',
      code: unknownTag ? 'cfn-unknown-tag' : `yaml-${problem.code.toLowerCase()}`,
      ...at(source, base + problem.pos[0]),
      message: unknownTag ? `${message}; CloudFormation does not know this tag, so the value is unknown` : message,
    })
  }
  if (doc.errors.length > 0) return undefined
  if (hasAlias(doc)) {
    try {
      doc.toJS({maxAliasCount: MAX_ALIAS_COUNT})
    } catch (error) {
      if (!(error instanceof ReferenceError)) throw error
      source.diagnostics.push(aliasCountDiagnostic(doc, source.index.file, (offset) => source.index.position(base + offset)))
      return undefined
    }
  }
  return fromYaml(doc.contents, base, doc)
}

function at(source: TemplateSource, offset: number): {file: string; line: number; column: number} {
  return {file: source.index.file, ...source.index.position(offset)}
}
