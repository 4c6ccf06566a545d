import pc from 'picocolors'

import type {Location, Result, Status} from '../model/types.js'
import {MAX_LISTED_FINDINGS} from '../model/limits.js'
import {TARGET_REGION} from '../model/views.js'
import type {PolicySummary, Report} from '../engine/report-types.js'
import {severityRank} from './order.js'
import {appendAll} from '../util/arrays.js'

export interface TextOptions {
  color: boolean
  /** Also list each passing subject, and every input that was read. */
  verbose?: boolean
}

type Colors = ReturnType<typeof pc.createColors>

const STATUS_ORDER: Status[] = ['fail', 'error', 'unknown', 'suppressed', 'pass']

/** The report for people: grouped by policy, problems first, one summary line at the end. */
export function renderText(report: Report, options: TextOptions): string {
  const c = pc.createColors(options.color)
  const out: string[] = []
  out.push(header(report, c))
  for (const note of report.notes) out.push(c.dim(`  note: ${note}`))
  out.push('')

  const byPolicy = groupBy(report.results, (r) => r.policy)
  const judged = report.policies.filter((p) => (byPolicy.get(p.id)?.length ?? 0) > 0 || p.notApplicable > 0 || (p.recordsPassed ?? 0) > 0)
  const ordered = judged.sort((a, b) => policyRank(byPolicy.get(a.id)) - policyRank(byPolicy.get(b.id)) || a.id.localeCompare(b.id))
  const idWidth = ordered.reduce((width, p) => Math.max(width, p.id.length), 0)
  for (const policy of ordered) appendAll(out, policyBlock(policy, byPolicy.get(policy.id) ?? [], idWidth, options, c))
  appendAll(out, idlePolicies(report.policies.filter((p) => !judged.includes(p)), c))

  if (report.coverage && report.coverage.length > 0) {
    out.push('', c.bold('Coverage seen in the CloudTrail records'))
    for (const cov of report.coverage) {
      out.push(`  account ${cov.account}: ${cov.records.toLocaleString('en-US')} records from ${cov.regions.length} region${cov.regions.length === 1 ? '' : 's'} (${cov.regions.join(', ')}); global service events ${cov.globalServiceEvents ? 'present' : c.yellow('absent')}; data events ${cov.dataEvents ? 'present' : 'absent'}${cov.firstEventTime ? c.dim(` · ${cov.firstEventTime} … ${cov.lastEventTime}`) : ''}`)
    }
  }

  const problems = report.inputs.filter((i) => i.fate !== 'read')
  const shownInputs = options.verbose ? report.inputs : problems
  if (shownInputs.length > 0) {
    out.push('', c.bold('Inputs'))
    for (const input of shownInputs) {
      const fate = input.fate === 'failed' ? c.red('failed ') : input.fate === 'skipped' ? c.yellow('skipped') : c.green('read   ')
      out.push(`  ${fate} ${input.path}  ${c.dim(input.detail)}`)
    }
  }
  if (report.diagnostics.length > 0) {
    out.push('', c.bold('Diagnostics'))
    for (const d of report.diagnostics) {
      const where = d.file ? `${d.file}${d.line ? `:${d.line}:${d.column ?? 1}` : ''}  ` : ''
      out.push(`  ${d.severity === 'error' ? c.red('error  ') : c.yellow('warning')} ${where}${d.message}`)
    }
  }
  out.push('', summaryLine(report, c))
  return `${out.join('\n')}\n`
}

function header(report: Report, c: Colors): string {
  const {read, skipped, failed} = report.summary.inputs
  const parts = [`${read} input${read === 1 ? '' : 's'} read`]
  if (skipped) parts.push(`${skipped} skipped`)
  if (failed) parts.push(c.red(`${failed} failed`))
  return `${c.bold(`trailgate ${report.command}`)} ${c.dim('·')} ${parts.join(', ')} ${c.dim('·')} ${report.policies.length} polic${report.policies.length === 1 ? 'y' : 'ies'}`
}

function policyRank(results: Result[] | undefined): number {
  const statuses = new Set((results ?? []).map((r) => r.status))
  const rank = STATUS_ORDER.findIndex((s) => statuses.has(s))
  return rank === -1 ? STATUS_ORDER.length : rank
}

