import {execFileSync} from 'node:child_process'
import {existsSync, readdirSync, statSync} from 'node:fs'
import {join} from 'node:path'

const root = join(import.meta.dirname, '..')

function newest(dir: string): number {
  let latest = 0
  for (const entry of readdirSync(dir, {withFileTypes: true})) {
    const path = join(dir, entry.name)
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs)
  }
  return latest
}

/** The end-to-end tests spawn the built CLI; build it when the sources are newer than the build. */
export default function setup(): void {
  const marker = join(root, 'oclif.manifest.json')
  if (existsSync(marker) && existsSync(join(root, 'dist', 'bundle', 'check.js')) && statSync(marker).mtimeMs >= newest(join(root, 'src'))) return
  try {
    // Not under vitest's NODE_ENV=test: oclif would then write a manifest of src/*.ts paths, which
    // bin/run.js cannot load outside the test runner.
    const {NODE_ENV: _testEnv, ...env} = process.env
    execFileSync('npm', ['run', '--silent', 'build'], {cwd: root, stdio: 'inherit', env})
  } catch {
    // The unit tests can still run; the end-to-end tests will say the CLI is missing or stale.
    console.warn('trailgate: the build failed; end-to-end tests will fail until `npm run build` succeeds')
  }
}
