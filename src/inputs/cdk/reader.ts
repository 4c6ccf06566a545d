import path from 'node:path'

import type {Diagnostic} from '../../model/types.js'
import {SourceIndex, parseJsonNodes, plain, JsonSyntaxError} from '../cloudformation/nodes.js'
import {templateDetail} from '../cloudformation/reader.js'
import {readTemplate} from '../cloudformation/template.js'
import {decodeText} from '../cloudformation/text.js'
import {containedFile} from '../contained.js'
import {readContent} from '../read-content.js'
import {DEFAULT_LIMITS} from '../../model/limits.js'
import {emptyReaderOutput, type ClaimedFile, type InputFile, type ReadOptions, type Reader, type ReaderOutput, type TrailEvidence} from '../types.js'
import {appendAll} from '../../util/arrays.js'
import {emptyMonitoringEvidence, type MonitoringEvidence} from '../../model/monitoring.js'
import {appendMonitoring} from '../monitoring-detail.js'

interface Artifact {
  type?: string
  environment?: string
  displayName?: string
  properties?: {templateFile?: string; stackName?: string; directoryName?: string; file?: string}
}

interface Manifest {
  version?: string
  artifacts?: Record<string, Artifact>
}

interface AssemblyReading {
  trails: TrailEvidence[]
  diagnostics: Diagnostic[]
  notes: string[]
  claimed: ClaimedFile[]
  stacks: number
  resources: number
  notDeployed: string[]
  declaredParameters: string[][]
  monitoring: MonitoringEvidence
}

/** Nested assemblies deeper than this are a loop or a mistake, not a real app. */
const MAX_DEPTH = 20

/** `manifest.json` of a CDK cloud assembly (`cdk.out`): every stack template it lists, stages included. */
export function looksLikeAssemblyManifest(file: InputFile, head: string): boolean {
  return path.basename(file.absolutePath) === 'manifest.json' && /"artifacts"\s*:/.test(head) && /"version"\s*:/.test(head)
}

export const cdkAssemblyReader: Reader = {
  kind: 'cdk/assembly',
  priority: 10,
  sniff: looksLikeAssemblyManifest,
  read: async (file: InputFile, options: ReadOptions): Promise<ReaderOutput & {claimedFiles: ClaimedFile[]}> => {
    const output = emptyReaderOutput('cdk/assembly')
    const reading: AssemblyReading = {trails: [], diagnostics: [], notes: [], claimed: [], stacks: 0, resources: 0, notDeployed: [], declaredParameters: [], monitoring: emptyMonitoringEvidence()}
    const root = {folder: path.dirname(file.absolutePath), shown: path.posix.dirname(file.path)}
    await readAssembly(file.absolutePath, file.path, file.bytes, options, reading, 0, new Set(), root)
    output.trails = reading.trails
    output.diagnostics = reading.diagnostics
    output.notes = reading.notes
    output.declaredParameters = reading.declaredParameters
    output.monitoring = reading.monitoring
    output.detail = `${reading.stacks} ${reading.stacks === 1 ? 'stack' : 'stacks'}, ${templateDetail(reading.trails.length, reading.resources, reading.notDeployed, reading.monitoring)}`
    return {...output, claimedFiles: reading.claimed}
  },
}

/** The cloud assembly folder given by the user: every file a manifest names must be inside it. */
interface AssemblyRoot {
  folder: string
  shown: string
}

