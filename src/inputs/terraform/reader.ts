import path from 'node:path'

import {DEFAULT_LIMITS} from '../../model/limits.js'
import {type Diagnostic, type Location, type UnknownValue} from '../../model/types.js'
import {entry, child, JsonSyntaxError, SourceIndex, parseJsonNodes, plain, type PNode} from '../cloudformation/nodes.js'
import {textOrRefusal} from '../cloudformation/text.js'
import {emptyReaderOutput, type InputFile, type ReadOptions, type Reader, type ReaderOutput, type TrailEvidence} from '../types.js'
import {findResourceBlocks, type TfBlock} from './tf-source.js'
import {MONITORING_RESOURCE_TYPES, readPlanMonitoring} from './monitoring.js'
import {monitoringDetail} from '../monitoring-detail.js'
import {collectInstances, referencesOf, stripIndexes, withUnknowns, type Instance} from './plan-instances.js'
import {BLOCK_FIELDS, normalizeTerraformTrail, SOURCE_ARGUMENT, type Attributes} from './trail.js'
import {displayPath} from '../../util/paths.js'
import {appendAll} from '../../util/arrays.js'

const RESOURCE_TYPE = 'aws_cloudtrail'
/** `terraform show -json` plan formats this reader understands: 0.x and 1.x. */
const SUPPORTED_MAJORS = new Set(['0', '1'])

/** `terraform show -json <planfile>`: recognized by its format version and planned values. */
export function looksLikePlan(head: string): boolean {
  return /"format_version"\s*:/.test(head) && /"(planned_values|resource_changes)"\s*:/.test(head)
}


