/**
 * `${name}` params in patterns. A string that is exactly `${name}` becomes the param's typed value;
 * lists fan out where EventBridge takes a single value and are spliced where it takes a list.
 */
import {NEVER_MATCH_KEY, PatternError, type PatternPath} from './pattern.js'
import {appendAll} from '../util/arrays.js'

const REFERENCE = /^\$\{([^{}]+)\}$/

/** The param an account policy's `monitor` names as `${name}`, when it names one. */
export function monitorParam(monitor: string | undefined): string | undefined {
  return monitor === undefined ? undefined : REFERENCE.exec(monitor)?.[1]
}

/** The filter pattern of a `monitor` clause with its param substituted. */
export function monitorPattern(monitor: string, values: Record<string, unknown>): string {
  const name = monitorParam(monitor)
  if (name === undefined) return monitor
  const value = values[name]
  if (typeof value !== 'string') throw new PatternError(`monitor: param '${name}' has no string value`, ['monitor'])
  return value
}

/** Operators that take one string; a list param gives one matcher per element. */
const SINGLE_VALUE_OPERATORS = new Set(['cidr', 'prefix', 'suffix', 'wildcard', 'equals-ignore-case'])

type Json = Record<string, unknown>

const isPlainObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * Returns a copy of `pattern` with its params substituted. An empty list leaves a value array that
 * matches nothing (EventBridge has no empty arrays), and `anything-but` an empty list matches any
 * present value. Throws a PatternError, with the path of the reference, for an unknown param.
 */
export function substituteParams(pattern: unknown, values: Record<string, unknown>): unknown {
  return new Substitution(values).object(pattern, [])
}

class Substitution {
  constructor(private readonly values: Record<string, unknown>) {}

  object(pattern: unknown, path: PatternPath): unknown {
    if (!isPlainObject(pattern)) return this.any(pattern, path)
    // Built with fromEntries so that a key such as `__proto__` stays a plain key.
    return Object.fromEntries(
      Object.entries(pattern).map(([key, value]) => {
        const at = [...path, key]
        if (key === '$or' && Array.isArray(value)) return [key, value.map((branch, index) => this.object(branch, [...at, index]))]
        if (Array.isArray(value)) return [key, this.valueArray(value, at)]
        if (isPlainObject(value)) return [key, this.object(value, at)]
        // A param standing for a whole value array: a list is the array, a single value is wrapped.
        if (this.reference(value) !== undefined) return [key, this.valueArray([value], at)]
        return [key, value]
      }),
    )
  }

  private valueArray(items: unknown[], path: PatternPath): unknown[] {
    const out: unknown[] = []
    const emptied: string[] = []
    items.forEach((item, index) => {
      const at = [...path, index]
      const name = this.reference(item)
      if (name !== undefined) {
        const value = this.resolve(name, at)
        if (Array.isArray(value)) {
          if (value.length === 0) emptied.push(name)
          appendAll(out, value)
        } else {
          out.push(value)
        }
      } else if (isPlainObject(item)) {
        const expanded = this.matcher(item, at)
        if (expanded.length === 0) appendAll(emptied, this.referencesIn(item))
        appendAll(out, expanded)
      } else {
        out.push(this.any(item, at))
      }
    })
    if (out.length === 0 && items.length > 0) return [{[NEVER_MATCH_KEY]: `${emptied.join(', ')} is empty`}]
    return out
  }

