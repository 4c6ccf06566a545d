import {readdir, readFile, stat} from 'node:fs/promises'
import {basename, resolve} from 'node:path'

import type {Diagnostic, InputKind, InputRecord, Inventory} from '../model/types.js'
import {assembleEntries, type AssemblyEntry} from './assemble.js'
import {cliOutputRefusal} from './cli-output.js'
import {detectReader, headOf, isGzipped, unrecognizedReason} from './detect.js'
import {displayPath} from '../util/paths.js'
import {walkInputs} from './files.js'
import {readHead} from './head.js'
import {readContent} from './read-content.js'
import {DEFAULT_LIMITS} from '../model/limits.js'
import {appendAll} from '../util/arrays.js'
import {undeclaredParameterDiagnostics} from './cloudformation/parameters.js'
import {sniffEventFile} from '../events/sniff.js'
import {readers as registeredReaders} from './registry.js'
import {decodeText, type TextEncoding} from './text-encoding.js'
import type {ClaimedFile, InputFile, ReadOptions, Reader, ReaderOutput} from './types.js'

export type {ReadOptions} from './types.js'
export {readers} from './registry.js'

/**
 * Reads every file and folder given (folders recursively), recognizing each file by its content,
 * and joins what was found into one Inventory. A bad input never stops the others; each one ends
 * up in `inventory.inputs` as read, skipped or failed.
 */
export async function readInputs(paths: string[], options: ReadOptions, readers: readonly Reader[] = registeredReaders): Promise<Inventory> {
  const eventFiles: string[] = []
  const entries = await readEntries(paths, options, readers, eventFiles)
  const baseline = options.baseline?.length ? await readEntries(options.baseline, options, readers, []) : []
  const inventory = assembleEntries([...entries, ...baseline.map(asBaseline)], options)
  inventory.eventFiles = eventFiles
  appendAll(inventory.diagnostics, undeclaredParameterDiagnostics(options.cfnParams, entries.flatMap((entry) => entry.output?.declaredParameters ?? [])))
  return inventory
}

/** Baseline evidence describes the account today: its trails fill region and account views only. */
function asBaseline(entry: AssemblyEntry): AssemblyEntry {
  const record = entry.record ? {...entry.record, detail: `baseline: ${entry.record.detail}`} : undefined
  const output = entry.output ? {...entry.output, detail: `baseline: ${entry.output.detail}`, trails: entry.output.trails.map((trail) => ({...trail, baseline: true}))} : undefined
  return {...entry, baseline: true, ...(record ? {record} : {}), ...(output ? {output} : {})}
}