function policyBlock(policy: PolicySummary, results: Result[], idWidth: number, options: TextOptions, c: Colors): string[] {
  const counts = countStatuses(results)
  const unlisted = countStatuses([])
  for (const [status, count] of Object.entries(policy.unlisted ?? {}) as [Status, number][]) {
    counts[status] += count
    unlisted[status] += count
  }
  const worst = STATUS_ORDER.find((s) => counts[s] > 0) ?? ((policy.recordsPassed ?? 0) > 0 ? 'pass' : undefined)
  const tag = worst === 'fail' ? c.red('✗ FAIL   ') : worst === 'error' ? c.red('! ERROR  ') : worst === 'unknown' ? c.yellow('? UNKNOWN') : worst === 'suppressed' ? c.cyan('~ WAIVED ') : worst === 'pass' ? c.green('✓ PASS   ') : c.dim('- N/A    ')
  const tally = STATUS_ORDER.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${statusWord(s)}`)
  if (policy.recordsPassed !== undefined) tally.push(`${policy.recordsPassed.toLocaleString('en-US')} records without a finding`)
  if (policy.notApplicable > 0) tally.push(`${policy.notApplicable} not applicable`)
  const lines = [`${tag} ${c.bold(policy.id.padEnd(idWidth))} ${severityTag(policy.severity, c)} ${policy.title} ${c.dim(`(${tally.join(', ') || 'no subjects'})`)}`]
  const shown = results.filter((r) => r.status !== 'pass' || options.verbose)
  const fixesShown = new Set<string>()
  for (const result of sortResults(shown)) {
    const mark = {fail: c.red('✗'), error: c.red('!'), unknown: c.yellow('?'), suppressed: c.cyan('~'), pass: c.green('✓')}[result.status]
    lines.push(`    ${mark} ${result.message}`)
    const where = accountAndRegion(result)
    if (where && result.status !== 'pass' && (result.subject.type === 'trail' || result.subject.type === 'event' || result.subject.type === 'archive')) lines.push(c.dim(`      ${where}`))
    if (result.location) lines.push(c.dim(`      at ${formatLocation(result.location)}`))
    if (result.logical?.constructPath) lines.push(c.dim(`      construct ${result.logical.constructPath}`))
    else if (result.logical?.address) lines.push(c.dim(`      resource ${result.logical.address}`))
    if (result.suppression) lines.push(c.dim(`      ${result.suppression.kind}: ${result.suppression.reason}${result.suppression.expires ? ` (until ${result.suppression.expires})` : ''}`))
    // Each failing subject gets the fix filled in with its own values; the same text is not repeated.
    if (result.status === 'fail' && result.remediation && !fixesShown.has(result.remediation)) {
      fixesShown.add(result.remediation)
      const [first, ...rest] = result.remediation.trim().split('\n')
      appendAll(lines, [c.dim(`      fix: ${first}`)], rest.map((line) => c.dim(`           ${line}`)))
    }
  }
  // Passes are listed only with --verbose, so only then are the unlisted ones worth a word.
  const notListed = STATUS_ORDER.filter((s) => unlisted[s] > 0 && (s !== 'pass' || options.verbose))
  const notListedTotal = notListed.reduce((sum, s) => sum + unlisted[s], 0)
  if (notListedTotal > 0) {
    const byStatus = notListed.map((s) => `${unlisted[s]} ${statusWord(s)}`).join(', ')
    lines.push(`    … and ${notListedTotal} more findings not listed (${byStatus}; at most ${MAX_LISTED_FINDINGS} of each status are listed per policy; the counts include them)`)
  }
  return lines
}

const ACCOUNT_ID = /^\d{12}$/

/** `account 111122223333 · region eu-west-1`: whose and where, for subjects of a real account. */
function accountAndRegion(result: Result): string | undefined {
  const {account, region} = result.subject
  if (account === undefined || !ACCOUNT_ID.test(account)) return undefined
  return region !== undefined && region !== TARGET_REGION ? `account ${account} · region ${region}` : `account ${account}`
}

const NOTHING_TO_JUDGE: Record<string, string> = {
  trail: 'no trail in these inputs',
  region: 'no region among the inputs',
  account: 'no account among the inputs',
  event: 'no CloudTrail records among the inputs',
  archive: 'no CloudTrail-Digest files among the inputs',
}

/** Policies that had no subject of their kind: one line per kind, not one per policy. */
function idlePolicies(policies: PolicySummary[], c: Colors): string[] {
  const bySubject = groupBy(policies, (p) => p.subject)
  return [...bySubject.entries()].map(([subject, group]) =>
    c.dim(`- ${group.length} ${subject} polic${group.length === 1 ? 'y' : 'ies'} had nothing to judge (${NOTHING_TO_JUDGE[subject] ?? 'no subjects'})`),
  )
}

function severityTag(severity: string, c: Colors): string {
  const padded = severity.padEnd(8)
  if (severity === 'critical' || severity === 'high') return c.red(padded)
  if (severity === 'medium') return c.yellow(padded)
  return c.dim(padded)
}

function summaryLine(report: Report, c: Colors): string {
  const k = report.summary.counts
  const parts = [
    k.fail ? c.red(`${k.fail} failed`) : '0 failed',
    `${k.unknown} unknown`,
    `${k.suppressed} suppressed`,
    k.error ? c.red(`${k.error} errors`) : '0 errors',
    `${k.pass} passed`,
  ]
  const verdict =
    report.exitCode === 2
      ? c.red(`exit 2: ${untrustedBecause(report)}`)
      : report.exitCode === 1
        ? c.red(`exit 1: failures at or above ${report.failOn}`)
        : c.green(`exit 0${k.fail ? `: no failure at or above ${report.failOn}` : ''}`)
  // Event policies that judged records and found nothing are PASS lines above, not passed results.
  const quietEventPolicies = report.policies.filter((p) => (p.recordsPassed ?? 0) > 0 && !report.results.some((r) => r.policy === p.id) && !p.unlisted).length
  if (quietEventPolicies > 0) parts.push(`${quietEventPolicies} event polic${quietEventPolicies === 1 ? 'y' : 'ies'} without a finding`)
  const {errors, warnings} = report.summary.diagnostics
  // Diagnostics are listed apart from results, so they are counted apart too.
  const diagnostics = errors + warnings > 0 ? ` ${c.dim('·')} diagnostics: ${errors ? c.red(`${errors} error${errors === 1 ? '' : 's'}`) : '0 errors'}, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''
  const noTrail = report.summary.inputs.read > 0 && report.policies.some((p) => p.subject !== 'event') && report.results.every((r) => r.subject.type === 'event')
  return `${c.bold('Summary:')} ${parts.join(', ')}${noTrail ? ' · no trail in these inputs' : ''}${diagnostics} ${c.dim('·')} ${verdict}`
}

