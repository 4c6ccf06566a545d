/** How a text file was written, when it is not plain UTF-8. */
export type TextEncoding = 'UTF-16LE' | 'UTF-16BE' | 'UTF-8 with BOM'

/**
 * The file's text as UTF-8, and which encoding it was decoded from. Windows PowerShell's `>` writes
 * UTF-16LE with a byte order mark, and some editors save UTF-8 with one; readers see plain UTF-8.
 */
export function decodeText(content: Buffer): {content: Buffer; encoding?: TextEncoding} {
  if (content.length >= 3 && content[0] === 0xef && content[1] === 0xbb && content[2] === 0xbf) {
    return {content: content.subarray(3), encoding: 'UTF-8 with BOM'}
  }
  const utf16 = utf16Order(content)
  if (!utf16) return {content}
  const hasBom = (content[0] === 0xff && content[1] === 0xfe) || (content[0] === 0xfe && content[1] === 0xff)
  const body = content.subarray(hasBom ? 2 : 0)
  const text = new TextDecoder(utf16 === 'UTF-16LE' ? 'utf-16le' : 'utf-16be').decode(body)
  return {content: Buffer.from(text, 'utf8'), encoding: utf16}
}

/** By byte order mark, or (no mark) by the zero high bytes of ASCII text such as `{"` in UTF-16. */
function utf16Order(content: Buffer): 'UTF-16LE' | 'UTF-16BE' | undefined {
  if (content.length < 2) return undefined
  if (content[0] === 0xff && content[1] === 0xfe) return 'UTF-16LE'
  if (content[0] === 0xfe && content[1] === 0xff) return 'UTF-16BE'
  if (content.length < 4) return undefined
  const asciiAt = (at: number) => (content[at] as number) >= 0x09 && (content[at] as number) < 0x7f
  if (asciiAt(0) && content[1] === 0 && asciiAt(2) && content[3] === 0) return 'UTF-16LE'
  if (content[0] === 0 && asciiAt(1) && content[2] === 0 && asciiAt(3)) return 'UTF-16BE'
  return undefined
}
