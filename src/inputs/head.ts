import {open} from 'node:fs/promises'
import {createGunzip} from 'node:zlib'

import {HEAD_BYTES, isGzipped} from './detect.js'

/**
 * The first 64 KiB of a file's content without reading the whole file, inflating only as much of a
 * gzip stream as that needs: enough to tell a CloudTrail log archive from everything else.
 * Undefined when the file cannot be read or its gzip stream is corrupt (the full read reports why).
 */
export async function readHead(absolutePath: string): Promise<string | undefined> {
  let handle
  try {
    handle = await open(absolutePath, 'r')
    const raw = Buffer.alloc(HEAD_BYTES)
    const {bytesRead} = await handle.read(raw, 0, HEAD_BYTES, 0)
    const start = raw.subarray(0, bytesRead)
    if (!isGzipped(start)) return start.toString('utf8')
    return await inflateHead(handle.createReadStream({start: 0, autoClose: false}))
  } catch {
    return undefined
  } finally {
    await handle?.close()
  }
}

function inflateHead(source: NodeJS.ReadableStream): Promise<string | undefined> {
  return new Promise((resolve) => {
    const gunzip = createGunzip()
    const chunks: Buffer[] = []
    let length = 0
    let settled = false
    const finish = (value: string | undefined) => {
      if (settled) return
      settled = true
      source.unpipe(gunzip)
      gunzip.destroy()
      resolve(value)
    }
    gunzip.on('data', (chunk: Buffer) => {
      chunks.push(chunk)
      length += chunk.length
      if (length >= HEAD_BYTES) finish(Buffer.concat(chunks).subarray(0, HEAD_BYTES).toString('utf8'))
    })
    gunzip.on('end', () => finish(Buffer.concat(chunks).toString('utf8')))
    gunzip.on('error', () => finish(length > 0 ? Buffer.concat(chunks).toString('utf8') : undefined))
    source.on('error', () => finish(undefined))
    source.pipe(gunzip)
  })
}
