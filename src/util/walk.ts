import {lstatSync, readdirSync, readlinkSync, realpathSync, statSync, type Stats} from 'node:fs'
import {dirname, join, resolve} from 'node:path'

import {isInside} from './paths.js'

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

/** What a walk met below a folder, by the path it was met at. */
export type FolderEntry =
  /** Anything that is not a folder; `regular` is false for a pipe, device or socket, which the reader refuses by name. */
  | {type: 'file'; path: string; regular: boolean}
  /** Not read: a name walks leave out, a link out of the folder (`target`: where it leads), or a file or folder already reached. */
  | {type: 'skipped'; path: string; reason: string; cause: 'name' | 'repeat'}
  | {type: 'skipped'; path: string; reason: string; cause: 'outside'; target: string}
  /** Cannot be followed or listed: a dangling or looping link, an unreadable folder. */
  | {type: 'broken'; path: string; reason: string; missing: boolean}

export interface WalkOptions {
  /**
   * Real paths already reached, each to the path it was first reached at. Walks of one run share it,
   * so nothing is read twice; the walk adds what it reaches.
   */
  reached?: Map<string, string>
  /** How paths are named in reasons (default: as they are). */
  shown?: (path: string) => string
}

/**
 * Every entry below `folder`, in code-point order, with the name rule above. Only what lies inside
 * `folder` once links are followed is walked: a link out of it (to `/`, to another folder) is
 * skipped and said so, since the user gave this folder, not that one. Each real file and folder is
 * reached once, so a link to a parent ends the walk instead of looping. Links are followed after
 * everything reached by its own name, so a linked file is read under its own path.
 */
export function walkFolder(folder: string, options: WalkOptions = {}): FolderEntry[] {
  const reached = options.reached ?? new Map<string, string>()
  const shown = options.shown ?? ((path: string) => path)
  const entries: FolderEntry[] = []
  const links: {path: string; real: string}[] = []
  let realRoot: string
  try {
    realRoot = realpathSync(folder)
  } catch (error) {
    return [{type: 'broken', path: folder, reason: `folder cannot be listed: ${messageOf(error)}`, missing: false}]
  }
  if (!reached.has(realRoot)) reached.set(realRoot, folder)

  const visit = (path: string, real: string, info: Stats, viaLink: boolean): void => {
    const first = reached.get(real)
    if (first !== undefined) {
      const what = info.isDirectory() ? 'already walked' : 'already read'
      const reason = viaLink ? `symbolic link to ${shown(first)}, ${what}` : `${what} as ${shown(first)}`
      entries.push({type: 'skipped', path, reason, cause: 'repeat'})
      return
    }
    reached.set(real, path)
    if (info.isDirectory()) list(path, real)
    else entries.push({type: 'file', path, regular: info.isFile()})
  }

  const list = (dir: string, realDir: string): void => {
    let names: string[]
    try {
      names = sortedNames(readdirSync(dir))
    } catch (error) {
      entries.push({type: 'broken', path: dir, reason: `folder cannot be listed: ${messageOf(error)}`, missing: false})
      return
    }
    for (const name of names) {
      const path = join(dir, name)
      const what = skippedEntryReason(name)
      if (what) {
        entries.push({type: 'skipped', path, reason: `${what}; name it as an argument to read it`, cause: 'name'})
        continue
      }
      const info = lstatSync(path, {throwIfNoEntry: false})
      if (!info) {
        entries.push({type: 'broken', path, reason: 'no such file or folder', missing: true})
        continue
      }
      if (!info.isSymbolicLink()) {
        visit(path, join(realDir, name), info, false)
        continue
      }
      const followed = followLink(path, shown)
      if ('broken' in followed) entries.push({type: 'broken', path, reason: followed.broken, missing: followed.missing})
      else if (followed.real !== realRoot && !isInside(realRoot, followed.real)) {
        entries.push({type: 'skipped', path, reason: `symbolic link to ${shown(followed.real)}, outside ${shown(folder)}; give that path itself to read it`, cause: 'outside', target: followed.real})
      } else links.push({path, real: followed.real})
    }
  }

  list(folder, realRoot)
  for (let next = links.shift(); next !== undefined; next = links.shift()) {
    const info = statSync(next.real, {throwIfNoEntry: false})
    if (info) visit(next.path, next.real, info, true)
    else entries.push({type: 'broken', path: next.path, reason: 'no such file or folder', missing: true})
  }
  return entries
}

/** Where a symbolic link leads once every link is followed, or why it leads nowhere. */
function followLink(path: string, shown: (path: string) => string): {real: string} | {broken: string; missing: boolean} {
  try {
    return {real: realpathSync(path)}
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return {broken: `symbolic link that cannot be followed: ${messageOf(error)}`, missing: false}
    let target = path
    try {
      target = resolve(dirname(path), readlinkSync(path))
    } catch {
      // The link vanished meanwhile: name the link itself.
    }
    return {broken: `symbolic link to ${shown(target)}, which does not exist`, missing: true}
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