async function readEntries(paths: string[], options: ReadOptions, readers: readonly Reader[], eventFiles: string[]): Promise<AssemblyEntry[]> {
  const cwd = options.cwd ?? process.cwd()
  const maxInputBytes = options.limits?.maxInputBytes ?? DEFAULT_LIMITS.maxInputBytes
  const walked = await walkInputs(paths, cwd)
  const entries: AssemblyEntry[] = walked.map(() => ({}))
  const pending: {index: number; reader: Reader; file: InputFile; encoding?: TextEncoding}[] = []
  const unrecognized: {index: number; file: InputFile; detail: string}[] = []
  const unsynthesized = await unsynthesizedAssemblies(paths, cwd)

  const walkedPaths = walked.map((item) => (item.type === 'settled' ? item.record.path : item.path))
  for (const [index, item] of walked.entries()) {
    if (item.type === 'settled') {
      entries[index] = {file: item.record.path, record: item.record, diagnostics: item.diagnostic ? [item.diagnostic] : []}
      continue
    }
    // CloudTrail log archives can be large: they are streamed by the event scan, never read whole here.
    const head = await readHead(item.absolutePath)
    if (head !== undefined && sniffEventFile(item.path, head) !== undefined) {
      eventFiles.push(item.absolutePath)
      entries[index] = {deferred: true}
      continue
    }
    let content: Buffer
    let encoding: TextEncoding | undefined
    try {
      const read = await readContent(item.absolutePath, maxInputBytes, options.limits?.maxMemberBytes ?? DEFAULT_LIMITS.maxMemberBytes)
      if ('problem' in read) {
        entries[index] = failedEntry(item.path, read.problem)
        continue
      }
      ;({content, encoding} = decodeText(read.content))
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      const gzip = await readFile(item.absolutePath).then(isGzipped, () => false)
      const detail = gzip ? `corrupt gzip data: ${reason}` : `cannot read: ${reason}`
      entries[index] = failedEntry(item.path, detail)
      continue
    }
    const file: InputFile = {path: item.path, absolutePath: item.absolutePath, bytes: content}
    const contentHead = headOf(content)
    const reader = detectReader(file, contentHead, readers)
    if (!reader) {
      const reason = unrecognizedReason(content, contentHead)
      const refusal = cliOutputRefusal(item.path, contentHead, reason, encoding)
      if (refusal) entries[index] = failedEntry(item.path, refusal)
      else unrecognized.push({index, file, detail: reason})
      continue
    }
    pending.push({index, reader, file, ...(encoding ? {encoding} : {})})
  }

  // Readers that claim other files (an assembly and its templates) read first, so nothing is read twice.
  const claims = new Map<string, Claim>()
  // Within a priority, the outermost file first: a cdk.out manifest claims its nested assemblies' manifests.
  const depth = (file: InputFile) => file.path.split('/').length
  const order = [...pending].sort((a, b) => a.reader.priority - b.reader.priority || depth(a.file) - depth(b.file) || a.index - b.index)
  for (const {index, reader, file, encoding} of order) {
    if (claims.has(file.path)) continue
    let output: ReaderOutput & {claimedFiles?: ClaimedFile[]}
    try {
      output = await reader.read(file, options)
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      entries[index] = failedEntry(file.path, `${reader.kind} reader failed: ${message}`, reader.kind)
      continue
    }
    for (const claimed of output.claimedFiles ?? []) claims.set(displayPath(claimed.absolutePath, cwd), {...claimed, owner: file.path, kind: reader.kind})
    if (encoding) output.detail = `${output.detail} (read as ${encoding})`
    entries[index] = {file: file.path, output}
  }
  for (const {index, file, detail} of unrecognized) entries[index] = {file: file.path, record: {path: file.path, fate: 'skipped', detail}}
  // A file its owner names is judged only through the owner, whatever the walk or a reader made of it.
  for (const [index, path] of walkedPaths.entries()) {
    const claim = claims.get(path)
    if (claim && !entries[index]?.deferred && entries[index]?.output === undefined) entries[index] = claimedEntry(path, claim)
  }
  return [...unsynthesized, ...entries.filter((entry) => !entry.deferred)]
}

/** A `cdk.out` folder without its manifest was never synthesized: there is nothing of the app to check. */
async function unsynthesizedAssemblies(paths: string[], cwd: string): Promise<AssemblyEntry[]> {
  const found: AssemblyEntry[] = []
  for (const path of paths) {
    const absolute = resolve(cwd, path)
    if (basename(absolute) !== 'cdk.out') continue
    const isFolder = await stat(absolute).then((info) => info.isDirectory(), () => false)
    if (!isFolder) continue
    const names = await readdir(absolute).catch(() => [] as string[])
    if (!names.includes('manifest.json')) found.push(failedEntry(displayPath(absolute, cwd), 'no manifest.json in this cloud assembly: the CDK app was never synthesized; run `cdk synth` first'))
  }
  return found
}

/** A file another input claimed, with who claimed it and what the claimer did with it. */
type Claim = ClaimedFile & {owner: string; kind: InputKind}

function claimedEntry(path: string, claim: Claim): AssemblyEntry {
  const record: InputRecord =
    claim.refused === undefined
      ? {path, kind: claim.kind, fate: 'read', detail: `${claim.role}, read as part of ${claim.owner}`}
      : {path, kind: claim.kind, fate: 'skipped', detail: `${claim.role} named by ${claim.owner}, which refused it (${claim.refused}); see its diagnostics`}
  return {file: path, record}
}

function failedEntry(path: string, detail: string, kind?: Reader['kind']): AssemblyEntry {
  const diagnostic: Diagnostic = {severity: 'error', code: 'input-unreadable', file: path, message: `${path}: ${detail}`}
  return {file: path, record: {path, ...(kind ? {kind} : {}), fate: 'failed', detail}, diagnostics: [diagnostic]}
}

/** Joins reader outputs (in input order) into an Inventory: trails deduplicated by ARN, fragments attached, facts and views computed. */
export function assemble(outputs: {file?: string; output: ReaderOutput}[], options: ReadOptions): Inventory {
  return assembleEntries(
    outputs.map(({file, output}) => ({...(file !== undefined ? {file} : {}), output})),
    options,
  )
}
