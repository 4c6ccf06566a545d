import {topLevelJsonKeys} from './json-text.js'
import type {InputFile, Reader} from './types.js'

export const HEAD_BYTES = 64 * 1024

export function isGzipped(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b
}

export function headOf(content: Buffer): string {
  return content.subarray(0, HEAD_BYTES).toString('utf8')
}

/** The reader for a file, by content: readers are asked by ascending priority, first yes wins. */
export function detectReader(file: InputFile, head: string, readers: readonly Reader[]): Reader | undefined {
  return [...readers].sort((a, b) => a.priority - b.priority).find((reader) => reader.sniff(file, head))
}

/** Why no reader took a file, in words a user can act on. */
export function unrecognizedReason(content: Buffer, head: string): string {
  if (content.length === 0) return 'empty file'
  if (head.includes('\u0000')) return 'binary file, not a recognized input'
  const keys = topLevelJsonKeys(head)
  if (keys) {
    const names = [...keys.keys()].slice(0, 6)
    return names.length > 0
      ? `JSON object with keys ${names.join(', ')}${keys.size > names.length ? ', …' : ''}: not a recognized input`
      : 'empty JSON object: not a recognized input'
  }
  if (/^\s*\[/.test(head)) return 'JSON array: not a recognized input'
  return 'not JSON or YAML of a recognized shape'
}
