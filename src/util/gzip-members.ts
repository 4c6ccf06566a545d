import {createInflateRaw, crc32, type InflateRaw} from 'node:zlib'

/** A gzip member inflated past the caller's limit: which member (0 is the first) and how far it got. */
export class GzipMemberTooLarge extends Error {
  constructor(
    readonly member: number,
    readonly limit: number,
  ) {
    super(`gzip member ${member} inflates past ${limit} bytes`)
  }
}

const FHCRC = 2
const FEXTRA = 4
const FNAME = 8
const FCOMMENT = 16

/**
 * Inflates a gzip stream member by member, so that each member's size can be bounded on its own.
 * Node's gunzip joins concatenated members without saying where one ends; here each member's header
 * is read, its deflate data goes to its own raw inflater, and the end of that data (the inflater
 * consumes no byte past it) tells where the 8-byte trailer and the next member start. The trailer's
 * CRC-32 and size are checked, as gunzip does. Trailing zero bytes are padding; anything else after
 * a member is an error, as with gunzip.
 */
export async function* inflateGzipMembers(source: AsyncIterable<Buffer>, maxMemberBytes: number): AsyncGenerator<Buffer> {
  const input = source[Symbol.asyncIterator]()
  let pending: Buffer = Buffer.alloc(0)
  let exhausted = false
  const more = async (): Promise<boolean> => {
    if (exhausted) return false
    const next = await input.next()
    if (next.done) {
      exhausted = true
      return false
    }
    pending = pending.length === 0 ? next.value : Buffer.concat([pending, next.value])
    return true
  }
  const need = async (bytes: number): Promise<boolean> => {
    while (pending.length < bytes) if (!(await more())) return false
    return true
  }
  for (let member = 0; ; member++) {
    if (!(await need(1))) {
      if (member === 0) throw new Error('the file is empty')
      return
    }
    if (member > 0 && (await onlyZeros())) return
    const start = await headerLength(member)
    pending = pending.subarray(start)
    const inflater = createInflateRaw()
    const inflated: Buffer[] = []
    inflater.on('data', (chunk: Buffer) => inflated.push(chunk))
    let failure: Error | undefined
    inflater.on('error', (error: Error) => (failure = error))
    let finished = false
    // An error ends the inflater without 'end': waiting for 'end' alone would leave nothing to wake the run.
    const done = new Promise<void>((resolve) => {
      const settle = () => {
        finished = true
        resolve()
      }
      inflater.once('end', settle)
      inflater.once('error', settle)
    })
    let crc = 0
    let size = 0
    let fed = 0
    let ended = false
    while (!ended) {
      if (pending.length === 0 && !(await more())) {
        throw new Error(`unexpected end of file: gzip member ${member} is truncated`)
      }
      const piece = pending
      pending = Buffer.alloc(0)
      await write(inflater, piece)
      if (failure) throw failure
      fed += piece.length
      const unconsumed = fed - inflater.bytesWritten
      if (unconsumed > 0) {
        // The deflate data ended inside this piece: the rest is the trailer and what follows.
        pending = piece.subarray(piece.length - unconsumed)
        ended = true
        // Output still on its way is delivered before 'end', which ending the writable side brings.
        inflater.end()
        if (!finished) await done
        if (failure) throw failure
      }
      for (const chunk of inflated.splice(0)) {
        size += chunk.length
        if (size > maxMemberBytes) {
          inflater.destroy()
          throw new GzipMemberTooLarge(member, maxMemberBytes)
        }
        crc = crc32(chunk, crc)
        yield chunk
      }
    }
    inflater.destroy()
    if (!(await need(8))) throw new Error(`unexpected end of file: gzip member ${member} has no trailer`)
    if (pending.readUInt32LE(0) !== crc >>> 0) throw new Error(`incorrect data check: the CRC-32 of gzip member ${member} does not match`)
    if (pending.readUInt32LE(4) !== size % 2 ** 32) throw new Error(`incorrect length check: the size of gzip member ${member} does not match`)
    pending = pending.subarray(8)
  }

  /** True when nothing but zero bytes is left (gzip allows them as padding after the last member). */
  async function onlyZeros(): Promise<boolean> {
    for (;;) {
      const nonZero = pending.findIndex((byte) => byte !== 0)
      if (nonZero >= 0) {
        if (nonZero > 0) throw new Error('unknown data after the zero padding that follows the last gzip member')
        return false
      }
      pending = Buffer.alloc(0)
      if (!(await more())) return true
    }
  }

  /** Bytes of the member header at the start of `pending` (RFC 1952, section 2.3). */
  async function headerLength(member: number): Promise<number> {
    if (!(await need(10)) || pending[0] !== 0x1f || pending[1] !== 0x8b) {
      throw new Error(member === 0 ? 'incorrect header check: not a gzip file' : `unknown data after gzip member ${member - 1}: not a gzip member`)
    }
    if (pending[2] !== 8) throw new Error('unknown compression method')
    const flags = pending[3]!
    let at = 10
    if (flags & FEXTRA) {
      if (!(await need(at + 2))) throw new Error('unexpected end of file in a gzip header')
      at += 2 + pending.readUInt16LE(at)
    }
    for (const flag of [FNAME, FCOMMENT]) {
      if (!(flags & flag)) continue
      for (;;) {
        if (!(await need(at + 1))) throw new Error('unexpected end of file in a gzip header')
        if (pending[at++] === 0) break
      }
    }
    if (flags & FHCRC) at += 2
    if (!(await need(at))) throw new Error('unexpected end of file in a gzip header')
    return at
  }
}

/**
 * Resolves once the inflater has worked through `piece`, or has failed on it (the error goes to its
 * 'error' listener): not every Node version calls the write callback of a stream that errored.
 */
function write(inflater: InflateRaw, piece: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const settle = () => {
      inflater.off('error', settle)
      resolve()
    }
    inflater.once('error', settle)
    inflater.write(piece, settle)
  })
}
