import {existsSync} from 'node:fs'
import {dirname, resolve} from 'node:path'

/**
 * The top level of the git work tree holding `start`, as `git rev-parse --show-toplevel` gives it:
 * the nearest folder at or above `start` with a `.git` entry (a folder, or the file a worktree or
 * submodule has). Found without running git, so a machine without git gets the same answer.
 */
export function gitTopLevel(start: string): string | undefined {
  let dir = resolve(start)
  for (;;) {
    if (existsSync(resolve(dir, '.git'))) return dir
    const parent = dirname(dir)
    if (parent === dir) return undefined
    dir = parent
  }
}
