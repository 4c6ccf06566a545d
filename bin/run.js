#!/usr/bin/env node
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {execute} from '@oclif/core'

// oclif's plugins (help, version, autocomplete) only add commands of their own, so trailgate's own
// commands start without loading them: their manifests are not read on every check in CI.
const OWN_COMMANDS = new Set(['check', 'audit', 'init', 'policies'])
const root = fileURLToPath(new URL('..', import.meta.url))
let loadOptions
if (OWN_COMMANDS.has(process.argv[2] ?? '')) {
  const pjson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  loadOptions = {root, pjson: {...pjson, oclif: {...pjson.oclif, plugins: []}}}
}

// development: false, so oclif never swaps in the TypeScript sources of a checkout (bin/dev.js does that).
await execute({development: false, dir: import.meta.url, ...(loadOptions ? {loadOptions} : {})})
