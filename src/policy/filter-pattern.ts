/**
 * CloudWatch Logs JSON filter patterns (`{ ($.errorCode = "*UnauthorizedOperation") || … }`), parsed
 * once and evaluated against CloudTrail records. The semantics the AWS documentation leaves open are
 * pinned here and in docs/events.md:
 * - `&&` binds tighter than `||`; parentheses group.
 * - A comparison on a missing selector is false, `!=` included; `NOT EXISTS` is the way to test absence.
 * - Quoted and unquoted values compare identically; an unquoted value runs to the next `)`, `&&`, `||`
 *   or the closing `}` (so `Failed authentication` is one value), trimmed.
 * - A selector that reaches an object or an array never matches a comparison.
 */

export class FilterPatternError extends Error {
  /** 0-based offset into the pattern text. */
  readonly offset: number
  /** 1-based column, as a person counts. */
  readonly column: number
  constructor(message: string, offset: number) {
    super(`${message} (column ${offset + 1})`)
    this.name = 'FilterPatternError'
    this.offset = offset
    this.column = offset + 1
  }
}

export interface CompiledFilterPattern {
  source: string
  test(record: unknown): boolean
  /** The selectors the pattern reads, as dotted paths (`userIdentity.type`, `a.0.b`). */
  selectors: string[]
  /** The pattern as parsed: for tools that reason about what it can match (filter-coverage.ts). */
  tree: FilterNode
}

export type Step = string | number
type Predicate = (record: unknown) => boolean
export type Operator = '=' | '!=' | '<' | '<=' | '>' | '>='

/** What one comparison compares the selected value against, as written. */
export type FilterOperand =
  | {kind: 'literal'; text: string}
  | {kind: 'wildcard'; text: string}
  | {kind: 'regex'; source: string}
  | {kind: 'number'; value: number}
  | {kind: 'null' | 'true' | 'false' | 'missing'}

export type FilterNode =
  | {kind: 'and' | 'or'; operands: FilterNode[]}
  | {kind: 'comparison'; path: Step[]; selector: string; operator: Operator | 'IS' | 'NOT EXISTS'; operand: FilterOperand; test: Predicate}

const MISSING = Symbol('missing')

interface Value {
  text: string
  quoted: boolean
  regex?: RegExp
  offset: number
}

/** Parses a JSON filter pattern; throws FilterPatternError naming the column of the problem. */
export function compileFilterPattern(source: string): CompiledFilterPattern {
  const parser = new Parser(source)
  const tree = parser.parseFilter()
  return {source, test: tree.test, selectors: [...parser.selectors], tree: tree.node}
}

class Parser {
  private pos = 0
  private regexCount = 0
  readonly selectors = new Set<string>()
  constructor(private readonly text: string) {}

  parseFilter(): Parsed {
    this.skipSpace()
    if (this.text[this.pos] !== '{') {
      throw new FilterPatternError('a JSON filter pattern starts with "{" (term and space-delimited patterns are not supported for CloudTrail records)', this.pos)
    }
    this.pos++
    const predicate = this.parseOr()
    this.skipSpace()
    if (this.text[this.pos] !== '}') throw new FilterPatternError(`expected "&&", "||" or "}" but found ${this.describeHere()}`, this.pos)
    this.pos++
    this.skipSpace()
    if (this.pos < this.text.length) throw new FilterPatternError(`unexpected text after the closing "}": ${this.describeHere()}`, this.pos)
    return predicate
  }

  private parseOr(): Parsed {
    const operands = [this.parseAnd()]
    while (this.consume('||')) operands.push(this.parseAnd())
    if (operands.length === 1) return operands[0]!
    const tests = operands.map((operand) => operand.test)
    return {test: (record) => tests.some((test) => test(record)), node: {kind: 'or', operands: operands.map((operand) => operand.node)}}
  }

  private parseAnd(): Parsed {
    const operands = [this.parseUnary()]
    while (this.consume('&&')) operands.push(this.parseUnary())
    if (operands.length === 1) return operands[0]!
    const tests = operands.map((operand) => operand.test)
    return {test: (record) => tests.every((test) => test(record)), node: {kind: 'and', operands: operands.map((operand) => operand.node)}}
  }

  private parseUnary(): Parsed {
    this.skipSpace()
    if (this.text[this.pos] === '(') {
      this.pos++
      const inner = this.parseOr()
      this.skipSpace()
      if (this.text[this.pos] !== ')') throw new FilterPatternError(`expected ")" but found ${this.describeHere()}`, this.pos)
      this.pos++
      return inner
    }
    return this.parseTest()
  }

