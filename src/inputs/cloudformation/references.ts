import type {Diagnostic} from '../../model/types.js'
import type {PNode, SourceIndex} from './nodes.js'
import {PSEUDO_PARAMETERS} from './resolve.js'

/** What a reference may name: the template's parameters, resources and mappings. */
export interface ReferenceScope {
  parameters: Record<string, unknown>
  resources: ReadonlySet<string>
  mappings: Record<string, unknown>
}

const CODE = 'cfn-missing-reference'

/**
 * The `Ref`, `Fn::GetAtt` and `Fn::FindInMap` in a part of a template that name something the
 * template does not have. CloudFormation rejects such a template ("Unresolved resource
 * dependencies", "Mapping ... not found"), so they are errors, never a value to judge. Names are
 * looked up as own properties only: `constructor` or `__proto__` is no key of a mapping.
 */
export function missingReferences(node: PNode, scope: ReferenceScope, index: SourceIndex): Diagnostic[] {
  const diagnostics: Diagnostic[] = []
  const report = (at: PNode, message: string): void => {
    diagnostics.push({severity: 'error', code: CODE, file: index.file, ...index.position(at.start), message: `${message}; CloudFormation rejects the template`})
  }
  const visit = (current: PNode): void => {
    const call = intrinsicCall(current)
    if (call) check(call.name, call.argument, current, scope, report)
    if (current.kind === 'map') for (const item of current.entries) visit(item.value)
    else if (current.kind === 'seq') for (const item of current.items) visit(item)
  }
  visit(node)
  return diagnostics
}

type Report = (at: PNode, message: string) => void

/** The intrinsic a node calls, in short (`!Ref X`) or long (`{"Ref": "X"}`) form. */
function intrinsicCall(node: PNode): {name: string; argument: PNode} | undefined {
  if (node.tag === '!Ref') return {name: 'Ref', argument: {...node, tag: undefined} as PNode}
  if (node.tag === '!GetAtt') return {name: 'Fn::GetAtt', argument: {...node, tag: undefined} as PNode}
  if (node.tag === '!FindInMap') return {name: 'Fn::FindInMap', argument: {...node, tag: undefined} as PNode}
  if (node.kind !== 'map' || node.entries.length !== 1) return undefined
  const [only] = node.entries
  if (only && (only.key === 'Ref' || only.key === 'Fn::GetAtt' || only.key === 'Fn::FindInMap')) return {name: only.key, argument: only.value}
  return undefined
}

function literal(node: PNode | undefined): string | undefined {
  if (node?.kind !== 'scalar' || node.tag !== undefined) return undefined
  return typeof node.value === 'string' || typeof node.value === 'number' ? String(node.value) : undefined
}

function check(name: string, argument: PNode, at: PNode, scope: ReferenceScope, report: Report): void {
  if (name === 'Ref') {
    const target = literal(argument)
    if (target === undefined || target === 'AWS::NoValue' || (PSEUDO_PARAMETERS as readonly string[]).includes(target)) return
    if (!Object.hasOwn(scope.parameters, target) && !scope.resources.has(target)) report(at, `!Ref ${target}: the template has no parameter or resource ${target}`)
    return
  }
  if (name === 'Fn::GetAtt') {
    const whole = literal(argument)
    const target = whole !== undefined ? whole.split('.')[0] : argument.kind === 'seq' ? literal(argument.items[0]) : undefined
    if (target !== undefined && !scope.resources.has(target)) report(at, `!GetAtt ${whole ?? target}: the template has no resource ${target}`)
    return
  }
  if (argument.kind !== 'seq' || argument.items.length !== 3) return
  const keys = argument.items.map(literal)
  if (keys.some((key) => key === undefined)) return
  const [mapName, top, second] = keys as [string, string, string]
  const map = Object.hasOwn(scope.mappings, mapName) ? scope.mappings[mapName] : undefined
  const level = isRecord(map) && Object.hasOwn(map, top) ? map[top] : undefined
  if (isRecord(level) && Object.hasOwn(level, second)) return
  report(at, `!FindInMap [${mapName}, ${top}, ${second}]: the template's Mappings have no ${[mapName, top, second].join('.')}`)
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
