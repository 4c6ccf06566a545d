import {mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse as parseYaml} from 'yaml'

import {SHAPE_VALIDATOR_SPEC} from '../../src/inputs/schema.js'
import {DOCUMENT_VALIDATOR_SPECS} from '../../src/policy/schema-errors.js'
import {generateValidatorModule} from '../../src/util/schema-validator-code.js'
import {compileValidators, generatedModuleOf, loadAjv, requireGenerated, type SchemaValidator, type ValidatorSpec, type Validators} from '../../src/util/schema-validators.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

function filesUnder(dir: string, accept: (name: string) => boolean): string[] {
  return readdirSync(join(ROOT, dir), {recursive: true, encoding: 'utf8'})
    .filter(accept)
    .sort()
    .map((name) => join(ROOT, dir, name))
}

const read = (file: string): unknown => (file.endsWith('.json') ? JSON.parse(readFileSync(file, 'utf8')) : parseYaml(readFileSync(file, 'utf8')))

/** Each document, and variants of it that break the schema in the usual ways: a property gone, of another type, or unknown. */
function withMistakes(documents: unknown[]): unknown[] {
  const all: unknown[] = []
  for (const document of documents) {
    all.push(document)
    if (typeof document !== 'object' || document === null || Array.isArray(document)) continue
    const record = document as Record<string, unknown>
    all.push({...record, unexpectedProperty: true}, [record], 'a string')
    for (const key of Object.keys(record)) {
      const {[key]: _removed, ...without} = record
      all.push(without)
      for (const wrong of [42, 'text', null, [], [1, 'x'], {nested: {deeper: 1}}, '2024-13-45', 'not a url']) all.push({...record, [key]: wrong})
    }
  }
  return all
}

/** Every value inside the documents, down to `depth` levels: the AWS CLI shapes are pieces of larger outputs. */
function piecesOf(documents: unknown[], depth: number): unknown[] {
  const pieces: unknown[] = []
  const visit = (value: unknown, level: number): void => {
    pieces.push(value)
    if (level === depth || typeof value !== 'object' || value === null) return
    for (const child of Object.values(value)) visit(child, level + 1)
  }
  for (const document of documents) visit(document, 0)
  return pieces
}

const policyFiles = [...filesUnder('policies', (name) => /\.ya?ml$/.test(name) && !name.endsWith('.tests.yaml')), ...filesUnder('fixtures/policies', (name) => /\.ya?ml$/.test(name) && !name.includes('.tests.'))]
const testsFiles = [...filesUnder('policies', (name) => name.endsWith('.tests.yaml')), ...filesUnder('fixtures/policies', (name) => name.includes('.tests.'))]
const configFiles = filesUnder('fixtures/config', (name) => name.endsWith('.yaml'))
const evidenceFiles = filesUnder('fixtures/evidence', (name) => name.endsWith('.json'))

function parsedAll(files: string[]): unknown[] {
  return files.flatMap((file) => {
    try {
      return [read(file)]
    } catch {
      return [] // a fixture of a syntax error has no document to validate
    }
  })
}

const SAMPLES: Record<string, unknown[]> = {
  policy: withMistakes(parsedAll(policyFiles)),
  'policy-tests': withMistakes(parsedAll(testsFiles)),
  config: withMistakes(parsedAll(configFiles)),
  snapshot: withMistakes(piecesOf(parsedAll(evidenceFiles), 3)),
}

interface Outcome {
  valid: boolean
  errors: unknown
}

function outcome(validate: SchemaValidator, value: unknown): Outcome {
  const valid = validate(value)
  return {valid, errors: validate.errors ?? null}
}

const SPECS: ValidatorSpec<string>[] = [...DOCUMENT_VALIDATOR_SPECS, SHAPE_VALIDATOR_SPEC]

describe('validators generated at build time', () => {
  let folder: string
  const generated = new Map<string, Validators<string>>()
  const compiled = new Map<string, Validators<string>>()

  beforeAll(async () => {
    // The generated modules import ajv's helpers and ajv-formats by package name, as they do from dist/.
    folder = mkdtempSync(join(tmpdir(), 'trailgate-validators-'))
    symlinkSync(join(ROOT, 'node_modules'), join(folder, 'node_modules'), 'dir')
    const modules = await loadAjv()
    for (const spec of SPECS) {
      const file = join(folder, `${spec.module}.js`)
      writeFileSync(file, await generateValidatorModule(spec))
      generated.set(spec.module, requireGenerated(spec, file))
      compiled.set(spec.module, compileValidators(spec, modules))
    }
  })

  afterAll(() => {
    if (folder) rmSync(folder, {recursive: true, force: true})
  })

  for (const spec of SPECS) {
    for (const name of Object.keys(spec.validators)) {
      it(`${spec.module} (${name}): the same verdict and the same errors as ajv compiling the schema at run time`, () => {
        const samples = SAMPLES[spec.module]!
        let valid = 0
        let invalid = 0
        for (const sample of samples) {
          const expected = outcome(compiled.get(spec.module)![name]!, sample)
          const actual = outcome(generated.get(spec.module)![name]!, sample)
          expect(actual).toStrictEqual(expected)
          if (expected.valid) valid++
          else invalid++
        }
        // Both verdicts are compared, not only the easy one.
        expect(valid).toBeGreaterThan(0)
        expect(invalid).toBeGreaterThan(0)
      })
    }
  }

  it('keeps verbose errors where the messages need them (the failing value and the schema around it)', () => {
    const validate = generated.get('policy')!.validate!
    expect(validate({id: 'x', severity: 'hgih'})).toBe(false)
    const severity = validate.errors?.find((error) => error.instancePath === '/severity')
    expect(severity).toMatchObject({keyword: 'enum', data: 'hgih'})
    expect(severity?.parentSchema).toBeDefined()
    // allErrors: the missing properties are reported along with the bad severity.
    expect(validate.errors?.filter((error) => error.keyword === 'required').length).toBeGreaterThan(1)
  })

  it('checks formats with ajv-formats, as the run-time compilation does', () => {
    const validate = generated.get('config')!.validate!
    const waiver = (expires: string): unknown => ({version: 1, waivers: [{policy: 'p', subject: 's', reason: 'r', expires}]})
    expect(validate(waiver('2025-02-28'))).toBe(true)
    expect(validate(waiver('2025-02-30'))).toBe(false)
    expect(validate.errors).toMatchObject([{keyword: 'format', params: {format: 'date'}}])
  })

  it('is used only while it is at least as new as its schema, so an edited schema is compiled instead', () => {
    const spec = DOCUMENT_VALIDATOR_SPECS[0]!
    const file = join(folder, `${spec.module}.js`)
    const schemaSeconds = statSync(join(ROOT, 'schemas', spec.schema)).mtimeMs / 1000
    utimesSync(file, schemaSeconds + 1, schemaSeconds + 1)
    expect(generatedModuleOf(spec, folder)).toBe(file)
    utimesSync(file, schemaSeconds - 60, schemaSeconds - 60)
    expect(generatedModuleOf(spec, folder)).toBeUndefined()
    expect(generatedModuleOf({...spec, module: 'absent'}, folder)).toBeUndefined()
  })
})
