import {readdirSync, statSync} from 'node:fs'
import {join} from 'node:path'

/**
 * Why an entry met inside a folder is not read: hidden files and folders, and node_modules. A path
 * the user names explicitly is read whatever its name; the rule applies only to what a walk finds.
 */
export function skippedEntryReason(name: string): string | undefined {
  if (name === 'node_modules') return 'node_modules folder'
  if (name.startsWith('.')) return 'hidden file or folder'
  return undefined
}

/** A folder's entry names in code-point order, so every walk is reproducible on every platform. */
export function sortedNames(names: Iterable<string>): string[] {
  return [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}

/**
 * Every entry below `folder` that is not a folder, walked in code-point order with the skipping rule
 * above. Pipes and devices are returned too, so the reader can refuse them by name instead of the
 * walk dropping them without a word.
 */
export function filesBelow(folder: string, accept: (name: string) => boolean = () => true): string[] {
  const found: string[] = []
  const visit = (dir: string): void => {
    for (const name of sortedNames(readdirSync(dir))) {
      if (skippedEntryReason(name)) continue
      const path = join(dir, name)
      const info = statSync(path, {throwIfNoEntry: false})
      if (info?.isDirectory()) visit(path)
      else if (info && accept(name)) found.push(path)
    }
  }
  visit(folder)
  return found
}
