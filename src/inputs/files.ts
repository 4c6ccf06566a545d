import {readdir, realpath, stat} from 'node:fs/promises'
import {join, resolve} from 'node:path'

import type {Diagnostic, InputRecord} from '../model/types.js'

/** A file to read, or an input already settled while walking (skipped folder, missing path). */
export type WalkEntry =
  | {type: 'file'; path: string; absolutePath: string}
  | {type: 'settled'; record: InputRecord; diagnostic?: Diagnostic}

export {displayPath} from '../util/paths.js'
import {displayPath} from '../util/paths.js'
import {skippedEntryReason, sortedNames} from '../util/walk.js'
import {cliCommandNamed} from './cli-output.js'

/**
 * The files named by `paths`, folders walked recursively in sorted (code point) order so runs are
 * reproducible. Hidden entries and node_modules inside folders are skipped and said so; a path given
 * explicitly is read whatever its name.
 */
export async function walkInputs(paths: readonly string[], cwd: string): Promise<WalkEntry[]> {
  const entries: WalkEntry[] = []
  const seen = new Set<string>()
  const visit = async (absolutePath: string, explicit: boolean): Promise<void> => {
    const shown = displayPath(absolutePath, cwd)
    let info
    try {
      info = await stat(absolutePath)
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : errorText(error)
      entries.push({type: 'settled', record: {path: shown, fate: 'failed', detail: reason}, diagnostic: {severity: 'error', code: 'input-missing', file: shown, message: `cannot read ${shown}: ${reason}`}})
      return
    }
    const real = await realpath(absolutePath).catch(() => absolutePath)
    if (seen.has(real)) {
      if (explicit) entries.push({type: 'settled', record: {path: shown, fate: 'skipped', detail: 'already read (given twice or reached through a link)'}})
      return
    }
    seen.add(real)
    if (info.isFile()) {
      entries.push({type: 'file', path: shown, absolutePath})
      return
    }
    if (!info.isDirectory()) {
      // A file named as AWS CLI output is meant to be read: that it cannot be is a failure, not a skip.
      const command = cliCommandNamed(absolutePath)
      if (command) {
        const detail = `named like \`aws cloudtrail ${command}\` output, but not a regular file (a device, pipe or socket); save the command's output to a file`
        entries.push({type: 'settled', record: {path: shown, fate: 'failed', detail}, diagnostic: {severity: 'error', code: 'input-unreadable', file: shown, message: `${shown}: ${detail}`}})
      } else {
        entries.push({type: 'settled', record: {path: shown, fate: 'skipped', detail: 'not a regular file or folder'}})
      }
      return
    }
    let names: string[]
    try {
      names = sortedNames(await readdir(absolutePath))
    } catch (error) {
      entries.push({type: 'settled', record: {path: shown, fate: 'failed', detail: errorText(error)}, diagnostic: {severity: 'error', code: 'input-unreadable', file: shown, message: `cannot read folder ${shown}: ${errorText(error)}`}})
      return
    }
    for (const name of names) {
      const child = join(absolutePath, name)
      const what = skippedEntryReason(name)
      if (what) {
        entries.push({type: 'settled', record: {path: displayPath(child, cwd), fate: 'skipped', detail: `${what}; name it as an argument to read it`}})
        continue
      }
      await visit(child, false)
    }
  }
  for (const path of paths) await visit(resolve(cwd, path), true)
  return entries
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