export const terraformPlanReader: Reader = {
  kind: 'terraform/plan',
  priority: 20,
  sniff: (_file: InputFile, head: string) => looksLikePlan(head),
  read: async (file: InputFile, options: ReadOptions): Promise<ReaderOutput> => {
    const output = emptyReaderOutput('terraform/plan')
    const text = textOrRefusal(file, output)
    if (text === undefined) return output
    const index = new SourceIndex(file.path, text)
    let root: PNode
    try {
      root = parseJsonNodes(text, (key, offset) =>
        output.diagnostics.push({severity: 'warning', code: 'json-duplicate-key', file: file.path, ...index.position(offset), message: `Duplicate key "${key}": the last one is used`}),
        options.limits?.maxDepth,
      )
    } catch (error) {
      if (!(error instanceof JsonSyntaxError)) throw error
      output.diagnostics.push({severity: 'error', code: error.code, file: file.path, ...index.position(error.offset), message: error.message})
      output.detail = error.code === 'json-syntax' ? 'invalid JSON' : error.message
      return output
    }
    const versionProblem = checkFormatVersion(root, index)
    if (versionProblem) {
      output.diagnostics.push(versionProblem)
      output.detail = 'unsupported plan format'
      return output
    }

    const configuration = child(root, 'configuration')
    const region = providerRegion(configuration) ?? options.regions?.[0]
    const account = options.account ?? providerAccount(configuration)
    const changes = child(root, 'resource_changes')
    if (changes !== undefined && changes.kind !== 'seq') {
      output.diagnostics.push({severity: 'error', code: 'wrong-type', file: file.path, ...index.position(changes.start), message: 'resource_changes must be an array of planned changes: the plan was not read'})
      output.detail = 'resource_changes is not an array'
      return output
    }
    const planFolder = options.tfDir !== undefined ? path.resolve(options.cwd ?? process.cwd(), options.tfDir) : path.dirname(file.absolutePath)
    const shown = (absolute: string): string => displayPath(absolute, options.cwd ?? process.cwd())
    const moduleFolders = localModuleFolders(configuration, planFolder)
    const blocksByFolder = new Map<string, Map<string, TfBlock>>()

    const instances = collectInstances(root, RESOURCE_TYPE)
    const monitoringBlocks = new Map<string, Map<string, TfBlock>>()
    for (const type of MONITORING_RESOURCE_TYPES) {
      for (const instance of collectInstances(root, type)) {
        const folder = moduleFolders.get(stripIndexes(instance.moduleAddress))
        const cacheKey = `${type} ${folder ?? ''}`
        if (folder === undefined || monitoringBlocks.has(cacheKey)) continue
        const found = await findResourceBlocks(folder, planFolder, type, shown, options.limits?.maxInputBytes ?? DEFAULT_LIMITS.maxInputBytes)
        monitoringBlocks.set(cacheKey, found.blocks)
        for (const diagnostic of found.diagnostics) if (!output.diagnostics.some((known) => known.message === diagnostic.message)) output.diagnostics.push(diagnostic)
      }
    }
    const blockOf = (instance: Instance, type: string): TfBlock | undefined => monitoringBlocks.get(`${type} ${moduleFolders.get(stripIndexes(instance.moduleAddress)) ?? ''}`)?.get(instance.name)
    const monitoring = readPlanMonitoring(root, {file: file.path, index, configuration, region, account, blockOf})
    output.monitoring = monitoring.evidence
    const deleted: string[] = []
    for (const instance of instances) {
      if (instance.actions.length === 1 && instance.actions[0] === 'delete') {
        deleted.push(instance.address)
        const before = removedTrail(instance.before)
        ;(output.removedTrails ??= []).push({address: instance.address, ...before})
        continue
      }
      const attributes = withUnknowns(instance.values ? plain(instance.values) : {}, instance.afterUnknown, referencesOf(configuration, instance, RESOURCE_TYPE)) as Attributes | UnknownValue
      const document = normalizeTerraformTrail(attributes, {region, account})

      let fields = planFields(instance, index)
      let location = index.span(instance.node.start, instance.node.end)
      const folder = moduleFolders.get(stripIndexes(instance.moduleAddress))
      if (folder !== undefined) {
        if (!blocksByFolder.has(folder)) {
          const found = await findResourceBlocks(folder, planFolder, RESOURCE_TYPE, shown, options.limits?.maxInputBytes ?? DEFAULT_LIMITS.maxInputBytes)
          blocksByFolder.set(folder, found.blocks)
          appendAll(output.diagnostics, found.diagnostics)
        }
        const block = blocksByFolder.get(folder)?.get(instance.name)
        if (block) {
          location = block.location
          fields = blockFields(block)
        }
      }
      const logGroupKey = monitoring.trailLogGroupKey(instance, attributes)
      const evidence: TrailEvidence = {
        document,
        provenance: {
          kind: 'terraform/plan',
          location,
          fields,
          address: instance.address,
          ...(location.file !== file.path ? {files: [file.path]} : {}),
          ...(logGroupKey !== undefined ? {logGroupKey} : {}),
        },
        planned: true,
        ...(account !== undefined ? {account} : {}),
      }
      output.trails.push(evidence)
    }
    if (deleted.length > 0) output.notes.push(`${file.path}: ${deleted.join(', ')} ${deleted.length === 1 ? 'is' : 'are'} deleted by the plan and not checked`)
    const count = output.trails.length
    const monitored = monitoringDetail(monitoring.evidence)
    output.detail = `${count} ${count === 1 ? 'trail' : 'trails'}${deleted.length > 0 ? `, ${deleted.length} deleted (not checked)` : ''}${monitored !== '' ? `; ${monitored}` : ''}`
    return output
  },
}

function checkFormatVersion(root: PNode, index: SourceIndex): Diagnostic | undefined {
  const version = child(root, 'format_version')
  const where = version ? index.position(version.start) : {line: 1, column: 1}
  const text = version?.kind === 'scalar' ? String(version.value) : undefined
  const major = text !== undefined && /^\d+\.\d+/.test(text) ? text.split('.')[0] : undefined
  if (major !== undefined && SUPPORTED_MAJORS.has(major)) return undefined
  return {
    severity: 'error',
    code: 'terraform-format-version',
    file: index.file,
    ...where,
    message: `Plan format_version ${text === undefined ? 'is missing' : JSON.stringify(text)}: trailgate reads Terraform plan JSON of format 0.x and 1.x only; the file was not read`,
  }
}

function providerRegion(configuration: PNode | undefined): string | undefined {
  const region = plain(child(child(child(child(child(configuration, 'provider_config'), 'aws'), 'expressions'), 'region'), 'constant_value') ?? {kind: 'scalar', value: null, start: 0, end: 0})
  return typeof region === 'string' ? region : undefined
}

/**
 * The account the aws provider deploys into, when the configuration pins it: a single
 * `allowed_account_ids` entry, else the account of a constant `assume_role` role ARN.
 */
