/**
 * trailgate as a library: the same pipelines the CLI and the GitHub Action run, the renderers of
 * every report format, the policy loader and the types of the documents passing between them.
 */
export {runCheck, type CheckOptions, type PolicyOptions} from './engine/run.js'
export {runAudit, type AuditOptions, type AuditRun} from './engine/audit.js'
export {exitCodeFor, FAIL_ON_CHOICES, type FailOn} from './engine/exit-code.js'
export {scanEvents, type EventScanOptions, type EventScanResult} from './events/scan.js'

export {renderText, type TextOptions} from './report/text.js'
export {renderJson} from './report/json.js'
export {renderSarif, type SarifOptions} from './report/sarif.js'
export {renderJunit, type JunitOptions} from './report/junit.js'
export type {RepositoryContext} from './report/paths.js'
export {renderMarkdown, type MarkdownOptions} from './report/markdown.js'
export type {Counts, PolicySummary, Report} from './engine/report-types.js'

export {loadPolicies} from './policy/load.js'
export {loadConfig} from './policy/config.js'
export type {Clause, ParamSpec, Pattern, Policy, PolicyTestCase, References, TrailgateConfig, Waiver} from './policy/types.js'

export {SEVERITIES, STATUSES, SUBJECT_TYPES} from './model/types.js'
export type {
  AccountDocument,
  AdvancedEventSelector,
  AdvancedFieldSelector,
  DataResource,
  Detail,
  Diagnostic,
  EventSelector,
  InputFate,
  InputKind,
  InputRecord,
  Inventory,
  Location,
  ManagementEventsCoverage,
  Provenance,
  RegionDocument,
  Result,
  Severity,
  Status,
  Subject,
  SubjectRef,
  SubjectType,
  Suppression,
  TrailDocument,
  TrailFacts,
  TrailStatus,
  UnknownValue,
} from './model/types.js'
export type {SnapshotAccount, SnapshotDocument, SnapshotError, SnapshotTrail} from './live/index.js'

export {VERSION} from './util/version.js'
