import type {Location, Result, SubjectRef} from '../model/types.js'
import type {Report} from '../engine/report-types.js'
import {isRepositoryRelative, repositoryPath, type RepositoryContext} from './paths.js'

/**
 * Where findings without a file of their own (a live account, a trail seen only through the API)
 * point, since code scanning needs a file for every result: the config file the run used, else the
 * first file read, else the workflow file that ran trailgate. Each is a file that exists in the
 * repository; undefined when there is none, and such findings then cannot be code-scanning alerts.
 */
export function anchorFile(report: Report, repository: RepositoryContext): string | undefined {
  const inRepository = (file: string): string | undefined => repositoryPath(file, report.workingDirectory, repository.root)
  const config = report.configFile !== undefined ? inRepository(report.configFile) : undefined
  if (config !== undefined) return config
  for (const input of report.inputs) {
    if (input.fate !== 'read' || input.kind === 'live') continue
    const path = inRepository(input.path)
    if (path !== undefined) return path
  }
  return repository.workflowFile
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