  /** One matcher object → the matchers it stands for after substitution (several on fan-out). */
  private matcher(expression: Json, path: PatternPath): unknown[] {
    const keys = Object.keys(expression)
    if (keys.length !== 1) return [this.any(expression, path)]
    const operator = keys[0]!
    const value = expression[operator]
    const at = [...path, operator]
    const name = this.reference(value)

    if (SINGLE_VALUE_OPERATORS.has(operator)) {
      if (name !== undefined) return this.fanOut(this.resolve(name, at), (item) => ({[operator]: item}))
      const inner = isPlainObject(value) ? this.reference(value['equals-ignore-case']) : undefined
      if (inner !== undefined && Object.keys(value as Json).length === 1) {
        const resolved = this.resolve(inner, [...at, 'equals-ignore-case'])
        return this.fanOut(resolved, (item) => ({[operator]: {'equals-ignore-case': item}}))
      }
    }
    if (operator === 'numeric' && Array.isArray(value)) {
      return [{numeric: value.map((item, index) => this.numericOperand(item, [...at, index]))}]
    }
    if (operator === 'anything-but') {
      const excluded = this.anythingBut(value, at)
      // Anything but nothing: every present value.
      return excluded === undefined ? [{exists: true}] : [{'anything-but': excluded}]
    }
    return [this.any(expression, path)]
  }

  /** The substituted operand of `anything-but`, or undefined when it excludes nothing. */
  private anythingBut(value: unknown, at: PatternPath): unknown {
    const name = this.reference(value)
    if (name !== undefined) {
      const resolved = this.resolve(name, at)
      return Array.isArray(resolved) && resolved.length === 0 ? undefined : resolved
    }
    if (Array.isArray(value)) {
      const list = this.splice(value, at)
      return list.length === 0 && value.length > 0 ? undefined : list
    }
    if (isPlainObject(value) && Object.keys(value).length === 1) {
      const [inner, innerValue] = Object.entries(value)[0]!
      const innerAt = [...at, inner]
      const innerName = this.reference(innerValue)
      const resolved =
        innerName !== undefined ? this.resolve(innerName, innerAt) : Array.isArray(innerValue) ? this.splice(innerValue, innerAt) : innerValue
      if (Array.isArray(resolved) && resolved.length === 0 && !(Array.isArray(innerValue) && innerValue.length === 0)) return undefined
      return {[inner]: resolved}
    }
    return this.any(value, at)
  }

  private splice(items: unknown[], path: PatternPath): unknown[] {
    return items.flatMap((item, index) => {
      const name = this.reference(item)
      if (name === undefined) return [this.any(item, [...path, index])]
      const value = this.resolve(name, [...path, index])
      return Array.isArray(value) ? value : [value]
    })
  }

  private fanOut(value: unknown, build: (item: unknown) => unknown): unknown[] {
    return Array.isArray(value) ? value.map(build) : [build(value)]
  }

  /** Numbers written as text (e.g. given on a command line) become numbers inside `numeric`. */
  private numericOperand(item: unknown, at: PatternPath): unknown {
    const name = this.reference(item)
    if (name === undefined) return item
    const value = this.resolve(name, at)
    if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value)
    return value
  }

  /** Anything else: references replaced wherever they stand, structure copied. */
  private any(value: unknown, path: PatternPath): unknown {
    const name = this.reference(value)
    if (name !== undefined) return this.resolve(name, path)
    if (Array.isArray(value)) return value.map((item, index) => this.any(item, [...path, index]))
    if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.any(item, [...path, key])]))
    return value
  }

  private referencesIn(value: unknown): string[] {
    const name = this.reference(value)
    if (name !== undefined) return [name]
    if (Array.isArray(value)) return value.flatMap((item) => this.referencesIn(item))
    if (isPlainObject(value)) return Object.values(value).flatMap((item) => this.referencesIn(item))
    return []
  }

  private reference(value: unknown): string | undefined {
    if (typeof value !== 'string') return undefined
    const found = REFERENCE.exec(value)
    return found ? found[1]!.trim() : undefined
  }

  private resolve(name: string, path: PatternPath): unknown {
    if (!Object.hasOwn(this.values, name)) {
      const known = Object.keys(this.values)
      const hint = known.length > 0 ? `the policy's params are ${known.join(', ')}` : 'the policy declares no params'
      throw new PatternError(`Unknown param \${${name}} (${hint})`, path)
    }
    return this.values[name]
  }
}
