import type {Diagnostic, InputRecord, Result, Severity, Status} from '../model/types.js'
import type {Policy} from '../policy/types.js'
import type {CoverageEvidence} from '../events/coverage.js'

/** What a report says about each policy that ran (even one with no results, so alerts can close). */
export interface PolicySummary extends Pick<Policy, 'id' | 'title' | 'severity' | 'subject' | 'description' | 'remediation' | 'templateRemediation' | 'references' | 'tags' | 'precision'> {
  /** Subjects the policy did not apply to (`when` did not match, or an `unless` exempted them). */
  notApplicable: number
  builtin: boolean
  /** Event policies: CloudTrail records judged without a finding (findings are results). */
  recordsPassed?: number
  /** Results past the listing cap (MAX_LISTED_FINDINGS per policy and status), counted per status but not in `results`. */
  unlisted?: Partial<Counts>
}

export type Counts = Record<Status, number>

/** One run, everything every renderer needs. The JSON output is this document, as is. */
export interface Report {
  /** Version of the JSON document's shape (schemas/report.schema.json). */
  schemaVersion: 1
  tool: {name: 'trailgate'; version: string; informationUri: string}
  command: 'check' | 'audit'
  /** Distinguishes uploads of the same tool (SARIF `automationDetails.id`), e.g. `trailgate/check/`. */
  category: string
  startedAt: string
  finishedAt: string
  /** Paths in the report are relative to this folder (the repository root in CI). */
  workingDirectory: string
  /** The config file used, if any, relative to workingDirectory. Fileless findings are anchored to it. */
  configFile?: string
  /** The `--fail-on` threshold; `none` never fails the run on findings. */
  failOn: Severity | 'none'
  /** True when unknown results at or above failOn make the run exit 2. */
  failOnUnknown?: boolean
  exitCode: 0 | 1 | 2
  summary: {
    results: number
    counts: Counts
    /** Failures by severity (suppressed results excluded). */
    failuresBySeverity: Record<Severity, number>
    inputs: {read: number; skipped: number; failed: number}
    diagnostics: {errors: number; warnings: number}
  }
  policies: PolicySummary[]
  results: Result[]
  inputs: InputRecord[]
  diagnostics: Diagnostic[]
  notes: string[]
  /** What the CloudTrail records read prove about coverage, per account (event inputs only). */
  coverage?: CoverageEvidence[]
}

export const TOOL_INFORMATION_URI = 'https://github.com/trailgate/trailgate'
