/**
 * Size limits on what one input may make trailgate hold or work through. The defaults are far
 * beyond anything CloudTrail or the AWS CLI writes, so only hostile or broken files reach them;
 * each can be raised with a flag or a `limits` key of the config file.
 */
export interface Limits {
  /** Bytes of one input file once inflated (gzip members together). */
  maxInputBytes: number
  /** Bytes of one CloudTrail record, counting the separators before it, in a streamed log. */
  maxRecordBytes: number
  /** Bytes of one gzip member once inflated; a file of several members counts each on its own. */
  maxMemberBytes: number
  /** Levels of nested arrays and objects in one document, or in one CloudTrail record. */
  maxDepth: number
}

/**
 * Event findings listed per policy in a run. Past it, findings are counted, not kept: 130,000
 * failed sign-ins are one problem to look at, and keeping each would make memory grow with the logs.
 */
export const MAX_LISTED_FINDINGS = 1000

export type LimitName = keyof Limits

export const DEFAULT_LIMITS: Readonly<Limits> = {
  maxInputBytes: 1024 * 1024 * 1024,
  maxRecordBytes: 16 * 1024 * 1024,
  maxMemberBytes: 1024 * 1024 * 1024,
  // The deepest real evidence is a CloudTrail record's requestParameters or a Terraform plan's
  // values, a few dozen levels; 256 leaves a wide margin and keeps every recursive reader far from
  // the stack's end.
  maxDepth: 256,
}

/** How each limit is named to a user, and where it is raised. */
export const LIMIT_NAMES: Record<LimitName, {words: string; flag: string; configKey: string}> = {
  maxInputBytes: {words: 'input size limit', flag: '--max-input-size', configKey: 'limits.maxInputSize'},
  maxRecordBytes: {words: 'record size limit', flag: '--max-record-size', configKey: 'limits.maxRecordSize'},
  maxMemberBytes: {words: 'gzip member size limit', flag: '--max-member-size', configKey: 'limits.maxMemberSize'},
  maxDepth: {words: 'depth limit', flag: '--max-depth', configKey: 'limits.maxDepth'},
}

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1000,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
}

/** `512MiB`, `2 GB`, `1048576` → bytes; undefined when the text is not a positive size. */
export function parseSize(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isSafeInteger(text) && text > 0 ? text : undefined
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text)
  if (!match) return undefined
  const unit = UNITS[match[2]!.toLowerCase()]
  if (unit === undefined) return undefined
  const bytes = Math.floor(Number(match[1]) * unit)
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined
}

/** Bytes in the largest binary unit that divides them, for messages: `16 MiB`, `1.5 GiB`, `700 bytes`. */
export function formatSize(bytes: number): string {
  for (const [unit, size] of [['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]] as const) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(2))} ${unit}`
  }
  return `${bytes} bytes`
}

/** "larger than the input size limit (1 GiB); raise it with --max-input-size or limits.maxInputSize" */
export function overLimit(name: Exclude<LimitName, 'maxDepth'>, limit: number): string {
  const {words} = LIMIT_NAMES[name]
  return `larger than the ${words} (${formatSize(limit)}); ${howToRaise(name)}`
}

/** "nested deeper than the depth limit (256 levels); raise it with --max-depth or limits.maxDepth …" */
export function tooDeep(limit: number): string {
  return `nested deeper than the ${LIMIT_NAMES.maxDepth.words} (${limit} levels); ${howToRaise('maxDepth')}`
}

function howToRaise(name: LimitName): string {
  const {flag, configKey} = LIMIT_NAMES[name]
  return `raise it with ${flag} or ${configKey} in the config file`
}

/** A depth limit as written in a flag or the config file: a positive whole number. */
export function parseDepth(text: string | number): number | undefined {
  const value = typeof text === 'number' ? text : /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN
  return Number.isSafeInteger(value) && value > 0 ? value : undefined
}

