import {isUnknown, type Diagnostic, type InputKind} from '../../model/types.js'
import type {TrailEvidence} from '../types.js'
import {plain, child, type PNode} from './nodes.js'
import {toLongForm} from './intrinsics.js'
import {missingReferences, type ReferenceScope} from './references.js'
import {pseudoParameters, Resolver} from './resolve.js'
import {parseTemplate, type ResourceSource, type TemplateSource} from './source.js'
import {normalizeTrail} from './trail.js'
import {givenParameterValues} from './parameters.js'
import {cdkPath, MONITORING_TYPES, readTemplateMonitoring} from './monitoring.js'
import {emptyMonitoringEvidence, type MonitoringEvidence} from '../../model/monitoring.js'
import {appendAll} from '../../util/arrays.js'

const TRAIL_TYPE = 'AWS::CloudTrail::Trail'

export interface TemplateContext {
  /** The file as printed in reports. */
  file: string
  kind: Extract<InputKind, 'cloudformation' | 'cdk/assembly'>
  region?: string
  account?: string
  stackName?: string
  parameterValues?: Record<string, string>
  /** The depth limit (`--max-depth`); the default when not given. */
  maxDepth?: number
}

export interface TemplateReading {
  trails: TrailEvidence[]
  diagnostics: Diagnostic[]
  notes: string[]
  resourceCount: number
  /** Trails not checked because their Condition is false, as `LogicalId (condition X is false)`. */
  notDeployed: string[]
  /** The names the `Parameters` section declares, against which `--cfn-param` names are checked. */
  declaredParameters: string[]
  /** Metric filters, alarms, topics and subscriptions the template creates or names. */
  monitoring: MonitoringEvidence
}

/** Reads the trails of one CloudFormation template (plain or synthesized by CDK). */
export function readTemplate(text: string, context: TemplateContext): TemplateReading {
  const source = parseTemplate(text, context.file, context.maxDepth)
  const parameters = sectionValue(source, 'Parameters')
  const given = givenParameterValues(context.parameterValues ?? {}, parameters, source.sections.get('Parameters')?.value, source.index)
  const reading: TemplateReading = {
    trails: [],
    diagnostics: [...source.diagnostics, ...given.diagnostics],
    notes: [],
    resourceCount: source.resources.length,
    notDeployed: [],
    declaredParameters: Object.keys(parameters),
    monitoring: emptyMonitoringEvidence(),
  }
  const mappings = sectionValue(source, 'Mappings')
  const references: ReferenceScope = {parameters, mappings, resources: new Set(source.resources.map((resource) => resource.logicalId))}
  const resolver = new Resolver({
    parameters,
    mappings,
    conditions: sectionValue(source, 'Conditions'),
    resourceTypes: new Map(source.resources.map((resource) => [resource.logicalId, resource.type])),
    parameterValues: given.values,
    pseudo: pseudoParameters(context.region, context.account, context.stackName),
  })
  const transform = source.sections.get('Transform')
  if (transform) {
    reading.diagnostics.push({
      severity: 'warning',
      code: 'cfn-transform',
      file: context.file,
      ...source.index.position(transform.keyStart),
      message: `The template uses Transform ${JSON.stringify(plain(transform.value))}; trails that the transform would add are not checked`,
    })
  }
  const monitored: (ResourceSource & {node: PNode})[] = []
  for (const resource of source.resources) {
    if (resource.node === undefined || resource.type === undefined || !MONITORING_TYPES.includes(resource.type)) continue
    const missing = missingReferences(resource.node, references, source.index)
    if (missing.length > 0) {
      appendAll(reading.diagnostics, missing)
      continue
    }
    if (deployed(resource.logicalId, resource.node, resolver, context, reading)) monitored.push({...resource, node: resource.node})
  }
  const monitoring = readTemplateMonitoring({file: context.file, kind: context.kind, region: context.region, account: context.account, resolver, index: source.index, resources: [...monitored, ...trailResources(source)]})
  reading.monitoring = monitoring.evidence
  for (const resource of source.resources) {
    if (resource.type !== TRAIL_TYPE || resource.node === undefined) continue
    const missing = missingReferences(resource.node, references, source.index)
    if (missing.length > 0) {
      // CloudFormation would not deploy the template: there is no trail to judge.
      appendAll(reading.diagnostics, missing)
      continue
    }
    const evidence = readTrail(resource.logicalId, resource.keyStart, resource.node, resolver, source, context, reading)
    if (!evidence) continue
    const logGroupKey = monitoring.trailLogGroupKey(resource.node)
    if (logGroupKey !== undefined) evidence.provenance.logGroupKey = logGroupKey
    reading.trails.push(evidence)
  }
  return reading
}

function trailResources(source: TemplateSource): (ResourceSource & {node: PNode})[] {
  return source.resources.filter((resource): resource is ResourceSource & {node: PNode} => resource.type === TRAIL_TYPE && resource.node !== undefined)
}

/** False when the resource's Condition is false; an unknown condition is noted and the resource read as deployed. */
function deployed(logicalId: string, node: PNode, resolver: Resolver, context: TemplateContext, reading: TemplateReading): boolean {
  const conditionNode = child(node, 'Condition')
  if (conditionNode?.kind !== 'scalar' || typeof conditionNode.value !== 'string') return true
  const truth = resolver.condition(conditionNode.value)
  if (truth === false) {
    reading.notDeployed.push(`${logicalId} (condition ${conditionNode.value} is false)`)
    return false
  }
  if (isUnknown(truth)) reading.notes.push(`${context.file}#${logicalId} is deployed only when ${truth.$unknown} holds; it is checked as if it were`)
  return true
}

function readTrail(logicalId: string, keyStart: number, node: PNode, resolver: Resolver, source: TemplateSource, context: TemplateContext, reading: TemplateReading): TrailEvidence | undefined {
  if (!deployed(logicalId, node, resolver, context, reading)) return undefined
  const normalized = normalizeTrail(logicalId, node, resolver, source.index, {region: context.region, account: context.account})
  appendAll(reading.diagnostics, normalized.diagnostics)
  const constructPath = cdkPath(node)
  return {
    document: normalized.document,
    provenance: {
      kind: context.kind,
      location: source.index.span(keyStart, node.end),
      fields: normalized.fields,
      logicalId,
      ...(constructPath !== undefined ? {constructPath} : {}),
    },
    ...(context.account !== undefined ? {account: context.account} : {}),
    planned: true,
  }
}

function sectionValue(source: TemplateSource, name: string): Record<string, unknown> {
  const section = source.sections.get(name)
  if (!section) return {}
  const value = toLongForm(section.value)
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
}
