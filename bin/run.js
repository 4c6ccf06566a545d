#!/usr/bin/env node
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
import {execute} from '@oclif/core'

// development: false, so oclif never swaps in the TypeScript sources of a checkout (bin/dev.js does that).
await execute({development: false, dir: import.meta.url})
