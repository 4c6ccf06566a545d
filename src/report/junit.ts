import type {Diagnostic, InputRecord, Result, Status, SubjectRef} from '../model/types.js'
import {STATUSES} from '../model/types.js'
import {MAX_LISTED_FINDINGS} from '../model/limits.js'
import {policiesOf} from './policies.js'
import type {PolicySummary, Report} from '../engine/report-types.js'
import {anchorFile, describeSubject, formatLocation} from './anchor.js'
import {compareResults} from './order.js'
import {repositoryPath, type RepositoryContext} from './paths.js'
import {xmlDocument} from './xml.js'
import type {XmlElement} from './xml.js'
import {appendAll} from '../util/arrays.js'

/** The suite that lists every input, so a file that could not be read shows up in the CI test tab. */
export const INPUTS_SUITE = 'trailgate.inputs'

interface SuiteCounts {
  tests: number
  failures: number
  errors: number
  skipped: number
}

interface Suite {
  element: XmlElement
  counts: SuiteCounts
}

export interface JunitOptions {
  /** The repository `file` attributes are relative to; default, the report's working directory. */
  repository?: RepositoryContext
}

/** Where a testcase points: `file` (repository-relative) and `line`, as test reporters read them. */
interface Place {
  file?: string
  line?: number
}

/** Turns report locations into testcase places; a finding without a file gets the same anchor as in SARIF. */
interface Placer {
  at: (file: string | undefined, line?: number) => Place
  anchor: Place
}

function placerFor(report: Report, repository: RepositoryContext): Placer {
  const anchor = anchorFile(report, repository)
  return {
    at: (file, line) => {
      const inRepository = file !== undefined ? repositoryPath(file, report.workingDirectory, repository.root) : undefined
      return inRepository === undefined ? {} : {file: inRepository, ...(line !== undefined ? {line: Math.max(1, Math.trunc(line))} : {})}
    },
    anchor: anchor !== undefined ? {file: anchor, line: 1} : {},
  }
}

/**
 * Renders a report as JUnit XML (the Jenkins schema CI test tabs read): one testsuite per policy,
 * one testcase per subject it judged, and a `trailgate.inputs` suite with one testcase per input.
 * The schema allows `skipped` and `timestamp` on each testsuite but not on `testsuites`.
 */
export function renderJunit(report: Report, options: JunitOptions = {}): string {
  const placer = placerFor(report, options.repository ?? {root: report.workingDirectory})
  const suites = policiesOf(report).map((policy) =>
    policySuite(report, policy, report.results.filter((result) => result.policy === policy.id).sort(compareResults), placer),
  )
  if (report.inputs.length > 0 || report.diagnostics.length > 0) suites.push(inputsSuite(report, placer))
  const total = suites.reduce<SuiteCounts>(
    (sum, suite) => ({
      tests: sum.tests + suite.counts.tests,
      failures: sum.failures + suite.counts.failures,
      errors: sum.errors + suite.counts.errors,
      skipped: sum.skipped + suite.counts.skipped,
    }),
    {tests: 0, failures: 0, errors: 0, skipped: 0},
  )
  return xmlDocument({
    name: 'testsuites',
    attributes: {
      name: report.tool.name,
      tests: total.tests,
      failures: total.failures,
      errors: total.errors,
      time: durationSeconds(report),
    },
    children: suites.map((suite) => suite.element),
  })
}

function durationSeconds(report: Report): string | undefined {
  const milliseconds = Date.parse(report.finishedAt) - Date.parse(report.startedAt)
  return Number.isFinite(milliseconds) ? (Math.max(0, milliseconds) / 1000).toFixed(3) : undefined
}

function suiteElement(report: Report, name: string, counts: SuiteCounts, children: XmlElement[]): XmlElement {
  return {
    name: 'testsuite',
    attributes: {
      name,
      tests: counts.tests,
      failures: counts.failures,
      errors: counts.errors,
      skipped: counts.skipped,
      // Per-policy timings are not measured; the run's total is on `testsuites`.
      time: '0',
      timestamp: report.startedAt,
    },
    children,
  }
}

function properties(entries: [string, string][]): XmlElement {
  return {name: 'properties', children: entries.map(([name, value]) => ({name: 'property', attributes: {name, value}}))}
}

/** The subject's label, with its stable id when that says more (a trail name alone is ambiguous across regions). */
function caseName(subject: SubjectRef): string {
  return subject.label === subject.id || subject.label === '' ? subject.id : `${subject.label} (${subject.id})`
}

/**
 * Names unique within a suite, so reporters that key on them (retry detection, grouping) keep every
 * case: a repeated name gets its location, and a number if that is not enough.
 */
