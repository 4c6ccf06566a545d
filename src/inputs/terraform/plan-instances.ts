import {unknown} from '../../model/types.js'
import {child, plain, type PNode} from '../cloudformation/nodes.js'

export interface Instance {
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

/** Every instance of `type` the plan creates, updates or keeps: change entries first, then planned_values. */
export function collectInstances(root: PNode, type: string): Instance[] {
  const instances: Instance[] = []
  const seen = new Set<string>()
  const changes = child(root, 'resource_changes')
  for (const change of changes?.kind === 'seq' ? changes.items : []) {
    const description = describe(change, ['type', 'mode', 'address', 'module_address', 'name'])
    if (description.type !== type || description.mode === 'data' || description.address === undefined) continue
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
      const description = describe(resource, ['type', 'mode', 'address', 'name'])
      if (description.type !== type || description.mode === 'data' || description.address === undefined || seen.has(description.address)) continue
      seen.add(description.address)
      const moduleAddress = description.address.slice(0, Math.max(0, description.address.lastIndexOf(`${type}.`) - 1))
      instances.push({address: description.address, moduleAddress, name: description.name ?? '', node: resource, values: child(resource, 'values'), afterUnknown: undefined, actions: ['no-op']})
    }
    const children = child(module, 'child_modules')
    for (const nested of children?.kind === 'seq' ? children.items : []) walk(nested)
  }
  walk(child(child(root, 'planned_values'), 'root_module'))
  return instances
}

/** The string fields of a resource entry that say what it is, without converting the whole entry. */
function describe<K extends string>(node: PNode, keys: readonly K[]): Partial<Record<K, string>> {
  const description: Partial<Record<K, string>> = {}
  for (const key of keys) {
    const value = child(node, key)
    if (value?.kind === 'scalar' && typeof value.value === 'string') description[key] = value.value
  }
  return description
}

function plainOrUndefined(node: PNode | undefined): unknown {
  return node === undefined ? undefined : plain(node)
}

/** Replaces every value marked in `after_unknown` by `{"$unknown": "known after apply (…)"}`. */
export function withUnknowns(values: unknown, marks: unknown, references: Map<string, string>, argument?: string): unknown {
  if (marks === true) {
    const reference = argument !== undefined ? references.get(argument) : undefined
    return unknown(reference !== undefined ? `known after apply (${reference})` : 'known after apply')
  }
  if (Array.isArray(marks)) {
    const items = Array.isArray(values) ? [...values] : []
    marks.forEach((mark, position) => {
      if (mark !== false && mark !== undefined) items[position] = withUnknowns(items[position], mark, references, argument)
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
export function moduleConfiguration(configuration: PNode | undefined, moduleAddress: string): PNode | undefined {
  let module = child(configuration, 'root_module')
  for (const name of moduleNames(moduleAddress)) module = child(child(child(module, 'module_calls'), name), 'module')
  return module
}

function moduleNames(moduleAddress: string): string[] {
  return [...stripIndexes(moduleAddress).matchAll(/module\.([^.]+)/g)].map((match) => match[1] as string)
}

export function stripIndexes(address: string): string {
  return address.replace(/\[[^\]]*\]/g, '')
}

/** Argument → the reference its expression makes (`aws_kms_key.audit.arn`), for "known after apply" reasons. */
export function referencesOf(configuration: PNode | undefined, instance: Instance, type: string): Map<string, string> {
  const references = new Map<string, string>()
  for (const [argument, list] of expressionReferences(configuration, instance, type)) {
    // Terraform lists `aws_kms_key.audit.arn` and then `aws_kms_key.audit`; the longest says most.
    const best = [...list].sort((left, right) => right.length - left.length)[0]
    if (best !== undefined) references.set(argument, best)
  }
  return references
}

const RESOURCES_BY_ADDRESS = new WeakMap<PNode, Map<string, PNode>>()

/** A module configuration's resources by address, built once per module: a plan may hold thousands. */
function configuredResources(module: PNode | undefined): Map<string, PNode> {
  if (module === undefined) return new Map()
  let found = RESOURCES_BY_ADDRESS.get(module)
  if (found === undefined) {
    found = new Map()
    const resources = child(module, 'resources')
    for (const item of resources?.kind === 'seq' ? resources.items : []) {
      const address = child(item, 'address')
      if (address?.kind === 'scalar' && typeof address.value === 'string' && !found.has(address.value)) found.set(address.value, item)
    }
    RESOURCES_BY_ADDRESS.set(module, found)
  }
  return found
}

/** Argument → every reference its configuration expression makes, as Terraform lists them (relative to the instance's module). */
export function expressionReferences(configuration: PNode | undefined, instance: Instance, type: string): Map<string, string[]> {
  const references = new Map<string, string[]>()
  const resource = configuredResources(moduleConfiguration(configuration, instance.moduleAddress)).get(`${type}.${instance.name}`)
  const expressions = child(resource, 'expressions')
  const collect = (argument: string, node: PNode): void => {
    const list = plain(child(node, 'references') ?? {kind: 'seq', items: [], start: 0, end: 0})
    if (Array.isArray(list) && list.length > 0) references.set(argument, [...(references.get(argument) ?? []), ...list.map(String)])
    // A nested block (`metric_transformation { … }`) is a list of expression maps.
    if (node.kind === 'seq') for (const item of node.items) for (const nested of item.kind === 'map' ? item.entries : []) collect(argument, nested.value)
  }
  for (const expression of expressions?.kind === 'map' ? expressions.entries : []) collect(expression.key, expression.value)
  return references
}

