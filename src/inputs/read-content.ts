import {createReadStream} from 'node:fs'
import {readFile, stat} from 'node:fs/promises'
import {constants as bufferConstants} from 'node:buffer'
import {gunzipSync} from 'node:zlib'

import {overLimit} from '../model/limits.js'
import {GzipMemberTooLarge, inflateGzipMembers} from '../util/gzip-members.js'
import {isGzipped} from './detect.js'

/** A document is read as one string; V8 cannot make a longer one. */
const MAX_DOCUMENT_CHARS = bufferConstants.MAX_STRING_LENGTH

export type ContentRead = {content: Buffer} | {problem: string}

/**
 * A non-log input's content, inflated when gzipped, or why it cannot be read. A gzip stream is
 * first inflated and counted without being kept, so a small file that inflates to gigabytes fails
 * at the limit without ever being held.
 */
export async function readContent(absolutePath: string, maxBytes: number, maxMemberBytes: number): Promise<ContentRead> {
  const size = (await stat(absolutePath)).size
  if (size > maxBytes) return {problem: overLimit('maxInputBytes', maxBytes)}
  const bytes = await readFile(absolutePath)
  if (!isGzipped(bytes)) return tooLongForOneString(bytes.length) ?? {content: bytes}
  let inflated: number
  try {
    // A member past the input limit is the input past it: that is the limit to name.
    inflated = await inflatedSize(absolutePath, maxBytes, maxMemberBytes < maxBytes ? maxMemberBytes : Number.POSITIVE_INFINITY)
  } catch (error) {
    if (!(error instanceof GzipMemberTooLarge)) throw error
    return {problem: `gzip member ${error.member} is, once inflated, ${overLimit('maxMemberBytes', error.limit)}`}
  }
  if (inflated > maxBytes) return {problem: `once inflated, ${overLimit('maxInputBytes', maxBytes)}`}
  return tooLongForOneString(inflated) ?? {content: gunzipSync(bytes)}
}

function tooLongForOneString(bytes: number): ContentRead | undefined {
  return bytes > MAX_DOCUMENT_CHARS ? {problem: `too large to read as one document (${bytes} bytes; at most ${MAX_DOCUMENT_CHARS} fit in one string)`} : undefined
}

/**
 * Inflated bytes of a gzip file, member by member; counting stops just past `maxBytes`. Throws
 * GzipMemberTooLarge for a member past its own limit, and on a corrupt stream.
 */
async function inflatedSize(absolutePath: string, maxBytes: number, maxMemberBytes: number): Promise<number> {
  const source = createReadStream(absolutePath)
  let total = 0
  try {
    for await (const chunk of inflateGzipMembers(source, maxMemberBytes)) {
      total += chunk.length
      if (total > maxBytes) break
    }
  } finally {
    source.destroy()
  }
  return total
}
