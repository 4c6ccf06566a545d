import {existsSync, readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

let cached: string | undefined

/**
 * The folder of trailgate's own package.json. Found by walking up from this module, so it is the
 * same whether the code runs from src/ (tsx), dist/ (the CLI) or a bundle (the GitHub Action).
 */
export function packageRoot(): string {
  if (cached) return cached
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const manifest = join(dir, 'package.json')
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as {name?: string}).name === 'trailgate') return (cached = dir)
    const parent = dirname(dir)
    if (parent === dir) throw new Error('trailgate: cannot find its own package.json above ' + fileURLToPath(import.meta.url))
    dir = parent
  }
}

/** A path inside the package: `packagePath('policies')`, `packagePath('schemas', 'x.json')`. */
export function packagePath(...segments: string[]): string {
  return segments.reduce((path, segment) => join(path, segment), packageRoot())
}
