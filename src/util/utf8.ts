import {isUtf8} from 'node:buffer'

/**
 * The byte offset of the first byte that is not part of a well-formed UTF-8 sequence, or -1 when
 * the whole buffer is valid UTF-8 (overlong forms, surrogates and code points past U+10FFFF are invalid).
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  if (isUtf8(bytes)) return -1
  for (const sequence of invalidUtf8Sequences(bytes)) return sequence.offset
  return -1
}

/** Line and column (1-based, in characters as an editor counts them) of a byte offset in valid-so-far UTF-8. */
export function positionOfByte(bytes: Uint8Array, offset: number): {line: number; column: number} {
  const before = Buffer.from(bytes.buffer, bytes.byteOffset, offset).toString('utf8')
  const lineStart = before.lastIndexOf('\n') + 1
  let line = 1
  for (let index = before.indexOf('\n'); index !== -1; index = before.indexOf('\n', index + 1)) line++
  return {line, column: before.length - lineStart + 1}
}

/** One ill-formed sequence: where it starts and how many bytes of it one U+FFFD replaces. */
export interface InvalidSequence {
  offset: number
  length: number
}

/**
 * Every ill-formed sequence, in order, each as long as the part a decoder replaces with one U+FFFD
 * (the maximal subpart of the WHATWG and Unicode rules), so that character offsets can be counted
 * between them. One pass; meant for text already known not to be valid UTF-8.
 */
export function* invalidUtf8Sequences(bytes: Uint8Array): Generator<InvalidSequence> {
  let at = 0
  while (at < bytes.length) {
    const lead = bytes[at]!
    if (lead < 0x80) {
      at++
      continue
    }
    const length = lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0
    let good = 1
    if (length > 0 && at + 1 < bytes.length) {
      const second = bytes[at + 1]!
      const [low, high] = lead === 0xe0 ? [0xa0, 0xbf] : lead === 0xed ? [0x80, 0x9f] : lead === 0xf0 ? [0x90, 0xbf] : lead === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf]
      if (second >= low && second <= high) {
        good = 2
        while (good < length && at + good < bytes.length && (bytes[at + good]! & 0xc0) === 0x80) good++
      }
    }
    if (length > 0 && good === length) {
      at += length
      continue
    }
    yield {offset: at, length: good}
    at += good
  }
}

/**
 * The character offsets (in the text decoded with U+FFFD replacement) of each ill-formed sequence,
 * with its first byte, for pointing at it by line and column.
 */
export function* invalidUtf8Characters(bytes: Buffer): Generator<{char: number; byte: number}> {
  let byte = 0
  let char = 0
  for (const sequence of invalidUtf8Sequences(bytes)) {
    char += bytes.toString('utf8', byte, sequence.offset).length
    yield {char, byte: bytes[sequence.offset]!}
    char += 1
    byte = sequence.offset + sequence.length
  }
}

/** `0xFF` */
export function hexByte(byte: number): string {
  return `0x${byte.toString(16).toUpperCase().padStart(2, '0')}`
}
