import {isAbsolute, relative, sep} from 'node:path'

/** A path as reports print it: relative to `cwd` when inside it, else absolute; forward slashes always. */
export function displayPath(absolutePath: string, cwd: string): string {
  const fromCwd = relative(cwd, absolutePath)
  const inside = fromCwd !== '' && !fromCwd.startsWith('..') && !isAbsolute(fromCwd)
  return (inside ? fromCwd : absolutePath).split(sep).join('/')
}

/** Whether `candidate` lies strictly below `root` (both absolute, links already resolved). */
export function isInside(root: string, candidate: string): boolean {
  const fromRoot = relative(root, candidate)
  return fromRoot !== '' && !fromRoot.startsWith(`..${sep}`) && fromRoot !== '..' && !isAbsolute(fromRoot)
}
