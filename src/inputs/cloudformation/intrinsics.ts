import {isUnknown} from '../../model/types.js'
import type {PNode} from './nodes.js'

/** CloudFormation's short-form YAML tags and the long-form keys they stand for. */
export const SHORT_FORMS: Readonly<Record<string, string>> = {
  Ref: 'Ref',
  Condition: 'Condition',
  GetAtt: 'Fn::GetAtt',
  Sub: 'Fn::Sub',
  Join: 'Fn::Join',
  If: 'Fn::If',
  Equals: 'Fn::Equals',
  Select: 'Fn::Select',
  FindInMap: 'Fn::FindInMap',
  ImportValue: 'Fn::ImportValue',
  Not: 'Fn::Not',
  And: 'Fn::And',
  Or: 'Fn::Or',
  Base64: 'Fn::Base64',
  Cidr: 'Fn::Cidr',
  GetAZs: 'Fn::GetAZs',
  Split: 'Fn::Split',
  Transform: 'Fn::Transform',
  Length: 'Fn::Length',
  ToJsonString: 'Fn::ToJsonString',
}

const LONG_TO_SHORT = new Map(Object.entries(SHORT_FORMS).map(([short, long]) => [long, short]))

/** Tags the YAML parser must accept; their values are converted by `toLongForm`, not by the parser. */
export const CFN_YAML_TAGS = Object.keys(SHORT_FORMS).flatMap((short) => [
  {tag: `!${short}`, resolve: (value: string) => value},
  {tag: `!${short}`, collection: 'seq' as const, resolve: <T>(value: T) => value},
  {tag: `!${short}`, collection: 'map' as const, resolve: <T>(value: T) => value},
])

/** The template value in CloudFormation's JSON (long) form. A tag CloudFormation does not know is unknown. */
export function toLongForm(node: PNode): unknown {
  const inner = untagged(node)
  if (node.tag === undefined) return inner
  const short = node.tag.slice(1)
  const long = SHORT_FORMS[short]
  if (long === undefined) return {$unknown: `${node.tag} ${render(inner)}`}
  if (short === 'GetAtt' && typeof inner === 'string') {
    const dot = inner.indexOf('.')
    return {[long]: dot === -1 ? [inner] : [inner.slice(0, dot), inner.slice(dot + 1)]}
  }
  return {[long]: inner}
}

function untagged(node: PNode): unknown {
  if (node.kind === 'scalar') return node.value
  if (node.kind === 'seq') return node.items.map(toLongForm)
  return Object.fromEntries(node.entries.map(({key, value}) => [key, toLongForm(value)]))
}

/** The single key of an intrinsic function object (`{"Fn::GetAtt": …}`), if `value` is one. */
export function intrinsicName(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
  const keys = Object.keys(value)
  if (keys.length !== 1) return undefined
  const key = keys[0] as string
  return key === 'Ref' || key === 'Condition' || key.startsWith('Fn::') ? key : undefined
}

/** Writes a template value the way a person writes it in YAML: `!GetAtt AuditKey.Arn`, `!Ref Env`. */
export function render(value: unknown): string {
  if (isUnknown(value)) return typeof value.$unknown === 'string' ? value.$unknown : 'unknown'
  const name = intrinsicName(value)
  if (name !== undefined) {
    const argument = (value as Record<string, unknown>)[name]
    const short = LONG_TO_SHORT.get(name) ?? name
    if (name === 'Fn::GetAtt' && Array.isArray(argument) && argument.every((part) => typeof part === 'string')) return `!GetAtt ${argument.join('.')}`
    if (typeof argument === 'string') return `!${short} ${name === 'Fn::Sub' ? JSON.stringify(argument) : render(argument)}`
    return `!${short} ${render(argument)}`
  }
  if (Array.isArray(value)) return `[${value.map(render).join(', ')}]`
  if (typeof value === 'object' && value !== null) return `{${Object.entries(value).map(([key, item]) => `${key}: ${render(item)}`).join(', ')}}`
  if (typeof value === 'string') return /^[\w./:*@+-]+$/.test(value) && value !== '' ? value : JSON.stringify(value)
  return String(value)
}