function uniqueNames(names: readonly string[], qualifiers: readonly (string | undefined)[]): string[] {
  const count = (list: readonly string[]): Map<string, number> => list.reduce((seen, name) => seen.set(name, (seen.get(name) ?? 0) + 1), new Map<string, number>())
  const base = count(names)
  const qualified = names.map((name, index) => ((base.get(name) ?? 0) > 1 && qualifiers[index] !== undefined ? `${name} at ${qualifiers[index]}` : name))
  const repeated = count(qualified)
  const taken = new Map<string, number>()
  return qualified.map((name) => {
    if ((repeated.get(name) ?? 0) < 2) return name
    const nth = (taken.get(name) ?? 0) + 1
    taken.set(name, nth)
    return `${name} #${nth}`
  })
}

function placeAttributes(place: Place): {file?: string; line?: number} {
  return {...(place.file !== undefined ? {file: place.file} : {}), ...(place.line !== undefined ? {line: place.line} : {})}
}

function whereLine(result: Result): string {
  return result.location !== undefined ? `Location: ${formatLocation(result.location)}` : `Subject: ${describeSubject(result.subject)}`
}

function failureBody(result: Result, policy: PolicySummary): string {
  const lines = [result.message]
  if (result.details !== undefined && result.details.length > 0) {
    appendAll(lines, ['', 'Details:'], result.details.map((detail) => `- ${detail.path}: expected ${detail.expected}, actual ${detail.actual}`))
  }
  // An evaluation error is trailgate's problem, not the subject's: no remediation to offer.
  const remediation = result.status === 'fail' ? (result.remediation ?? policy.remediation).trim() : ''
  if (remediation !== '') lines.push('', `Remediation: ${remediation}`)
  lines.push('', whereLine(result))
  return lines.join('\n')
}

function skippedText(result: Result): string {
  if (result.status === 'unknown') return /^unknown\b/i.test(result.message) ? result.message : `unknown: ${result.message}`
  const suppression = result.suppression
  if (suppression === undefined) return `suppressed: ${result.message}`
  const terms = [
    suppression.kind,
    suppression.expires !== undefined ? `until ${suppression.expires}` : undefined,
    suppression.approvedBy !== undefined ? `approved by ${suppression.approvedBy}` : undefined,
    suppression.source !== undefined ? `at ${formatLocation(suppression.source)}` : undefined,
  ].filter((term): term is string => term !== undefined)
  return `suppressed (${terms.join(', ')}): ${suppression.reason}`
}

function testcase(result: Result, policy: PolicySummary, name: string, place: Place): XmlElement {
  const children: XmlElement[] = []
  switch (result.status) {
    case 'fail':
      children.push({name: 'failure', attributes: {message: result.message, type: result.severity}, text: failureBody(result, policy)})
      break
    case 'error':
      children.push({name: 'error', attributes: {message: result.message, type: 'evaluation-error'}, text: failureBody(result, policy)})
      break
    case 'unknown':
    case 'suppressed':
      // The schema's `skipped` takes text only, no attributes: the reason is its content.
      children.push({name: 'skipped', text: skippedText(result)}, {name: 'system-out', text: `${result.message}\n${whereLine(result)}`})
      break
    case 'pass':
      break
  }
  return {name: 'testcase', attributes: {name, classname: result.policy, ...placeAttributes(place), time: '0'}, children}
}

function resultPlace(result: Result, placer: Placer): Place {
  const own = result.location !== undefined ? placer.at(result.location.file, result.location.line) : {}
  return own.file !== undefined ? own : placer.anchor
}

const UNLISTED_WORDS: Record<Status, string> = {fail: 'failures', error: 'evaluation errors', unknown: 'unknown results', suppressed: 'suppressed results', pass: 'passes'}

/**
 * One testcase standing for the results of a status past the listing cap, so a CI tab still shows
 * that there are more failures than the ones listed, and how many.
 */
function unlistedCase(policy: PolicySummary, status: Status, count: number, place: Place): XmlElement {
  const message = `${count} more ${UNLISTED_WORDS[status]} not listed (at most ${MAX_LISTED_FINDINGS} of each status are listed per policy; see the JSON report's counts)`
  const children: XmlElement[] =
    status === 'fail'
      ? [{name: 'failure', attributes: {message, type: policy.severity}, text: message}]
      : status === 'error'
        ? [{name: 'error', attributes: {message, type: 'evaluation-error'}, text: message}]
        : status === 'pass'
          ? [{name: 'system-out', text: message}]
          : [{name: 'skipped', text: message}]
  return {name: 'testcase', attributes: {name: `${count} more ${UNLISTED_WORDS[status]} not listed`, classname: policy.id, ...placeAttributes(place), time: '0'}, children}
}

