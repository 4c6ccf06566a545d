import {cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join, relative} from 'node:path'
import {gunzipSync, gzipSync} from 'node:zlib'

import {FIXTURES_DIR, fixtureById, type FuzzFixture} from './catalogue.js'
import {applyRecipe, type Recipe} from './mutations.js'

/** One mutated run laid out on disk: what to pass to `check` and what the report must account for. */
export interface FuzzCase {
  recipe: Recipe
  fixture: FuzzFixture
  /** The working directory of the run; every path below is relative to it. */
  dir: string
  paths: string[]
  policyPaths: string[]
  config?: string
  /** Files that must each have a fate in the report's inputs. */
  inputs: string[]
  /** The mutated policy or config file, which must be loaded or named by a diagnostic. */
  mutatedFile: string
  bytes: number
}

/** Evidence judged when a policy or the config is the mutated file: one trail input, one log. */
const COMPANION_INPUTS = ['evidence/snapshot-good.json', 'events/samples/console-sign-in.json']

function filesUnder(dir: string, root: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((entry) => {
    const path = join(dir, entry.name)
    return entry.isDirectory() ? filesUnder(path, root) : [relative(root, path).split('\\').join('/')]
  })
}

function place(dir: string, name: string, bytes: Buffer): void {
  mkdirSync(dirname(join(dir, name)), {recursive: true})
  writeFileSync(join(dir, name), bytes)
}

export function materialize(recipe: Recipe): FuzzCase {
  const fixture = fixtureById(recipe.fixture)
  return layOut(fixture, applyRecipe(fixture, readFileSync(join(FIXTURES_DIR, fixture.file)), recipe), recipe)
}

/**
 * A hand-written hostile variant of a fixture, laid out as a fuzz case: `edit` gets the fixture's
 * text and returns the bytes to check. Regression cases use this so they keep testing the same input
 * even when the fixture's node numbering changes.
 */
export function handWritten(fixtureId: string, edit: (text: string) => string | Buffer): FuzzCase {
  const fixture = fixtureById(fixtureId)
  const original = readFileSync(join(FIXTURES_DIR, fixture.file))
  const gzipped = fixture.layout === 'gzip-json'
  const edited = edit((gzipped ? gunzipSync(original) : original).toString('utf8'))
  // A string is the document's text (compressed again for a gzipped fixture); a Buffer, the file's bytes.
  const bytes = typeof edited !== 'string' ? edited : gzipped ? gzipSync(edited) : Buffer.from(edited)
  return layOut(fixture, bytes, {fixture: fixtureId, mutations: []})
}

function layOut(fixture: FuzzFixture, bytes: Buffer, recipe: Recipe): FuzzCase {
  const dir = mkdtempSync(join(tmpdir(), 'trailgate-fuzz-'))
  const base = {recipe, fixture, dir, bytes: bytes.length, policyPaths: [] as string[]}

  if (fixture.role === 'input' && fixture.folder) {
    const folderName = fixture.folder.split('/').at(-1)!
    cpSync(join(FIXTURES_DIR, fixture.folder), join(dir, folderName), {recursive: true})
    const mutatedFile = `${folderName}/${relative(fixture.folder, fixture.file).split('\\').join('/')}`
    place(dir, mutatedFile, bytes)
    return {...base, paths: [folderName], inputs: filesUnder(join(dir, folderName), dir), mutatedFile}
  }
  if (fixture.role === 'input') {
    const name = fixture.file.split('/').at(-1)!
    place(dir, name, bytes)
    return {...base, paths: [name], inputs: [name], mutatedFile: name}
  }

  const companions = COMPANION_INPUTS.map((file) => {
    const name = file.split('/').at(-1)!
    cpSync(join(FIXTURES_DIR, file), join(dir, name))
    return name
  })
  if (fixture.role === 'policy') {
    const name = `custom-policies/${fixture.file.split('/').at(-1)!}`
    place(dir, name, bytes)
    return {...base, paths: companions, policyPaths: ['custom-policies'], inputs: companions, mutatedFile: name}
  }
  // The config names its policy folder; the valid custom policies sit there so only the config is hostile.
  cpSync(join(FIXTURES_DIR, 'policies', 'good'), join(dir, 'custom-policies'), {recursive: true})
  place(dir, '.trailgate.yaml', bytes)
  return {...base, paths: companions, config: '.trailgate.yaml', inputs: companions, mutatedFile: '.trailgate.yaml'}
}

export function cleanUp(fuzzCase: FuzzCase): void {
  rmSync(fuzzCase.dir, {recursive: true, force: true})
}

/** The `check` arguments a user would type for this case. */
export function cliArgs(fuzzCase: FuzzCase): string[] {
  return [
    'check',
    ...fuzzCase.paths,
    ...fuzzCase.policyPaths.flatMap((p) => ['--policies', p]),
    ...(fuzzCase.config ? ['--config', fuzzCase.config] : []),
    '--format',
    'json',
  ]
}
