import {statSync} from 'node:fs'
import {realpath, stat} from 'node:fs/promises'
import {resolve} from 'node:path'

import type {Diagnostic, InputRecord} from '../model/types.js'

/** A file to read, or an input already settled while walking (skipped folder, missing path). */
export type WalkEntry =
  | {type: 'file'; path: string; absolutePath: string}
  | {type: 'settled'; record: InputRecord; diagnostic?: Diagnostic}

export {displayPath} from '../util/paths.js'
import {displayPath} from '../util/paths.js'
import {walkFolder, type FolderEntry} from '../util/walk.js'
import {cliCommandNamed} from './cli-output.js'

/**
 * The files named by `paths`, folders walked recursively in sorted (code point) order so runs are
 * reproducible. Hidden entries, node_modules and links out of a folder are skipped and said so; a
 * path given explicitly is read whatever its name, links followed.
 */
export async function walkInputs(paths: readonly string[], cwd: string): Promise<WalkEntry[]> {
  const entries: WalkEntry[] = []
  const reached = new Map<string, string>()
  const shown = (absolutePath: string): string => displayPath(absolutePath, cwd)
  for (const path of paths) {
    const absolutePath = resolve(cwd, path)
    let info
    try {
      info = await stat(absolutePath)
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT'
      entries.push(brokenEntry(shown(absolutePath), missing ? 'no such file or folder' : errorText(error), missing))
      continue
    }
    const real = await realpath(absolutePath).catch(() => absolutePath)
    if (reached.has(real)) {
      entries.push({type: 'settled', record: {path: shown(absolutePath), fate: 'skipped', detail: 'already read (given twice or reached through a link)'}})
      continue
    }
    if (!info.isDirectory()) {
      reached.set(real, absolutePath)
      entries.push(fileEntry(absolutePath, info.isFile(), cwd))
      continue
    }
    for (const found of walkFolder(absolutePath, {reached, shown})) entries.push(walkEntryOf(found, cwd))
  }
  return entries
}

function walkEntryOf(found: FolderEntry, cwd: string): WalkEntry {
  const path = displayPath(found.path, cwd)
  if (found.type === 'file') return fileEntry(found.path, found.regular, cwd)
  // A link named as AWS CLI output is meant to be read: that it leads out of the folder is a failure.
  const command = found.type === 'skipped' && found.cause === 'outside' ? cliCommandNamed(found.path) : undefined
  if (found.type === 'skipped' && found.cause === 'outside' && command !== undefined) {
    if (!statSync(found.target, {throwIfNoEntry: false})?.isFile()) return fileEntry(found.path, false, cwd)
    return failed(path, `named like \`aws ${command}\` output, but a ${found.reason}`)
  }
  if (found.type === 'skipped') return {type: 'settled', record: {path, fate: 'skipped', detail: found.reason}}
  return brokenEntry(path, found.reason, found.missing)
}

function fileEntry(absolutePath: string, regular: boolean, cwd: string): WalkEntry {
  const shown = displayPath(absolutePath, cwd)
  if (regular) return {type: 'file', path: shown, absolutePath}
  // A file named as AWS CLI output is meant to be read: that it cannot be is a failure, not a skip.
  const command = cliCommandNamed(absolutePath)
  if (!command) return {type: 'settled', record: {path: shown, fate: 'skipped', detail: 'not a regular file or folder'}}
  return failed(shown, `named like \`aws ${command}\` output, but not a regular file (a device, pipe or socket); save the command's output to a file`)
}

function failed(shown: string, detail: string): WalkEntry {
  return {type: 'settled', record: {path: shown, fate: 'failed', detail}, diagnostic: {severity: 'error', code: 'input-unreadable', file: shown, message: `${shown}: ${detail}`}}
}

function brokenEntry(shown: string, reason: string, missing: boolean): WalkEntry {
  const diagnostic: Diagnostic = {severity: 'error', code: missing ? 'input-missing' : 'input-unreadable', file: shown, message: `cannot read ${shown}: ${reason}`}
  return {type: 'settled', record: {path: shown, fate: 'failed', detail: reason}, diagnostic}
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
