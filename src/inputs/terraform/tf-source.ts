import {readdir, readFile, realpath, stat} from 'node:fs/promises'
import path from 'node:path'

import {overLimit} from '../../model/limits.js'
import type {Diagnostic, Location} from '../../model/types.js'
import {isInside} from '../../util/paths.js'
import {containedFile} from '../contained.js'

/** A `resource "aws_cloudtrail" "NAME" { … }` block in a `.tf` file, with the lines of what it sets. */
export interface TfBlock {
  location: Location
  /** Top-level arguments: `kms_key_id = …` → its line. */
  attributes: Map<string, Location>
  /** Nested blocks in order of appearance: `event_selector` → one location per block. */
  blocks: Map<string, Location[]>
}

/**
 * Resource blocks of one type found in the `.tf` files of one folder, by resource name. Only regular
 * files inside `root` (the `--tf-dir`, or the plan's folder) are read, links followed, and none
 * larger than `maxBytes`; any other is reported and left out, so a link to `/dev/zero` or out of
 * the folder is never read.
 */
export async function findResourceBlocks(
  folder: string,
  root: string,
  resourceType: string,
  shown: (absolute: string) => string,
  maxBytes: number,
): Promise<{blocks: Map<string, TfBlock>; diagnostics: Diagnostic[]}> {
  const found = new Map<string, TfBlock>()
  const diagnostics: Diagnostic[] = []
  const realRoot = await realpath(root).catch(() => path.resolve(root))
  const realFolder = await realpath(folder).catch(() => undefined)
  if (realFolder === undefined) return {blocks: found, diagnostics}
  if (realFolder !== realRoot && !isInside(realRoot, realFolder)) {
    // A local module kept beside the configuration (`../modules/x`) is common: its results point at the plan instead.
    diagnostics.push({severity: 'warning', code: 'tf-path-outside', file: shown(folder), message: `module folder ${shown(folder)} is outside ${shown(root)}; its .tf files were not read, so results point at the plan`})
    return {blocks: found, diagnostics}
  }
  let names: string[]
  try {
    names = (await readdir(folder)).filter((name) => name.endsWith('.tf')).sort()
  } catch {
    return {blocks: found, diagnostics}
  }
  for (const name of names) {
    const absolute = path.join(folder, name)
    const contained = await containedFile(root, folder, name)
    if (!('file' in contained)) {
      const why = 'refused' in contained && contained.refused !== 'outside' ? contained.refused : `outside ${shown(root)} (links followed)`
      diagnostics.push({severity: 'error', code: 'tf-path-outside', file: shown(absolute), message: `${shown(absolute)} is ${why}; it was not read`})
      continue
    }
    const size = (await stat(contained.file)).size
    if (size > maxBytes) {
      diagnostics.push({severity: 'error', code: 'tf-source-too-large', file: shown(absolute), message: `${shown(absolute)} is ${overLimit('maxInputBytes', maxBytes)}; it was not read, so results point at the plan`})
      continue
    }
    const text = await readFile(contained.file, 'utf8').catch(() => undefined)
    if (text === undefined) continue
    for (const [resourceName, block] of scanBlocks(text, shown(absolute), resourceType)) if (!found.has(resourceName)) found.set(resourceName, block)
  }
  return {blocks: found, diagnostics}
}

/**
 * A line scanner for the little of HCL that is needed here: where a resource block starts and ends
 * and which arguments and nested blocks sit directly inside it. Strings, comments and heredocs are
 * skipped so that braces inside them do not count.
 */
export function scanBlocks(text: string, file: string, resourceType: string): Map<string, TfBlock> {
  const blocks = new Map<string, TfBlock>()
  const lines = text.split(/\r?\n/)
  const header = new RegExp(`^\\s*resource\\s+"${resourceType}"\\s+"([^"]+)"\\s*\\{`)
  let current: {name: string; block: TfBlock} | undefined
  let depth = 0
  let heredoc: string | undefined
  for (const [number, line] of lines.entries()) {
    const lineNumber = number + 1
    if (heredoc !== undefined) {
      if (line.trim() === heredoc) heredoc = undefined
      continue
    }
    if (current === undefined) {
      const match = header.exec(line)
      if (!match) continue
      const column = line.search(/\S/) + 1
      current = {name: match[1] as string, block: {location: {file, line: lineNumber, column}, attributes: new Map(), blocks: new Map()}}
      depth = 0
    } else if (depth === 1) {
      const column = line.search(/\S/) + 1
      const argument = /^\s*([A-Za-z_][\w-]*)\s*=/.exec(line)
      const nested = /^\s*([A-Za-z_][\w-]*)\s*\{/.exec(line)
      if (argument) current.block.attributes.set(argument[1] as string, {file, line: lineNumber, column, endLine: lineNumber, endColumn: line.trimEnd().length + 1})
      else if (nested) {
        const list = current.block.blocks.get(nested[1] as string) ?? []
        list.push({file, line: lineNumber, column})
        current.block.blocks.set(nested[1] as string, list)
      }
    }
    const heredocStart = /<<-?\s*([A-Za-z_]\w*)\s*$/.exec(line)
    depth += braceBalance(line)
    if (heredocStart) heredoc = heredocStart[1]
    if (current !== undefined && depth <= 0) {
      const lastColumn = line.trimEnd().length + 1
      current.block.location = {...current.block.location, endLine: lineNumber, endColumn: lastColumn}
      if (!blocks.has(current.name)) blocks.set(current.name, current.block)
      current = undefined
    }
  }
  return blocks
}

function braceBalance(line: string): number {
  let balance = 0
  let quoted = false
  for (let at = 0; at < line.length; at++) {
    const character = line[at]
    if (quoted) {
      if (character === '\\') at++
      else if (character === '"') quoted = false
      continue
    }
    if (character === '"') quoted = true
    else if (character === '#' || (character === '/' && line[at + 1] === '/')) break
    else if (character === '{') balance++
    else if (character === '}') balance--
  }
  return balance
}
