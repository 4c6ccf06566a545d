import {closeSync, mkdirSync, openSync, writeFileSync, writeSync} from 'node:fs'
import {dirname} from 'node:path'

import {renderJson, renderJsonChunks} from '../report/json.js'
import {renderJunit} from '../report/junit.js'
import {renderMarkdown} from '../report/markdown.js'
import {renderSarif} from '../report/sarif.js'
import {renderText} from '../report/text.js'
import type {Report} from '../engine/report-types.js'
import {repositoryContext, type Environment} from './repository-context.js'
import type {Diagnostic} from '../model/types.js'

export type Format = 'text' | 'json' | 'sarif' | 'junit' | 'markdown'

export interface OutputRequest {
  format: Format
  files: Partial<Record<Exclude<Format, 'text'>, string>>
  color: boolean
  verbose: boolean
  sarifIncludeUnknown: boolean
  sarifIncludeSuppressed: boolean
  /** Where the repository is found from (GITHUB_WORKSPACE, GITHUB_WORKFLOW_REF); default, the process's environment. */
  env?: Environment
}

export function render(report: Report, format: Format, request: OutputRequest): string {
  switch (format) {
    case 'text':
      return renderText(report, {color: request.color, verbose: request.verbose})
    case 'json':
      return renderJson(report)
    case 'sarif':
      return renderSarif(report, {includeUnknown: request.sarifIncludeUnknown, includeSuppressed: request.sarifIncludeSuppressed, repository: repositoryContext(report, request.env ?? process.env)})
    case 'junit':
      return renderJunit(report, {repository: repositoryContext(report, request.env ?? process.env)})
    case 'markdown':
      return renderMarkdown(report)
  }
}

/** A report that could not be rendered or written; the others were still written. */
export interface OutputFailure {
  format: Format
  where: string
  message: string
}

/**
 * Every requested file from the same report, then the chosen format on standard output. A file that
 * cannot be written (a folder, a full disk) fails alone: the other reports are still written.
 */
export function writeOutputs(report: Report, request: OutputRequest, stdout: (text: string) => void): OutputFailure[] {
  const failures: OutputFailure[] = []
  const attempt = (format: Format, where: string, write: () => void): void => {
    try {
      write()
    } catch (error) {
      failures.push({format, where, message: error instanceof Error ? error.message : String(error)})
    }
  }
  for (const [format, file] of Object.entries(request.files) as [Exclude<Format, 'text'>, string | undefined][]) {
    if (!file) continue
    attempt(format, file, () => {
      mkdirSync(dirname(file), {recursive: true})
      if (format === 'json') {
        writeChunks(file, renderJsonChunks(report))
        return
      }
      const text = render(report, format, request)
      if (format === 'sarif') warnIfResultsLeftOut(text, file)
      writeFileSync(file, text)
    })
  }
  // What standard output shows must agree with how the run ends: a report file that could not be
  // written makes it exit 2, so it says so and lists why.
  const shown = withOutputFailures(report, failures)
  attempt(request.format, 'standard output', () => {
    if (request.format === 'json') {
      // A large report does not fit in one string: it goes out a piece at a time.
      for (const chunk of renderJsonChunks(shown)) stdout(chunk)
      return
    }
    const text = render(shown, request.format, request)
    if (request.format === 'sarif') warnIfResultsLeftOut(text, 'standard output')
    stdout(text)
  })
  return failures
}

/** The report with each file that could not be written as an error diagnostic, and the exit code that makes. */
export function withOutputFailures(report: Report, failures: readonly OutputFailure[]): Report {
  if (failures.length === 0) return report
  const diagnostics = failures.map((failure): Diagnostic => ({severity: 'error', code: 'report-write', message: `cannot write the ${failure.format} report to ${failure.where}: ${failure.message}`}))
  return {
    ...report,
    exitCode: 2,
    summary: {...report.summary, diagnostics: {...report.summary.diagnostics, errors: report.summary.diagnostics.errors + diagnostics.length}},
    diagnostics: [...report.diagnostics, ...diagnostics],
  }
}

/**
 * Writes to standard output and throws when the text cannot be written (a full disk, a closed pipe),
 * so the failure is known before the exit code is chosen, which `process.stdout.write` cannot tell.
 */