/** Why exit 2, in one sentence: a run that judged nothing says so, undecided results are counted. */
function untrustedBecause(report: Report): string {
  const nothingJudged = report.diagnostics.find((d) => d.code === 'nothing-read' || d.code === 'no-policy')
  if (nothingJudged) return nothingJudged.message
  const otherwiseTrusted = report.summary.diagnostics.errors === 0 && report.summary.inputs.failed === 0 && report.summary.counts.error === 0
  if (otherwiseTrusted && report.failOnUnknown && report.failOn !== 'none') {
    const threshold = severityRank(report.failOn)
    const undecided = report.results.filter((r) => r.status === 'unknown' && severityRank(r.severity) <= threshold).length
    return `${undecided} result${undecided === 1 ? '' : 's'} could not be decided (--fail-on-unknown)`
  }
  return 'the run cannot be trusted (see inputs and diagnostics)'
}

export function formatLocation(location: Location): string {
  return `${location.file}:${location.line}:${location.column}`
}

function sortResults(results: Result[]): Result[] {
  return [...results].sort((a, b) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) || a.subject.id.localeCompare(b.subject.id))
}

function statusWord(status: Status): string {
  return status === 'fail' ? 'failed' : status === 'pass' ? 'passed' : status
}

function countStatuses(results: Result[]): Record<Status, number> {
  const counts: Record<Status, number> = {pass: 0, fail: 0, unknown: 0, suppressed: 0, error: 0}
  for (const r of results) counts[r.status]++
  return counts
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>()
  for (const item of items) {
    const k = key(item)
    const list = map.get(k)
    if (list) list.push(item)
    else map.set(k, [item])
  }
  return map
}
