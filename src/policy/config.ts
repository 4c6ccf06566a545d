import {existsSync, readFileSync, statSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'

import type {Diagnostic, Location, Severity} from '../model/types.js'
import {SEVERITIES} from '../model/types.js'
import {parseDepth, parseSize, type Limits} from '../model/limits.js'
import {parseWithPositions, type PathSegment, type PositionedDocument} from '../util/positions.js'
import {validateDocument} from './schema-errors.js'
import type {TrailgateConfig, Waiver} from './types.js'
import {dict} from '../util/dict.js'
import {displayPath} from '../util/paths.js'
import {appendAll} from '../util/arrays.js'

export const CONFIG_FILE_NAMES: string[] = ['.trailgate.yaml', '.trailgate.yml']

const CONFIG_CODE = 'config-schema'

/** Where each loaded config came from, so later checks (params, references) can point into the file. */
const documents = new WeakMap<TrailgateConfig, PositionedDocument>()
/** `config.params[policyId]` → the config it belongs to and the policy id, for param diagnostics. */
const paramOwners = new WeakMap<object, {config: TrailgateConfig; policy: string}>()

export function defaultConfig(): TrailgateConfig {
  return {policies: {paths: [], only: [], skip: [], severity: dict()}, params: dict(), waivers: []}
}

/**
 * Loads `.trailgate.yaml`: the file given (which must exist), else the first of CONFIG_FILE_NAMES in
 * `cwd`, else the defaults. Invalid parts are reported and left out; the valid rest is still used.
 * `policies.paths` come back absolute, resolved against the config file's folder.
 */
export function loadConfig(options: {file?: string; cwd: string}): {config: TrailgateConfig; diagnostics: Diagnostic[]} {
  const diagnostics: Diagnostic[] = []
  let absolute: string
  if (options.file !== undefined) {
    absolute = resolve(options.cwd, options.file)
    if (!existsSync(absolute)) {
      return {config: defaultConfig(), diagnostics: [{severity: 'error', code: 'config-missing', file: options.file, message: `config file '${options.file}' does not exist`}]}
    }
  } else {
    const found = CONFIG_FILE_NAMES.map((name) => join(options.cwd, name)).filter((candidate) => existsSync(candidate))
    if (found.length === 0) return {config: defaultConfig(), diagnostics}
    absolute = found[0]!
    for (const ignored of found.slice(1)) {
      diagnostics.push({severity: 'warning', code: 'config-ambiguous', file: displayPath(ignored, options.cwd), message: `ignored: ${displayPath(absolute, options.cwd)} is used instead`})
    }
  }

  const file = displayPath(absolute, options.cwd)
  let text: string
  try {
    // A named pipe or a device (`/dev/zero`) would block or never end.
    if (!statSync(absolute).isFile()) throw new Error('not a regular file')
    text = readFileSync(absolute, 'utf8')
  } catch (error) {
    return {config: defaultConfig(), diagnostics: [...diagnostics, {severity: 'error', code: 'config-unreadable', file, message: `cannot read the config file: ${(error as Error).message}`}]}
  }
  const parsed = parseWithPositions(text, file)
  appendAll(diagnostics, parsed.diagnostics)
  const config = defaultConfig()
  config.file = file
  const document = parsed.document
  if (!document) return {config, diagnostics}
  documents.set(config, document)
  if (document.value === null || document.value === undefined) {
    diagnostics.push({severity: 'warning', code: 'config-empty', file, line: 1, column: 1, message: 'the config file is empty; using the defaults'})
    return {config, diagnostics}
  }
  appendAll(diagnostics, validateDocument('config', document, CONFIG_CODE))
  fillConfig(config, document, dirname(absolute))
  return {config, diagnostics}
}

function fillConfig(config: TrailgateConfig, document: PositionedDocument, baseDir: string): void {
  const root = asRecord(document.value)
  const policies = asRecord(root.policies)
  config.policies.paths = strings(policies.paths).map((path) => resolve(baseDir, path))
  config.policies.only = strings(policies.only)
  config.policies.skip = strings(policies.skip)
  for (const [id, severity] of Object.entries(asRecord(policies.severity))) {
    if (isSeverity(severity)) config.policies.severity[id] = severity
  }
  for (const [id, values] of Object.entries(asRecord(root.params))) {
    if (!isRecord(values)) continue
    config.params[id] = values
    paramOwners.set(values, {config, policy: id})
  }
  if (Array.isArray(root.waivers)) {
    root.waivers.forEach((entry: unknown, index: number) => {
      const waiver = toWaiver(entry)
      if (waiver) config.waivers.push({...waiver, location: document.locate(['waivers', index])})
    })
  }
  if (isSeverity(root.failOn)) config.failOn = root.failOn
  if (typeof root.failOnUnknown === 'boolean') config.failOnUnknown = root.failOnUnknown
  const limits = asRecord(root.limits)
  const read: Partial<Limits> = {}
  const set = (name: keyof Limits, value: number | undefined): void => {
    if (value !== undefined) read[name] = value
  }
  set('maxInputBytes', sizeOf(limits.maxInputSize))
  set('maxRecordBytes', sizeOf(limits.maxRecordSize))
  set('maxMemberBytes', sizeOf(limits.maxMemberSize))
  set('maxDepth', typeof limits.maxDepth === 'number' || typeof limits.maxDepth === 'string' ? parseDepth(limits.maxDepth) : undefined)
  if (Object.keys(read).length > 0) config.limits = read
}

function sizeOf(value: unknown): number | undefined {
  return typeof value === 'string' || typeof value === 'number' ? parseSize(value) : undefined
}

function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text)
  if (!match) return false
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const date = new Date(Date.UTC(year, month - 1, day))
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
}

/** A waiver only when every required field is right: a half-valid waiver must not suppress anything. */
function toWaiver(entry: unknown): Omit<Waiver, 'location'> | undefined {
  if (!isRecord(entry)) return undefined
  const {policy, subject, reason, expires, approvedBy} = entry
  if (typeof policy !== 'string' || typeof subject !== 'string' || typeof reason !== 'string') return undefined
  if (policy === '' || subject === '' || reason === '') return undefined
  if (typeof expires !== 'string' || !isCalendarDate(expires)) return undefined
  const waiver: Omit<Waiver, 'location'> = {policy, subject, reason, expires}
  if (typeof approvedBy === 'string' && approvedBy !== '') waiver.approvedBy = approvedBy
  return waiver
}

/** The location of a value (or, with `atKey`, of its key) in the file a config was loaded from. */
export function locateInConfig(config: TrailgateConfig, path: readonly PathSegment[], atKey = false): Partial<Location> {
  const document = documents.get(config)
  if (!document) return config.file ? {file: config.file} : {}
  return atKey ? document.locateKey(path) : document.locate(path)
}

/** The location of `params.<policy>.<name>` when `values` is a policy's params block of a loaded config. */
export function locateConfigParam(values: Record<string, unknown>, name: string): Partial<Location> {
  const owner = paramOwners.get(values)
  if (!owner) return {}
  return locateInConfig(owner.config, ['params', owner.policy, name])
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function asRecord(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {}
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string' && item !== '') : []
}

function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value)
}
