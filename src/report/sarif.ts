import {gzipSync} from 'node:zlib'
import type {
  Invocation,
  Location as SarifLocation,
  Log,
  LogicalLocation,
  Notification,
  PhysicalLocation,
  ReportingDescriptor,
  Result as SarifResult,
  Run,
  Suppression as SarifSuppression,
} from 'sarif'
import type {Diagnostic, Location, Result, Severity, Suppression} from '../model/types.js'
import {policiesOf} from './policies.js'
import type {PolicySummary, Report} from '../engine/report-types.js'
import {anchorFile, describeSubject, formatLocation} from './anchor.js'
import {FINGERPRINT_KEY, findingHash, primaryLocationLineHash} from './fingerprint.js'
import {compareResults} from './order.js'
import {folderFileUri, relativeUri, repositoryPath, type RepositoryContext} from './paths.js'
import {asSentence, clip, pascalCase} from './text-limits.js'

/** GitHub code scanning's upload limits; a file over a hard limit is rejected whole. */
export interface SarifLimits {
  maxResults: number
  maxGzippedBytes: number
  maxLocationsPerResult: number
  maxTagsPerRule: number
}

export const GITHUB_SARIF_LIMITS: Readonly<SarifLimits> = {
  maxResults: 25_000,
  maxGzippedBytes: 10 * 1024 * 1024,
  maxLocationsPerResult: 1_000,
  maxTagsPerRule: 20,
}

export interface SarifOptions {
  /** Emit `unknown` results as `kind: review`, `level: none` (GitHub shows little of them). */
  includeUnknown?: boolean
  /** Emit suppressed results, carrying their justification as SARIF `suppressions`. */
  includeSuppressed?: boolean
  /** Override GitHub's limits (tests use small numbers). */
  limits?: Partial<SarifLimits>
  /** The repository the URIs are relative to; default, the report's working directory. */
  repository?: RepositoryContext
}

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json'
export const SOURCE_ROOT = '%SRCROOT%'
const MAX_DESCRIPTION = 1024
const MAX_RULE_NAME = 255

/** Mid-band scores, so GitHub's critical/high/medium/low bands read the same as trailgate's severities. */
export const SECURITY_SEVERITY: Readonly<Record<Severity, string | undefined>> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '2.0',
  info: undefined,
}

export const SARIF_LEVEL: Readonly<Record<Severity, 'error' | 'warning' | 'note'>> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
}

/** Where a built-in policy without a reference URL is documented: its own file in the pack (`policies/events/` or `policies/trail/`). */
export function policyDocsUrl(informationUri: string, policy: Pick<PolicySummary, 'id' | 'subject'>): string {
  const folder = policy.subject === 'event' ? 'events' : 'trail'
  return `${informationUri.replace(/\/+$/, '')}/blob/main/policies/${folder}/${encodeURIComponent(policy.id)}.yaml`
}

/**
 * Renders a report as SARIF 2.1.0 for GitHub code scanning: one run, one rule per policy that ran,
 * failures as results (plus suppressed and unknown ones on request), input problems as notifications.
 */
export function renderSarif(report: Report, options: SarifOptions = {}): string {
  const limits: SarifLimits = {...GITHUB_SARIF_LIMITS, ...options.limits}
  const placement = placementFor(report, options.repository ?? {root: report.workingDirectory})
  const selected = selectResults(report, options)
  // Code scanning rejects a whole file for one result without a file: such results stay out, counted.
  const candidates = placement.anchor !== undefined ? selected : selected.filter((result) => ownLocation(result, placement) !== undefined)
  const unanchored = selected.length - candidates.length
  const rules = buildRules(report, limits)

  let kept = Math.min(candidates.length, limits.maxResults)
  for (;;) {
    const text = serialize(report, rules, {candidates, kept, unanchored}, limits, placement)
    const size = gzipSync(text).length
    if (size <= limits.maxGzippedBytes || kept === 0) return text
    // Shrink in proportion to the overshoot, and always by at least one, so the loop ends quickly.
    kept = Math.min(kept - 1, Math.floor((kept * limits.maxGzippedBytes * 0.95) / size))
    kept = Math.max(kept, 0)
  }
}

/** How report paths become repository URIs, and where findings without a file point. */
interface Placement {
  /** A report path (relative to the working directory) as a repository-relative path; undefined outside the repository. */
  locate: (file: string) => string | undefined
  anchor: string | undefined
  rootUri: string | undefined
}

