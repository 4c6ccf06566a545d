#!/usr/bin/env node
// Bundles the CLI into dist/bundle, which bin/run.js starts. Loading oclif and trailgate's modules one
// file at a time costs a cold `trailgate check` more than its work: about 300 files to find, read and
// compile. Bundled, a command loads one entry (check.js, audit.js, …; src/entry) and the chunks it
// shares with the others, oclif among them; the AWS SDK, the integrity checks and the DuckDB engine stay
// in chunks of their own, loaded by the `await import()` that needs them. Entries and chunks sit side
// by side one folder below dist/, where the modules they come from sit too, so every path the code
// finds from its own location (the scan worker, dist/validators, dist/builtin-policies.json) is the same.
//
//   node scripts/build-cli.js
import {rmSync} from 'node:fs'
import {resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

import {build} from 'esbuild'

import {nodeBundleOptions} from './bundle-options.js'

const root = resolve(fileURLToPath(new URL('..', import.meta.url)))
const outdir = resolve(root, 'dist', 'bundle')

/** One entry per command family; bin/run.js picks it by the command's first word. */
const ENTRIES = ['oclif', 'check', 'audit', 'init', 'policies', 'commands']

rmSync(outdir, {recursive: true, force: true})
await build({
  ...nodeBundleOptions,
  absWorkingDir: root,
  entryPoints: {...Object.fromEntries(ENTRIES.map((name) => [name, `src/entry/${name}.ts`])), 'scan-worker': 'src/events/scan-worker.ts'},
  outdir,
  splitting: true,
  charset: 'ascii',
  chunkNames: 'chunk-[hash]',
  // Not minified, and with source maps (read only under --enable-source-maps): a stack trace from a
  // user's crash report points at readable code, and can be mapped back to src/.
  sourcemap: true,
  sourcesContent: false,
  // oclif loads TypeScript only for a plugin in development, never in a built CLI.
  external: [...nodeBundleOptions.external, 'typescript', 'ts-node', 'tsx'],
})
