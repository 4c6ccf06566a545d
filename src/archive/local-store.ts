import {readdir, readFile, stat} from 'node:fs/promises'
import {join, resolve, sep} from 'node:path'

import {displayPath} from '../util/paths.js'
import {sortedNames} from '../util/walk.js'
import {ArchiveError, type ArchiveEntry, type ArchiveStore, type FetchedObject} from './store.js'

/**
 * A folder that is a local copy of a CloudTrail bucket (`aws s3 sync s3://bucket ./copy`). Keys are
 * the paths below the folder with `/` separators. A copy keeps no S3 object metadata, so digest
 * signatures (which live only there) are not known from it.
 */
export class LocalStore implements ArchiveStore {
  readonly hasMetadata = false
  readonly root: string
  private readonly folder: string

  constructor(folder: string, private readonly cwd: string) {
    this.folder = resolve(cwd, folder)
    this.root = displayPath(this.folder, cwd)
  }

  display(key: string): string {
    return displayPath(this.path(key), this.cwd)
  }

  /** The file (or folder) a key names; keys always use `/`, whatever the platform. */
  private path(key: string): string {
    return resolve(this.folder, key.split('/').filter(Boolean).join(sep))
  }

  async *list(prefix: string): AsyncIterable<ArchiveEntry> {
    // The deepest folder the prefix names whole, then every file below it whose key starts with the prefix.
    const cut = prefix.lastIndexOf('/')
    const base = cut < 0 ? '' : prefix.slice(0, cut + 1)
    yield* this.walk(base, prefix)
  }

  private async *walk(folderKey: string, prefix: string): AsyncIterable<ArchiveEntry> {
    const absolute = this.path(folderKey)
    let names: string[]
    try {
      names = sortedNames(await readdir(absolute))
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'ENOENT' && folderKey !== '') return
      throw new ArchiveError(`cannot list ${this.display(folderKey)}: ${(error as Error).message}`, code === 'EACCES' ? 'denied' : 'unreadable', folderKey)
    }
    for (const name of names) {
      if (name.startsWith('.')) continue
      const key = `${folderKey}${name}`
      if (!key.startsWith(prefix) && !prefix.startsWith(`${key}/`)) continue
      const info = await stat(join(absolute, name)).catch(() => undefined)
      if (info === undefined) continue
      if (info.isDirectory()) yield* this.walk(`${key}/`, prefix)
      else if (info.isFile() && key.startsWith(prefix)) yield {key, size: info.size}
    }
  }

  async folders(prefix: string): Promise<string[]> {
    const absolute = this.path(prefix)
    const names = await readdir(absolute, {withFileTypes: true}).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return []
      throw new ArchiveError(`cannot list ${this.display(prefix)}: ${error.message}`, error.code === 'EACCES' ? 'denied' : 'unreadable', prefix)
    })
    return sortedNames(names.filter((entry) => entry.isDirectory() && !entry.name.startsWith('.')).map((entry) => `${prefix}${entry.name}/`))
  }

  async get(key: string): Promise<FetchedObject> {
    try {
      return {bytes: await readFile(this.path(key)), metadata: {}}
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      const kind = code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : code === 'EACCES' ? 'denied' : 'unreadable'
      throw new ArchiveError(`${this.display(key)}: ${kind === 'missing' ? 'no such file' : (error as Error).message}`, kind, key)
    }
  }

  close(): void {}
}
