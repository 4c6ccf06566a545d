import {isUnknown, unknown, type UnknownValue} from '../../model/types.js'
import {intrinsicName, render} from './intrinsics.js'
import {own} from '../../util/dict.js'

/** `!Ref AWS::NoValue`: the property is removed, as if it had not been written. */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue')

export type Pseudo = 'AWS::Region' | 'AWS::AccountId' | 'AWS::Partition' | 'AWS::StackName' | 'AWS::StackId' | 'AWS::URLSuffix' | 'AWS::NotificationARNs'
export const PSEUDO_PARAMETERS: readonly Pseudo[] = ['AWS::Region', 'AWS::AccountId', 'AWS::Partition', 'AWS::StackName', 'AWS::StackId', 'AWS::URLSuffix', 'AWS::NotificationARNs']

export interface TemplateScope {
  /** The template's `Parameters` section, long form. */
  parameters: Record<string, unknown>
  mappings: Record<string, unknown>
  conditions: Record<string, unknown>
  /** Logical id → resource type, for every resource of the template. */
  resourceTypes: ReadonlyMap<string, string | undefined>
  /** Values given by the user (`--cfn-param`), which win over parameter defaults; unknown when CloudFormation would refuse the value. */
  parameterValues: Readonly<Record<string, string | UnknownValue>>
  pseudo: Partial<Record<Pseudo, string>>
}

export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn'
  if (region.startsWith('us-gov-')) return 'aws-us-gov'
  if (region.startsWith('us-iso-')) return 'aws-iso'
  if (region.startsWith('us-isob-')) return 'aws-iso-b'
  return 'aws'
}

/** Pseudo parameters that follow from a region, an account and a stack name, when they are known. */
export function pseudoParameters(region: string | undefined, account: string | undefined, stackName?: string): Partial<Record<Pseudo, string>> {
  const pseudo: Partial<Record<Pseudo, string>> = {}
  if (region !== undefined) {
    pseudo['AWS::Region'] = region
    pseudo['AWS::Partition'] = partitionOf(region)
    pseudo['AWS::URLSuffix'] = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'
  }
  if (account !== undefined) pseudo['AWS::AccountId'] = account
  if (stackName !== undefined) pseudo['AWS::StackName'] = stackName
  return pseudo
}

export function containsUnknown(value: unknown): boolean {
  if (isUnknown(value)) return true
  if (Array.isArray(value)) return value.some(containsUnknown)
  if (typeof value === 'object' && value !== null) return Object.values(value).some(containsUnknown)
  return false
}

type Truth = boolean | UnknownValue

/**
 * Evaluates CloudFormation intrinsic functions as far as the known inputs allow. Whatever depends on
 * something only known at deploy time becomes `{"$unknown": "<the intrinsic as written>"}`.
 */
export class Resolver {
  private readonly conditionCache = new Map<string, Truth>()
  private readonly evaluating = new Set<string>()

  constructor(private readonly scope: TemplateScope) {}

  resolve(value: unknown): unknown {
    if (isUnknown(value)) return value
    const name = intrinsicName(value)
    if (name !== undefined) return this.intrinsic(name, (value as Record<string, unknown>)[name], value)
    if (Array.isArray(value)) return value.map((item) => this.resolve(item)).filter((item) => item !== NO_VALUE)
    if (typeof value === 'object' && value !== null) {
      const resolved = Object.entries(value).map(([key, item]) => [key, this.resolve(item)] as const)
      // fromEntries keeps a `__proto__` key a key.
      return Object.fromEntries(resolved.filter(([, item]) => item !== NO_VALUE))
    }
    return value
  }

  /** The truth of a named condition of the `Conditions` section. */
  condition(name: string): Truth {
    const cached = this.conditionCache.get(name)
    if (cached !== undefined) return cached
    if (!Object.hasOwn(this.scope.conditions, name) || this.evaluating.has(name)) return unknown(`condition ${name}`)
    this.evaluating.add(name)
    const truth = this.truth(own(this.scope.conditions, name))
    this.evaluating.delete(name)
    const result = isUnknown(truth) ? unknown(`condition ${name} (${truth.$unknown})`) : truth
    this.conditionCache.set(name, result)
    return result
  }

  private truth(value: unknown): Truth {
    const resolved = this.resolve(value)
    if (typeof resolved === 'boolean') return resolved
    if (resolved === 'true' || resolved === 'false') return resolved === 'true'
    return isUnknown(resolved) ? resolved : unknown(render(value))
  }

  private ref(target: string, original: unknown): unknown {
    if (target === 'AWS::NoValue') return NO_VALUE
    if ((PSEUDO_PARAMETERS as readonly string[]).includes(target)) return this.scope.pseudo[target as Pseudo] ?? unknown(render(original))
    const parameter = own(this.scope.parameters, target)
    if (typeof parameter === 'object' && parameter !== null) {
      const {Type: type, Default: fallback} = parameter as {Type?: unknown; Default?: unknown}
      if (typeof type === 'string' && type.startsWith('AWS::SSM::Parameter::Value')) return unknown(`${render(original)} (an SSM parameter)`)
      const given = own(this.scope.parameterValues, target) ?? (typeof fallback === 'string' || typeof fallback === 'number' ? String(fallback) : undefined)
      if (given === undefined) return unknown(render(original))
      if (isUnknown(given)) return given
      if (typeof type === 'string' && (type.startsWith('List<') || type === 'CommaDelimitedList')) return given.split(',').map((item) => item.trim())
      return given
    }
    return unknown(render(original))
  }

