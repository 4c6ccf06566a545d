import {readFileSync} from 'node:fs'
import {packagePath} from '../util/package-root.js'

/** trailgate's own version, for the snapshot's `tool` field. */
export function toolVersion(): string {
  try {
    // The same relative path holds from src/live and from dist/live.
    const manifest: unknown = JSON.parse(readFileSync(packagePath('package.json'), 'utf8'))
    const version = (manifest as {version?: unknown}).version
    return typeof version === 'string' ? version : '0.0.0'
  } catch {
    return '0.0.0'
  }
}
