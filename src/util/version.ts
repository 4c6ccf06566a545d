import {readFileSync} from 'node:fs'
import {packagePath} from './package-root.js'

/** The package's own version, read once from its package.json (one folder above src/ and dist/). */
export const VERSION: string = (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as {version: string}).version