function placementFor(report: Report, repository: RepositoryContext): Placement {
  return {
    locate: (file) => repositoryPath(file, report.workingDirectory, repository.root),
    anchor: anchorFile(report, repository),
    rootUri: folderFileUri(repository.root),
  }
}

/** The result's own location, its file made repository-relative; undefined when it has no file in the repository. */
function ownLocation(result: Result, placement: Placement): Location | undefined {
  if (result.location === undefined) return undefined
  const file = placement.locate(result.location.file)
  return file !== undefined ? {...result.location, file} : undefined
}

const STATUS_TIER: Readonly<Record<string, number>> = {fail: 0, suppressed: 1, unknown: 2}

/** Failures first, then suppressed, then unknown; within each, most severe first, then policy id, then subject id. */
function selectResults(report: Report, options: SarifOptions): Result[] {
  return report.results
    .filter(
      (result) =>
        result.status === 'fail' ||
        (result.status === 'suppressed' && options.includeSuppressed === true) ||
        (result.status === 'unknown' && options.includeUnknown === true),
    )
    .sort((a, b) => (STATUS_TIER[a.status] ?? 3) - (STATUS_TIER[b.status] ?? 3) || compareResults(a, b))
}

interface RuleSet {
  rules: ReportingDescriptor[]
  indexById: Map<string, number>
  notifications: Notification[]
}

function buildRules(report: Report, limits: SarifLimits): RuleSet {
  // A result whose policy is missing from the list still needs a rule for its ruleIndex.
  const summaries = policiesOf(report)
  const notifications: Notification[] = []
  const rules = summaries.map((policy) => {
    const tags = ruleTags(policy)
    if (tags.length > limits.maxTagsPerRule) {
      notifications.push({
        level: 'warning',
        message: {
          text: `Policy ${policy.id} has ${tags.length} tags; GitHub code scanning accepts at most ${limits.maxTagsPerRule}, so only the first ${limits.maxTagsPerRule} were kept.`,
        },
        descriptor: {id: 'sarif-tags-truncated'},
      })
    }
    return buildRule(report, policy, tags.slice(0, limits.maxTagsPerRule))
  })
  return {rules, indexById: new Map(summaries.map((policy, index) => [policy.id, index])), notifications}
}

function ruleTags(policy: PolicySummary): string[] {
  const tags = ['security', 'cloudtrail', policy.subject, ...policy.tags, ...(policy.references.cis ?? []).map((id) => `CIS ${id}`)]
  return [...new Set(tags.filter((tag) => tag.trim() !== ''))]
}

function referenceLines(policy: PolicySummary): string[] {
  const {cis = [], securityHub = [], awsConfig = [], urls = []} = policy.references
  return [
    ...cis.map((id) => `CIS ${id}`),
    ...securityHub.map((id) => `AWS Security Hub control ${id}`),
    ...awsConfig.map((id) => `AWS Config rule ${id}`),
    ...urls,
  ]
}

function firstHttpUrl(urls: readonly string[]): string | undefined {
  return urls.find((url) => {
    try {
      const protocol = new URL(url).protocol
      return protocol === 'https:' || protocol === 'http:'
    } catch {
      return false
    }
  })
}

const TEMPLATE_KIND_NAMES: Record<string, string> = {cloudformation: 'In CloudFormation', cdk: 'In the CDK', terraform: 'In Terraform'}