  private parseTest(): Parsed {
    this.skipSpace()
    const selectorStart = this.pos
    const path = this.parseSelector()
    const selector = path.join('.')
    this.selectors.add(selector)
    const read = (record: unknown): unknown => resolve(record, path)
    const leaf = (operator: Operator | 'IS' | 'NOT EXISTS', operand: FilterOperand, test: Predicate): Parsed => ({test, node: {kind: 'comparison', path, selector, operator, operand, test}})
    this.skipSpace()
    if (this.consumeWord('IS')) {
      this.skipSpace()
      if (this.consumeWord('NULL')) return leaf('IS', {kind: 'null'}, (record) => read(record) === null)
      if (this.consumeWord('TRUE')) return leaf('IS', {kind: 'true'}, (record) => read(record) === true)
      if (this.consumeWord('FALSE')) return leaf('IS', {kind: 'false'}, (record) => read(record) === false)
      if (this.consumeWord('NOT')) throw new FilterPatternError('"IS NOT" is not part of the filter pattern language; use "!=" or "NOT EXISTS"', this.pos)
      throw new FilterPatternError(`expected NULL, TRUE or FALSE after IS but found ${this.describeHere()}`, this.pos)
    }
    if (this.consumeWord('NOT')) {
      this.skipSpace()
      if (this.consumeWord('EXISTS')) return leaf('NOT EXISTS', {kind: 'missing'}, (record) => read(record) === MISSING)
      throw new FilterPatternError(`expected EXISTS after NOT but found ${this.describeHere()}`, this.pos)
    }
    if (this.consumeWord('EXISTS')) throw new FilterPatternError('"EXISTS" is not part of the filter pattern language; use "NOT EXISTS" or a comparison', this.pos - 6)
    const operator = this.parseOperator(selectorStart)
    const value = this.parseValue()
    return leaf(operator, operandOf(value), comparison(read, operator, value))
  }

  private parseSelector(): Step[] {
    if (this.text[this.pos] !== '$') throw new FilterPatternError(`expected a selector such as $.eventName but found ${this.describeHere()}`, this.pos)
    this.pos++
    const steps: Step[] = []
    for (;;) {
      const char = this.text[this.pos]
      if (char === '.') {
        this.pos++
        const match = /^[A-Za-z0-9_@:-]+/.exec(this.text.slice(this.pos))
        if (!match) throw new FilterPatternError(`expected a field name after "." but found ${this.describeHere()}`, this.pos)
        steps.push(match[0])
        this.pos += match[0].length
      } else if (char === '[') {
        const match = /^\[(\d+)\]/.exec(this.text.slice(this.pos))
        if (!match) throw new FilterPatternError('expected an array index such as [0]', this.pos)
        steps.push(Number(match[1]))
        this.pos += match[0].length
      } else {
        break
      }
    }
    if (steps.length === 0) throw new FilterPatternError('a selector needs at least one field, e.g. $.eventName', this.pos)
    return steps
  }

  private parseOperator(selectorStart: number): Operator {
    for (const operator of ['!=', '<=', '>=', '=', '<', '>'] as const) {
      if (this.text.startsWith(operator, this.pos)) {
        this.pos += operator.length
        // `==` is a common slip; CloudWatch has a single `=`.
        if (operator === '=' && this.text[this.pos] === '=') throw new FilterPatternError('"==" is not an operator; use "="', this.pos - 1)
        return operator
      }
    }
    const selector = this.text.slice(selectorStart, this.pos).trim()
    throw new FilterPatternError(`expected an operator (=, !=, <, <=, >, >=, IS, NOT EXISTS) after ${selector} but found ${this.describeHere()}`, this.pos)
  }

  private parseValue(): Value {
    this.skipSpace()
    const start = this.pos
    const char = this.text[this.pos]
    if (char === '"') {
      let text = ''
      this.pos++
      while (this.pos < this.text.length && this.text[this.pos] !== '"') {
        if (this.text[this.pos] === '\\' && this.pos + 1 < this.text.length) {
          const next = this.text[this.pos + 1]!
          // Keep `\*` escaped so the wildcard compiler sees a literal star.
          text += next === '*' ? '\\*' : next
          this.pos += 2
        } else {
          text += this.text[this.pos]
          this.pos++
        }
      }
      if (this.text[this.pos] !== '"') throw new FilterPatternError('unterminated quoted value', start)
      this.pos++
      return {text, quoted: true, offset: start}
    }
    if (char === '%') {
      const end = this.text.indexOf('%', this.pos + 1)
      if (end < 0) throw new FilterPatternError('unterminated regular expression (missing closing %)', start)
      const body = this.text.slice(this.pos + 1, end)
      if (/[()]/.test(body)) throw new FilterPatternError('regular expressions in filter patterns cannot contain ( or )', start)
      if (++this.regexCount > 2) throw new FilterPatternError('a filter pattern may contain at most 2 regular expressions', start)
      let regex: RegExp
      try {
        regex = new RegExp(body)
      } catch (error) {
        throw new FilterPatternError(`invalid regular expression: ${(error as Error).message}`, start)
      }
      this.pos = end + 1
      return {text: body, quoted: false, regex, offset: start}
    }
    let end = this.pos
    while (end < this.text.length) {
      const rest = this.text.slice(end)
      if (rest[0] === ')' || rest[0] === '}' || rest.startsWith('&&') || rest.startsWith('||')) break
      end++
    }
    const text = this.text.slice(this.pos, end).trim()
    if (text === '') throw new FilterPatternError(`expected a value but found ${this.describeHere()}`, this.pos)
    this.pos = end
    return {text, quoted: false, offset: start}
  }

