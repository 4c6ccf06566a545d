/**
 * Every flag, config key and action input the README and docs/ mention is one the program accepts.
 * Flags are read from the docs per command (a `trailgate <command>` line or the page's own command)
 * and looked up in the oclif manifest of the build; config keys and examples against the config
 * JSON Schema; action inputs against action.yml. A renamed or removed option fails here until the
 * docs follow.
 */
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {Ajv2020} from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import {describe, expect, it} from 'vitest'
import {parse} from 'yaml'

const ROOT = join(import.meta.dirname, '..', '..')
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8')

const PAGES = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).sort().map((name) => `docs/${name}`)]

/** The commands a page documents: a flag it mentions outside a `trailgate <command>` line belongs to one of them. */
const PAGE_COMMANDS: Record<string, string[]> = {
  'README.md': ['check', 'audit'],
  'docs/action.md': ['check', 'audit'],
  'docs/architecture.md': ['check', 'audit'],
  'docs/audit.md': ['audit'],
  'docs/config.md': ['check', 'audit', 'policies:list'],
  'docs/events.md': ['check', 'policies:sql'],
  'docs/iac.md': ['check'],
  'docs/inputs.md': ['check'],
  'docs/limits.md': ['check'],
  'docs/monitoring.md': ['check', 'audit'],
  'docs/policies.md': ['check', 'audit', 'policies:list', 'policies:show', 'policies:validate', 'policies:test', 'policies:sql'],
  'docs/reports.md': ['check', 'audit'],
  'docs/snapshot.md': ['check', 'audit'],
}

/** Flags of other programs that a page names on their own, outside an example of that program. */
const FLAGS_OF_OTHER_PROGRAMS: Record<string, string> = {
  'docs/inputs.md --output': 'the AWS CLI (`--output json`)',
}

// ---------------------------------------------------------------------------------------------
// What the program accepts

interface ManifestFlag {
  char?: string
  allowNo?: boolean
  aliases?: string[]
}

type Manifest = {commands: Record<string, {flags: Record<string, ManifestFlag>}>}

/** trailgate's own commands and those of the oclif plugins it ships (help, version, autocomplete). */
function manifests(): Manifest[] {
  const plugins = (JSON.parse(read('package.json')) as {oclif: {plugins?: string[]}}).oclif.plugins ?? []
  return ['oclif.manifest.json', ...plugins.map((plugin) => `node_modules/${plugin}/oclif.manifest.json`)].map((path) => JSON.parse(read(path)) as Manifest)
}

function manifestFlags(): Map<string, Set<string>> {
  const commands = new Map<string, Set<string>>()
  for (const [id, command] of manifests().flatMap((manifest) => Object.entries(manifest.commands))) {
    // oclif gives every command --help.
    const names = new Set(['help'])
    for (const [name, flag] of Object.entries(command.flags)) {
      names.add(name)
      if (flag.allowNo) names.add(`no-${name}`)
      for (const alias of flag.aliases ?? []) names.add(alias)
    }
    commands.set(id, names)
  }
  commands.set('', new Set(['help', 'version']))
  return commands
}

const COMMANDS = manifestFlags()

/** A script's options, as its source names them (util.parseArgs keys or option('name') calls). */
function scriptAccepts(script: string, flag: string): boolean {
  const path = join(ROOT, script)
  if (!existsSync(path)) return false
  const source = readFileSync(path, 'utf8')
  return [`'${flag}'`, `"${flag}"`, `${flag}:`, `'${flag}':`].some((needle) => source.includes(needle))
}

// ---------------------------------------------------------------------------------------------
// What the docs say

/** Who is meant to take a flag: a trailgate command (manifest id), a script of the repository, or another program. */
type Owner = {kind: 'command'; id: string} | {kind: 'script'; path: string} | {kind: 'other'} | {kind: 'bare'}

interface Mention {
  page: string
  line: number
  flag: string
  owner: Owner
  /** The commands named last in the same section, for a flag written on its own. */
  context: Owner[]
}

const FLAG = /(?<![\w-])--([a-z][a-z0-9-]*)/g
const TRAILGATE = new Set(['trailgate', './bin/run.js', 'bin/run.js', './bin/dev.js', 'bin/dev.js'])

