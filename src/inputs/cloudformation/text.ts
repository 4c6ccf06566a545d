import type {Diagnostic} from '../../model/types.js'
import {firstInvalidUtf8, hexByte, positionOfByte} from '../../util/utf8.js'
import type {InputFile, ReaderOutput} from '../types.js'

/**
 * Decodes UTF-8 input. A binary file (NUL bytes) gets a diagnostic instead of a text. Invalid UTF-8
 * is read as evidence files are: each bad sequence as U+FFFD, so the rest is judged, with an error
 * at the first bad byte so the run cannot pass silently.
 */
export function decodeText(bytes: Buffer, file: string): {text: string; diagnostic?: Diagnostic} | {text?: undefined; diagnostic: Diagnostic} {
  const nul = bytes.subarray(0, 65536).indexOf(0)
  if (nul !== -1) {
    return {diagnostic: {severity: 'error', code: 'binary-input', file, ...positionOfByte(bytes, nul), message: 'This is not a text file (it holds binary data); it was not read'}}
  }
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '')
  const invalid = firstInvalidUtf8(bytes)
  if (invalid < 0) return {text}
  return {
    text,
    diagnostic: {severity: 'error', code: 'invalid-utf8', file, ...positionOfByte(bytes, invalid), message: `invalid UTF-8 (byte ${hexByte(bytes[invalid]!)}): the value is read with U+FFFD in its place, so it may not be what was written`},
  }
}

/** The file's text, or undefined after recording in `output` that it is not a text file. */
export function textOrRefusal(file: InputFile, output: ReaderOutput): string | undefined {
  const decoded = decodeText(file.bytes, file.path)
  if (decoded.diagnostic) output.diagnostics.push(decoded.diagnostic)
  if (decoded.text === undefined) output.detail = 'not a text file'
  return decoded.text
}