  private intrinsic(name: string, argument: unknown, original: unknown): unknown {
    const opaque = (): UnknownValue => unknown(render(original))
    const args = Array.isArray(argument) ? argument : [argument]
    switch (name) {
      case 'Ref':
        return typeof argument === 'string' ? this.ref(argument, original) : opaque()
      case 'Condition':
        return typeof argument === 'string' ? this.condition(argument) : opaque()
      case 'Fn::Sub':
        return this.sub(args, original)
      case 'Fn::Join': {
        const [delimiter, list] = [this.resolve(args[0]), this.resolve(args[1])]
        if (typeof delimiter !== 'string' || !Array.isArray(list) || !list.every((item) => typeof item === 'string' || typeof item === 'number')) return opaque()
        return list.join(delimiter)
      }
      case 'Fn::Select': {
        const [index, list] = [this.resolve(args[0]), this.resolve(args[1])]
        const position = Number(index)
        if (!Array.isArray(list) || !Number.isInteger(position) || isUnknown(index)) return opaque()
        return position >= 0 && position < list.length ? list[position] : opaque()
      }
      case 'Fn::If': {
        const [conditionName, whenTrue, whenFalse] = args
        if (typeof conditionName !== 'string') return opaque()
        const truth = this.condition(conditionName)
        if (truth === true) return this.resolve(whenTrue)
        if (truth === false) return this.resolve(whenFalse)
        const [first, second] = [this.resolve(whenTrue), this.resolve(whenFalse)]
        return !containsUnknown(first) && JSON.stringify(first) === JSON.stringify(second) ? first : opaque()
      }
      case 'Fn::Equals': {
        const [left, right] = [this.resolve(args[0]), this.resolve(args[1])]
        if (containsUnknown(left) || containsUnknown(right)) return opaque()
        return scalarText(left) === scalarText(right)
      }
      case 'Fn::Not': {
        const truth = this.truth(args[0])
        return isUnknown(truth) ? opaque() : !truth
      }
      case 'Fn::And':
      case 'Fn::Or': {
        const decisive = name === 'Fn::Or'
        const truths = args.map((item) => this.truth(item))
        if (truths.includes(decisive)) return decisive
        return truths.some(isUnknown) ? opaque() : !decisive
      }
      case 'Fn::FindInMap': {
        const keys = args.slice(0, 3).map((item) => this.resolve(item))
        if (keys.some((key) => typeof key !== 'string' && typeof key !== 'number')) return opaque()
        const [mapName, top, second] = keys.map(String) as [string, string, string]
        const found = own(own(own(this.scope.mappings, mapName) as Record<string, Record<string, unknown>> | undefined, top), second)
        if (found !== undefined) return this.resolve(found)
        const fallback = (args[3] as {DefaultValue?: unknown} | undefined)?.DefaultValue
        return fallback !== undefined ? this.resolve(fallback) : opaque()
      }
      case 'Fn::Base64': {
        const text = this.resolve(argument)
        return typeof text === 'string' ? Buffer.from(text, 'utf8').toString('base64') : opaque()
      }
      case 'Fn::Split': {
        const [delimiter, text] = [this.resolve(args[0]), this.resolve(args[1])]
        return typeof delimiter === 'string' && typeof text === 'string' ? text.split(delimiter) : opaque()
      }
      case 'Fn::Length': {
        const list = this.resolve(argument)
        return Array.isArray(list) ? list.length : opaque()
      }
      case 'Fn::ToJsonString': {
        const resolved = this.resolve(argument)
        return containsUnknown(resolved) ? opaque() : JSON.stringify(resolved)
      }
      default:
        // GetAtt, ImportValue, GetAZs, Cidr, Transform: only CloudFormation knows their values.
        return opaque()
    }
  }

  private sub(args: unknown[], original: unknown): unknown {
    const [template, variables] = args
    if (typeof template !== 'string') return unknown(render(original))
    const resolvedVariables = typeof variables === 'object' && variables !== null ? (this.resolve(variables) as Record<string, unknown>) : {}
    let opaque = false
    const text = template.replace(/\$\{([^}]*)\}/g, (whole, inner: string) => {
      if (inner.startsWith('!')) return `\${${inner.slice(1)}}`
      const name = inner.trim()
      const value = Object.hasOwn(resolvedVariables, name) ? resolvedVariables[name] : name.includes('.') && !name.startsWith('AWS::') ? unknown(name) : this.ref(name, {Ref: name})
      if (typeof value === 'string' || typeof value === 'number') return String(value)
      opaque = true
      return whole
    })
    return opaque ? unknown(render(original)) : text
  }
}

function scalarText(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value)
}
