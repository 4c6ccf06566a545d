import {cpSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import {BUILTIN_POLICY_DIR, loadPolicies, loadPoliciesWith, writePackCache, type BuiltinPack} from '../../src/policy/load.js'

const scratch: string[] = []
function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'trailgate-pack-cache-'))
  scratch.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, {recursive: true, force: true})
})

/** A copy of the built-in pack and a cache of it, written now. */
function copiedPack(): BuiltinPack {
  const dir = scratchDir()
  const pack = {dir: join(dir, 'policies'), cache: join(dir, 'builtin-policies.json')}
  cpSync(BUILTIN_POLICY_DIR, pack.dir, {recursive: true})
  writePackCache(pack)
  return pack
}

/** Rewrites a cached policy's title, so that a test can tell whether the cache was read. */
function markCachedTitle(pack: BuiltinPack, id: string, title: string): void {
  const cache = JSON.parse(readFileSync(pack.cache, 'utf8')) as {files: {policy?: {id: string; title: string}}[]}
  const entry = cache.files.find((file) => file.policy?.id === id)
  if (!entry?.policy) throw new Error(`no cached policy ${id}`)
  entry.policy.title = title
  const written = statSync(pack.cache)
  writeFileSync(pack.cache, JSON.stringify(cache))
  utimesSync(pack.cache, written.atime, written.mtime)
}

function titleOf(pack: BuiltinPack, id: string): string | undefined {
  return loadPoliciesWith(pack, {builtin: true, paths: []}).policies.find((policy) => policy.id === id)?.title
}

describe('the built-in pack read from its build-time cache', () => {
  it('gives exactly what reading the YAML files gives: policies, locations, file names, diagnostics', () => {
    const fromYaml = loadPolicies({builtin: true, paths: []})
    const pack = {dir: BUILTIN_POLICY_DIR, cache: join(scratchDir(), 'builtin-policies.json')}
    writePackCache(pack)
    const fromCache = loadPoliciesWith(pack, {builtin: true, paths: []})
    expect(fromCache).toStrictEqual(fromYaml)
    expect(fromCache.policies.length).toBeGreaterThan(20)
    // File names are shown relative to the working directory, as when the YAML is read.
    expect(fromCache.policies[0]!.source.file).toMatch(/^policies\/[a-z]+\/[a-z0-9-]+\.yaml$/)
    expect(fromCache.policies[0]!.source.locations.id!.file).toBe(fromCache.policies[0]!.source.file)
  })

  it('still meets custom policies the same way: a path into the pack is not loaded twice, a second id is an error', () => {
    const pack = copiedPack()
    const custom = scratchDir()
    cpSync(join(pack.dir, 'trail', 'kms-encryption.yaml'), join(custom, 'kms-encryption.yaml'))
    const options = {builtin: true, paths: [join(pack.dir, 'trail'), custom]}
    const fromCache = loadPoliciesWith(pack, options)
    const fromYaml = loadPoliciesWith({dir: pack.dir, cache: join(custom, 'no-cache.json')}, options)
    expect(fromCache).toStrictEqual(fromYaml)
    expect(fromCache.diagnostics).toMatchObject([{code: 'policy-duplicate-id', message: expect.stringContaining("duplicate policy id 'kms-encryption'")}])
  })

  it('is read when it is as new as every policy file', () => {
    const pack = copiedPack()
    markCachedTitle(pack, 'kms-encryption', 'from the cache')
    expect(titleOf(pack, 'kms-encryption')).toBe('from the cache')
  })

  it('is not read once a policy file is edited after it was written', () => {
    const pack = copiedPack()
    markCachedTitle(pack, 'kms-encryption', 'from the cache')
    const file = join(pack.dir, 'trail', 'kms-encryption.yaml')
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^title: .*$/m, 'title: Edited in the checkout'))
    const later = new Date(statSync(pack.cache).mtimeMs + 5_000)
    utimesSync(file, later, later)
    expect(titleOf(pack, 'kms-encryption')).toBe('Edited in the checkout')
  })

  it('is not read when a policy file was added or removed since', () => {
    const added = copiedPack()
    markCachedTitle(added, 'kms-encryption', 'from the cache')
    const extra = join(added.dir, 'trail', 'kms-encryption-copy.yaml')
    writeFileSync(extra, readFileSync(join(added.dir, 'trail', 'kms-encryption.yaml'), 'utf8').replace(/^id: .*$/m, 'id: kms-encryption-copy'))
    const old = statSync(added.cache).mtime
    utimesSync(extra, old, old)
    const withExtra = loadPoliciesWith(added, {builtin: true, paths: []})
    expect(withExtra.policies.map((policy) => policy.id)).toContain('kms-encryption-copy')
    expect(withExtra.policies.find((policy) => policy.id === 'kms-encryption')?.title).not.toBe('from the cache')

    const removed = copiedPack()
    markCachedTitle(removed, 'kms-encryption', 'from the cache')
    unlinkSync(join(removed.dir, 'trail', 'log-file-validation.yaml'))
    const withoutOne = loadPoliciesWith(removed, {builtin: true, paths: []})
    expect(withoutOne.policies.map((policy) => policy.id)).not.toContain('log-file-validation')
    expect(withoutOne.policies.find((policy) => policy.id === 'kms-encryption')?.title).not.toBe('from the cache')
  })

  it('falls back to the YAML files when the cache is missing or unreadable', () => {
    const pack = copiedPack()
    const expected = loadPoliciesWith({dir: pack.dir, cache: join(pack.dir, 'absent.json')}, {builtin: true, paths: []})
    writeFileSync(pack.cache, '{"format": 1, "files": [')
    utimesSync(pack.cache, new Date(Date.now() + 5_000), new Date(Date.now() + 5_000))
    expect(loadPoliciesWith(pack, {builtin: true, paths: []})).toStrictEqual(expected)
    expect(expected.policies.length).toBeGreaterThan(20)
  })
})
