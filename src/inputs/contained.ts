import {realpath, stat} from 'node:fs/promises'
import path from 'node:path'

import {isInside} from '../util/paths.js'

/** A file named by another file (a manifest, a plan): where it really is, or why it is not read. */
export type ContainedFile = {file: string} | {missing: true} | {refused: string}

/**
 * Resolves `target` (relative to `from`) and accepts it only when it is a regular file inside `root`
 * once every symbolic link is followed, so a manifest cannot make trailgate read `/etc/passwd`,
 * `../../x` or an endless device such as `/dev/zero`.
 */
export async function containedFile(root: string, from: string, target: string): Promise<ContainedFile> {
  const realRoot = await realpath(root).catch(() => path.resolve(root))
  let real: string
  try {
    real = await realpath(path.resolve(from, target))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      // A missing file that would lie outside is still refused: the path itself is the problem.
      return isInside(realRoot, path.resolve(from, target)) ? {missing: true} : {refused: 'outside'}
    }
    return {refused: (error as Error).message}
  }
  if (!isInside(realRoot, real)) return {refused: 'outside'}
  const info = await stat(real).catch(() => undefined)
  if (!info?.isFile()) return {refused: 'not a regular file'}
  return {file: real}
}
