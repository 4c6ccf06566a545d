import {emptyMonitoringEvidence, type MonitoringEvidence} from '../../model/monitoring.js'
import {unknown, type Diagnostic, type InputKind, type UnknownValue} from '../../model/types.js'
import type {PathSegment, PositionedDocument} from '../../util/positions.js'
import {appendAll} from '../../util/arrays.js'
import {describeValue, diagnosticAt, isRecord} from '../locations.js'
import {failedOutput, parseInputText} from '../parse-input.js'
import {emptyReaderOutput, type InputFile, type ReadOptions, type ReaderOutput} from '../types.js'

export interface MonitoringOutputStart {
  doc: PositionedDocument
  root: Record<string, unknown>
  /** The entries of the output's list. */
  entries: unknown[]
  output: ReaderOutput & {monitoring: MonitoringEvidence}
  fields: FieldReader
}

/**
 * What every AWS CLI monitoring output starts with: parsed, its top-level list checked (absent is
 * an empty list when `absentIsEmpty`), and an output with empty evidence to fill; or the failed
 * output that says why not, at the line and column.
 */
export function startMonitoringOutput(file: InputFile, options: ReadOptions, kind: InputKind, command: string, listKey: string, absentIsEmpty = false): MonitoringOutputStart | {failed: ReaderOutput} {
  const parsed = parseInputText(file, options)
  const doc = parsed.document
  if (!doc) return {failed: failedOutput(kind, command, parsed.diagnostics)}
  const root = doc.value
  const entries = isRecord(root) ? (absentIsEmpty ? (root[listKey] ?? []) : root[listKey]) : undefined
  if (!isRecord(root) || !Array.isArray(entries)) {
    const found = isRecord(root) ? describeValue(root[listKey]) : describeValue(root)
    return {failed: failedOutput(kind, command, [...parsed.diagnostics, diagnosticAt(doc.locate([listKey]), `${listKey} must be an array, found ${found}`, 'wrong-type')])}
  }
  const output = {...emptyReaderOutput(kind), monitoring: emptyMonitoringEvidence()}
  appendAll(output.diagnostics, parsed.diagnostics)
  return {doc, root, entries, output, fields: new FieldReader(doc)}
}

/** Checks one field of an AWS CLI monitoring output: a wrong type is a diagnostic at the field and an unknown value. */
export class FieldReader {
  readonly diagnostics: Diagnostic[] = []

  constructor(private readonly doc: PositionedDocument) {}

  text(record: Record<string, unknown>, path: readonly PathSegment[], key: string, label: string): string | UnknownValue {
    const value = record[key]
    if (typeof value === 'string') return value
    return this.wrong(path, key, label, value, 'a string')
  }

  /** A boolean AWS always writes; absent is unknown. */
  boolean(record: Record<string, unknown>, path: readonly PathSegment[], key: string, label: string): boolean | UnknownValue {
    const value = record[key]
    if (typeof value === 'boolean') return value
    return this.wrong(path, key, label, value, 'true or false')
  }

  strings(record: Record<string, unknown>, path: readonly PathSegment[], key: string, label: string): (string | UnknownValue)[] | UnknownValue {
    const value = record[key] ?? []
    if (!Array.isArray(value)) return this.wrong(path, key, label, value, 'an array of strings')
    return value.map((item, index) => (typeof item === 'string' ? item : this.wrong([...path, key], index, `${label}.${key}`, item, 'a string')))
  }

  wrong(path: readonly PathSegment[], key: string | number, label: string, value: unknown, expected: string): UnknownValue {
    const found = value === undefined ? 'nothing' : describeValue(value)
    const message = `${label}.${key} must be ${expected}, found ${found}`
    this.diagnostics.push(diagnosticAt(this.doc.locate(value === undefined ? path : [...path, key]), `${message}; it is unknown`, value === undefined ? 'missing-field' : 'wrong-type', 'warning'))
    return unknown(message)
  }
}

/** `arn:aws:cloudwatch:us-east-1:111122223333:alarm:x` → its region and account. */
export function arnPlace(arn: unknown): {region?: string; account?: string} {
  if (typeof arn !== 'string') return {}
  const [prefix, , , region, account] = arn.split(':')
  if (prefix !== 'arn') return {}
  return {...(region ? {region} : {}), ...(account && /^\d{12}$/.test(account) ? {account} : {})}
}
