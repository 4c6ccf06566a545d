#!/usr/bin/env node
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
import {readFileSync} from 'node:fs'
import {dirname} from 'node:path'
import {fileURLToPath} from 'node:url'
import {execute} from '../dist/bundle/oclif.js'

// The build bundles each command family into dist/bundle (scripts/build-cli.js); oclif is told to find
// the command of this run in its own entry, so `check` loads only what checking needs. oclif's plugins
// (help, version, autocomplete) add only commands of their own, so trailgate's commands also start
// without them: their manifests are not read on every check in CI. Any other run (`--help`, `version`,
// a typo) gets the plugins and the entry of every command; oclif lists commands from the manifest.
const OWN_COMMANDS = new Set(['check', 'audit', 'init', 'policies'])
const first = process.argv[2] ?? ''
const own = OWN_COMMANDS.has(first)
const root = dirname(dirname(fileURLToPath(import.meta.url)))
const pjson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
const commands = {strategy: 'explicit', target: `./dist/bundle/${own ? first : 'commands'}.js`, identifier: 'COMMANDS'}
const oclif = {...pjson.oclif, commands, ...(own ? {plugins: []} : {})}

// development: false, so oclif never swaps in the TypeScript sources of a checkout (bin/dev.js does that).
await execute({development: false, dir: import.meta.url, loadOptions: {root, pjson: {...pjson, oclif}}})
