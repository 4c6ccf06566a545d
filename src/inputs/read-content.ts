import {createReadStream} from 'node:fs'
import {readFile, stat} from 'node:fs/promises'
import {constants as bufferConstants} from 'node:buffer'
import {createGunzip, gunzipSync} from 'node:zlib'

import {overLimit} from '../model/limits.js'
import {isGzipped} from './detect.js'

/** A document is read as one string; V8 cannot make a longer one. */
const MAX_DOCUMENT_CHARS = bufferConstants.MAX_STRING_LENGTH

export type ContentRead = {content: Buffer} | {problem: string}

/**
 * A non-log input's content, inflated when gzipped, or why it cannot be read. A gzip stream is
 * first inflated and counted without being kept, so a small file that inflates to gigabytes fails
 * at the limit without ever being held.
 */
export async function readContent(absolutePath: string, maxBytes: number): Promise<ContentRead> {
  const size = (await stat(absolutePath)).size
  if (size > maxBytes) return {problem: overLimit('maxInputBytes', maxBytes)}
  const bytes = await readFile(absolutePath)
  if (!isGzipped(bytes)) return tooLongForOneString(bytes.length) ?? {content: bytes}
  const inflated = await inflatedSize(absolutePath, maxBytes)
  if (inflated > maxBytes) return {problem: `once inflated, ${overLimit('maxInputBytes', maxBytes)}`}
  return tooLongForOneString(inflated) ?? {content: gunzipSync(bytes)}
}

function tooLongForOneString(bytes: number): ContentRead | undefined {
  return bytes > MAX_DOCUMENT_CHARS ? {problem: `too large to read as one document (${bytes} bytes; at most ${MAX_DOCUMENT_CHARS} fit in one string)`} : undefined
}

/** Inflated bytes of a gzip file, counting stops just past `maxBytes`. Throws on a corrupt stream. */
function inflatedSize(absolutePath: string, maxBytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const source = createReadStream(absolutePath)
    const gunzip = createGunzip()
    let total = 0
    const stop = (): void => {
      source.destroy()
      gunzip.destroy()
      resolve(total)
    }
    gunzip.on('data', (chunk: Buffer) => {
      total += chunk.length
      if (total > maxBytes) stop()
    })
    gunzip.on('end', () => resolve(total))
    gunzip.on('error', reject)
    source.on('error', reject)
    source.pipe(gunzip)
  })
}
