import type {Location, Result, SubjectRef} from '../model/types.js'
import type {Report} from '../engine/report-types.js'
import {isRepositoryRelative} from './paths.js'

/**
 * The file every trailgate user commits. Findings about a live account have no file of their own,
 * yet code scanning needs one; when the run used no config file and read no file, this is the
 * most meaningful file a repository running trailgate has.
 */
export const DEFAULT_ANCHOR_FILE = '.trailgate.yaml'

/** Where fileless findings point: the config file, else the first file read, else `.trailgate.yaml`. */
export function anchorFile(report: Report): string {
  if (report.configFile !== undefined && isRepositoryRelative(report.configFile)) return report.configFile
  const firstFile = report.inputs.find((input) => input.fate === 'read' && input.kind !== 'live' && isRepositoryRelative(input.path))
  return firstFile?.path ?? DEFAULT_ANCHOR_FILE
}

/** The result's own location when it names a file inside the repository. */
export function repositoryLocation(result: Result): Location | undefined {
  return result.location !== undefined && isRepositoryRelative(result.location.file) ? result.location : undefined
}

/** "trail arn:…:trail/main (account 111122223333, region us-east-1)": what identifies a subject without a file. */
export function describeSubject(subject: SubjectRef): string {
  const where = [
    subject.account !== undefined && subject.account !== subject.id ? `account ${subject.account}` : undefined,
    subject.region !== undefined ? `region ${subject.region}` : undefined,
  ].filter((part): part is string => part !== undefined)
  return `${subject.type} ${subject.id}${where.length > 0 ? ` (${where.join(', ')})` : ''}`
}

export function formatLocation(location: Location): string {
  return `${location.file}:${location.line}:${location.column}`
}
