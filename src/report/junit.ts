import type {Diagnostic, InputRecord, Result, SubjectRef} from '../model/types.js'
import {policiesOf} from './policies.js'
import type {PolicySummary, Report} from '../engine/report-types.js'
import {describeSubject, formatLocation} from './anchor.js'
import {compareResults} from './order.js'
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

/**
 * Renders a report as JUnit XML (the Jenkins schema CI test tabs read): one testsuite per policy,
 * one testcase per subject it judged, and a `trailgate.inputs` suite with one testcase per input.
 * The schema allows `skipped` and `timestamp` on each testsuite but not on `testsuites`.
 */
export function renderJunit(report: Report): string {
  const suites = policiesOf(report).map((policy) =>
    policySuite(report, policy, report.results.filter((result) => result.policy === policy.id).sort(compareResults)),
  )
  if (report.inputs.length > 0 || report.diagnostics.length > 0) suites.push(inputsSuite(report))
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

function testcase(result: Result, policy: PolicySummary): XmlElement {
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
  return {name: 'testcase', attributes: {name: caseName(result.subject), classname: result.policy, time: '0'}, children}
}

function policySuite(report: Report, policy: PolicySummary, results: Result[]): Suite {
  const counts: SuiteCounts = {
    tests: results.length,
    failures: results.filter((result) => result.status === 'fail').length,
    errors: results.filter((result) => result.status === 'error').length,
    skipped: results.filter((result) => result.status === 'unknown' || result.status === 'suppressed').length,
  }
  const children = [
    properties([
      ['title', policy.title],
      ['severity', policy.severity],
      ['subject', policy.subject],
      ['notApplicable', String(policy.notApplicable)],
    ]),
    ...results.map((result) => testcase(result, policy)),
  ]
  return {element: suiteElement(report, policy.id, counts, children), counts}
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

function inputCase(input: InputRecord, diagnostics: Diagnostic[]): XmlElement {
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
  return {name: 'testcase', attributes: {name: input.path, classname: INPUTS_SUITE, time: '0'}, children}
}

function inputsSuite(report: Report): Suite {
  const paths = new Set(report.inputs.map((input) => input.path))
  const cases = report.inputs.map((input) =>
    inputCase(
      input,
      report.diagnostics.filter((diagnostic) => diagnostic.file === input.path),
    ),
  )
  const unmatched = report.diagnostics.filter((diagnostic) => diagnostic.file === undefined || !paths.has(diagnostic.file))
  // An error that belongs to no input (a bad policy file, an unreachable account) must still fail the tab.
  const unmatchedErrors = unmatched.filter((diagnostic) => diagnostic.severity === 'error')
  unmatchedErrors.forEach((diagnostic, index) => {
    const place = diagnostic.file === undefined ? '' : ` ${diagnostic.file}${diagnostic.line !== undefined ? `:${diagnostic.line}` : ''}`
    cases.push({
      name: 'testcase',
      attributes: {name: `diagnostic ${index + 1}${place}`, classname: INPUTS_SUITE, time: '0'},
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
