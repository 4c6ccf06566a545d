import {randomUUID} from 'node:crypto'
import {appendFileSync} from 'node:fs'

import {SEVERITIES} from '../model/types.js'
import type {Report} from '../engine/report-types.js'
import {errorCount} from '../engine/exit-code.js'

/** Every output the action sets; action.yml declares exactly these (a test holds both to it). */
export const ACTION_OUTPUTS = [
  'passed',
  'exit-code',
  'failed',
  'passes',
  'unknown',
  'suppressed',
  'errors',
  'critical',
  'high',
  'medium',
  'low',
  'info',
  'sarif-file',
  'junit-file',
  'json-file',
] as const

export type ActionOutputName = (typeof ACTION_OUTPUTS)[number]
export type ActionOutputs = Record<ActionOutputName, string>

export interface WrittenFiles {
  sarif?: string
  junit?: string
  json?: string
}

/** The step's outputs for a finished run: the verdict, counts by outcome and by severity, the files written. */
export function outputsFor(report: Report, files: WrittenFiles): ActionOutputs {
  const {counts, failuresBySeverity} = report.summary
  const bySeverity = Object.fromEntries(SEVERITIES.map((severity) => [severity, String(failuresBySeverity[severity])])) as Record<(typeof SEVERITIES)[number], string>
  return {
    passed: String(report.exitCode === 0),
    'exit-code': String(report.exitCode),
    failed: String(counts.fail),
    passes: String(counts.pass),
    unknown: String(counts.unknown),
    suppressed: String(counts.suppressed),
    errors: String(errorCount(report)),
    ...bySeverity,
    'sarif-file': files.sarif ?? '',
    'junit-file': files.junit ?? '',
    'json-file': files.json ?? '',
  }
}

/** Outputs of a run that never produced a report (bad inputs, a crash): it did not pass. */
export function failedRunOutputs(exitCode: number): ActionOutputs {
  const outputs = Object.fromEntries(ACTION_OUTPUTS.map((name) => [name, ''])) as ActionOutputs
  return {...outputs, passed: 'false', 'exit-code': String(exitCode)}
}

/**
 * The `GITHUB_OUTPUT` file format: `name<<DELIMITER`, the value, `DELIMITER`. The delimiter is
 * random and checked against the value, so no value can end its block early.
 */
export function formatOutput(name: string, value: string, delimiter = `ghadelimiter_${randomUUID()}`): string {
  if (name.includes(delimiter) || value.includes(delimiter)) throw new Error(`output ${name}: the value contains the delimiter ${delimiter}`)
  return `${name}<<${delimiter}\n${value}\n${delimiter}\n`
}

export function writeOutputs(file: string, outputs: Partial<ActionOutputs>): void {
  const text = Object.entries(outputs)
    .map(([name, value]) => formatOutput(name, value ?? ''))
    .join('')
  appendFileSync(file, text, 'utf8')
}

export function appendSummary(file: string, markdown: string): void {
  appendFileSync(file, markdown.endsWith('\n') ? markdown : `${markdown}\n`, 'utf8')
}
