#!/usr/bin/env node
// Runs the CLI from the TypeScript sources (oclif registers tsx). The build's oclif.manifest.json
// points at dist/, so the root plugin is told to ignore it here: otherwise this would silently run
// the last build instead of the sources.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
import {execute} from '@oclif/core'
import {Plugin} from '@oclif/core/config'

const readManifest = Plugin.prototype._manifest
Plugin.prototype._manifest = function () {
  this.options.ignoreManifest = true
  return readManifest.call(this)
}

await execute({development: true, dir: import.meta.url})
