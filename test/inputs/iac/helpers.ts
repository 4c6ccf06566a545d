import {readFileSync} from 'node:fs'
import path from 'node:path'

import {expect} from 'vitest'

import type {InputFile, ReadOptions, Reader} from '../../../src/inputs/types.js'

export const FIXTURES = 'fixtures/iac'

export function inputFile(relative: string): InputFile {
  const absolutePath = path.resolve(relative)
  return {path: relative, absolutePath, bytes: readFileSync(absolutePath)}
}

export function textFile(relative: string, text: string): InputFile {
  return {path: relative, absolutePath: path.resolve(relative), bytes: Buffer.from(text, 'utf8')}
}

export async function read(reader: Reader, relative: string, options: ReadOptions = {}) {
  const file = inputFile(relative)
  expect(reader.sniff(file, file.bytes.subarray(0, 65536).toString('utf8'))).toBe(true)
  return reader.read(file, options)
}

export function byName<T extends {document: {Name?: unknown}}>(trails: T[], name: string): T {
  const found = trails.find((trail) => trail.document.Name === name)
  if (!found) throw new Error(`no trail named ${name} among ${trails.map((trail) => JSON.stringify(trail.document.Name)).join(', ')}`)
  return found
}
