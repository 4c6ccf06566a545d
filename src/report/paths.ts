import {isAbsolute, relative, resolve} from 'node:path'

/**
 * Paths in a report are relative to its working directory. Code scanning and the test reporters
 * resolve paths from the repository root, and reject empty, absolute and non-repository URIs, so
 * every path is made relative to the root, and checked, before use.
 */

/** Where the repository is, for reports whose paths CI tools resolve; plain data, found by the caller. */
export interface RepositoryContext {
  /** Absolute folder that artifact URIs and JUnit `file` attributes are relative to. */
  root: string
  /** The workflow file that ran trailgate, relative to the root (in GitHub Actions, from GITHUB_WORKFLOW_REF). */
  workflowFile?: string
}

export function toForwardSlashes(path: string): string {
  return path.replace(/\\/g, '/')
}

export function isRepositoryRelative(path: string): boolean {
  const normalized = toForwardSlashes(path.trim())
  if (normalized === '' || normalized === '.') return false
  if (normalized.startsWith('/') || /^[A-Za-z]:/.test(normalized)) return false
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(normalized)) return false
  return !normalized.split('/').includes('..')
}

/** A relative URI reference for a repository-relative path; each segment percent-encoded. */
export function relativeUri(path: string): string {
  return toForwardSlashes(path)
    .replace(/^\.\//, '')
    .split('/')
    .filter((segment) => segment !== '' && segment !== '.')
    .map((segment) => encodeURIComponent(segment))
    .join('/')
}

/** `file:` URI of an absolute folder, ending in `/` as SARIF requires of base URIs; undefined when relative. */
export function folderFileUri(folder: string): string | undefined {
  const normalized = toForwardSlashes(folder)
  let pathPart: string
  if (normalized.startsWith('/')) pathPart = normalized
  else if (/^[A-Za-z]:\//.test(normalized)) pathPart = `/${normalized}`
  else return undefined
  const encoded = pathPart
    .split('/')
    .map((segment, index) => (index === 1 && /^[A-Za-z]:$/.test(segment) ? segment : encodeURIComponent(segment)))
    .join('/')
  return `file://${encoded.endsWith('/') ? encoded : `${encoded}/`}`
}

/**
 * `file` (relative to the working directory, or absolute) as a path relative to the repository
 * root, with forward slashes; undefined when it is not a file inside the repository (a URL such as
 * `aws://…`, a path outside the root, the root itself).
 */
export function repositoryPath(file: string, workingDirectory: string, root: string): string | undefined {
  const trimmed = file.trim()
  if (trimmed === '' || /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(trimmed)) return undefined
  const fromRoot = toForwardSlashes(relative(resolve(root), resolve(workingDirectory, trimmed)))
  if (fromRoot === '' || fromRoot === '..' || fromRoot.startsWith('../') || isAbsolute(fromRoot)) return undefined
  return fromRoot
}
