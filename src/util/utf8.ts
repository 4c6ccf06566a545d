import {isUtf8} from 'node:buffer'

/**
 * The byte offset of the first byte that is not part of a well-formed UTF-8 sequence, or -1 when
 * the whole buffer is valid UTF-8 (overlong forms, surrogates and code points past U+10FFFF are invalid).
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  if (isUtf8(bytes)) return -1
  let at = 0
  while (at < bytes.length) {
    const lead = bytes[at]!
    if (lead < 0x80) {
      at++
      continue
    }
    const length = lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0
    if (length === 0 || at + length > bytes.length) return at
    const second = bytes[at + 1]!
    const [low, high] = lead === 0xe0 ? [0xa0, 0xbf] : lead === 0xed ? [0x80, 0x9f] : lead === 0xf0 ? [0x90, 0xbf] : lead === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf]
    if (second < low || second > high) return at
    for (let next = at + 2; next < at + length; next++) if ((bytes[next]! & 0xc0) !== 0x80) return at
    at += length
  }
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