  private consume(token: string): boolean {
    this.skipSpace()
    if (this.text.startsWith(token, this.pos)) {
      this.pos += token.length
      return true
    }
    return false
  }

  private consumeWord(word: string): boolean {
    if (this.text.startsWith(word, this.pos) && !/[A-Za-z0-9_]/.test(this.text[this.pos + word.length] ?? '')) {
      this.pos += word.length
      return true
    }
    return false
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++
  }

  private describeHere(): string {
    if (this.pos >= this.text.length) return 'the end of the pattern'
    return JSON.stringify(this.text.slice(this.pos, this.pos + 12))
  }
}

function resolve(record: unknown, path: readonly Step[]): unknown {
  let current: unknown = record
  for (const step of path) {
    if (typeof step === 'number') {
      if (!Array.isArray(current) || step >= current.length) return MISSING
      current = current[step]
    } else {
      if (typeof current !== 'object' || current === null || Array.isArray(current) || !Object.hasOwn(current, step)) return MISSING
      current = (current as Record<string, unknown>)[step]
    }
  }
  return current
}

interface Parsed {
  test: Predicate
  node: FilterNode
}

function operandOf(value: Value): FilterOperand {
  if (value.regex) return {kind: 'regex', source: value.text}
  if (NUMBER.test(value.text)) return {kind: 'number', value: Number(value.text)}
  if (hasWildcard(value.text)) return {kind: 'wildcard', text: value.text}
  return {kind: 'literal', text: value.text.replace(/\\\*/g, '*')}
}

function hasWildcard(text: string): boolean {
  return /(^|[^\\])\*/.test(text)
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/

function comparison(read: (record: unknown) => unknown, operator: Operator, value: Value): Predicate {
  const numeric = !value.regex && NUMBER.test(value.text) ? Number(value.text) : undefined
  if (operator !== '=' && operator !== '!=') {
    if (numeric === undefined) throw new FilterPatternError(`"${operator}" compares numbers; ${JSON.stringify(value.text)} is not a number`, value.offset)
    const compare = numericComparer(operator, numeric)
    return (record) => {
      const actual = read(record)
      return typeof actual === 'number' && compare(actual)
    }
  }
  const equals = valueMatcher(value, numeric)
  if (operator === '=') {
    return (record) => {
      const actual = read(record)
      return (typeof actual === 'string' || typeof actual === 'number') && equals(actual)
    }
  }
  return (record) => {
    const actual = read(record)
    if (actual === MISSING || (typeof actual === 'object' && actual !== null)) return false
    if (typeof actual === 'string' || typeof actual === 'number') return !equals(actual)
    // null and booleans are present values that are not the string or number compared against.
    return true
  }
}

function numericComparer(operator: Exclude<Operator, '=' | '!='>, bound: number): (actual: number) => boolean {
  switch (operator) {
    case '<':
      return (actual) => actual < bound
    case '<=':
      return (actual) => actual <= bound
    case '>':
      return (actual) => actual > bound
    case '>=':
      return (actual) => actual >= bound
  }
}

function valueMatcher(value: Value, numeric: number | undefined): (actual: string | number) => boolean {
  if (value.regex) {
    const regex = value.regex
    return (actual) => regex.test(String(actual))
  }
  if (hasWildcard(value.text)) {
    const regex = wildcardRegex(value.text)
    return (actual) => regex.test(String(actual))
  }
  const literal = value.text.replace(/\\\*/g, '*')
  return (actual) => {
    if (typeof actual === 'number') return numeric !== undefined ? actual === numeric : String(actual) === literal
    return actual === literal
  }
}

function wildcardRegex(text: string): RegExp {
  let source = ''
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!
    if (char === '\\' && text[i + 1] === '*') {
      source += '\\*'
      i++
    } else if (char === '*') {
      source += '[\\s\\S]*'
    } else {
      source += char.replace(/[.+?^${}()|[\]\\]/g, '\\$&')
    }
  }
  return new RegExp(`^${source}$`)
}
