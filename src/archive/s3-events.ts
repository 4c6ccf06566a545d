import type {EventFile} from '../events/scan-file.js'
import type {Diagnostic, InputRecord} from '../model/types.js'
import {excludedBy, windowPrefixes, type Exclusion, type LogWindow} from './log-window.js'
import {countRequests, createS3Client, noRequests, parseS3Url, requestsNote, S3Store, type S3ConnectionOptions} from './s3-store.js'

export interface S3EventOptions extends S3ConnectionOptions, LogWindow {
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
  /** What was asked of S3 so far, retries included, as a note: read it once the scan is done. */
  requestsNote: () => string
  close: () => void
}

const OBJECT_NAME = /\.json(?:\.gz)?$/i

const windowed = (window: LogWindow): boolean => window.since !== undefined || window.until !== undefined || (window.accounts ?? []).length > 0 || (window.regions ?? []).length > 0

/**
 * Lists every `s3://bucket/prefix` given. An object is scanned when its name is a JSON (or gzipped
 * JSON) file, as a folder walk would read it; what cannot be listed, is too large or lists nothing
 * is an input of its own, failed, so an empty or mistyped prefix is never a pass.
 */
export async function listS3Events(urls: string[], options: S3EventOptions): Promise<S3EventSource> {
  const client = await createS3Client(options)
  const stores = new Map<string, S3Store>()
  const counted = noRequests()
  countRequests(client, counted)
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
    const left: Record<Exclusion, number> = {account: 0, region: 0, time: 0}
    try {
      const prefixes = windowed(options) ? await windowPrefixes(store, location.prefix, options, new Date()) : [location.prefix]
      for (const prefix of prefixes) {
        for await (const entry of store.list(prefix)) {
          if (!OBJECT_NAME.test(entry.key)) continue
          const exclusion = excludedBy(entry.key, options)
          if (exclusion !== undefined) {
            left[exclusion]++
            continue
          }
          listed++
          const path = store.display(entry.key)
          if (entry.size > options.maxObjectBytes) fail(path, `${entry.size} bytes, larger than --max-input-size (${options.maxObjectBytes} bytes); not read`, 'input-too-large')
          else files.push({path, absolutePath: ''})
        }
      }
    } catch (error) {
      fail(url, (error as Error).message, 'input-unreadable')
      continue
    }
    const outside = left.account + left.region + left.time
    if (listed === 0) fail(url, outside > 0 || windowed(options) ? 'no JSON or .json.gz object under this prefix within --since/--until, --accounts and --regions' : 'no JSON or .json.gz object under this prefix', 'input-missing')
    for (const [exclusion, flag] of [['region', '--regions'], ['account', '--accounts'], ['time', '--since/--until']] as const) {
      if (left[exclusion] > 0) notes.push(`${url}: ${left[exclusion]} object${left[exclusion] === 1 ? '' : 's'} outside ${flag} not read`)
    }
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  const fetch = async (file: EventFile): Promise<Uint8Array> => {
    const location = parseS3Url(file.path)!
    const object = await stores.get(location.bucket)!.get(location.prefix)
    return object.bytes
  }
  return {files, settled, diagnostics, notes, fetch, requestsNote: () => requestsNote(counted), close: () => client.destroy()}
}
