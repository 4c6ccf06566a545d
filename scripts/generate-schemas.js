#!/usr/bin/env node
// Writes the JSON Schemas of the documents policies judge, and the policy schema built from them:
//   schemas/subjects/{trail,region,account,event,archive}.schema.json
//   schemas/policy.schema.json
// The trail document takes AWS's own field names from the CloudTrail client's API shapes (Trail,
// GetTrailStatusResponse, EventSelector, AdvancedEventSelector, InsightSelector), and Tags, Facts and
// the region and account views from what trailgate computes (src/model/types.ts). The CloudTrail record
// and the policy file without patterns are written by hand in scripts/schema-sources/.
//
//   node scripts/generate-schemas.js           write the schemas
//   node scripts/generate-schemas.js --check   exit 1, naming them, when the committed schemas differ
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {dirname, join, relative, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

import ts from 'typescript'

const root = resolve(fileURLToPath(new URL('..', import.meta.url)))
const SCHEMA_BASE_URL = 'https://trailgate.dev/schemas/'
const DRAFT = 'https://json-schema.org/draft/2020-12/schema'
const require = createRequire(import.meta.url)
const SDK_MODELS = join(dirname(require.resolve('@aws-sdk/client-cloudtrail/package.json')), 'dist-types', 'models', 'models_0.d.ts')
const MODEL_TYPES = join(root, 'src', 'model', 'types.ts')

const program = ts.createProgram([SDK_MODELS, MODEL_TYPES], {strict: true, noEmit: true, skipLibCheck: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext})
const checker = program.getTypeChecker()

/** The interface `name` declared in `file`, as a type. */
function interfaceType(file, name) {
  const source = program.getSourceFile(file)
  const declaration = source?.statements.find((statement) => ts.isInterfaceDeclaration(statement) && statement.name.text === name)
  if (!declaration) throw new Error(`${relative(root, file)} declares no interface ${name}`)
  return checker.getTypeAtLocation(declaration.name)
}

/** The first sentence of a declaration's documentation, without the HTML the AWS models carry. */
function descriptionOf(symbol) {
  const text = ts
    .displayPartsToString(symbol.getDocumentationComment(checker))
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/ ([.,:;)])/g, '$1')
    .trim()
  if (text === '') return undefined
  const sentence = /^(.+?[.])(?:\s|$)/.exec(text)?.[1] ?? text
  return sentence.length > 300 ? `${sentence.slice(0, 297)}...` : sentence
}

/**
 * A TypeScript type as a JSON Schema of the document: unknown values (`UnknownValue`) and undefined
 * dropped, string literal unions as enums, Date as the string a JSON document holds, interfaces as
 * closed objects, index signatures alone as maps. `replace` names types written as a reference.
 */
function schemaOf(type, replace = {}) {
  if (type.isUnion()) {
    const members = type.types.filter((member) => !(member.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null)) && member.aliasSymbol?.name !== 'UnknownValue' && member.symbol?.name !== 'UnknownValue')
    if (members.length > 0 && members.every((member) => member.isStringLiteral())) return {enum: members.map((member) => member.value)}
    if (members.length > 0 && members.every((member) => member.flags & ts.TypeFlags.BooleanLiteral)) return {type: 'boolean'}
    if (members.length === 1) return schemaOf(members[0], replace)
    return {anyOf: members.map((member) => schemaOf(member, replace))}
  }
  if (type.flags & ts.TypeFlags.String) return {type: 'string'}
  if (type.flags & ts.TypeFlags.Number) return {type: 'number'}
  if (type.flags & (ts.TypeFlags.Boolean | ts.TypeFlags.BooleanLiteral)) return {type: 'boolean'}
  if (type.isStringLiteral()) return {enum: [type.value]}
  if (type.flags & ts.TypeFlags.Unknown) return {}
  const name = type.symbol?.name
  if (name && replace[name]) return {...replace[name]}
  if (name === 'Date') return {type: 'string', description: 'A time, as ISO 8601 text.'}
  if (checker.isArrayType(type)) return {type: 'array', items: schemaOf(checker.getTypeArguments(type)[0], replace)}
  const properties = checker.getPropertiesOfType(type).filter((property) => property.name !== '$metadata')
  if (properties.length === 0) {
    const index = checker.getIndexInfoOfType(type, ts.IndexKind.String)
    if (index) return {type: 'object', additionalProperties: schemaOf(index.type, replace)}
    return {type: 'object'}
  }
  return {type: 'object', properties: Object.fromEntries(properties.map((property) => [property.name, propertySchema(property, replace)])), additionalProperties: false}
}