export function writeToStandardOutput(text: string): void {
  const bytes = Buffer.from(text)
  let written = 0
  while (written < bytes.length) {
    try {
      written += writeSync(1, bytes, written)
    } catch (error) {
      // A non-blocking pipe that is full for a moment: wait for the reader.
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5)
    }
  }
}

/** One line per report that could not be written, on standard error; exit 2 if there was any. */
export function reportOutputFailures(failures: readonly OutputFailure[]): boolean {
  for (const failure of failures) process.stderr.write(`error: cannot write the ${failure.format} report to ${failure.where}: ${failure.message}\n`)
  return failures.length > 0
}

function writeChunks(file: string, chunks: Iterable<string>): void {
  const fd = openSync(file, 'w')
  try {
    for (const chunk of chunks) writeSync(fd, chunk)
  } finally {
    closeSync(fd)
  }
}

const LEFT_OUT_NOTIFICATIONS = ['sarif-results-unanchored', 'sarif-results-truncated']

/** GitHub's limits, or results without a file, can force results out of a SARIF file; a person must hear of it, not only the file. */
function warnIfResultsLeftOut(sarif: string, where: string): void {
  if (!LEFT_OUT_NOTIFICATIONS.some((id) => sarif.includes(`"${id}"`))) return
  const log = JSON.parse(sarif) as {runs: {invocations?: {toolExecutionNotifications?: {descriptor?: {id?: string}; message: {text?: string}}[]}[]}[]}
  const notes = log.runs[0]?.invocations?.[0]?.toolExecutionNotifications ?? []
  for (const note of notes) {
    if (LEFT_OUT_NOTIFICATIONS.includes(note.descriptor?.id ?? '')) process.stderr.write(`warning: SARIF (${where}): ${note.message.text ?? 'results were left out'}\n`)
  }
}

/**
 * Colour only on a terminal that shows it, unless asked: NO_COLOR and FORCE_COLOR are honoured, and
 * a dumb terminal or a CI log (which keeps escape codes as text) gets none.
 */
export function wantsColor(flag: boolean | undefined, stream: NodeJS.WriteStream = process.stdout): boolean {
  if (flag !== undefined) return flag
  if (process.env.NO_COLOR) return false
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== '0') return true
  if (process.env.TERM === 'dumb' || process.env.CI) return false
  return Boolean(stream.isTTY)
}

/** The output flags of `check` and `audit`. */
export interface OutputFlags {
  format: Format
  json?: string
  sarif?: string
  junit?: string
  markdown?: string
  color?: boolean
  verbose: boolean
  'sarif-include-unknown': boolean
  'sarif-include-suppressed': boolean
}

/** A report file named `-` is standard output, as for most tools that write files. */
const STANDARD_OUTPUT = '-'
const REPORT_FILE_FLAGS = ['json', 'sarif', 'junit', 'markdown'] as const

function reportsToStandardOutput(flags: OutputFlags): Exclude<Format, 'text'>[] {
  return REPORT_FILE_FLAGS.filter((format) => flags[format] === STANDARD_OUTPUT)
}

/**
 * Why the output flags cannot all be honoured, when two reports would share standard output:
 * `--sarif - --json -`, or `--sarif -` with a `--format` given for another report.
 */
export function standardOutputConflict(flags: OutputFlags, formatGiven: boolean): string | undefined {
  const claimed = reportsToStandardOutput(flags)
  if (claimed.length > 1) return `${claimed.map((format) => `--${format}`).join(' and ')} are each given as -: only one report can go to standard output`
  const [format] = claimed
  if (format !== undefined && formatGiven && flags.format !== format) {
    return `--${format} - writes the ${format} report to standard output, where --format ${flags.format} would also go; drop one of them`
  }
  return undefined
}

/** The output flags of `check` and `audit`, as one request; a report given as `-` takes standard output. */
export function outputRequest(flags: OutputFlags): OutputRequest {
  const [toStandardOutput] = reportsToStandardOutput(flags)
  const file = (format: Exclude<Format, 'text'>) => (format === toStandardOutput ? undefined : flags[format])
  return {
    format: toStandardOutput ?? flags.format,
    files: {json: file('json'), sarif: file('sarif'), junit: file('junit'), markdown: file('markdown')},
    color: wantsColor(flags.color),
    verbose: flags.verbose,
    sarifIncludeUnknown: flags['sarif-include-unknown'],
    sarifIncludeSuppressed: flags['sarif-include-suppressed'],
  }
}