function buildRule(report: Report, policy: PolicySummary, tags: string[]): ReportingDescriptor {
  const description = policy.description.trim() === '' ? policy.title : policy.description.trim()
  const references = referenceLines(policy)
  const inTemplates = Object.entries(policy.templateRemediation ?? {}).map(([kind, text]) => `${TEMPLATE_KIND_NAMES[kind] ?? kind}: ${text.trim()}`)
  const remediation = [policy.remediation.trim(), ...inTemplates].filter((part) => part !== '').join('\n\n')
  const textParts = [description]
  const markdownParts = [description]
  if (remediation !== '') {
    textParts.push(`Remediation: ${remediation}`)
    markdownParts.push(`**Remediation**\n\n${remediation}`)
  }
  if (references.length > 0) {
    textParts.push(`References:\n${references.map((line) => `- ${line}`).join('\n')}`)
    markdownParts.push(`**References**\n\n${references.map((line) => `- ${line}`).join('\n')}`)
  }
  const helpUri = firstHttpUrl(policy.references.urls ?? []) ?? (policy.builtin ? policyDocsUrl(report.tool.informationUri, policy) : undefined)
  const securitySeverity = SECURITY_SEVERITY[policy.severity]
  return {
    id: policy.id,
    name: clip(pascalCase(policy.id) || policy.id, MAX_RULE_NAME),
    shortDescription: {text: clip(policy.title, MAX_DESCRIPTION)},
    fullDescription: {text: clip(description, MAX_DESCRIPTION)},
    help: {text: textParts.join('\n\n'), markdown: markdownParts.join('\n\n')},
    ...(helpUri !== undefined ? {helpUri} : {}),
    defaultConfiguration: {level: SARIF_LEVEL[policy.severity]},
    properties: {
      tags,
      precision: policy.precision,
      ...(securitySeverity !== undefined ? {'security-severity': securitySeverity} : {}),
    },
  }
}

interface Selection {
  candidates: Result[]
  kept: number
  /** Results left out because they have no file in the repository to point at. */
  unanchored: number
}

function serialize(report: Report, ruleSet: RuleSet, selection: Selection, limits: SarifLimits, placement: Placement): string {
  const {candidates, kept, unanchored} = selection
  const results = candidates.slice(0, kept).map((result) => buildResult(result, ruleSet.indexById.get(result.policy) ?? 0, placement, limits))
  const notifications = [...executionNotifications(report, ruleSet, placement)]
  const omitted = candidates.length - kept
  if (omitted > 0) notifications.unshift(truncationNotification(candidates.length, kept, limits))
  if (unanchored > 0) notifications.unshift(unanchoredNotification(unanchored))

  const workingDirectoryUri = folderFileUri(report.workingDirectory)
  const invocation: Invocation = {
    executionSuccessful: report.exitCode !== 2,
    exitCode: report.exitCode,
    startTimeUtc: report.startedAt,
    endTimeUtc: report.finishedAt,
    ...(workingDirectoryUri !== undefined ? {workingDirectory: {uri: workingDirectoryUri}} : {}),
    ...(notifications.length > 0 ? {toolExecutionNotifications: notifications} : {}),
    ...(ruleSet.notifications.length > 0 ? {toolConfigurationNotifications: ruleSet.notifications} : {}),
  }
  const run: Run = {
    tool: {
      driver: {
        name: report.tool.name,
        version: report.tool.version,
        ...(/^\d+\.\d+\.\d+/.test(report.tool.version) ? {semanticVersion: report.tool.version} : {}),
        informationUri: report.tool.informationUri,
        rules: ruleSet.rules,
      },
    },
    ...(report.category !== '' ? {automationDetails: {id: report.category}} : {}),
    originalUriBaseIds: {
      [SOURCE_ROOT]: {
        ...(placement.rootUri !== undefined ? {uri: placement.rootUri} : {}),
        description: {text: 'The repository root; every artifact URI is relative to it.'},
      },
    },
    invocations: [invocation],
    columnKind: 'utf16CodeUnits',
    results,
    properties: {
      command: report.command,
      failOn: report.failOn,
      ...(omitted > 0 ? {omittedResults: omitted} : {}),
      ...(unanchored > 0 ? {unanchoredResults: unanchored} : {}),
    },
  }
  const log: Log = {$schema: SARIF_SCHEMA_URI, version: '2.1.0', runs: [run]}
  return `${JSON.stringify(log, null, 2)}\n`
}

function truncationNotification(total: number, kept: number, limits: SarifLimits): Notification {
  const reason =
    kept < Math.min(total, limits.maxResults)
      ? `the file must stay under ${limits.maxGzippedBytes} bytes gzipped`
      : `GitHub code scanning accepts at most ${limits.maxResults} results per run`
  return {
    level: 'warning',
    message: {
      text: `Only ${kept} of ${total} results are in this file because ${reason}; ${total - kept} were left out. Kept in order: failures before suppressed and unknown results, most severe first, then by policy id, then by subject id.`,
    },
    descriptor: {id: 'sarif-results-truncated'},
  }
}