function propertySchema(property, replace) {
  const schema = schemaOf(checker.getTypeOfSymbol(property), replace)
  const description = descriptionOf(property)
  if (!description || schema.$ref) return schema
  const {description: _fallback, ...rest} = schema
  return {description, ...rest}
}

const sdk = (name) => schemaOf(interfaceType(SDK_MODELS, name))
const model = (name, replace) => schemaOf(interfaceType(MODEL_TYPES, name), replace)

/** Where the parts of the trail document come from in AWS's API, beside DescribeTrails' Trail. */
const TRAIL_PARTS = {
  Status: {from: 'GetTrailStatusResponse', description: 'The GetTrailStatus answer for the trail.'},
  EventSelectors: {from: 'EventSelector', list: true, description: 'The basic event selectors (GetEventSelectors).'},
  AdvancedEventSelectors: {from: 'AdvancedEventSelector', list: true, description: 'The advanced event selectors (GetEventSelectors).'},
  InsightSelectors: {from: 'InsightSelector', list: true, description: 'The Insights selectors (GetInsightSelectors).'},
}

function trailSchema() {
  const ours = model('TrailDocument')
  const properties = {...sdk('Trail').properties}
  for (const [name, schema] of Object.entries(ours.properties)) {
    const part = TRAIL_PARTS[name]
    if (!part) {
      properties[name] ??= schema
      continue
    }
    const shape = sdk(part.from)
    properties[name] = {description: part.description, ...(part.list ? {type: 'array', items: shape} : shape)}
  }
  properties.Tags = {description: 'The trail\'s tags (ListTags), by key.', ...ours.properties.Tags}
  properties.Facts = {description: 'Facts computed by trailgate from the trail\'s own fields.', ...ours.properties.Facts}
  // AWS's shapes must know every field trailgate puts in the document, or a policy on one would be refused.
  const missing = fieldPaths(ours).filter((path) => !fieldPaths({properties}).includes(path))
  if (missing.length > 0) throw new Error(`the trail document has fields AWS's shapes do not: ${missing.join(', ')}`)
  return {
    title: 'CloudTrail trail (trail subject)',
    description: 'One trail with what CloudTrail says about it: the DescribeTrails fields, Status, the selectors, Tags and trailgate\'s Facts.',
    type: 'object',
    properties,
    additionalProperties: false,
  }
}

function fieldPaths(schema, prefix = '') {
  const node = schema.type === 'array' ? schema.items : schema
  return Object.entries(node.properties ?? {}).flatMap(([name, child]) => [`${prefix}${name}`, ...fieldPaths(child, `${prefix}${name}.`)])
}

function viewSchema(name, title, description, trail) {
  const schema = model(name, {TrailDocument: {$ref: '#/$defs/trail'}})
  return {title, description, ...schema, $defs: {trail}}
}

function withId(file, schema) {
  return {$schema: DRAFT, $id: `${SCHEMA_BASE_URL}${file}`, ...schema}
}

function readSource(name) {
  return JSON.parse(readFileSync(join(root, 'scripts', 'schema-sources', name), 'utf8'))
}

// ---- The policy schema: the policy file, and for each subject kind the patterns of its document.

const SUBJECTS = ['trail', 'region', 'account', 'event', 'archive']

/**
 * The pattern of one document node, placed at `pointer` in the policy schema (`$or` and dotted keys
 * refer back to it). `defs` are the document's own definitions (the trail inside a region view).
 */
function patternOf(node, pointer, defs) {
  if (node.$ref) return {$ref: patternRef(node.$ref)}
  const described = (schema) => (node.description ? {description: node.description, ...schema} : schema)
  if (node.type === 'array') return described(stripDescription(patternOf(node.items, pointer, defs)))
  if (kindOf(node) === 'value') return described({$ref: '#/$defs/values'})
  if (kindOf(node) === 'map') return described({type: 'object', additionalProperties: patternOf(node.additionalProperties, `${pointer}/additionalProperties`, defs)})
  if (kindOf(node) === 'open') return described({})
  const properties = {}
  for (const [name, child] of Object.entries(node.properties)) properties[name] = patternOf(child, `${pointer}/properties/${escapePointer(name)}`, defs)
  properties.$or = {description: 'Any of these patterns.', type: 'array', items: {$ref: `#${pointer}`}}
  const dotted = dottedKeys(node, pointer, defs)
  return described({
    type: 'object',
    properties: {...properties, ...dotted.exact},
    ...(Object.keys(dotted.prefixes).length > 0 ? {patternProperties: dotted.prefixes} : {}),
    additionalProperties: false,
  })
}

