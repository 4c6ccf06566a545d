import type {Diagnostic} from '../../model/types.js'
import {firstInvalidUtf8} from '../../util/utf8.js'
import type {InputFile, ReaderOutput} from '../types.js'

/** Decodes UTF-8 input; a binary file (NUL bytes or invalid UTF-8) gets a diagnostic instead. */
export function decodeText(bytes: Buffer, file: string): {text: string; diagnostic?: undefined} | {text?: undefined; diagnostic: Diagnostic} {
  const nul = bytes.subarray(0, 65536).indexOf(0)
  let text: string | undefined
  if (nul === -1) {
    try {
      text = new TextDecoder('utf-8', {fatal: true}).decode(bytes)
    } catch {
      text = undefined
    }
  }
  if (text === undefined) {
    const offset = nul === -1 ? Math.max(0, firstInvalidUtf8(bytes)) : nul
    const before = bytes.subarray(0, offset)
    const line = before.filter((byte) => byte === 10).length + 1
    return {diagnostic: {severity: 'error', code: 'binary-input', file, line, column: offset - before.lastIndexOf(10), message: nul === -1 ? 'This is not a text file (invalid UTF-8 here); it was not read' : 'This is not a text file (it holds binary data); it was not read'}}
  }
  return {text: text.replace(/^\uFEFF/, '')}
}

/** The file's text, or undefined after recording in `output` that it is not a text file. */
export function textOrRefusal(file: InputFile, output: ReaderOutput): string | undefined {
  const decoded = decodeText(file.bytes, file.path)
  if (decoded.diagnostic) {
    output.diagnostics.push(decoded.diagnostic)
    output.detail = 'not a text file'
    return undefined
  }
  return decoded.text
}