function unanchoredNotification(count: number): Notification {
  return {
    level: 'warning',
    message: {
      text: `${count} result${count === 1 ? ' has' : 's have'} no file in the repository to point at (their file is outside the repository, or they are findings of a live account) and no config file, file read in the repository or GitHub Actions workflow file could stand in; code scanning rejects a result without one, so ${count === 1 ? 'it is' : 'they are'} not in this file; the other reports list ${count === 1 ? 'it' : 'them'}. A config file in the repository (--config), or a run in GitHub Actions, gives them a file.`,
    },
    descriptor: {id: 'sarif-results-unanchored'},
  }
}

function region(location: Location): NonNullable<PhysicalLocation['region']> {
  const startLine = Math.max(1, Math.trunc(location.line))
  const startColumn = Math.max(1, Math.trunc(location.column))
  const endLine = Math.max(startLine, Math.trunc(location.endLine ?? startLine))
  const result: NonNullable<PhysicalLocation['region']> = {startLine, startColumn, endLine}
  if (location.endColumn !== undefined) {
    const endColumn = Math.max(1, Math.trunc(location.endColumn))
    result.endColumn = endLine === startLine ? Math.max(startColumn, endColumn) : endColumn
  }
  return result
}

/** `file` is repository-relative. */
function physicalLocation(file: string, where?: Location): PhysicalLocation {
  return {
    artifactLocation: {uri: relativeUri(file), uriBaseId: SOURCE_ROOT},
    ...(where !== undefined ? {region: region(where)} : {}),
  }
}

function logicalLocations(result: Result): LogicalLocation[] {
  const {subject} = result
  const entries: LogicalLocation[] = [
    {
      name: result.logical?.logicalId ?? subject.label,
      fullyQualifiedName: subject.id,
      kind: 'resource',
      properties: {
        subjectType: subject.type,
        ...(subject.account !== undefined ? {account: subject.account} : {}),
        ...(subject.region !== undefined ? {region: subject.region} : {}),
      },
    },
  ]
  for (const path of [result.logical?.constructPath, result.logical?.address]) {
    if (path !== undefined && path !== subject.id) entries.push({name: path.split('/').pop() ?? path, fullyQualifiedName: path, kind: 'resource'})
  }
  if (subject.account !== undefined && subject.region !== undefined) {
    const regionName = `${subject.account}/${subject.region}`
    if (regionName !== subject.id) entries.push({name: subject.region, fullyQualifiedName: regionName, kind: 'namespace'})
  }
  if (subject.account !== undefined && subject.account !== subject.id) {
    entries.push({name: subject.account, fullyQualifiedName: subject.account, kind: 'namespace'})
  }
  return entries
}

function resultMessage(result: Result, ownLocation: Location | undefined): string {
  const base = result.message.trim() === '' ? result.title : result.message
  if (ownLocation !== undefined) return base
  const parts = [asSentence(base), `Subject: ${describeSubject(result.subject)}.`]
  if (result.location !== undefined) parts.push(`Found at ${formatLocation(result.location)}.`)
  return parts.join(' ')
}

function suppressionOf(suppression: Suppression | undefined, placement: Placement): SarifSuppression {
  if (suppression === undefined) return {kind: 'external', status: 'accepted', justification: 'suppressed'}
  const justification = [suppression.reason, suppression.expires !== undefined ? `(until ${suppression.expires})` : undefined]
    .filter((part): part is string => part !== undefined && part !== '')
    .join(' ')
  const sourceFile = suppression.source !== undefined ? placement.locate(suppression.source.file) : undefined
  const source = suppression.source !== undefined && sourceFile !== undefined ? {...suppression.source, file: sourceFile} : undefined
  return {
    kind: suppression.kind === 'waiver' ? 'external' : 'inSource',
    status: 'accepted',
    justification: justification === '' ? 'suppressed' : justification,
    ...(source !== undefined ? {location: {physicalLocation: physicalLocation(source.file, source)}} : {}),
    properties: {
      trailgateKind: suppression.kind,
      ...(suppression.expires !== undefined ? {expires: suppression.expires} : {}),
      ...(suppression.approvedBy !== undefined ? {approvedBy: suppression.approvedBy} : {}),
    },
  }
}

