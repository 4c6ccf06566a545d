import {randomUUID} from 'node:crypto'
import {mkdirSync, writeFileSync} from 'node:fs'
import {dirname, resolve} from 'node:path'

import {crashReport} from '../cli/crash-report.js'
import {render, type Format, type OutputRequest} from '../cli/output.js'
import type {Report} from '../engine/report-types.js'
import {formatAnnotation, omittedNote, planAnnotations, ANNOTATION_LIMITS} from './annotations.js'
import {parseInputs, type ActionInputs, type Environment} from './inputs.js'
import {appendSummary, failedRunOutputs, outputsFor, writeOutputs, type ActionOutputs, type WrittenFiles} from './outputs.js'
import {secretsToMask} from './secrets.js'
import {verdict} from './verdict.js'
import {addMask, annotation} from './workflow-commands.js'
import {runReport} from './trailgate-run.js'

export interface ActionContext {
  env: Environment
  /** The step's working directory: the workspace, unless the workflow says otherwise. */
  cwd: string
  /** Standard output, where the runner reads workflow commands. */
  write: (text: string) => void
}

function reportRequest(env: Environment): OutputRequest {
  return {format: 'text', files: {}, color: false, verbose: false, sarifIncludeUnknown: false, sarifIncludeSuppressed: false, env}
}

/**
 * The whole action: mask credentials, read the inputs, check or audit, write the report files, the
 * job summary, the annotations and the outputs. Returns the exit code: 0 clean, 1 failures at or
 * above `fail-on`, 2 the run cannot be trusted.
 */
export async function runAction(context: ActionContext): Promise<number> {
  const {env, cwd} = context
  const line = (text: string): void => context.write(`${text}\n`)
  // Before anything else is written, so nothing later can reveal a credential.
  for (const secret of secretsToMask(env)) line(addMask(secret))

  const {inputs, problems} = parseInputs(env)
  if (problems.length > 0) {
    for (const problem of problems) line(annotation('error', problem.message, {title: `trailgate: input ${problem.input}`}))
    return finish(context, failedRunOutputs(2), 2)
  }
  const warnings = ignoredInputWarnings(inputs)
  for (const warning of warnings) line(annotation('warning', warning, {title: 'trailgate: input ignored'}))

  let report: Report
  const startedAt = new Date()
  try {
    report = await runReport(inputs, cwd)
  } catch (error) {
    // The report files, summary and outputs are still written: they say the run cannot be trusted.
    line(annotation('error', `trailgate could not run: ${(error as Error).message.split('\n')[0] ?? ''}`, {title: 'trailgate'}))
    report = crashReport(inputs.mode, error, startedAt, inputs.failOn)
  }

  const request = reportRequest(env)
  const written: WrittenFiles = {}
  let writeFailed = false
  for (const [key, format, file] of [
    ['sarif', 'sarif', inputs.sarifFile],
    ['junit', 'junit', inputs.junitFile],
    ['json', 'json', inputs.jsonFile],
  ] as const satisfies readonly (readonly [keyof WrittenFiles, Format, string | undefined])[]) {
    if (file === undefined) continue
    const absolute = resolve(cwd, file)
    try {
      mkdirSync(dirname(absolute), {recursive: true})
      writeFileSync(absolute, render(report, format, request))
      written[key] = absolute
    } catch (error) {
      writeFailed = true
      line(annotation('error', `cannot write the ${format} report to ${file}: ${(error as Error).message}`, {title: 'trailgate'}))
    }
  }

  // The report quotes user files; a line in it must never be taken for a workflow command.
  const fence = randomUUID()
  line(`::stop-commands::${fence}`)
  context.write(render(report, 'text', request))
  line(`::${fence}::`)

  if (inputs.summary) {
    const summaryFile = env.GITHUB_STEP_SUMMARY
    if (summaryFile) appendSummary(summaryFile, render(report, 'markdown', request))
    else line('trailgate: GITHUB_STEP_SUMMARY is not set, so no job summary was written')
  }

  const exitCode = writeFailed ? 2 : report.exitCode
  if (inputs.annotations) {
    // The verdict and the warnings above are annotations too and count against the same limits.
    const limits = {...ANNOTATION_LIMITS, error: ANNOTATION_LIMITS.error - (exitCode === 0 ? 0 : 1), warning: ANNOTATION_LIMITS.warning - warnings.length}
    const plan = planAnnotations(report, env.GITHUB_WORKSPACE, limits)
    for (const item of plan.shown) line(formatAnnotation(item))
    const note = omittedNote(plan.omitted)
    if (note) line(note)
  }

  const finalWord = verdict(report, exitCode)
  line(exitCode === 0 ? finalWord : annotation('error', finalWord, {title: 'trailgate'}))
  return finish(context, {...outputsFor(report, written), passed: String(exitCode === 0), 'exit-code': String(exitCode)}, exitCode)
}

function finish(context: ActionContext, outputs: ActionOutputs, exitCode: number): number {
  const file = context.env.GITHUB_OUTPUT
  if (file) writeOutputs(file, outputs)
  else context.write('trailgate: GITHUB_OUTPUT is not set, so the step has no outputs\n')
  return exitCode
}

/** Inputs that mean nothing for the chosen mode are said to be ignored, never dropped in silence. */
export function ignoredInputWarnings(inputs: ActionInputs): string[] {
  const warnings: string[] = []
  if (inputs.mode === 'check') {
    const auditOnly = [inputs.org ? 'org' : undefined, inputs.roleName !== undefined ? 'role-name' : undefined, inputs.eventsSince !== undefined ? 'events-since' : undefined].filter((name) => name !== undefined)
    if (auditOnly.length > 0) warnings.push(`${auditOnly.join(', ')}: only used with mode: audit; ignored in mode: check`)
  } else {
    if (inputs.paths.length > 0) warnings.push('paths: mode: audit reads the live account, not files; paths ignored')
    const checkOnly = [
      inputs.account !== undefined ? 'account' : undefined,
      inputs.baseline.length > 0 ? 'baseline' : undefined,
      inputs.cfnParams.length > 0 ? 'cfn-param' : undefined,
      inputs.tfDir !== undefined ? 'tf-dir' : undefined,
      inputs.since !== undefined ? 'since' : undefined,
      inputs.until !== undefined ? 'until' : undefined,
    ].filter((name) => name !== undefined)
    if (checkOnly.length > 0) warnings.push(`${checkOnly.join(', ')}: only used with mode: check; ignored in mode: audit`)
  }
  return warnings
}
