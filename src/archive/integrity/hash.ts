import {createHash} from 'node:crypto'
import {Readable, Writable} from 'node:stream'
import {pipeline} from 'node:stream/promises'
import {createGunzip} from 'node:zlib'

export type InflatedHash = {sha256: string; inflatedBytes: number} | {problem: string}

const isGzip = (bytes: Buffer): boolean => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b

/**
 * Hex SHA-256 of a gzip object's inflated bytes, which is what CloudTrail's digests hash. Inflated
 * in a stream, so memory stays at zlib's window whatever the file inflates to; past `maxBytes` the
 * object is refused rather than hashed for ever (a gzip bomb).
 */
export async function inflatedSha256(bytes: Buffer, maxBytes: number): Promise<InflatedHash> {
  if (!isGzip(bytes)) return {problem: 'invalid format: not a gzip file'}
  const hash = createHash('sha256')
  let inflatedBytes = 0
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      inflatedBytes += chunk.length
      if (inflatedBytes > maxBytes) {
        done(new RangeError(`inflates past ${maxBytes} bytes (--max-input-size)`))
        return
      }
      hash.update(chunk)
      done()
    },
  })
  try {
    await pipeline(Readable.from([bytes]), createGunzip({chunkSize: 256 * 1024}), sink)
  } catch (error) {
    return {problem: error instanceof RangeError ? `invalid format: ${error.message}` : `invalid format: corrupt gzip data (${(error as Error).message})`}
  }
  return {sha256: hash.digest('hex'), inflatedBytes}
}
