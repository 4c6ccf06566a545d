import {resolve} from 'node:path'

import type {Report} from '../../src/engine/report-types.js'
import type {FuzzCase} from './cases.js'

/** Stated bounds: a mutated fixture is at most a few MB, so a run far above these is a leak or a blow-up. */
export const CHILD_MAX_RSS_MB = 512
export const IN_PROCESS_MAX_RSS_MB = 1536
export const CASE_MAX_SECONDS = 30

const FATES = new Set(['read', 'skipped', 'failed'])
/** A V8 stack frame line (`    at fn (file:1:2)`), the mark of an uncaught exception. */
const STACK_FRAME = /^\s+at (?:.+ \()?(?:file:|node:|\/|[A-Za-z]:\\|<anonymous>).*\)?$/m

/** Names the first ways the report breaks the contract; empty when it holds. */
export function reportViolations(report: Report, fuzzCase: FuzzCase, builtinPolicies: number): string[] {
  const out: string[] = []
  if (![0, 1, 2].includes(report.exitCode)) out.push(`report exitCode ${String(report.exitCode)}`)
  const records = new Map<string, string[]>()
  for (const input of report.inputs) records.set(input.path, [...(records.get(input.path) ?? []), input.fate])
  for (const input of fuzzCase.inputs) {
    const fates = records.get(input)
    if (!fates) out.push(`input ${input} has no fate in the report`)
    else if (!fates.every((f) => FATES.has(f))) out.push(`input ${input} has fate ${fates.join(',')}`)
  }
  const errors = report.diagnostics.filter((d) => d.severity === 'error')
  if ((errors.length > 0 || report.inputs.some((i) => i.fate === 'failed')) && report.exitCode !== 2) out.push(`an input failed or an error was reported, yet exitCode ${report.exitCode}`)
  for (const d of report.diagnostics) {
    for (const field of ['line', 'column', 'endLine', 'endColumn'] as const) {
      const value = d[field]
      if (value !== undefined && !(Number.isInteger(value) && value >= 1)) out.push(`diagnostic ${d.code ?? ''} has ${field} ${String(value)}: ${d.message}`)
    }
    if (d.file !== undefined && typeof d.file !== 'string') out.push(`diagnostic ${d.code ?? ''} has file ${String(d.file)}`)
  }
  // Compared as absolute paths: the library entry may print a policy file absolute when the run's
  // working directory is not the process's.
  const mutated = resolve(fuzzCase.dir, fuzzCase.mutatedFile)
  const named = report.diagnostics.some((d) => d.file !== undefined && resolve(fuzzCase.dir, d.file) === mutated)
  if (fuzzCase.fixture.role === 'policy' && !named && report.policies.length <= builtinPolicies) out.push(`policy ${fuzzCase.mutatedFile} neither loaded nor named by a diagnostic`)
  if (fuzzCase.fixture.role === 'config' && !named && report.configFile !== fuzzCase.mutatedFile) out.push(`config ${fuzzCase.mutatedFile} neither used nor named by a diagnostic`)
  return out
}

export interface ChildOutcome {
  status: number | null
  signal: string | null
  stdout: string
  stderr: string
  maxRssMb: number | undefined
  seconds: number
}

export function childViolations(run: ChildOutcome): {violations: string[]; report?: Report} {
  const out: string[] = []
  if (run.signal) out.push(`killed by ${run.signal} after ${run.seconds.toFixed(1)} s`)
  else if (![0, 1, 2].includes(run.status ?? -1)) out.push(`exit code ${String(run.status)}`)
  const frame = STACK_FRAME.exec(run.stderr)
  if (frame) out.push(`stack trace on stderr: ${firstLines(run.stderr)}`)
  if (run.maxRssMb !== undefined && run.maxRssMb > CHILD_MAX_RSS_MB) out.push(`RSS ${run.maxRssMb.toFixed(0)} MB > ${CHILD_MAX_RSS_MB} MB`)
  let report: Report | undefined
  try {
    report = JSON.parse(run.stdout) as Report
  } catch {
    if (!run.signal) out.push(`standard output is not a JSON report (exit ${String(run.status)}): ${firstLines(run.stderr)}`)
  }
  if (report && report.exitCode !== run.status) out.push(`report says exitCode ${report.exitCode}, the process exited ${String(run.status)}`)
  return {violations: out, ...(report ? {report} : {})}
}

export function firstLines(text: string, lines = 3): string {
  return text.split('\n').filter((l) => l.trim()).slice(0, lines).join(' | ').slice(0, 400)
}

/** Properties a hostile run could have planted on Object.prototype; the set must stay empty. */
export function prototypePollution(): string[] {
  const planted = Object.getOwnPropertyNames(Object.prototype).filter((name) => !PRISTINE_PROTOTYPE.has(name))
  return planted.length > 0 ? [`Object.prototype gained ${planted.join(', ')}`] : []
}
const PRISTINE_PROTOTYPE = new Set(Object.getOwnPropertyNames(Object.prototype))
