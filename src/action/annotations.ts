import {isAbsolute, relative, resolve} from 'node:path'

import {atOrAbove} from '../engine/exit-code.js'
import type {Diagnostic, Location, Result} from '../model/types.js'
import {compareResults} from '../report/order.js'
import {isRepositoryRelative, toForwardSlashes} from '../report/paths.js'
import type {Report} from '../engine/report-types.js'
import {annotation, type AnnotationLevel} from './workflow-commands.js'

/**
 * GitHub shows at most 10 error, 10 warning and 10 notice annotations per step (and 50 per job);
 * the rest are dropped without a word. Writing more only hides which ones get shown, so the most
 * severe are written and the remainder is counted in the log.
 */
export const ANNOTATION_LIMITS: Readonly<Record<AnnotationLevel, number>> = {error: 10, warning: 10, notice: 10}

export interface Annotation {
  level: AnnotationLevel
  message: string
  title: string
  location: Location
}

export interface AnnotationPlan {
  shown: Annotation[]
  omitted: Record<AnnotationLevel, number>
}

/**
 * Annotations for everything that points at a file: failures (errors when at or above `fail-on`,
 * warnings below it), results that could not be evaluated, unknowns (notices) and diagnostics.
 * Paths are made relative to `workspace` (GITHUB_WORKSPACE), which is how GitHub places them on a diff.
 */
export function planAnnotations(report: Report, workspace: string | undefined, limits: Readonly<Record<AnnotationLevel, number>> = ANNOTATION_LIMITS): AnnotationPlan {
  const place = (location: Location | undefined): Location | undefined => {
    if (location === undefined) return undefined
    const file = workspacePath(location.file, report.workingDirectory, workspace)
    return file === undefined ? undefined : {...location, file}
  }
  const candidates: Annotation[] = []
  for (const diagnostic of report.diagnostics) {
    const location = place(diagnosticLocation(diagnostic))
    if (location) candidates.push({level: diagnostic.severity, location, title: `trailgate: ${diagnostic.code ?? diagnostic.severity}`, message: diagnostic.message})
  }
  for (const result of [...report.results].sort(compareResults)) {
    const level = resultLevel(result, report)
    const location = place(result.location)
    if (level && location) candidates.push({level, location, title: `${result.policy} (${result.severity}): ${result.title}`, message: resultMessage(result)})
  }

  const shown: Annotation[] = []
  const omitted: Record<AnnotationLevel, number> = {error: 0, warning: 0, notice: 0}
  const used: Record<AnnotationLevel, number> = {error: 0, warning: 0, notice: 0}
  for (const candidate of candidates) {
    if (used[candidate.level] < limits[candidate.level]) {
      used[candidate.level]++
      shown.push(candidate)
    } else {
      omitted[candidate.level]++
    }
  }
  return {shown, omitted}
}

export function formatAnnotation(item: Annotation): string {
  const {location} = item
  return annotation(item.level, item.message, {
    title: item.title,
    file: location.file,
    line: location.line,
    ...(location.endLine !== undefined ? {endLine: location.endLine} : {}),
    col: location.column,
    // GitHub's endColumn is inclusive; trailgate's (like SARIF's) is the column after the last character.
    ...(location.endColumn !== undefined && (location.endLine ?? location.line) === location.line && location.endColumn > location.column ? {endColumn: location.endColumn - 1} : {}),
  })
}

/** The log line that says what the limits left out, or undefined when nothing was. */
export function omittedNote(omitted: Record<AnnotationLevel, number>): string | undefined {
  const parts = (Object.entries(omitted) as [AnnotationLevel, number][]).filter(([, count]) => count > 0).map(([level, count]) => `${count} ${level}${count === 1 ? '' : 's'}`)
  if (parts.length === 0) return undefined
  const {error, warning, notice} = ANNOTATION_LIMITS
  return `trailgate: ${parts.join(', ')} not annotated: GitHub shows at most ${error} errors, ${warning} warnings and ${notice} notices per step (50 per job). Every result is in the job summary and the report files.`
}

function resultLevel(result: Result, report: Report): AnnotationLevel | undefined {
  switch (result.status) {
    case 'fail':
      return atOrAbove(result.severity, report.failOn) ? 'error' : 'warning'
    case 'error':
      return 'error'
    case 'unknown':
      return 'notice'
    default:
      return undefined
  }
}

function resultMessage(result: Result): string {
  const prefix = result.status === 'error' ? 'Could not be evaluated: ' : ''
  const remediation = result.status === 'fail' && result.remediation ? `\nRemediation: ${result.remediation.trim()}` : ''
  return `${prefix}${result.message}${remediation}`
}

function diagnosticLocation(diagnostic: Diagnostic): Location | undefined {
  if (diagnostic.file === undefined || diagnostic.line === undefined) return undefined
  return {
    file: diagnostic.file,
    line: diagnostic.line,
    column: diagnostic.column ?? 1,
    ...(diagnostic.endLine !== undefined ? {endLine: diagnostic.endLine} : {}),
    ...(diagnostic.endColumn !== undefined ? {endColumn: diagnostic.endColumn} : {}),
  }
}

/** The path GitHub expects (relative to the workspace, forward slashes), or undefined for a file outside it. */
export function workspacePath(file: string, workingDirectory: string, workspace: string | undefined): string | undefined {
  const absolute = resolve(workingDirectory, file)
  const base = workspace && workspace.trim() !== '' ? resolve(workspace) : resolve(workingDirectory)
  const rel = relative(base, absolute)
  if (rel === '' || isAbsolute(rel)) return undefined
  const path = toForwardSlashes(rel)
  return isRepositoryRelative(path) ? path : undefined
}
