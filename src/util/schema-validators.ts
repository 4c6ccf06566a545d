import {existsSync, readFileSync, statSync} from 'node:fs'
import {createRequire} from 'node:module'
import {join} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

import type {Ajv2020, AnySchemaObject, CodeOptions, ErrorObject, Options} from 'ajv/dist/2020.js'
import type {FormatName} from 'ajv-formats'

import {importCommonJs} from './commonjs.js'
import {packagePath} from './package-root.js'

/**
 * A group of validators compiled from one JSON Schema file with one set of ajv options. The same
 * description drives the build (ajv standalone code in `dist/validators/<module>.js`) and the run-time
 * compilation used when no generated module is at hand, so both give the same verdicts and errors.
 */
export interface ValidatorSpec<Name extends string> {
  /** The generated module's name, `dist/validators/<module>.js`. */
  module: string
  /** The schema's file name under `<package root>/schemas`. */
  schema: string
  /** ajv's `verbose`: errors carry the failing data and the schema around it. */
  verbose: boolean
  /** Other ajv options; by default every error is reported (`allErrors`) and the schema is read strictly. */
  options?: Pick<Options, 'allErrors' | 'strict' | 'unicodeRegExp'>
  /** The ajv-formats formats the schema may use; all of them (and their keywords) when omitted. */
  formats?: readonly FormatName[]
  /** Each validator (a JavaScript identifier) and the JSON pointer of its schema, '' for the whole file. */
  validators: Readonly<Record<Name, string>>
}

/** What ajv's compiled and generated validators have in common: a call and the errors of the last call. */
export type SchemaValidator = ((data: unknown) => boolean) & {errors?: ErrorObject[] | null}

export type Validators<Name extends string> = Readonly<Record<Name, SchemaValidator>>

/** The two CommonJS packages run-time compilation needs, loaded only when it is needed. */
export interface AjvModules {
  Ajv2020: typeof Ajv2020
  addFormats: (ajv: Ajv2020, formats?: FormatName[]) => unknown
}

/** Where the build writes the generated modules: `dist/validators`, beside the compiled `dist/util`. */
export const GENERATED_VALIDATOR_DIR = fileURLToPath(new URL('../validators/', import.meta.url))

const requireModule = createRequire(import.meta.url)

/**
 * The validators of a spec: the generated module when the build wrote one that is at least as new as
 * its schema, otherwise compiled with ajv. Validation is synchronous and loading ajv is not, so the
 * choice is made here, ahead of any use: ajv is imported only when there is no generated module.
 * Either way the work waits for the first use (requiring the generated module, or compiling).
 */
export async function prepareValidators<Name extends string>(spec: ValidatorSpec<Name>): Promise<() => Validators<Name>> {
  let validators: Validators<Name> | undefined
  const file = generatedModuleOf(spec, GENERATED_VALIDATOR_DIR)
  if (file && canRequireModules()) return () => (validators ??= requireGenerated(spec, file))
  if (file) {
    const loaded = validatorsIn(spec, file, (await import(pathToFileURL(file).href)) as Record<string, unknown>)
    return () => loaded
  }
  const modules = await loadAjv()
  return () => (validators ??= compileValidators(spec, modules))
}

/** The generated module of a spec in `folder`, unless it is missing or older than its schema. */
export function generatedModuleOf(spec: ValidatorSpec<string>, folder: string): string | undefined {
  const file = join(folder, `${spec.module}.js`)
  if (!existsSync(file)) return undefined
  // A schema edited after the build must not be checked by the code generated from its old text.
  // Without its schema the module is not used either: compiling then reports the missing file.
  try {
    return statSync(file).mtimeMs < statSync(packagePath('schemas', spec.schema)).mtimeMs ? undefined : file
  } catch {
    return undefined
  }
}

/** Loads a generated module synchronously: Node loads an ES module through require() since 20.19. */
export function requireGenerated<Name extends string>(spec: ValidatorSpec<Name>, file: string): Validators<Name> {
  return validatorsIn(spec, file, requireModule(file) as Record<string, unknown>)
}

function canRequireModules(): boolean {
  // Off only when Node is started with --no-experimental-require-module; then the module is imported.
  return (process.features as {require_module?: boolean}).require_module === true
}

function validatorsIn<Name extends string>(spec: ValidatorSpec<Name>, file: string, loaded: Record<string, unknown>): Validators<Name> {
  const validators: Partial<Record<Name, SchemaValidator>> = {}
  for (const name of Object.keys(spec.validators) as Name[]) {
    const validate = loaded[name]
    if (typeof validate !== 'function') throw new Error(`${file} has no validator '${name}'; rebuild it (npm run build)`)
    validators[name] = validate as SchemaValidator
  }
  return validators as Validators<Name>
}

export async function loadAjv(): Promise<AjvModules> {
  const [{Ajv2020: ajvClass}, formatsModule] = await Promise.all([importCommonJs(import('ajv/dist/2020.js')), importCommonJs(import('ajv-formats'))])
  // ajv-formats' `module.exports` is the plugin, and so is its `default`.
  const plugin = formatsModule.default as unknown as AjvModules['addFormats']
  return {Ajv2020: ajvClass, addFormats: (ajv, formats) => plugin(ajv, formats)}
}

/**
 * Compiles every validator of a spec in one ajv instance. With `code`, the instance keeps the source
 * of what it compiles, for ajv's standalone code generation; `verbose` and `allErrors` are options of
 * the instance, so the generated code reports errors exactly as the compiled functions do.
 */
export function compileValidators<Name extends string>(spec: ValidatorSpec<Name>, modules: AjvModules, code?: CodeOptions): Validators<Name> {
  return compileForSpec(spec, modules, code).validators
}

/** The instance and, for each validator, the key under which `ajv.getSchema` finds it. */
export function compileForSpec<Name extends string>(
  spec: ValidatorSpec<Name>,
  modules: AjvModules,
  code?: CodeOptions,
): {ajv: Ajv2020; keys: Record<Name, string>; validators: Validators<Name>} {
  const ajv = new modules.Ajv2020({allErrors: true, strict: true, ...spec.options, verbose: spec.verbose, ...(code ? {code} : {})})
  modules.addFormats(ajv, spec.formats ? [...spec.formats] : undefined)
  const schema = JSON.parse(readFileSync(packagePath('schemas', spec.schema), 'utf8')) as AnySchemaObject
  if (typeof schema.$id !== 'string') throw new Error(`schemas/${spec.schema} has no $id`)
  ajv.addSchema(schema)
  const keys: Partial<Record<Name, string>> = {}
  const validators: Partial<Record<Name, SchemaValidator>> = {}
  for (const name of Object.keys(spec.validators) as Name[]) {
    const pointer = spec.validators[name]
    const key = pointer === '' ? schema.$id : `${schema.$id}#${pointer}`
    const validate = ajv.getSchema(key)
    if (!validate) throw new Error(`schemas/${spec.schema} has nothing at ${pointer}`)
    keys[name] = key
    validators[name] = validate
  }
  return {ajv, keys: keys as Record<Name, string>, validators: validators as Validators<Name>}
}
