import {spawnSync} from 'node:child_process'
import {mkdtempSync, readdirSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

const ROOT = join(import.meta.dirname, '..', '..')
const COMMITTED = join(ROOT, 'action', 'dist')

function build(outdir: string): void {
  const run = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-action.js'), '--outdir', outdir], {cwd: ROOT, encoding: 'utf8'})
  if (run.status !== 0) throw new Error(`build-action failed: ${run.stderr}`)
}

describe('the committed action bundle', () => {
  it('is what building the current sources gives, byte for byte', () => {
    const fresh = mkdtempSync(join(tmpdir(), 'trailgate-bundle-'))
    build(fresh)
    const files = readdirSync(fresh).sort()
    expect(files).toEqual(['index.js', 'package.json', 'scan-worker.js'])
    expect(readdirSync(COMMITTED).sort(), 'action/dist holds other files than the build makes').toEqual(files)
    for (const file of files) {
      const same = readFileSync(join(COMMITTED, file)).equals(readFileSync(join(fresh, file)))
      expect(same, `action/dist/${file} is stale: run \`npm run build:action\` and commit action/dist`).toBe(true)
    }
  })

  it('is the same whichever folder it is built into, so the comparison above is fair', () => {
    const a = mkdtempSync(join(tmpdir(), 'trailgate-bundle-a-'))
    const b = mkdtempSync(join(tmpdir(), 'trailgate-bundle-b-'))
    build(a)
    build(join(b, 'nested', 'deeper'))
    expect(readFileSync(join(a, 'index.js')).equals(readFileSync(join(b, 'nested', 'deeper', 'index.js')))).toBe(true)
  })

  it('carries its own require for the CommonJS parts and no path of the machine it was built on', () => {
    const text = readFileSync(join(COMMITTED, 'index.js'), 'utf8')
    expect(text.startsWith("import {createRequire as __trailgateCreateRequire} from 'node:module';")).toBe(true)
    expect(text).toContain('\nconst require = __trailgateCreateRequire(import.meta.url);\n')
    expect(text).not.toContain(ROOT)
  })
})
