import type {Diagnostic, InputKind, Location} from '../model/types.js'
import {parseWithPositions, type PositionedDocument} from '../util/positions.js'
import {firstInvalidUtf8, positionOfByte} from '../util/utf8.js'
import {parseJsonWithPositions} from './json-text.js'
import {emptyReaderOutput, type InputFile, type ReadOptions, type ReaderOutput} from './types.js'
import {DEFAULT_LIMITS} from '../model/limits.js'
import {appendAll} from '../util/arrays.js'

/** JSON when the text starts like JSON (AWS CLI output), YAML otherwise (hand-written snapshots). */
export function parseInputText(file: InputFile, options: ReadOptions = {}): {document?: PositionedDocument; diagnostics: Diagnostic[]} {
  const text = file.bytes.toString('utf8')
  const start = text.replace(/^\ufeff/, '').trimStart()[0]
  const maxDepth = options.limits?.maxDepth ?? DEFAULT_LIMITS.maxDepth
  const parsed = start === '{' || start === '[' ? parseJsonWithPositions(text, file.path, maxDepth) : parseWithPositions(text, file.path, {}, maxDepth)
  const invalid = invalidUtf8Diagnostic(file)
  return invalid ? {...parsed, diagnostics: [invalid, ...parsed.diagnostics]} : parsed
}

/**
 * AWS writes UTF-8; bytes that are not are damage or tampering. The file is still read, each bad
 * sequence as U+FFFD (so the rest of it is judged), and the run says so and cannot be trusted.
 */
function invalidUtf8Diagnostic(file: InputFile): Diagnostic | undefined {
  const offset = firstInvalidUtf8(file.bytes)
  if (offset < 0) return undefined
  const byte = file.bytes[offset]!.toString(16).toUpperCase().padStart(2, '0')
  return {
    severity: 'error',
    code: 'invalid-utf8',
    file: file.path,
    ...positionOfByte(file.bytes, offset),
    message: `invalid UTF-8 (byte 0x${byte}): the value is read with U+FFFD in its place, so it may not be what AWS holds`,
  }
}

/** The output of a reader that could not use its file: the detail repeats the first problem. */
export function failedOutput(kind: InputKind, label: string, diagnostics: Diagnostic[]): ReaderOutput {
  const first = diagnostics.find((diagnostic) => diagnostic.severity === 'error') ?? diagnostics[0]
  const where = first?.line !== undefined ? ` (line ${first.line}, column ${first.column ?? 1})` : ''
  const output = emptyReaderOutput(kind, `${label}: ${first?.message ?? 'unreadable'}${where}`)
  appendAll(output.diagnostics, diagnostics)
  return output
}

export function startOf(file: string): Location {
  return {file, line: 1, column: 1}
}

const REGION_PATTERN = /(?:^|[^a-z0-9-])((?:us-gov|us-iso[a-z]?|us|eu|ap|sa|ca|me|af|il|mx|cn)-(?:north|south|east|west|central|northeast|southeast|northwest|southwest)-\d+)(?=$|[^a-z0-9-])/g

/**
 * The region a file's path names, if any: a folder named like a region (`eu-west-1/…`) or a file
 * name containing one (`describe-trails.eu-west-1.json`). The one nearest the file name wins.
 */
export function regionFromPath(path: string): string | undefined {
  let found: string | undefined
  for (const match of path.replace(/\\/g, '/').matchAll(REGION_PATTERN)) found = match[1]
  return found
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}
