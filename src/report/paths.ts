/**
 * Paths in a report are relative to its working directory (the repository root in CI). Code
 * scanning rejects empty, absolute and non-repository URIs, so every path is checked before use.
 */

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