function buildResult(result: Result, ruleIndex: number, placement: Placement, limits: SarifLimits): SarifResult {
  const own = ownLocation(result, placement)
  // Results without a file of their own are only selected when there is an anchor.
  const anchor = placement.anchor ?? ''
  const physical = own !== undefined ? physicalLocation(own.file, own) : physicalLocation(anchor, {file: anchor, line: 1, column: 1})
  const locations: SarifLocation[] = [{physicalLocation: physical, logicalLocations: logicalLocations(result)}]
  const review = result.status === 'unknown'
  const hash = findingHash(result.policy, result.subject.id)
  return {
    ruleId: result.policy,
    ruleIndex,
    ...(review ? {kind: 'review' as const, level: 'none' as const} : {kind: 'fail' as const, level: SARIF_LEVEL[result.severity]}),
    message: {text: resultMessage(result, own)},
    locations: locations.slice(0, limits.maxLocationsPerResult),
    partialFingerprints: {primaryLocationLineHash: primaryLocationLineHash(result.policy, result.subject.id)},
    fingerprints: {[FINGERPRINT_KEY]: hash},
    ...(result.status === 'suppressed' ? {suppressions: [suppressionOf(result.suppression, placement)]} : {}),
    properties: {
      severity: result.severity,
      status: result.status,
      subject: {...result.subject},
      ...(result.details !== undefined && result.details.length > 0 ? {details: result.details} : {}),
      ...(result.remediation !== undefined ? {remediation: result.remediation} : {}),
    },
  }
}

function notificationLocations(file: string | undefined, placement: Placement, where?: Location): SarifLocation[] | undefined {
  const inRepository = file !== undefined ? placement.locate(file) : undefined
  if (inRepository === undefined) return undefined
  return [{physicalLocation: physicalLocation(inRepository, where)}]
}

function diagnosticNotification(diagnostic: Diagnostic, placement: Placement): Notification {
  const where: Location | undefined =
    diagnostic.file !== undefined && diagnostic.line !== undefined
      ? {
          file: diagnostic.file,
          line: diagnostic.line,
          column: diagnostic.column ?? 1,
          ...(diagnostic.endLine !== undefined ? {endLine: diagnostic.endLine} : {}),
          ...(diagnostic.endColumn !== undefined ? {endColumn: diagnostic.endColumn} : {}),
        }
      : undefined
  const locations = notificationLocations(diagnostic.file, placement, where)
  // A file that cannot be a repository URI is still named, in the text.
  const place = locations === undefined && diagnostic.file !== undefined ? `${where !== undefined ? formatLocation(where) : diagnostic.file}: ` : ''
  return {
    level: diagnostic.severity,
    message: {text: `${place}${diagnostic.message}`},
    ...(diagnostic.code !== undefined ? {descriptor: {id: diagnostic.code}} : {}),
    ...(locations !== undefined ? {locations} : {}),
  }
}

function executionNotifications(report: Report, ruleSet: RuleSet, placement: Placement): Notification[] {
  const notifications = report.diagnostics.map((diagnostic) => diagnosticNotification(diagnostic, placement))
  const diagnosedFiles = new Set(report.diagnostics.map((diagnostic) => diagnostic.file).filter((file) => file !== undefined))
  for (const input of report.inputs) {
    if (input.fate === 'read') continue
    if (input.fate === 'failed' && diagnosedFiles.has(input.path)) continue
    const locations = notificationLocations(input.path, placement)
    notifications.push({
      level: input.fate === 'failed' ? 'error' : 'note',
      message: {text: `Input ${input.path} ${input.fate === 'failed' ? 'failed' : 'was skipped'}: ${input.detail}`},
      descriptor: {id: input.fate === 'failed' ? 'input-failed' : 'input-skipped'},
      ...(locations !== undefined ? {locations} : {}),
    })
  }
  for (const result of [...report.results].filter((candidate) => candidate.status === 'error').sort(compareResults)) {
    const own = ownLocation(result, placement)
    const locations = own !== undefined ? [{physicalLocation: physicalLocation(own.file, own)}] : undefined
    notifications.push({
      level: 'error',
      message: {text: `Policy ${result.policy} could not be evaluated on ${describeSubject(result.subject)}: ${result.message}`},
      associatedRule: {id: result.policy, index: ruleSet.indexById.get(result.policy) ?? 0},
      descriptor: {id: 'evaluation-error'},
      ...(locations !== undefined ? {locations} : {}),
    })
  }
  for (const note of report.notes) notifications.push({level: 'note', message: {text: note}})
  return notifications
}