async function readAssembly(manifestPath: string, shownPath: string, bytes: Buffer, options: ReadOptions, reading: AssemblyReading, depth: number, visited: Set<string>, root: AssemblyRoot): Promise<void> {
  visited.add(path.resolve(manifestPath))
  const manifest = parseManifest(bytes, shownPath, reading, options.limits?.maxDepth)
  if (!manifest) return
  const folder = path.dirname(manifestPath)
  const shownFolder = path.posix.dirname(shownPath)
  for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
    const properties = artifact.properties ?? {}
    const local = properties.templateFile ?? properties.file ?? (properties.directoryName !== undefined ? path.join(properties.directoryName, 'manifest.json') : undefined)
    if (local === undefined) continue
    if (typeof local !== 'string') {
      reading.diagnostics.push({severity: 'error', code: 'cdk-manifest', file: shownPath, message: `Artifact ${id} names its file with ${JSON.stringify(local)}, not a path; it was not read`})
      continue
    }
    const shown = path.posix.join(shownFolder, local.split(path.sep).join('/'))
    // As the folder walk names it, so that no file the manifest names is judged as an input of its own.
    const absolute = path.resolve(folder, local)
    const role = roleOf(id, artifact)
    const found = await containedFile(root.folder, folder, local)
    if ('refused' in found) {
      const outside = found.refused === 'outside'
      const why = outside ? `which is outside ${root.shown} (links followed)` : `which cannot be read here (${found.refused})`
      reading.diagnostics.push({severity: 'error', code: outside ? 'cdk-path-outside' : 'cdk-not-a-file', file: shownPath, message: `Artifact ${id} names ${local}, ${why}; it was not read`})
      reading.claimed.push({absolutePath: absolute, role, refused: outside ? `outside ${root.shown}, links followed` : found.refused})
      continue
    }
    // Only templates and nested assemblies hold trails; a missing tree or asset manifest does not matter.
    const holdsTrails = artifact.type === 'aws:cloudformation:stack' || artifact.type === 'cdk:cloud-assembly'
    if ('missing' in found) {
      if (holdsTrails) reading.diagnostics.push({severity: 'error', code: 'cdk-missing-file', file: shownPath, message: `Artifact ${id} names ${local}, which is not there; its trails are not checked`})
      continue
    }
    if (!holdsTrails) {
      reading.claimed.push({absolutePath: absolute, role})
      continue
    }
    const read = await readContent(found.file, options.limits?.maxInputBytes ?? DEFAULT_LIMITS.maxInputBytes, options.limits?.maxMemberBytes ?? DEFAULT_LIMITS.maxMemberBytes).catch((error: unknown) => ({problem: error instanceof Error ? error.message : String(error)}))
    if ('problem' in read) {
      reading.diagnostics.push({severity: 'error', code: 'cdk-unreadable', file: shownPath, message: `Artifact ${id} names ${local}, which cannot be read: ${read.problem}; its trails are not checked`})
      reading.claimed.push({absolutePath: absolute, role, refused: read.problem})
      continue
    }
    const content = read.content
    reading.claimed.push({absolutePath: absolute, role})
    if (artifact.type === 'aws:cloudformation:stack') readStack(id, artifact, content, shown, options, reading)
    if (artifact.type === 'cdk:cloud-assembly') {
      if (depth >= MAX_DEPTH || visited.has(absolute)) {
        reading.diagnostics.push({severity: 'error', code: 'cdk-assembly-loop', file: shownPath, message: `Nested assembly ${id} leads back to an assembly already read; it is skipped`})
        continue
      }
      await readAssembly(absolute, shown, content, options, reading, depth + 1, visited, root)
    }
  }
}

/** What an artifact's file is to the assembly, as the inputs list names it. */
function roleOf(id: string, artifact: Artifact): string {
  const name = artifact.displayName ?? id
  if (artifact.type === 'aws:cloudformation:stack') return `template of stack ${name}`
  if (artifact.type === 'cdk:cloud-assembly') return `manifest of nested assembly ${name}`
  if (artifact.type === 'cdk:asset-manifest') return `asset manifest ${id} (assets to publish, no trail)`
  return `${artifact.type ?? 'artifact'} file of ${id} (no trail)`
}

function parseManifest(bytes: Buffer, shownPath: string, reading: AssemblyReading, maxDepth: number | undefined): Manifest | undefined {
  const decoded = decodeText(bytes, shownPath)
  if (decoded.diagnostic) reading.diagnostics.push(decoded.diagnostic)
  if (decoded.text === undefined) return undefined
  try {
    const manifest = plain(parseJsonNodes(decoded.text, undefined, maxDepth)) as Manifest
    if (typeof manifest !== 'object' || manifest === null || typeof manifest.artifacts !== 'object') {
      reading.diagnostics.push({severity: 'error', code: 'cdk-manifest', file: shownPath, line: 1, column: 1, message: 'A cloud assembly manifest needs an "artifacts" object'})
      return undefined
    }
    return manifest
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error
    reading.diagnostics.push({severity: 'error', code: error.code, file: shownPath, ...new SourceIndex(shownPath, decoded.text).position(error.offset), message: error.message})
    return undefined
  }
}

/** `aws://123456789012/us-east-1`; CDK writes `unknown-account` / `unknown-region` for environment-agnostic stacks. */
function environmentOf(artifact: Artifact): {account?: string; region?: string} {
  const match = /^aws:\/\/([^/]+)\/([^/]+)$/.exec(artifact.environment ?? '')
  if (!match) return {}
  const [, account, region] = match as unknown as [string, string, string]
  return {
    ...(account !== 'unknown-account' ? {account} : {}),
    ...(region !== 'unknown-region' ? {region} : {}),
  }
}

function readStack(id: string, artifact: Artifact, content: Buffer, shown: string, options: ReadOptions, reading: AssemblyReading): void {
  reading.stacks++
  const decoded = decodeText(content, shown)
  if (decoded.diagnostic) reading.diagnostics.push(decoded.diagnostic)
  if (decoded.text === undefined) return
  const environment = environmentOf(artifact)
  const template = readTemplate(decoded.text, {
    file: shown,
    kind: 'cdk/assembly',
    // The stack's own environment wins; --account / --region fill in for environment-agnostic stacks.
    region: environment.region ?? options.regions?.[0],
    account: environment.account ?? options.account,
    stackName: artifact.properties?.stackName ?? id,
    parameterValues: options.cfnParams,
    maxDepth: options.limits?.maxDepth,
  })
  appendAll(reading.trails, template.trails)
  appendAll(reading.diagnostics, template.diagnostics)
  appendAll(reading.notes, template.notes)
  reading.resources += template.resourceCount
  reading.declaredParameters.push(template.declaredParameters)
  appendMonitoring(reading.monitoring, template.monitoring)
  appendAll(reading.notDeployed, template.notDeployed.map((trail) => `${artifact.displayName ?? id}/${trail}`))
}
