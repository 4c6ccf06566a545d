import {ArchiveError, type ArchiveEntry, type ArchiveStore, type FetchedObject} from '../../src/archive/store.js'
import type {ArchiveObject} from './signed-archive.js'

/** A bucket in memory: S3's behaviour (metadata kept, keys in order) without a server. */
export class MemoryStore implements ArchiveStore {
  readonly root: string
  private readonly objects: Map<string, ArchiveObject>

  constructor(readonly bucket: string, objects: ArchiveObject[], readonly hasMetadata = true) {
    this.root = `s3://${bucket}`
    this.objects = new Map(objects.map((object) => [object.key, object]))
  }

  display(key: string): string {
    return `s3://${this.bucket}/${key}`
  }

  async *list(prefix: string): AsyncIterable<ArchiveEntry> {
    for (const key of [...this.objects.keys()].sort()) if (key.startsWith(prefix)) yield {key, size: this.objects.get(key)!.bytes.length}
  }

  async folders(prefix: string): Promise<string[]> {
    const found = new Set<string>()
    for (const key of this.objects.keys()) {
      if (!key.startsWith(prefix)) continue
      const rest = key.slice(prefix.length)
      const cut = rest.indexOf('/')
      if (cut >= 0) found.add(`${prefix}${rest.slice(0, cut + 1)}`)
    }
    return [...found].sort()
  }

  async get(key: string): Promise<FetchedObject> {
    const object = this.objects.get(key)
    if (!object) throw new ArchiveError(`${this.display(key)}: NoSuchKey`, 'missing', key)
    return {bytes: object.bytes, metadata: this.hasMetadata ? object.metadata : {}}
  }

  close(): void {}
}
