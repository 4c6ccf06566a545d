import path from 'node:path'

import {DEFAULT_LIMITS} from '../../model/limits.js'
import {unknown, type Diagnostic, type Location, type UnknownValue} from '../../model/types.js'
import {entry, child, JsonSyntaxError, SourceIndex, parseJsonNodes, plain, type PNode} from '../cloudformation/nodes.js'
import {textOrRefusal} from '../cloudformation/text.js'
import {emptyReaderOutput, type InputFile, type ReadOptions, type Reader, type ReaderOutput, type TrailEvidence} from '../types.js'
import {findResourceBlocks, type TfBlock} from './tf-source.js'
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

interface Instance {
  address: string
  moduleAddress: string
  name: string
  /** The object in the plan that describes the instance (a resource_changes entry or a planned_values resource). */
  node: PNode
  /** The planned attribute values (`change.after` or `values`). */
  values: PNode | undefined
  /** What the resource is now (`change.before`), for a deleted trail's name and ARN. */
  before?: PNode | undefined
  afterUnknown: unknown
  actions: string[]
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

    const instances = collectInstances(root)
    const deleted: string[] = []
    for (const instance of instances) {
      if (instance.actions.length === 1 && instance.actions[0] === 'delete') {
        deleted.push(instance.address)
        const before = removedTrail(instance.before)
        ;(output.removedTrails ??= []).push({address: instance.address, ...before})
        continue
      }
      const attributes = withUnknowns(instance.values ? plain(instance.values) : {}, instance.afterUnknown, referencesOf(configuration, instance)) as Attributes | UnknownValue
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
      const evidence: TrailEvidence = {
        document,
        provenance: {kind: 'terraform/plan', location, fields, address: instance.address, ...(location.file !== file.path ? {files: [file.path]} : {})},
        planned: true,
        ...(account !== undefined ? {account} : {}),
      }
      output.trails.push(evidence)
    }
    if (deleted.length > 0) output.notes.push(`${file.path}: ${deleted.join(', ')} ${deleted.length === 1 ? 'is' : 'are'} deleted by the plan and not checked`)
    const count = output.trails.length
    output.detail = `${count} ${count === 1 ? 'trail' : 'trails'}${deleted.length > 0 ? `, ${deleted.length} deleted (not checked)` : ''}`
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

function collectInstances(root: PNode): Instance[] {
  const instances: Instance[] = []
  const seen = new Set<string>()
  const changes = child(root, 'resource_changes')
  for (const change of changes?.kind === 'seq' ? changes.items : []) {
    const description = plain(change) as {type?: string; mode?: string; address?: string; module_address?: string; name?: string}
    if (description.type !== RESOURCE_TYPE || description.mode === 'data' || description.address === undefined) continue
    const changeNode = child(change, 'change')
    const actions = (plain(child(changeNode, 'actions') ?? {kind: 'seq', items: [], start: 0, end: 0}) as string[]) ?? []
    seen.add(description.address)
    instances.push({
      address: description.address,
      moduleAddress: description.module_address ?? '',
      name: description.name ?? '',
      node: change,
      values: child(changeNode, 'after'),
      before: child(changeNode, 'before'),
      afterUnknown: plainOrUndefined(child(changeNode, 'after_unknown')),
      actions,
    })
  }
  // Resources with no change entry (older plans, or an unchanged resource) are read from planned_values.
  const walk = (module: PNode | undefined): void => {
    const resources = child(module, 'resources')
    for (const resource of resources?.kind === 'seq' ? resources.items : []) {
      const description = plain(resource) as {type?: string; mode?: string; address?: string; name?: string}
      if (description.type !== RESOURCE_TYPE || description.mode === 'data' || description.address === undefined || seen.has(description.address)) continue
      seen.add(description.address)
      const moduleAddress = description.address.replace(/\.?aws_cloudtrail\..*$/, '')
      instances.push({address: description.address, moduleAddress, name: description.name ?? '', node: resource, values: child(resource, 'values'), afterUnknown: undefined, actions: ['no-op']})
    }
    const children = child(module, 'child_modules')
    for (const nested of children?.kind === 'seq' ? children.items : []) walk(nested)
  }
  walk(child(child(root, 'planned_values'), 'root_module'))
  return instances
}

function plainOrUndefined(node: PNode | undefined): unknown {
  return node === undefined ? undefined : plain(node)
}

/** Replaces every value marked in `after_unknown` by `{"$unknown": "known after apply (…)"}`. */
function withUnknowns(values: unknown, marks: unknown, references: Map<string, string>, argument?: string): unknown {
  if (marks === true) {
    const reference = argument !== undefined ? references.get(argument) : undefined
    return unknown(reference !== undefined ? `known after apply (${reference})` : 'known after apply')
  }
  if (Array.isArray(marks)) {
    const items = Array.isArray(values) ? [...values] : []
    marks.forEach((mark, position) => {
      if (mark !== false && mark !== undefined) items[position] = withUnknowns(items[position], mark, references)
    })
    return items
  }
  if (typeof marks === 'object' && marks !== null) {
    const result: Record<string, unknown> = typeof values === 'object' && values !== null && !Array.isArray(values) ? {...(values as Record<string, unknown>)} : {}
    for (const [key, mark] of Object.entries(marks)) {
      if (mark !== false) result[key] = withUnknowns(result[key], mark, references, argument ?? key)
    }
    return result
  }
  return values
}

/** The module configuration of an instance: `module.audit.module.inner` → module_calls.audit.module.module_calls.inner.module. */
function moduleConfiguration(configuration: PNode | undefined, moduleAddress: string): PNode | undefined {
  let module = child(configuration, 'root_module')
  for (const name of moduleNames(moduleAddress)) module = child(child(child(module, 'module_calls'), name), 'module')
  return module
}

function moduleNames(moduleAddress: string): string[] {
  return [...stripIndexes(moduleAddress).matchAll(/module\.([^.]+)/g)].map((match) => match[1] as string)
}

function stripIndexes(address: string): string {
  return address.replace(/\[[^\]]*\]/g, '')
}

/** Argument → the reference its expression makes (`aws_kms_key.audit.arn`), for "known after apply" reasons. */
function referencesOf(configuration: PNode | undefined, instance: Instance): Map<string, string> {
  const references = new Map<string, string>()
  const resources = child(moduleConfiguration(configuration, instance.moduleAddress), 'resources')
  const resource = resources?.kind === 'seq' ? resources.items.find((item) => plain(child(item, 'address') ?? item) === `${RESOURCE_TYPE}.${instance.name}`) : undefined
  const expressions = child(resource, 'expressions')
  for (const expression of expressions?.kind === 'map' ? expressions.entries : []) {
    const list = plain(child(expression.value, 'references') ?? {kind: 'seq', items: [], start: 0, end: 0})
    if (Array.isArray(list) && list.length > 0) {
      // Terraform lists `aws_kms_key.audit.arn` and then `aws_kms_key.audit`; the longest says most.
      const best = [...list].map(String).sort((left, right) => right.length - left.length)[0] as string
      references.set(expression.key, best)
    }
  }
  return references
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