function policySuite(report: Report, policy: PolicySummary, results: Result[], placer: Placer): Suite {
  const unlisted = STATUSES.filter((status) => (policy.unlisted?.[status] ?? 0) > 0)
  const summarized = new Set(unlisted)
  const counts: SuiteCounts = {
    tests: results.length + unlisted.length,
    failures: results.filter((result) => result.status === 'fail').length + (summarized.has('fail') ? 1 : 0),
    errors: results.filter((result) => result.status === 'error').length + (summarized.has('error') ? 1 : 0),
    skipped: results.filter((result) => result.status === 'unknown' || result.status === 'suppressed').length + unlisted.filter((status) => status === 'unknown' || status === 'suppressed').length,
  }
  const children = [
    properties([
      ['title', policy.title],
      ['severity', policy.severity],
      ['subject', policy.subject],
      ['notApplicable', String(policy.notApplicable)],
      ...unlisted.map((status): [string, string] => [`notListed.${status}`, String(policy.unlisted?.[status] ?? 0)]),
    ]),
    ...casesOf(results, policy, placer),
    ...unlisted.map((status) => unlistedCase(policy, status, policy.unlisted?.[status] ?? 0, placer.anchor)),
  ]
  return {element: suiteElement(report, policy.id, counts, children), counts}
}

function casesOf(results: Result[], policy: PolicySummary, placer: Placer): XmlElement[] {
  const names = uniqueNames(
    results.map((result) => caseName(result.subject)),
    results.map((result) => (result.location !== undefined ? formatLocation(result.location) : undefined)),
  )
  return results.map((result, index) => testcase(result, policy, names[index]!, resultPlace(result, placer)))
}

function diagnosticLine(diagnostic: Diagnostic): string {
  const place =
    diagnostic.file === undefined
      ? ''
      : diagnostic.line !== undefined
        ? `${diagnostic.file}:${diagnostic.line}:${diagnostic.column ?? 1}: `
        : `${diagnostic.file}: `
  return `${place}${diagnostic.severity}: ${diagnostic.message}${diagnostic.code !== undefined ? ` [${diagnostic.code}]` : ''}`
}

function inputCase(input: InputRecord, diagnostics: Diagnostic[], placer: Placer): XmlElement {
  const diagnosticText = diagnostics.map(diagnosticLine).join('\n')
  const children: XmlElement[] = []
  if (input.fate === 'failed') {
    children.push({name: 'error', attributes: {message: `${input.path} failed: ${input.detail}`, type: 'input-failed'}, text: diagnosticText === '' ? input.detail : diagnosticText})
  } else {
    if (input.fate === 'skipped') children.push({name: 'skipped', text: `skipped: ${input.detail}`})
    // A skipped input's detail is already the reason in `skipped`.
    const out = [input.fate === 'read' ? input.detail : '', diagnosticText].filter((text) => text !== '').join('\n')
    if (out !== '') children.push({name: 'system-out', text: out})
  }
  const place = placer.at(input.path, diagnostics.find((diagnostic) => diagnostic.line !== undefined)?.line)
  return {name: 'testcase', attributes: {name: input.path, classname: INPUTS_SUITE, ...placeAttributes(place), time: '0'}, children}
}

function inputsSuite(report: Report, placer: Placer): Suite {
  const paths = new Set(report.inputs.map((input) => input.path))
  const cases = report.inputs.map((input) =>
    inputCase(
      input,
      report.diagnostics.filter((diagnostic) => diagnostic.file === input.path),
      placer,
    ),
  )
  const unmatched = report.diagnostics.filter((diagnostic) => diagnostic.file === undefined || !paths.has(diagnostic.file))
  // An error that belongs to no input (a bad policy file, an unreachable account) must still fail the tab.
  const unmatchedErrors = unmatched.filter((diagnostic) => diagnostic.severity === 'error')
  unmatchedErrors.forEach((diagnostic, index) => {
    const place = diagnostic.file === undefined ? '' : ` ${diagnostic.file}${diagnostic.line !== undefined ? `:${diagnostic.line}` : ''}`
    cases.push({
      name: 'testcase',
      attributes: {name: `diagnostic ${index + 1}${place}`, classname: INPUTS_SUITE, ...placeAttributes(placer.at(diagnostic.file, diagnostic.line)), time: '0'},
      children: [{name: 'error', attributes: {message: diagnostic.message, type: diagnostic.code ?? 'diagnostic'}, text: diagnosticLine(diagnostic)}],
    })
  })
  const warnings = unmatched.filter((diagnostic) => diagnostic.severity === 'warning')
  const counts: SuiteCounts = {
    tests: cases.length,
    failures: 0,
    errors: report.inputs.filter((input) => input.fate === 'failed').length + unmatchedErrors.length,
    skipped: report.inputs.filter((input) => input.fate === 'skipped').length,
  }
  const children: XmlElement[] = [
    properties([
      ['read', String(report.inputs.filter((input) => input.fate === 'read').length)],
      ['skipped', String(counts.skipped)],
      ['failed', String(report.inputs.filter((input) => input.fate === 'failed').length)],
    ]),
    ...cases,
  ]
  const notes = [...warnings.map(diagnosticLine), ...report.notes]
  if (notes.length > 0) children.push({name: 'system-out', text: notes.join('\n')})
  return {element: suiteElement(report, INPUTS_SUITE, counts, children), counts}
}
