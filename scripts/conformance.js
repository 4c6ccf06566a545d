#!/usr/bin/env node
// Runs the compiled pattern matcher over EventBridge conformance cases: one JSON5 file per case,
// `{Event, EventPattern}`, the outcome in the file name (none: match, `_NEG`: no match, `_EXC`: invalid).
// Usage: npm run conformance [folder]   (default: ../shared/conformance/eventbridge beside the repository)
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {dirname, join, relative, resolve} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

import JSON5 from 'json5'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const defaultFolder = resolve(root, '../shared/conformance/eventbridge')
const folder = process.argv[2] ? resolve(process.argv[2]) : defaultFolder
const shown = relative(process.cwd(), folder) || '.'

if (!existsSync(folder)) {
  if (!process.argv[2]) {
    console.log(`conformance: ${shown} is absent; nothing to run.`)
    process.exit(0)
  }
  console.error(`conformance: folder ${shown} does not exist.`)
  process.exit(1)
}

const matcherFile = join(root, 'dist/policy/pattern.js')
if (!existsSync(matcherFile)) {
  console.error('conformance: dist/policy/pattern.js is missing; run `npm run build` first.')
  process.exit(1)
}
const {compilePattern, validatePattern} = await import(pathToFileURL(matcherFile).href)

const expectedOf = (name) => (name.endsWith('_EXC') ? 'invalid' : name.endsWith('_NEG') ? 'no match' : 'match')

function outcomeOf(pattern, event) {
  const errors = validatePattern(pattern)
  if (errors.length > 0) return {outcome: 'invalid', detail: errors[0].message}
  const value = compilePattern(pattern).test(event)
  return {outcome: value === true ? 'match' : value === false ? 'no match' : `unknown`, detail: ''}
}

const files = readdirSync(folder).filter((file) => file.endsWith('.json5')).sort()
let passed = 0
let failed = 0
for (const file of files) {
  const name = file.slice(0, -'.json5'.length)
  const expected = expectedOf(name)
  let result
  try {
    const {Event, EventPattern} = JSON5.parse(readFileSync(join(folder, file), 'utf8'))
    result = outcomeOf(EventPattern, Event)
  } catch (error) {
    result = {outcome: 'crash', detail: error instanceof Error ? error.message : String(error)}
  }
  if (result.outcome === expected) {
    passed++
  } else {
    failed++
    console.log(`FAIL ${name}: expected ${expected}, got ${result.outcome}${result.detail ? ` (${result.detail})` : ''}`)
  }
}
if (files.length === 0) console.log(`conformance: no .json5 cases in ${shown}.`)
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed > 0 ? 1 : 0)