/** What a document node holds: fields by name, fields of any name (a map), anything, or a value. */
function kindOf(node) {
  if (node.properties) return 'object'
  if (typeof node.additionalProperties === 'object') return 'map'
  const types = [node.type ?? []].flat()
  if (node.enum || (types.length > 0 && !types.includes('object'))) return 'value'
  return 'open'
}

function patternRef(ref) {
  return ref.replace(/^#\/\$defs\/(.+)$/, '#/$defs/$1-pattern')
}

/**
 * The dotted keys below an object (`Status.IsLogging`, `Trails.Facts.IsShadow`), each referring to
 * the pattern of the field it names; below a map or an open part, a key pattern instead.
 */
function dottedKeys(node, pointer, defs) {
  const exact = {}
  const prefixes = {}
  const visit = (object, objectPointer, prefix) => {
    for (const [name, field] of Object.entries(object.properties)) {
      const path = prefix === '' ? name : `${prefix}.${name}`
      let child = field
      while (child.type === 'array' && child.items) child = child.items
      let childPointer = `${objectPointer}/properties/${escapePointer(name)}`
      if (child.$ref) {
        childPointer = patternRef(child.$ref).slice(1)
        child = defs[child.$ref.slice('#/$defs/'.length)]
      }
      if (prefix !== '') exact[path] = {$ref: `#${childPointer}`}
      const kind = kindOf(child)
      if (kind === 'object') visit(child, childPointer, path)
      else if (kind === 'map') prefixes[`^${escapeRegExp(path)}\\.[^.]+$`] = {$ref: `#${childPointer}/additionalProperties`}
      else if (kind === 'open') prefixes[`^${escapeRegExp(path)}\\.`] = {}
    }
  }
  visit(node, pointer, '')
  return {exact, prefixes}
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

function stripDescription(schema) {
  const {description: _description, ...rest} = schema
  return rest
}

function escapePointer(name) {
  return name.replace(/~/g, '~0').replace(/\//g, '~1')
}

/** The EventBridge matchers a document field's list may hold; `${param}` wherever a value can be. */
const MATCHER_DEFS = {
  values: {
    description: 'A list of values and operators: the field matches if any of them does. Or ${param}, replaced by the param\'s value.',
    anyOf: [{type: 'array', items: {$ref: '#/$defs/value'}}, {$ref: '#/$defs/param-reference'}],
  },
  'param-reference': {description: '${param}: the value of one of the policy\'s params', type: 'string', pattern: '^\\$\\{[^{}]+\\}$'},
  value: {anyOf: [{$ref: '#/$defs/scalar'}, {$ref: '#/$defs/operator'}]},
  scalar: {anyOf: [{type: 'string'}, {type: 'number'}, {type: 'boolean'}, {type: 'null'}]},
  'ignore-case': {type: 'object', additionalProperties: false, required: ['equals-ignore-case'], properties: {'equals-ignore-case': {type: 'string'}}},
  operator: {
    type: 'object',
    minProperties: 1,
    additionalProperties: false,
    properties: {
      prefix: {description: 'Strings starting with the text.', anyOf: [{type: 'string'}, {$ref: '#/$defs/ignore-case'}]},
      suffix: {description: 'Strings ending with the text.', anyOf: [{type: 'string'}, {$ref: '#/$defs/ignore-case'}]},
      'equals-ignore-case': {description: 'The same string in any case.', type: 'string'},
      wildcard: {description: '* is any run of characters; \\* is a literal star.', type: 'string'},
      'anything-but': {
        description: 'A present value other than these.',
        anyOf: [
          {$ref: '#/$defs/scalar'},
          {type: 'array', items: {$ref: '#/$defs/scalar'}},
          {
            type: 'object',
            additionalProperties: false,
            properties: {
              prefix: {anyOf: [{type: 'string'}, {type: 'array', items: {type: 'string'}}]},
              suffix: {anyOf: [{type: 'string'}, {type: 'array', items: {type: 'string'}}]},
              'equals-ignore-case': {anyOf: [{type: 'string'}, {type: 'array', items: {type: 'string'}}]},
              wildcard: {anyOf: [{type: 'string'}, {type: 'array', items: {type: 'string'}}]},
            },
          },
        ],
      },
      numeric: {description: 'Numbers in a range: [">", 0, "<=", 5].', anyOf: [{type: 'array', minItems: 2, maxItems: 4, items: {anyOf: [{type: 'string'}, {type: 'number'}]}}, {$ref: '#/$defs/param-reference'}]},
      exists: {description: 'true: the field holds a value; false: it does not.', anyOf: [{type: 'boolean'}, {$ref: '#/$defs/param-reference'}]},
      cidr: {description: 'IPv4 or IPv6 addresses inside the block.', type: 'string'},
    },
  },
}

function policySchema(subjects) {
  const base = readSource('policy.base.json')
  const {$defs: baseDefs, $comment: _comment, ...policy} = base
  const defs = {policy, ...baseDefs, ...MATCHER_DEFS}
  for (const subject of SUBJECTS) {
    const document = subjects[subject]
    defs[`${subject}-pattern`] = {description: `An EventBridge pattern over the ${subject} document.`, ...stripDescription(patternOf(document, `/$defs/${subject}-pattern`, document.$defs ?? {}))}
    for (const [name, inner] of Object.entries(document.$defs ?? {})) {
      defs[`${name}-pattern`] ??= {description: `An EventBridge pattern over the ${name} document.`, ...stripDescription(patternOf(inner, `/$defs/${name}-pattern`, document.$defs ?? {}))}
    }
    const alternatives = [{$ref: `#/$defs/${subject}-pattern`}, {type: 'array', minItems: 1, items: {$ref: `#/$defs/${subject}-pattern`}}]
    if (subject === 'event') {
      alternatives.push({$ref: '#/$defs/filter-pattern'})
      alternatives[1] = {type: 'array', minItems: 1, items: {anyOf: [{$ref: '#/$defs/event-pattern'}, {$ref: '#/$defs/filter-pattern'}]}}
    }
    defs[`${subject}-clause`] = {description: `A pattern over the ${subject} document, or a list of them${subject === 'event' ? ', or a CloudWatch Logs filter pattern' : ''}.`, anyOf: alternatives}
  }
  defs['filter-pattern'] = {description: 'A CloudWatch Logs JSON filter pattern.', type: 'string', minLength: 1}
  const clauses = (subject) => Object.fromEntries(['when', 'unless', 'require', 'forbid'].map((key) => [key, {$ref: `#/$defs/${subject}-clause`}]))
  return withId('policy.schema.json', {
    title: policy.title,
    description: policy.description,
    $comment: 'Generated by scripts/generate-schemas.js. trailgate reads policies with #/$defs/policy and checks the fields of patterns against schemas/subjects/; editors get both from the whole schema.',
    $ref: '#/$defs/policy',
    allOf: SUBJECTS.map((subject) => ({if: {type: 'object', required: ['subject'], properties: {subject: {const: subject}}}, then: {type: 'object', properties: clauses(subject)}})),
    $defs: defs,
  })
}

// ---- Write or check.

function schemas() {
  const trail = trailSchema()
  const subjects = {
    trail: withId('subjects/trail.schema.json', trail),
    region: withId('subjects/region.schema.json', viewSchema('RegionDocument', 'Region view (region subject)', 'One account and region, with every trail that logs there.', trail)),
    account: withId('subjects/account.schema.json', viewSchema('AccountDocument', 'Account view (account subject)', 'One account, with each of its trails once.', trail)),
    event: withId('subjects/event.schema.json', readSource('event.schema.json')),
    archive: withId('subjects/archive.schema.json', {title: 'Archive object (archive subject)', description: 'One object of a CloudTrail archive, a log file or a digest, as log file integrity found it.', ...model('ArchiveDocument')}),
  }
  const files = Object.fromEntries(Object.entries(subjects).map(([subject, schema]) => [`schemas/subjects/${subject}.schema.json`, schema]))
  files['schemas/policy.schema.json'] = policySchema(subjects)
  return Object.fromEntries(Object.entries(files).map(([file, schema]) => [file, `${JSON.stringify(schema, null, 2)}\n`]))
}

const check = process.argv.includes('--check')
const stale = []
for (const [file, text] of Object.entries(schemas())) {
  const path = join(root, file)
  let current
  try {
    current = readFileSync(path, 'utf8')
  } catch {
    current = undefined
  }
  if (current === text) continue
  stale.push(file)
  if (!check) {
    mkdirSync(dirname(path), {recursive: true})
    writeFileSync(path, text)
  }
}
if (check && stale.length > 0) {
  process.stderr.write(`out of date, run node scripts/generate-schemas.js: ${stale.join(', ')}\n`)
  process.exit(1)
}
process.stdout.write(check ? 'the schemas are up to date\n' : stale.length === 0 ? 'the schemas were up to date\n' : `wrote ${stale.join(', ')}\n`)