function providerAccount(configuration: PNode | undefined): string | undefined {
  const expressions = child(child(child(configuration, 'provider_config'), 'aws'), 'expressions')
  const constant = (node: PNode | undefined): unknown => (node ? plain(child(node, 'constant_value') ?? {kind: 'scalar', value: null, start: 0, end: 0}) : undefined)
  const allowed = constant(child(expressions, 'allowed_account_ids'))
  if (Array.isArray(allowed) && allowed.length === 1 && typeof allowed[0] === 'string' && /^\d{12}$/.test(allowed[0])) return allowed[0]
  const assumeRole = child(expressions, 'assume_role')
  const firstRole = assumeRole?.kind === 'seq' ? assumeRole.items[0] : assumeRole
  const roleArn = constant(child(firstRole, 'role_arn'))
  const match = typeof roleArn === 'string' ? /^arn:[^:]+:iam::(\d{12}):role\//.exec(roleArn) : null
  return match?.[1]
}

/** Folder of every module whose source is a local path, by module address (`module.audit`). */
function localModuleFolders(configuration: PNode | undefined, rootFolder: string): Map<string, string> {
  const folders = new Map<string, string>([['', rootFolder]])
  const walk = (module: PNode | undefined, address: string, folder: string): void => {
    const calls = child(module, 'module_calls')
    for (const call of calls?.kind === 'map' ? calls.entries : []) {
      const source = plain(child(call.value, 'source') ?? {kind: 'scalar', value: null, start: 0, end: 0})
      if (typeof source !== 'string' || !/^\.\.?[/\\]/.test(source)) continue
      const callAddress = address === '' ? `module.${call.key}` : `${address}.module.${call.key}`
      const callFolder = path.resolve(folder, source)
      folders.set(callAddress, callFolder)
      walk(child(call.value, 'module'), callAddress, callFolder)
    }
  }
  walk(child(configuration, 'root_module'), '', rootFolder)
  return folders
}

/** Locations inside the plan: each attribute of `change.after` (or `values`). */
function planFields(instance: Instance, index: SourceIndex): Record<string, Location> {
  const fields: Record<string, Location> = {}
  for (const [field, argument] of Object.entries(SOURCE_ARGUMENT)) {
    const found = entry(instance.values, argument)
    if (found && found.value.kind === 'scalar' && found.value.value === null) continue
    if (found) fields[field] = index.span(found.keyStart, found.value.end)
  }
  for (const [argument, field] of Object.entries(BLOCK_FIELDS)) {
    const found = child(instance.values, argument)
    if (found?.kind === 'seq') found.items.forEach((item, position) => (fields[`${field}.${position}`] = index.span(item.start, item.end)))
  }
  const tags = entry(instance.values, 'tags') ?? entry(instance.values, 'tags_all')
  if (tags && tags.value.kind === 'map') {
    fields.Tags = index.span(tags.keyStart, tags.value.end)
    for (const tag of tags.value.entries) fields[`Tags.${tag.key}`] = index.span(tag.keyStart, tag.value.end)
  }
  return fields
}

/** Locations inside the `.tf` block: the line of each argument and of each nested block. */
function blockFields(block: TfBlock): Record<string, Location> {
  const fields: Record<string, Location> = {}
  for (const [field, argument] of Object.entries(SOURCE_ARGUMENT)) {
    const location = block.attributes.get(argument) ?? block.blocks.get(argument)?.[0]
    if (location) fields[field] = location
  }
  for (const [argument, field] of Object.entries(BLOCK_FIELDS)) {
    block.blocks.get(argument)?.forEach((location, position) => (fields[`${field}.${position}`] = location))
  }
  const tags = block.attributes.get('tags')
  if (tags) fields.Tags = tags
  return fields
}

/** What a deleted resource was, so a baseline can drop it: its name and ARN when the plan knew them. */
function removedTrail(values: PNode | undefined): {name?: string; arn?: string} {
  if (values === undefined) return {}
  const record = plain(values) as Record<string, unknown>
  if (typeof record !== 'object' || record === null) return {}
  return {...(typeof record.name === 'string' ? {name: record.name} : {}), ...(typeof record.arn === 'string' ? {arn: record.arn} : {})}
}
