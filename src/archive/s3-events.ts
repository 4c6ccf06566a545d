import type {EventFile} from '../events/scan-file.js'
import {parseLogKey} from '../events/log-layout.js'
import type {Diagnostic, InputRecord} from '../model/types.js'
import {createS3Client, parseS3Url, S3Store, type S3ConnectionOptions} from './s3-store.js'

export interface S3EventOptions extends S3ConnectionOptions {
  /** `--regions`: objects whose key names another region are not fetched. */
  regions?: string[]
  /** Objects larger than this as stored are refused unread (`--max-input-size`). */
  maxObjectBytes: number
}

/** The objects to scan, what was settled while listing, and how to fetch an object's bytes. */
export interface S3EventSource {
  files: EventFile[]
  settled: InputRecord[]
  diagnostics: Diagnostic[]
  notes: string[]
  fetch: (file: EventFile) => Promise<Uint8Array>
  close: () => void
}

const OBJECT_NAME = /\.json(?:\.gz)?$/i

/**
 * Lists every `s3://bucket/prefix` given. An object is scanned when its name is a JSON (or gzipped
 * JSON) file, as a folder walk would read it; what cannot be listed, is too large or lists nothing
 * is an input of its own, failed, so an empty or mistyped prefix is never a pass.
 */
export async function listS3Events(urls: string[], options: S3EventOptions): Promise<S3EventSource> {
  const client = await createS3Client(options)
  const stores = new Map<string, S3Store>()
  const files: EventFile[] = []
  const settled: InputRecord[] = []
  const diagnostics: Diagnostic[] = []
  const notes: string[] = []
  const fail = (path: string, detail: string, code: string): void => {
    settled.push({path, fate: 'failed', detail})
    diagnostics.push({severity: 'error', code, file: path, message: `${path}: ${detail}`})
  }
  for (const url of urls) {
    const location = parseS3Url(url)
    if (location === undefined) {
      fail(url, 'not an S3 URL of the form s3://bucket/prefix', 'input-missing')
      continue
    }
    let store = stores.get(location.bucket)
    if (store === undefined) {
      store = new S3Store(client, location.bucket)
      stores.set(location.bucket, store)
    }
    let listed = 0
    let otherRegions = 0
    try {
      for await (const entry of store.list(location.prefix)) {
        if (!OBJECT_NAME.test(entry.key)) continue
        listed++
        const region = parseLogKey(entry.key)?.region
        if (options.regions && options.regions.length > 0 && region !== undefined && !options.regions.includes(region)) {
          otherRegions++
          continue
        }
        const path = store.display(entry.key)
        if (entry.size > options.maxObjectBytes) fail(path, `${entry.size} bytes, larger than --max-input-size (${options.maxObjectBytes} bytes); not read`, 'input-too-large')
        else files.push({path, absolutePath: ''})
      }
    } catch (error) {
      fail(url, (error as Error).message, 'input-unreadable')
      continue
    }
    if (listed === 0) fail(url, 'no JSON or .json.gz object under this prefix', 'input-missing')
    if (otherRegions > 0) notes.push(`${url}: ${otherRegions} object${otherRegions === 1 ? '' : 's'} of regions outside --regions not read`)
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  const fetch = async (file: EventFile): Promise<Uint8Array> => {
    const location = parseS3Url(file.path)!
    const object = await stores.get(location.bucket)!.get(location.prefix)
    return object.bytes
  }
  return {files, settled, diagnostics, notes, fetch, close: () => client.destroy()}
}
