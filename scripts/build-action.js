#!/usr/bin/env node
// Bundles the GitHub Action into action/dist: the entry (index.js) and the event scanner's worker
// (scan-worker.js, which src/events/scan.ts starts from the folder it runs in). Everything the action
// needs is inside these files, so the runner starts it with no install step. The output depends only
// on the sources and the esbuild version (no timestamps, no absolute paths), so a test can rebuild it
// and compare bytes to catch a stale committed bundle.
//
//   node scripts/build-action.js [--outdir DIR]
import {mkdirSync, writeFileSync} from 'node:fs'
import {resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

import {build} from 'esbuild'

import {nodeBundleOptions} from './bundle-options.js'

const root = resolve(fileURLToPath(new URL('..', import.meta.url)))

function outdirArgument(argv) {
  const at = argv.indexOf('--outdir')
  if (at === -1) return resolve(root, 'action', 'dist')
  const value = argv[at + 1]
  if (!value) throw new Error('--outdir needs a folder')
  return resolve(value)
}

export async function buildAction(outdir) {
  mkdirSync(outdir, {recursive: true})
  await build({
    ...nodeBundleOptions,
    absWorkingDir: root,
    entryPoints: {index: 'src/action/index.ts', 'scan-worker': 'src/events/scan-worker.ts'},
    outdir,
    sourcemap: false,
    // Minified (names kept for readable stack traces) so the committed bundle stays small. The
    // Action judges with the native scanner, so DuckDB (left out of every bundle) is never needed.
    minify: true,
    keepNames: true,
  })
  // The bundle is ESM whatever package.json sits above it.
  writeFileSync(resolve(outdir, 'package.json'), `${JSON.stringify({type: 'module'}, null, 2)}\n`)
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outdir = outdirArgument(process.argv.slice(2))
  await buildAction(outdir)
  process.stdout.write(`action bundle written to ${outdir}\n`)
}
