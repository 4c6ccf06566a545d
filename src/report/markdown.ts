import {SEVERITIES, STATUSES} from '../model/types.js'
import type {Diagnostic, Result} from '../model/types.js'
import type {Report} from '../engine/report-types.js'
import {errorCount} from '../engine/exit-code.js'
import {repositoryLocation} from './anchor.js'
import {compareResults, severityRank} from './order.js'
import {clip} from './text-limits.js'
import {appendAll} from '../util/arrays.js'

export interface MarkdownLimits {
  /** Rows of the failures table before an "and N more" line. */
  maxTableRows: number
  /** GitHub refuses a step summary over 1 MiB; stay below it with room for other steps. */
  maxBytes: number
}

export const MARKDOWN_LIMITS: Readonly<MarkdownLimits> = {maxTableRows: 500, maxBytes: 1_000_000}

export interface MarkdownOptions {
  limits?: Partial<MarkdownLimits>
}

const MAX_CELL = 300
const MAX_LIST_ITEMS = 100
const MAX_REMEDIATION = 2_000

/** Escapes HTML outside code spans and fences, so `<trail>` in a command shows instead of vanishing as a tag. */
export function escapeMarkdownText(text: string): string {
  return text
    .split(/(```[\s\S]*?```|`[^`\n]+`)/)
    .map((part, index) => (index % 2 === 1 ? part : part.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')))
    .join('')
}

/** A table cell: one line, pipes escaped, length bounded. */
export function tableCell(text: string): string {
  return escapeMarkdownText(clip(text.replace(/\r\n?|\n/g, ' ').trim(), MAX_CELL)).replace(/\|/g, '\\|')
}

function code(text: string): string {
  const clean = text.replace(/\r\n?|\n/g, ' ')
  const fence = clean.includes('`') ? '``' : '`'
  return `${fence}${clean.includes('`') ? ` ${clean} ` : clean}${fence}`
}

function plural(count: number, word: string, pluralWord = `${word}s`): string {
  return `${count} ${count === 1 ? word : pluralWord}`
}

/**
 * Renders a report as a GitHub job summary: verdict, counts, the failures table, remediation, and
 * collapsible sections for what was suppressed, unknown, or could not be read.
 */
export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const limits: MarkdownLimits = {...MARKDOWN_LIMITS, ...options.limits}
  const failures = report.results.filter((result) => result.status === 'fail').sort(compareResults)
  const sections = [
    heading(report, failures),
    counts(report),
    failureTable(failures, limits, report),
    remediation(report, failures, limits),
    evaluationErrors(report, limits),
    suppressedAndUnknown(report, limits),
    inputsAndDiagnostics(report, limits),
  ].filter((section) => section !== '')
  return fitToBytes(`${sections.join('\n\n')}\n`, limits.maxBytes)
}

function failuresAtOrAbove(report: Report, failures: Result[]): number {
  const {failOn} = report
  if (failOn === 'none') return 0
  return failures.filter((result) => severityRank(result.severity) <= severityRank(failOn)).length
}

function heading(report: Report, failures: Result[]): string {
  const blocking = failuresAtOrAbove(report, failures)
  const below = failures.length - blocking
  const threshold = report.failOn === 'none' ? 'the threshold (`--fail-on none` fails on nothing)' : code(report.failOn)
  let word: string
  let verdict: string
  if (report.exitCode === 2) {
    const problems = errorCount(report)
    word = 'incomplete'
    verdict = `**Incomplete:** the run cannot be trusted (${plural(problems, 'error')} in inputs, policies or evaluation); ${plural(blocking, 'failure')} at or above ${threshold} among what was checked.`
  } else if (report.exitCode === 1) {
    word = 'failed'
    verdict = `**Failed:** ${plural(blocking, 'failure')} at or above ${threshold}.`
  } else {
    word = 'passed'
    verdict = `**Passed:** no failures at or above ${threshold}.`
  }
  if (below > 0) verdict += ` ${plural(below, 'failure')} below the threshold.`
  const {read, skipped, failed} = report.summary.inputs
  const scope = `${plural(report.policies.length, 'policy', 'policies')} judged ${plural(report.summary.results, 'result')}; inputs: ${read} read, ${skipped} skipped, ${failed} failed.`
  return `## trailgate ${report.command}: ${word}\n\n${verdict}\n\n${scope}`
}

function counts(report: Report): string {
  const severityRows = SEVERITIES.map((severity) => `| ${severity} | ${report.summary.failuresBySeverity[severity]} |`)
  const statusRows = STATUSES.map((status) => `| ${status} | ${report.summary.counts[status]} |`)
  return ['| Severity | Failures |', '| --- | ---: |', ...severityRows, '', '| Status | Results |', '| --- | ---: |', ...statusRows].join('\n')
}

function subjectCell(result: Result): string {
  const {subject} = result
  return subject.label === subject.id ? tableCell(subject.id) : `${tableCell(subject.label)} (${tableCell(subject.id)})`
}

/** `path:line` as plain text: job summaries do not resolve repository links. */
function locationCell(result: Result): string {
  const own = repositoryLocation(result)
  if (own !== undefined) return code(`${own.file}:${own.line}`).replace(/\|/g, '\\|')
  if (result.location !== undefined) return code(`${result.location.file}:${result.location.line}`).replace(/\|/g, '\\|')
  const where = [result.subject.account !== undefined ? `account ${result.subject.account}` : undefined, result.subject.region]
    .filter((part): part is string => part !== undefined)
    .join(', ')
  return where === '' ? 'no file' : tableCell(where)
}

function failureTable(failures: Result[], limits: MarkdownLimits, report: Report): string {
  if (failures.length === 0) return '### Failures\n\nNone.'
  const header = ['### Failures', '', '| Severity | Policy | Subject | Message | Location |', '| --- | --- | --- | --- | --- |']
  const budget = Math.floor(limits.maxBytes / 2)
  let used = 0
  const rows: string[] = []
  for (const result of failures) {
    if (rows.length >= limits.maxTableRows) break
    const row = `| ${result.severity} | ${code(result.policy)} | ${subjectCell(result)} | ${tableCell(result.message)} | ${locationCell(result)} |`
    used += Buffer.byteLength(row) + 1
    if (used > budget) break
    rows.push(row)
  }
  const lines = [...header, ...rows]
  const hidden = failures.length - rows.length
  if (hidden > 0) {
    lines.push('', `… and ${hidden} more ${hidden === 1 ? 'failure' : 'failures'} not shown here; the table was truncated to keep this summary under GitHub's size limit. The JSON or SARIF report has them all.`)
  }
  if (report.notes.some((note) => /truncat/i.test(note))) lines.push('', 'Note: some results were truncated; see the notes below.')
  return lines.join('\n')
}

function remediation(report: Report, failures: Result[], limits: MarkdownLimits): string {
  const failingPolicies = [...new Set(failures.map((result) => result.policy))]
  if (failingPolicies.length === 0) return ''
  const budget = Math.floor(limits.maxBytes / 8)
  const blocks: string[] = []
  let used = 0
  let hidden = 0
  for (const id of failingPolicies) {
    const policy = report.policies.find((candidate) => candidate.id === id)
    const own = failures.filter((result) => result.policy === id)
    const title = policy?.title ?? own[0]?.title ?? id
    const block = `**${code(id)}**: ${escapeMarkdownText(title)}\n\n${fixesOf(own, policy?.remediation ?? '')}`
    used += Buffer.byteLength(block) + 2
    if (used > budget) {
      hidden = failingPolicies.length - blocks.length
      break
    }
    blocks.push(block)
  }
  if (hidden > 0) blocks.push(`… and remediation for ${plural(hidden, 'more policy', 'more policies')} not shown.`)
  return ['### Remediation', ...blocks].join('\n\n')
}

/**
 * The fix of each failing subject, filled in with its values: one text when they all share it,
 * else one item per distinct fix naming the subjects it is for.
 */
function fixesOf(failures: Result[], fallback: string): string {
  const subjectsByFix = new Map<string, string[]>()
  for (const result of failures) {
    const fix = (result.remediation ?? fallback).trim()
    const subjects = subjectsByFix.get(fix)
    if (subjects) subjects.push(result.subject.label)
    else subjectsByFix.set(fix, [result.subject.label])
  }
  const fixes = [...subjectsByFix.entries()]
  if (fixes.length === 1) {
    const [fix] = fixes[0]!
    return fix === '' ? 'No remediation given.' : escapeMarkdownText(clip(fix, MAX_REMEDIATION))
  }
  const items = fixes.slice(0, MAX_LIST_ITEMS).map(([fix, subjects]) => {
    const named = subjects.length > 3 ? `${subjects.slice(0, 3).join(', ')} and ${subjects.length - 3} more` : subjects.join(', ')
    const text = fix === '' ? 'No remediation given.' : escapeMarkdownText(clip(fix, MAX_REMEDIATION)).replace(/\n/g, '\n  ')
    return `- ${listText(named)}: ${text}`
  })
  if (fixes.length > MAX_LIST_ITEMS) items.push(`- … and ${fixes.length - MAX_LIST_ITEMS} more`)
  return items.join('\n')
}

/** A bulleted list of at most MAX_LIST_ITEMS items and a budget of bytes, then "and N more". */
function boundedList(items: string[], limits: MarkdownLimits): string[] {
  const budget = Math.floor(limits.maxBytes / 16)
  const lines: string[] = []
  let used = 0
  for (const item of items) {
    const line = `- ${item}`
    used += Buffer.byteLength(line) + 1
    if (lines.length >= MAX_LIST_ITEMS || used > budget) break
    lines.push(line)
  }
  if (lines.length < items.length) lines.push(`- … and ${items.length - lines.length} more`)
  return lines
}

function listText(text: string): string {
  return escapeMarkdownText(clip(text.replace(/\r\n?|\n/g, ' '), MAX_CELL * 2))
}

function evaluationErrors(report: Report, limits: MarkdownLimits): string {
  const errors = report.results.filter((result) => result.status === 'error').sort(compareResults)
  if (errors.length === 0) return ''
  const items = errors.map((result) => `${code(result.policy)} on ${listText(result.subject.label)}: ${listText(result.message)}`)
  return ['### Could not evaluate', '', ...boundedList(items, limits)].join('\n')
}

function details(summary: string, body: string[]): string {
  // The blank line after <summary> lets GitHub render the body as markdown.
  return `<details><summary>${escapeMarkdownText(summary)}</summary>\n\n${body.join('\n')}\n\n</details>`
}

function suppressedAndUnknown(report: Report, limits: MarkdownLimits): string {
  const suppressed = report.results.filter((result) => result.status === 'suppressed').sort(compareResults)
  const unknown = report.results.filter((result) => result.status === 'unknown').sort(compareResults)
  if (suppressed.length === 0 && unknown.length === 0) return ''
  const body: string[] = []
  if (suppressed.length > 0) {
    body.push('**Suppressed**', '')
    const items = suppressed.map((result) => {
      const suppression = result.suppression
      const why = suppression === undefined ? 'suppressed' : `${suppression.kind}${suppression.expires !== undefined ? ` until ${suppression.expires}` : ''}: ${suppression.reason}`
      return `${code(result.policy)} on ${listText(result.subject.label)}: ${listText(why)}`
    })
    appendAll(body, boundedList(items, limits), [''])
  }
  if (unknown.length > 0) {
    body.push('**Unknown** (the outcome depends on values known only after deploy)', '')
    appendAll(body, boundedList(unknown.map((result) => `${code(result.policy)} on ${listText(result.subject.label)}: ${listText(result.message)}`), limits))
  }
  return details(`${plural(suppressed.length, 'suppressed result')}, ${plural(unknown.length, 'unknown result')}`, body)
}

function diagnosticItem(diagnostic: Diagnostic): string {
  const place =
    diagnostic.file === undefined
      ? ''
      : `${code(diagnostic.line !== undefined ? `${diagnostic.file}:${diagnostic.line}:${diagnostic.column ?? 1}` : diagnostic.file)} `
  return `${diagnostic.severity} ${place}${listText(diagnostic.message)}${diagnostic.code !== undefined ? ` (${diagnostic.code})` : ''}`
}

function inputsAndDiagnostics(report: Report, limits: MarkdownLimits): string {
  const troubled = report.inputs.filter((input) => input.fate !== 'read')
  if (troubled.length === 0 && report.diagnostics.length === 0 && report.notes.length === 0) return ''
  const body: string[] = []
  if (troubled.length > 0) {
    body.push('**Inputs not read**', '')
    appendAll(body, boundedList(troubled.map((input) => `${input.fate} ${code(input.path)}: ${listText(input.detail)}`), limits), [''])
  }
  if (report.diagnostics.length > 0) {
    body.push('**Diagnostics**', '')
    appendAll(body, boundedList(report.diagnostics.map(diagnosticItem), limits), [''])
  }
  if (report.notes.length > 0) {
    body.push('**Notes**', '')
    appendAll(body, boundedList(report.notes.map(listText), limits))
  }
  const {failed, skipped} = report.summary.inputs
  const {errors, warnings} = report.summary.diagnostics
  return details(`Inputs: ${failed} failed, ${skipped} skipped; diagnostics: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`, body)
}

/** Last guard for the size limit: cut at a line boundary and say so. */
function fitToBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text
  const notice = '\n\n… summary cut here to stay under GitHub\'s step summary size limit.\n'
  const lines = text.split('\n')
  let size = Buffer.byteLength(notice)
  const kept: string[] = []
  for (const line of lines) {
    size += Buffer.byteLength(line) + 1
    if (size > maxBytes) break
    kept.push(line)
  }
  return `${kept.join('\n')}${notice}`
}
