// What the Action bundle and the CLI bundle have in common: esbuild options for Node 20, as ES modules.
//
// An ESM bundle has no `require`, `__filename` or `__dirname`; CommonJS dependencies (oclif, the AWS
// SDK) use them, for Node built-ins and their own files, so each output file defines them first.
export const banner = [
  "import {createRequire as __trailgateCreateRequire} from 'node:module';",
  "import {fileURLToPath as __trailgateFileURLToPath} from 'node:url';",
  "import {dirname as __trailgateDirname} from 'node:path';",
  'const require = __trailgateCreateRequire(import.meta.url);',
  'const __filename = __trailgateFileURLToPath(import.meta.url);',
  'const __dirname = __trailgateDirname(__filename);',
].join('\n')

export const nodeBundleOptions = {
  bundle: true,
  platform: 'node',
  // The Action runs on node24 on GitHub; node20 syntax also keeps both runnable on the CLI's floor.
  target: 'node20',
  format: 'esm',
  banner: {js: banner},
  legalComments: 'eof',
  charset: 'utf8',
  logLevel: 'warning',
  // DuckDB ships a native engine per platform that no bundle can hold; it is loaded from node_modules.
  external: ['@duckdb/node-api'],
}