/** The program a shell segment runs. */
function ownerOf(segment: string): Owner {
  const words = segment
    .replace(/^\s*(?:-\s+)?(?:run:\s*)?/, '')
    .replace(/^\$\s+/, '')
    .trim()
    .split(/\s+/)
    .map((word) => word.replace(/^[[(]+/, ''))
  while (words.length > 0 && /^[A-Z_]+=/.test(words[0]!)) words.shift()
  if (words[0] === 'npx' || words[0] === 'node' && TRAILGATE.has(words[1] ?? '')) words.shift()
  if (words[0] === 'npm' && words[1] === 'run' && words[2] === 'trailgate') words.splice(0, 3, 'trailgate')
  const [first = '', second = '', third = ''] = words
  if (first.startsWith('--')) return {kind: 'bare'}
  if (TRAILGATE.has(first)) {
    if (second === 'policies') return {kind: 'command', id: `policies:${third}`}
    return {kind: 'command', id: /^[a-z]+$/.test(second) ? second : ''}
  }
  if (first === 'node' && second.startsWith('scripts/')) return {kind: 'script', path: second}
  if (first === 'npm' && second === 'run' && third === 'bench') return {kind: 'script', path: 'scripts/bench.js'}
  return {kind: 'other'}
}

/** Shell text → the segments that each run one program. */
function segments(code: string): string[] {
  return code
    .replace(/\s#\s.*$/gm, '')
    .split(/\|\||&&|[|;]|\$\(|`/)
    .filter((segment) => segment.trim() !== '')
}

/** The trailgate commands a page names, with their line. */
const namedCommands: Array<{page: string; line: number; id: string}> = []

function mentionsOf(page: string): Mention[] {
  const mentions: Mention[] = []
  const lines = read(page).split('\n')
  let fence: string | undefined
  let context: Owner[] = []
  const note = (text: string, line: number, inCode: boolean) => {
    const parts = inCode ? segments(text) : [text]
    for (const part of parts) {
      const owner = inCode ? ownerOf(part) : {kind: 'bare' as const}
      if (owner.kind === 'command') namedCommands.push({page, line, id: owner.id})
      if (owner.kind === 'command' || owner.kind === 'script') context = [owner, ...context.filter((c) => JSON.stringify(c) !== JSON.stringify(owner))]
      for (const match of part.matchAll(FLAG)) mentions.push({page, line, flag: match[1]!, owner, context})
    }
  }
  for (let index = 0; index < lines.length; index++) {
    let text = lines[index]!
    const line = index + 1
    if (/^\s*```/.test(text)) {
      fence = fence === undefined ? text.trim().slice(3) : undefined
      continue
    }
    if (fence !== undefined) {
      if (['yaml', 'yml', 'json', 'js', 'ts'].includes(fence)) {
        // A workflow step or script call inside YAML/JS is still shell: `run: trailgate check …`.
        const run = /\brun:\s*(.*)$/.exec(text)
        if (run) note(run[1]!, line, true)
        continue
      }
      while (text.endsWith('\\') && index + 1 < lines.length) text = `${text.slice(0, -1)} ${lines[++index]!}`
      note(text, line, true)
      continue
    }
    if (/^#{1,6}\s/.test(text)) context = []
    // Inline code spans are shell; the prose around them mentions flags on their own.
    const spans = [...text.matchAll(/`([^`]+)`/g)]
    for (const span of spans) note(span[1]!, line, true)
    note(text.replace(/`[^`]+`/g, ' '), line, false)
  }
  return mentions
}

function accepted(owner: Owner, flag: string): boolean {
  if (owner.kind === 'command') return COMMANDS.get(owner.id)?.has(flag) ?? false
  if (owner.kind === 'script') return scriptAccepts(owner.path, flag)
  return false
}

function problems(): string[] {
  const found: string[] = []
  for (const page of PAGES) {
    const pageCommands = PAGE_COMMANDS[page]
    if (!pageCommands) {
      found.push(`${page}: say which commands this page documents (PAGE_COMMANDS)`)
      continue
    }
    for (const mention of mentionsOf(page)) {
      const where = `${page}:${mention.line}: --${mention.flag}`
      if (mention.owner.kind === 'other') continue
      if (mention.owner.kind === 'bare' && FLAGS_OF_OTHER_PROGRAMS[`${page} --${mention.flag}`]) continue
      if (mention.owner.kind === 'command' || mention.owner.kind === 'script') {
        if (!COMMANDS.has(mention.owner.kind === 'command' ? mention.owner.id : '') && mention.owner.kind === 'command') found.push(`${where}: no command '${mention.owner.id}'`)
        else if (!accepted(mention.owner, mention.flag)) found.push(`${where}: not accepted by ${mention.owner.kind === 'command' ? `trailgate ${mention.owner.id.replace(':', ' ')}` : mention.owner.path}`)
        continue
      }
      const candidates: Owner[] = [...mention.context, ...pageCommands.map((id): Owner => ({kind: 'command', id}))]
      if (!candidates.some((owner) => accepted(owner, mention.flag))) found.push(`${where}: accepted by none of ${[...new Set(candidates.map((c) => (c.kind === 'command' ? c.id : c.kind === 'script' ? c.path : c.kind)))].join(', ')}`)
    }
  }
  return found
}

// ---------------------------------------------------------------------------------------------
// Config keys

interface SchemaNode {
  type?: string
  properties?: Record<string, SchemaNode>
  additionalProperties?: boolean | SchemaNode
  items?: SchemaNode
  $ref?: string
}

const CONFIG_SCHEMA = JSON.parse(read('schemas/config.schema.json')) as SchemaNode & {$defs?: Record<string, SchemaNode>}
const CONFIG_KEYS = new Set(Object.keys(CONFIG_SCHEMA.properties ?? {}))

/** The builtin policies' params, for `params.<policy>.<param>` mentions. */
function builtinParams(): Map<string, Set<string>> {
  const params = new Map<string, Set<string>>()
  for (const folder of ['trail', 'events']) {
    for (const name of readdirSync(join(ROOT, 'policies', folder))) {
      if (!name.endsWith('.yaml') || name.endsWith('.tests.yaml')) continue
      const policy = parse(read(`policies/${folder}/${name}`)) as {id: string; params?: Record<string, unknown>}
      params.set(policy.id, new Set(Object.keys(policy.params ?? {})))
    }
  }
  return params
}

/** Whether a dotted key path (`policies.only`, `params.kms-encryption.x`) names something the schema allows. */
function schemaHasPath(path: string[], params: Map<string, Set<string>>): boolean {
  if (path[0] === 'params' && path.length >= 2) {
    const [, policy, param] = path
    if (/^<.*>$/.test(policy!)) return true
    const known = params.get(policy!)
    return known !== undefined && (param === undefined || /^<.*>$/.test(param) || known.has(param))
  }
  let node: SchemaNode | undefined = CONFIG_SCHEMA
  for (const segment of path) {
    if (node?.type === 'array' && node.items) node = node.items
    if (!node?.properties?.[segment]) return node?.additionalProperties !== undefined && node.additionalProperties !== false && segment.startsWith('<')
    node = node.properties[segment]
  }
  return true
}

function configKeyProblems(): string[] {
  const params = builtinParams()
  const found: string[] = []
  for (const page of PAGES) {
    const lines = read(page).split('\n')
    let fence = false
    lines.forEach((text, index) => {
      if (/^\s*```/.test(text)) fence = !fence
      if (fence) return
      for (const match of text.matchAll(/`((?:policies|params|waivers|failOn)\.[\w<>.-]+)(?::[^`]*)?`/g)) {
        const path = match[1]!.split('.')
        if (!schemaHasPath(path, params)) found.push(`${page}:${index + 1}: config key ${match[1]} is not in schemas/config.schema.json`)
      }
    })
  }
  // The tables of docs/config.md: every key of the file, and every field of a waiver.
  const config = read('docs/config.md').split('\n')
  let table: 'Key' | 'Field' | undefined
  config.forEach((text, index) => {
    const header = /^\| (Key|Field) \|/.exec(text)
    if (header) table = header[1] as 'Key' | 'Field'
    else if (!text.startsWith('|')) table = undefined
    const cell = /^\| `([^`]+)` \|/.exec(text)
    if (!table || !cell) return
    const path = table === 'Key' ? cell[1]!.split('.') : ['waivers', cell[1]!]
    if (!schemaHasPath(path, params)) found.push(`docs/config.md:${index + 1}: ${table.toLowerCase()} ${cell[1]} is not in schemas/config.schema.json`)
  })
  return found
}

/** The YAML examples of a .trailgate.yaml (blocks of config keys only), with their line. */
function configExamples(): Array<{where: string; document: Record<string, unknown>}> {
  const examples: Array<{where: string; document: Record<string, unknown>}> = []
  for (const page of PAGES) {
    const lines = read(page).split('\n')
    for (let index = 0; index < lines.length; index++) {
      if (!/^\s*```ya?ml\s*$/.test(lines[index]!)) continue
      const start = index + 1
      let end = start
      while (end < lines.length && !/^\s*```/.test(lines[end]!)) end++
      const document = parse(lines.slice(start, end).join('\n')) as unknown
      index = end
      if (typeof document !== 'object' || document === null || Array.isArray(document)) continue
      const keys = Object.keys(document)
      if (keys.length === 0 || !keys.every((key) => CONFIG_KEYS.has(key))) continue
      examples.push({where: `${page}:${start}`, document: document as Record<string, unknown>})
    }
  }
  return examples
}

// ---------------------------------------------------------------------------------------------
// Action inputs

function documentedActionInputs(): string[] {
  const lines = read('docs/action.md').split('\n')
  const start = lines.findIndex((text) => text.startsWith('## Inputs'))
  const inputs: string[] = []
  for (const text of lines.slice(start + 1)) {
    if (text.startsWith('## ')) break
    const cell = /^\| `([^`]+)` \|/.exec(text)
    if (cell) inputs.push(cell[1]!)
  }
  return inputs
}

describe('the docs mention only options the program accepts', () => {
  it('finds the flags it checks (the reader of the docs works)', () => {
    const all = PAGES.flatMap(mentionsOf)
    const flagsOfCheck = new Set(all.filter((m) => m.owner.kind === 'command' && m.owner.id === 'check').map((m) => m.flag))
    expect([...flagsOfCheck]).toEqual(expect.arrayContaining(['markdown', 'sarif']))
    expect(all.some((m) => m.owner.kind === 'command' && m.owner.id === 'audit' && m.flag === 'org')).toBe(true)
    expect(all.some((m) => m.owner.kind === 'other' && m.flag === 'include-shadow-trails')).toBe(true)
    expect(all.filter((m) => m.owner.kind === 'bare').length).toBeGreaterThan(20)
  })

  it('every trailgate command the docs name exists', () => {
    namedCommands.length = 0
    PAGES.forEach(mentionsOf)
    expect(namedCommands.length).toBeGreaterThan(10)
    expect(namedCommands.filter(({id}) => !COMMANDS.has(id)).map(({page, line, id}) => `${page}:${line}: trailgate ${id.replace(':', ' ')}`)).toEqual([])
  })

  it('every flag in README and docs/ is accepted by the command it is documented for', () => {
    expect(problems()).toEqual([])
  })

  it('the values the docs list for a flag (`--format a|b|c`) are its choices', () => {
    const choices = new Map<string, Set<string>>()
    const manifest = JSON.parse(read('oclif.manifest.json')) as {commands: Record<string, {flags: Record<string, {options?: string[]; aliases?: string[]}>}>}
    for (const command of Object.values(manifest.commands)) {
      for (const [name, flag] of Object.entries(command.flags)) {
        // An alias (--output for --format) takes the choices of its flag.
        for (const spelling of [name, ...(flag.aliases ?? [])]) if (flag.options) choices.set(spelling, new Set([...(choices.get(spelling) ?? []), ...flag.options]))
      }
    }
    const listed: string[] = []
    const wrong: string[] = []
    for (const page of PAGES) {
      read(page)
        .split('\n')
        .forEach((text, index) => {
          for (const match of text.matchAll(/(?<![\w-])--([a-z][a-z0-9-]*)[ =]([a-z0-9-]+(?:\\?\|[a-z0-9-]+)+)/g)) {
            const values = match[2]!.split(/\\?\|/)
            listed.push(match[1]!)
            const known = choices.get(match[1]!)
            for (const value of values) if (!known?.has(value)) wrong.push(`${page}:${index + 1}: --${match[1]} ${value} is not one of its choices`)
          }
        })
    }
    expect(listed).toContain('format')
    expect(wrong).toEqual([])
  })

  it('every config key in README and docs/ is in the config schema', () => {
    expect(configKeyProblems()).toEqual([])
  })

  it('every .trailgate.yaml example in the docs is valid against the config schema', () => {
    const examples = configExamples()
    expect(examples.length).toBeGreaterThanOrEqual(3)
    const ajv = new Ajv2020({allErrors: true, strict: false})
    addFormatsModule.default(ajv)
    const validate = ajv.compile(CONFIG_SCHEMA)
    const invalid = examples.flatMap(({where, document}) => (validate({version: 1, ...document}) ? [] : (validate.errors ?? []).map((error) => `${where}: ${error.instancePath} ${error.message ?? ''}`)))
    expect(invalid).toEqual([])
  })

  it('the action inputs in docs/action.md are the inputs of action.yml', () => {
    const declared = Object.keys((parse(read('action.yml')) as {inputs: Record<string, unknown>}).inputs).sort()
    expect(documentedActionInputs().sort()).toEqual(declared)
  })
})
