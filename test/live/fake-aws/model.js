// AWS's own service models (botocore's service-2.json and paginators-1.json, vendored under
// models/) drive the fake: every request is checked against the operation's input shape, every
// answer is written in the operation's output shape as the service's protocol sends it, and every
// operation the model declares a paginator for is paged. Nothing here knows one operation from
// another: a shape the fake answers wrongly is the fake's bug, and it fails loudly.
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {URLSearchParams} from 'node:url'

const MODELS = join(import.meta.dirname, 'models')

/** A request or an answer that does not fit the model. */
export class ShapeError extends Error {
  /** @param {string} path @param {string} problem */
  constructor(path, problem) {
    super(`${path}: ${problem}`)
    this.name = 'ShapeError'
  }
}

/**
 * @param {string} service
 * @param {Record<string, string>} [wire] metadata that replaces the model's own where the SDK speaks
 *   another protocol than the model names (shapes stay the model's)
 */
export function loadModel(service, wire = {}) {
  const model = JSON.parse(readFileSync(join(MODELS, service, 'service-2.json'), 'utf8'))
  model.metadata = {...model.metadata, ...wire}
  const paginators = JSON.parse(readFileSync(join(MODELS, service, 'paginators-1.json'), 'utf8')).pagination ?? {}
  /** @type {Map<string, RegExp>} */
  const patterns = new Map()
  const shape = (name) => {
    const found = model.shapes[name]
    if (found === undefined) throw new Error(`${service} model has no shape ${name}`)
    return found
  }
  const pattern = (text) => {
    let compiled = patterns.get(text)
    if (compiled === undefined) patterns.set(text, (compiled = new RegExp(`^(?:${text})$`, 'su')))
    return compiled
  }

  /** Check a decoded request value against a shape: members known, required ones present, types and bounds. */
  function validate(name, value, path) {
    const spec = shape(name)
    switch (spec.type) {
      case 'structure': {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ShapeError(path, `expected a ${name} object`)
        for (const key of Object.keys(value)) {
          if (!(key in spec.members)) throw new ShapeError(path, `${name} has no member ${key}`)
        }
        for (const key of spec.required ?? []) {
          if (value[key] === undefined) throw new ShapeError(path, `${name}.${key} is required`)
        }
        for (const [key, member] of Object.entries(spec.members)) {
          if (value[key] !== undefined) validate(member.shape, value[key], `${path}.${key}`)
        }
        return
      }
      case 'list': {
        if (!Array.isArray(value)) throw new ShapeError(path, `expected a list (${name})`)
        bounds(spec, value.length, path, 'items')
        value.forEach((item, index) => validate(spec.member.shape, item, `${path}[${index}]`))
        return
      }
      case 'map': {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ShapeError(path, `expected a map (${name})`)
        for (const [key, item] of Object.entries(value)) {
          validate(spec.key.shape, key, `${path} key`)
          validate(spec.value.shape, item, `${path}.${key}`)
        }
        return
      }
      case 'string': {
        if (typeof value !== 'string') throw new ShapeError(path, `expected a string (${name})`)
        if (spec.enum && !spec.enum.includes(value)) throw new ShapeError(path, `${JSON.stringify(value)} is not one of ${spec.enum.join(', ')}`)
        bounds(spec, [...value].length, path, 'characters')
        if (spec.pattern && !pattern(spec.pattern).test(value)) throw new ShapeError(path, `${JSON.stringify(value)} does not match ${spec.pattern}`)
        return
      }
      case 'double':
      case 'float':
        if (typeof value !== 'number' || !Number.isFinite(value)) throw new ShapeError(path, `expected a number (${name})`)
        return
      case 'integer':
      case 'long': {
        if (typeof value !== 'number' || !Number.isInteger(value)) throw new ShapeError(path, `expected an integer (${name})`)
        if ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max)) {
          throw new ShapeError(path, `${value} is outside [${spec.min ?? '-∞'}, ${spec.max ?? '∞'}]`)
        }
        return
      }
      case 'boolean':
        if (typeof value !== 'boolean') throw new ShapeError(path, `expected a boolean (${name})`)
        return
      case 'timestamp':
        if (typeof value !== 'number' || !Number.isFinite(value)) throw new ShapeError(path, `expected epoch seconds (${name})`)
        return
      case 'blob':
        if (typeof value !== 'string') throw new ShapeError(path, `expected base64 text (${name})`)
        return
      default:
        throw new Error(`${service} shape ${name} has type ${spec.type}, which the fake does not know`)
    }
  }

  function bounds(spec, size, path, unit) {
    if (spec.min !== undefined && size < spec.min) throw new ShapeError(path, `at least ${spec.min} ${unit}, got ${size}`)
    if (spec.max !== undefined && size > spec.max) throw new ShapeError(path, `at most ${spec.max} ${unit}, got ${size}`)
  }

  /** A query-protocol request (`Action=…&Foo.member.1=…`) decoded into the input shape's value. */
  function fromQuery(name, params, prefix) {
    const spec = shape(name)
    switch (spec.type) {
      case 'structure': {
        const value = {}
        for (const [key, member] of Object.entries(spec.members)) {
          const decoded = fromQuery(member.shape, params, prefix === '' ? key : `${prefix}.${key}`)
          if (decoded !== undefined) value[key] = decoded
        }
        return prefix === '' || Object.keys(value).length > 0 ? value : undefined
      }
      case 'list': {
        const items = []
        for (let index = 1; ; index++) {
          const item = fromQuery(spec.member.shape, params, `${prefix}.member.${index}`)
          if (item === undefined) break
          items.push(item)
        }
        return items.length > 0 || params.has(prefix) ? items : undefined
      }
      default: {
        const text = params.get(prefix)
        if (text === null) return undefined
        if (spec.type === 'integer' || spec.type === 'long' || spec.type === 'double' || spec.type === 'float') return Number(text)
        if (spec.type === 'boolean') return text === 'true' ? true : text === 'false' ? false : text
        if (spec.type === 'timestamp') return Date.parse(text) / 1000
        return text
      }
    }
  }

  /** Decode a request body as the protocol sends it, and check it against the operation's input. */
  function readRequest(operation, body) {
    const spec = model.operations[operation]
    if (spec === undefined) return undefined
    let input
    if (model.metadata.protocol === 'query') {
      const params = new URLSearchParams(body)
      const known = new Set(['Action', 'Version'])
      input = spec.input ? fromQuery(spec.input.shape, params, '') : {}
      if (params.get('Version') !== model.metadata.apiVersion) throw new ShapeError('Version', `expected ${model.metadata.apiVersion}`)
      for (const key of params.keys()) {
        if (!known.has(key) && !queryKeyUsed(spec.input?.shape, key)) throw new ShapeError(key, `${spec.input?.shape ?? operation} has no such parameter`)
      }
    } else {
      input = body === '' ? {} : JSON.parse(body)
    }
    if (spec.input) validate(spec.input.shape, input, spec.input.shape)
    return input
  }

  function queryKeyUsed(name, key) {
    if (name === undefined) return false
    const [head, ...rest] = key.split('.')
    const spec = shape(name)
    if (spec.type === 'structure') {
      const member = spec.members[head]
      return member !== undefined && (rest.length === 0 || queryKeyUsed(member.shape, rest.join('.')))
    }
    if (spec.type === 'list') return head === 'member' && /^\d+$/.test(rest[0] ?? '') && (rest.length === 1 || queryKeyUsed(spec.member.shape, rest.slice(1).join('.')))
    return false
  }

  /**
   * An answer value written as the protocol sends it (JSON: timestamps as epoch seconds; query:
   * XML with ISO 8601 timestamps), after checking it fits the shape: no member the model lacks,
   * every required member present.
   */
  function toWire(name, value, path) {
    const spec = shape(name)
    switch (spec.type) {
      case 'structure': {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ShapeError(path, `the fake answered a non-object for ${name}`)
        for (const key of Object.keys(value)) {
          if (!(key in spec.members)) throw new ShapeError(path, `the fake answered member ${key}, which ${name} does not have`)
        }
        for (const key of spec.required ?? []) {
          if (value[key] === undefined) throw new ShapeError(path, `the fake left out ${name}.${key}, which is required`)
        }
        const out = {}
        for (const [key, member] of Object.entries(spec.members)) {
          if (value[key] !== undefined) out[key] = toWire(member.shape, value[key], `${path}.${key}`)
        }
        return out
      }
      case 'list':
        if (!Array.isArray(value)) throw new ShapeError(path, `the fake answered a non-list for ${name}`)
        return value.map((item, index) => toWire(spec.member.shape, item, `${path}[${index}]`))
      case 'map':
        return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toWire(spec.value.shape, item, `${path}.${key}`)]))
      case 'timestamp': {
        const millis = value instanceof Date ? value.getTime() : typeof value === 'number' ? value * 1000 : Date.parse(String(value))
        if (!Number.isFinite(millis)) throw new ShapeError(path, `the fake answered ${JSON.stringify(value)} for a timestamp`)
        return model.metadata.protocol === 'query' ? new Date(millis).toISOString() : millis / 1000
      }
      default: {
        const types = {string: 'string', integer: 'number', long: 'number', double: 'number', float: 'number', boolean: 'boolean', blob: 'string'}
        if (typeof value !== types[spec.type]) throw new ShapeError(path, `the fake answered ${typeof value} for ${name} (${spec.type})`)
        if (spec.type === 'string' && spec.enum && !spec.enum.includes(value)) throw new ShapeError(path, `the fake answered ${value}, not one of ${name}'s values`)
        return value
      }
    }
  }

  function xmlOf(name, value, tag) {
    const spec = shape(name)
    if (spec.type === 'structure') {
      const inner = Object.entries(spec.members)
        .filter(([key]) => value[key] !== undefined)
        .map(([key, member]) => xmlOf(member.shape, value[key], member.locationName ?? key))
        .join('')
      return tag === '' ? inner : `<${tag}>${inner}</${tag}>`
    }
    if (spec.type === 'list') return `<${tag}>${value.map((item) => xmlOf(spec.member.shape, item, spec.member.locationName ?? 'member')).join('')}</${tag}>`
    return `<${tag}>${xmlEscape(String(value))}</${tag}>`
  }

  /** The answer body and its content type. */
  function writeAnswer(operation, output, requestId) {
    const spec = model.operations[operation]
    const wire = spec.output ? toWire(spec.output.shape, output, spec.output.shape) : {}
    if (model.metadata.protocol !== 'query') {
      return {type: `application/x-amz-json-${model.metadata.jsonVersion}`, body: JSON.stringify(wire)}
    }
    const result = spec.output ? xmlOf(spec.output.shape, wire, spec.output.resultWrapper ?? '') : ''
    return {
      type: 'text/xml',
      body:
        `<${operation}Response xmlns="${model.metadata.xmlNamespace}">${result}` +
        `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`,
    }
  }

  /**
   * One page of a full answer, as the operation's paginator declares it: `pageSize` items of the
   * result key from the position the input token names, and the output token when more remain.
   */
  function page(operation, input, output, pageSize) {
    const paginator = paginators[operation]
    if (paginator === undefined) return output
    // A paginator with several result keys (DescribeAlarms: MetricAlarms, CompositeAlarms) pages their items in that order.
    const keys = Array.isArray(paginator.result_key) ? paginator.result_key : [paginator.result_key]
    const items = keys.flatMap((key) => (output[key] ?? []).map((item) => ({key, item})))
    const limit = paginator.limit_key !== undefined && typeof input[paginator.limit_key] === 'number' ? input[paginator.limit_key] : Infinity
    const size = Math.min(limit, pageSize ?? Infinity)
    const token = input[paginator.input_token]
    const start = token === undefined ? 0 : Number(Buffer.from(String(token), 'base64url').toString('utf8').replace(/^page:/, ''))
    if (!Number.isInteger(start) || start < 0 || start > items.length) throw new ShapeError(paginator.input_token, 'not a token this service issued')
    const end = Math.min(items.length, start + size)
    const paged = {...output}
    for (const key of keys) if (output[key] !== undefined) paged[key] = []
    for (const {key, item} of items.slice(start, end)) paged[key].push(item)
    delete paged[paginator.output_token]
    if (end < items.length) paged[paginator.output_token] = Buffer.from(`page:${end}`).toString('base64url')
    return paged
  }

  /** The model's HTTP status for an error code (400 when the model does not say). */
  function errorStatus(code) {
    for (const spec of Object.values(model.shapes)) {
      if (spec.exception && spec.error?.code === code) return spec.error.httpStatusCode ?? 400
    }
    const named = model.shapes[code]
    return named?.exception ? (named.error?.httpStatusCode ?? 400) : undefined
  }

  return {
    metadata: model.metadata,
    operations: Object.keys(model.operations),
    paginated: Object.keys(paginators),
    paginator: (operation) => paginators[operation],
    hasOperation: (operation) => model.operations[operation] !== undefined,
    readRequest,
    writeAnswer,
    page,
    errorStatus,
  }
}

function xmlEscape(text) {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}
