#!/usr/bin/env node
// The build's last step before the oclif manifest, run on the compiled dist/ so that it uses exactly the
// code that ships. It writes what a run would otherwise work out at every start:
//   dist/validators/<name>.js      the JSON Schema validators, as ajv standalone ES modules
//   dist/builtin-policies.json     the built-in policy pack, validated and normalized
// A run uses them when present and not older than their sources (schemas/, policies/), and otherwise
// compiles and parses as before, so a checkout with edited schemas or policies never runs stale ones.
//
//   node scripts/build-validators.js
import {mkdirSync, writeFileSync} from 'node:fs'
import {join, relative, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = resolve(fileURLToPath(new URL('..', import.meta.url)))

const {generateValidatorModule} = await import('../dist/util/schema-validator-code.js')
const {GENERATED_VALIDATOR_DIR, generatedModuleOf, requireGenerated} = await import('../dist/util/schema-validators.js')
const {DOCUMENT_VALIDATOR_SPECS} = await import('../dist/policy/schema-errors.js')
const {SHAPE_VALIDATOR_SPEC} = await import('../dist/inputs/schema.js')
const {BUILTIN_PACK_CACHE, BUILTIN_POLICY_DIR, writePackCache} = await import('../dist/policy/load.js')

const specs = [...DOCUMENT_VALIDATOR_SPECS, SHAPE_VALIDATOR_SPEC]
mkdirSync(GENERATED_VALIDATOR_DIR, {recursive: true})
for (const spec of specs) {
  const file = join(GENERATED_VALIDATOR_DIR, `${spec.module}.js`)
  writeFileSync(file, await generateValidatorModule(spec))
  // Fail the build, not a later run: the module must be taken as fresh, load, and export every validator.
  if (generatedModuleOf(spec, GENERATED_VALIDATOR_DIR) !== file) throw new Error(`${file} is not found or older than schemas/${spec.schema}`)
  requireGenerated(spec, file)
}

// The cache keeps each file's diagnostics too, so a run reports a broken built-in policy as it always has.
const pack = writePackCache({dir: BUILTIN_POLICY_DIR, cache: BUILTIN_PACK_CACHE})

const shown = (path) => relative(root, path).split('\\').join('/')
process.stdout.write(`${specs.length} validator modules written to ${shown(GENERATED_VALIDATOR_DIR)}, ${pack.files.length} built-in policy files to ${shown(BUILTIN_PACK_CACHE)}\n`)
