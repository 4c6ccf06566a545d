import type {Diagnostic, InputRecord, Result, Severity, Status} from '../model/types.js'
import {SEVERITIES} from '../model/types.js'
import type {Policy} from '../policy/types.js'
import type {Counts, PolicySummary, Report} from './report-types.js'
import {TOOL_INFORMATION_URI} from './report-types.js'
import type {CoverageEvidence} from '../events/coverage.js'
import {exitCodeFor, type FailOn} from './exit-code.js'
import {own} from '../util/dict.js'
import {genericRemediation} from '../policy/remediation.js'
import type {UnlistedCounts} from '../events/finding-listing.js'

export interface ReportParts {
  command: 'check' | 'audit'
  category: string
  version: string
  startedAt: Date
  finishedAt: Date
  workingDirectory: string
  configFile?: string
  failOn: FailOn
  failOnUnknown?: boolean
  policies: Policy[]
  /** The params in use per policy id: policy remediations show their values. */
  params?: Record<string, Record<string, unknown>>
  notApplicable: Record<string, number>
  results: Result[]
  inputs: InputRecord[]
  diagnostics: Diagnostic[]
  notes: string[]
  /** Event policies: records judged without a finding, per policy id. */
  recordsPassed?: Record<string, number>
  /** Event findings past the listing cap, per policy id and status: counted, not listed. */
  unlisted?: UnlistedCounts
  coverage?: CoverageEvidence[]
}

/** Puts one run's pieces into the report every renderer reads, with its counts and exit code. */
export function buildReport(parts: ReportParts): Report {
  const counts: Counts = {pass: 0, fail: 0, unknown: 0, suppressed: 0, error: 0}
  const failuresBySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>
  for (const result of parts.results) {
    counts[result.status as Status]++
    if (result.status === 'fail') failuresBySeverity[result.severity]++
  }
  // Findings past the listing cap count exactly as listed ones do, in the totals and the exit code.
  const unlistedFailures: Severity[] = []
  const unlistedUnknowns: Severity[] = []
  let unlistedTotal = 0
  for (const policy of parts.policies) {
    for (const [status, count] of Object.entries(own(parts.unlisted, policy.id) ?? {}) as [Status, number][]) {
      counts[status] += count
      unlistedTotal += count
      if (status === 'fail' && count > 0) {
        failuresBySeverity[policy.severity] += count
        unlistedFailures.push(policy.severity)
      }
      if (status === 'unknown' && count > 0) unlistedUnknowns.push(policy.severity)
    }
  }
  const failOnUnknown = parts.failOnUnknown ?? false
  const exitCode = exitCodeFor(parts.results, parts.diagnostics, parts.inputs, parts.failOn, failOnUnknown, {fail: unlistedFailures, unknown: unlistedUnknowns})
  return {
    schemaVersion: 1,
    tool: {name: 'trailgate', version: parts.version, informationUri: TOOL_INFORMATION_URI},
    command: parts.command,
    category: parts.category,
    startedAt: parts.startedAt.toISOString(),
    finishedAt: parts.finishedAt.toISOString(),
    workingDirectory: parts.workingDirectory,
    ...(parts.configFile ? {configFile: parts.configFile} : {}),
    failOn: parts.failOn,
    failOnUnknown,
    exitCode,
    summary: {
      results: parts.results.length + unlistedTotal,
      counts,
      failuresBySeverity,
      inputs: {
        read: parts.inputs.filter((i) => i.fate === 'read').length,
        skipped: parts.inputs.filter((i) => i.fate === 'skipped').length,
        failed: parts.inputs.filter((i) => i.fate === 'failed').length,
      },
      diagnostics: {
        errors: parts.diagnostics.filter((d) => d.severity === 'error').length,
        warnings: parts.diagnostics.filter((d) => d.severity === 'warning').length,
      },
    },
    policies: parts.policies.map((p) => {
      const unlisted = own(parts.unlisted, p.id)
      return {...summarizePolicy(p, own(parts.notApplicable, p.id) ?? 0, own(parts.recordsPassed, p.id), own(parts.params, p.id)), ...(unlisted ? {unlisted} : {})}
    }),
    results: parts.results,
    inputs: parts.inputs,
    diagnostics: parts.diagnostics,
    notes: parts.notes,
    ...(parts.coverage && parts.coverage.length > 0 ? {coverage: parts.coverage} : {}),
  }
}

export function summarizePolicy(policy: Policy, notApplicable: number, recordsPassed?: number, params: Record<string, unknown> = {}): PolicySummary {
  return {
    id: policy.id,
    title: policy.title,
    severity: policy.severity,
    subject: policy.subject,
    description: policy.description,
    // No subject in particular: a `{{Name}}` reads `<Name>`, never as raw template text.
    ...genericRemediation(policy, params),
    references: policy.references,
    tags: policy.tags,
    precision: policy.precision,
    notApplicable,
    builtin: policy.source.builtin,
    ...(recordsPassed !== undefined ? {recordsPassed} : {}),
  }
}
