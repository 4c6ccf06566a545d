import {readFile} from 'node:fs/promises'

import {renderTemplate} from '../engine/template.js'
import type {Detail, Diagnostic, EventSubject, InputRecord, Location, Result} from '../model/types.js'
import {CoverageTally, type CoverageEvidence} from './coverage.js'
import {decodeEventFile, describeFormat, FORMAT_KIND, type RecordSlot} from './decode.js'
import {explain, planPolicies, policiesFor, quickVerdict, type EventPolicy, type PolicyPlan} from './event-policy.js'
import {parseLogKey} from './log-layout.js'
import {checkRecord} from './record-schema.js'
import type {TextPosition} from './json-text.js'

/** Everything one file contributed; plain data, so it crosses from a worker thread unchanged. */
export interface FileOutcome {
  input: InputRecord
  results: Result[]
  passes: Record<string, number>
  diagnostics: Diagnostic[]
  coverage: CoverageEvidence[]
  records: number
  bytes: number
}

export interface ScanFileOptions {
  maxWholeFileBytes?: number
}

export interface EventFile {
  /** As printed in reports. */
  path: string
  absolutePath: string
}

/** Reads one event file and judges each of its records against every policy. Never throws. */
export async function scanFile(file: EventFile, policies: EventPolicy[], options: ScanFileOptions = {}): Promise<FileOutcome> {
  const results: Result[] = []
  const diagnostics: Diagnostic[] = []
  const passes: Record<string, number> = Object.fromEntries(policies.map((compiled) => [compiled.policy.id, 0]))
  const coverage = new CoverageTally()
  const key = parseLogKey(file.path)
  const fallbackAccount = key?.account ?? 'unknown'
  let bytes: Buffer
  try {
    bytes = await readFile(file.absolutePath)
  } catch (error) {
    const message = `cannot read the file: ${(error as Error).message}`
    return {
      input: {path: file.path, fate: 'failed', detail: message},
      results,
      passes,
      diagnostics: [{severity: 'error', code: 'read', file: file.path, message}],
      coverage: [],
      records: 0,
      bytes: 0,
    }
  }
  let checked = 0
  let unreadable = 0
  const plan = planFor(policies)
  // Passes are counted as "judged minus not passed", so a policy a record skips costs nothing.
  const notPassed = new Array<number>(policies.length).fill(0)
  const judgeSlot = (slot: RecordSlot, index: number, locate: (index: number) => TextPosition | undefined): void => {
    if ('problem' in slot) {
      unreadable++
      diagnostics.push({severity: 'error', code: 'record-syntax', ...where(file, index, locate), ...(slot.position ?? {}), message: `record ${index}: ${slot.problem}; not checked`})
      return
    }
    const record = slot.record
    checked++
    const problems = checkRecord(record)
    for (const problem of problems) {
      diagnostics.push({severity: 'warning', code: 'record-schema', ...where(file, index, locate), message: `record ${index}${idOf(record)}: ${problem.message}`})
    }
    coverage.add(record, fallbackAccount)
    const tried = policiesFor(plan, record)
    for (let position = 0; position < tried.length; position++) {
      const policyIndex = tried[position]!
      const compiled = policies[policyIndex]!
      const verdict = quickVerdict(compiled, record)
      if (verdict === 'pass') continue
      notPassed[policyIndex]!++
      if (verdict === 'not-applicable') continue
      const result = finding(compiled, record, index, where(file, index, locate), fallbackAccount)
      if (result) results.push(result)
    }
  }
  const decoded = await decodeEventFile(file.path, file.absolutePath, bytes, judgeSlot, options)
  diagnostics.push(...decoded.diagnostics)
  policies.forEach((compiled, policyIndex) => {
    passes[compiled.policy.id]! += checked - notPassed[policyIndex]!
  })
  const format = decoded.format ? describeFormat(decoded.format) : 'file'
  const kind = decoded.format ? FORMAT_KIND[decoded.format] : decoded.reason?.includes('digest') ? 'cloudtrail/digest' : undefined
  const detail =
    decoded.status === 'read'
      ? `${format}: ${checked} record${checked === 1 ? '' : 's'} checked${unreadable > 0 ? `, ${unreadable} unreadable` : ''}${decoded.streamed ? ' (streamed: larger than the whole-file limit)' : ''}`
      : (decoded.reason ?? decoded.status)
  return {
    input: {path: file.path, ...(kind ? {kind} : {}), fate: decoded.status, detail},
    results,
    passes,
    diagnostics,
    coverage: coverage.evidence(),
    records: checked,
    bytes: decoded.bytes,
  }
}

const plans = new WeakMap<EventPolicy[], PolicyPlan>()

function planFor(policies: EventPolicy[]): PolicyPlan {
  let plan = plans.get(policies)
  if (!plan) {
    plan = planPolicies(policies)
    plans.set(policies, plan)
  }
  return plan
}

function where(file: EventFile, index: number, locate: (index: number) => TextPosition | undefined): Location {
  return {file: file.path, ...(locate(index) ?? {line: 1, column: 1})}
}

function idOf(record: Record<string, unknown>): string {
  return typeof record.eventID === 'string' ? ` (eventID ${record.eventID})` : ''
}

function text(value: unknown, fallback: string): string {
  return typeof value === 'string' && value !== '' ? value : fallback
}

/** Who made the call: the caller's ARN, else its identity type. */
export function callerOf(record: Record<string, unknown>): string {
  const identity = (record.userIdentity ?? {}) as Record<string, unknown>
  return text(identity.arn, text(identity.invokedBy, text(identity.type, 'an unknown caller')))
}

function finding(compiled: EventPolicy, record: Record<string, unknown>, index: number, location: Location, fallbackAccount: string): Result | undefined {
  const identity = (record.userIdentity ?? {}) as Record<string, unknown>
  const account = text(record.recipientAccountId, text(identity.accountId, fallbackAccount))
  const eventID = text(record.eventID, `${location.file}#${index}`)
  const eventName = text(record.eventName, 'event')
  const label = `${eventName} by ${callerOf(record)} from ${text(record.sourceIPAddress, 'an unknown address')} at ${text(record.eventTime, 'an unknown time')}`
  const subject: EventSubject = {
    type: 'event',
    id: `${account}/${eventID}`,
    label,
    account,
    ...(typeof record.awsRegion === 'string' ? {region: record.awsRegion} : {}),
    document: record,
    provenance: {kind: 'cloudtrail/log', location},
  }
  const judgement = explain(compiled, subject)
  if (!judgement.applicable || judgement.status === 'pass') return undefined
  const policy = compiled.policy
  const details: Detail[] = judgement.details
  return {
    policy: policy.id,
    title: policy.title,
    severity: policy.severity,
    status: judgement.status,
    message: `${judgement.message} Event ${eventID}, record ${index} of ${location.file}.`,
    subject: {type: 'event', id: subject.id, label, account, ...(subject.region ? {region: subject.region} : {})},
    location,
    ...(details.length > 0 ? {details} : {}),
    ...(judgement.status === 'fail' ? {remediation: renderTemplate(policy.remediation, record, compiled.params)} : {}),
  }
}
