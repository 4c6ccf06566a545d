import {dirname, resolve} from 'node:path'

import type {Report} from '../engine/report-types.js'
import type {RepositoryContext} from '../report/paths.js'
import {gitTopLevel} from '../util/repository.js'

export type Environment = Readonly<Record<string, string | undefined>>

/**
 * The repository a report's SARIF URIs and JUnit `file` attributes are relative to, whatever the
 * working directory: the git top level above it; when it is in no work tree (a run from outside
 * the checkout), the one above the first file read; else GITHUB_WORKSPACE; else the working
 * directory itself.
 */
export function repositoryContext(report: Report, env: Environment): RepositoryContext {
  const cwd = resolve(report.workingDirectory)
  const root = gitTopLevel(cwd) ?? firstInputTopLevel(report, cwd) ?? workspace(env) ?? cwd
  const workflowFile = workflowFileOf(env)
  return {root, ...(workflowFile !== undefined ? {workflowFile} : {})}
}

function firstInputTopLevel(report: Report, cwd: string): string | undefined {
  const first = report.inputs.find((input) => input.fate === 'read' && input.kind !== 'live' && !/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(input.path))
  return first !== undefined ? gitTopLevel(dirname(resolve(cwd, first.path))) : undefined
}

function workspace(env: Environment): string | undefined {
  const folder = env.GITHUB_WORKSPACE?.trim()
  return folder ? resolve(folder) : undefined
}

/**
 * The workflow file of this run in GitHub Actions, repository-relative: GITHUB_WORKFLOW_REF is
 * `owner/repo/.github/workflows/file.yml@ref`. Only a workflow of the repository the run belongs
 * to (GITHUB_REPOSITORY) counts: a reusable workflow's ref names the caller's file anyway.
 */
export function workflowFileOf(env: Environment): string | undefined {
  const ref = env.GITHUB_WORKFLOW_REF?.trim()
  const repository = env.GITHUB_REPOSITORY?.trim()
  if (!ref || !repository) return undefined
  const at = ref.lastIndexOf('@')
  const path = at >= 0 ? ref.slice(0, at) : ref
  const prefix = `${repository}/`
  if (path.slice(0, prefix.length).toLowerCase() !== prefix.toLowerCase()) return undefined
  const file = path.slice(prefix.length)
  return /^\.github\/workflows\/[^/]+\.ya?ml$/.test(file) ? file : undefined
}
