import {existsSync, readFileSync, statSync} from 'node:fs'
import {basename, dirname, extname, join} from 'node:path'

import type {Diagnostic} from '../model/types.js'
import {parseWithPositions} from '../util/positions.js'
import {validateDocument} from './schema-errors.js'
import type {PolicyTestCase} from './types.js'
import {appendAll} from '../util/arrays.js'

const TESTS_CODE = 'policy-tests-schema'
const EXPECTATIONS: readonly PolicyTestCase['expect'][] = ['pass', 'fail', 'unknown', 'not-applicable']

/** `kms-encryption.tests.yaml` and the like: test cases, not policies. */
export function isTestsFile(file: string): boolean {
  return /\.tests\.ya?ml$/i.test(file)
}

/** The tests file beside a policy file (`<name>.tests.yaml` or `.tests.yml`), when there is one. */
export function testsFileFor(policyFile: string): string | undefined {
  const stem = basename(policyFile, extname(policyFile))
  for (const extension of ['.tests.yaml', '.tests.yml']) {
    const candidate = join(dirname(policyFile), `${stem}${extension}`)
    if (existsSync(candidate)) return candidate
  }
  return undefined
}

/**
 * Reads a policy's test cases. A case with a mistake is reported and left out; the other cases are
 * still returned, each with the location of its entry in the file.
 */
export function loadPolicyTests(file: string, options: {displayPath?: string} = {}): {cases: PolicyTestCase[]; diagnostics: Diagnostic[]} {
  const shown = options.displayPath ?? file
  let text: string
  try {
    // A named pipe or a device (`/dev/zero`) would block or never end.
    if (!statSync(file).isFile()) throw new Error('not a regular file')
    text = readFileSync(file, 'utf8')
  } catch (error) {
    return {cases: [], diagnostics: [{severity: 'error', code: 'policy-tests-unreadable', file: shown, message: `cannot read the tests file: ${(error as Error).message}`}]}
  }
  const parsed = parseWithPositions(text, shown)
  const diagnostics = [...parsed.diagnostics]
  const document = parsed.document
  if (!document) return {cases: [], diagnostics}
  if (document.value === null || document.value === undefined || (Array.isArray(document.value) && document.value.length === 0)) {
    diagnostics.push({severity: 'warning', code: 'policy-tests-empty', file: shown, line: 1, column: 1, message: 'the tests file has no test cases'})
    return {cases: [], diagnostics}
  }
  appendAll(diagnostics, validateDocument('policy-tests', document, TESTS_CODE))
  const cases: PolicyTestCase[] = []
  if (!Array.isArray(document.value)) return {cases, diagnostics}
  document.value.forEach((entry: unknown, index: number) => {
    const testCase = toTestCase(entry)
    if (testCase) cases.push({...testCase, location: document.locate([index])})
  })
  return {cases, diagnostics}
}

function toTestCase(entry: unknown): Omit<PolicyTestCase, 'location'> | undefined {
  if (!isRecord(entry)) return undefined
  const allowed = new Set(['name', 'subject', 'params', 'expect', 'message', 'account'])
  if (Object.keys(entry).some((key) => !allowed.has(key))) return undefined
  const {name, subject, params, expect, message, account} = entry
  if (typeof name !== 'string' || name === '' || !isRecord(subject)) return undefined
  if (!EXPECTATIONS.includes(expect as PolicyTestCase['expect'])) return undefined
  if (params !== undefined && !isRecord(params)) return undefined
  if (message !== undefined && (typeof message !== 'string' || message === '')) return undefined
  if (account !== undefined && typeof account !== 'string') return undefined
  const testCase: Omit<PolicyTestCase, 'location'> = {name, subject, expect: expect as PolicyTestCase['expect']}
  if (params !== undefined) testCase.params = params
  if (message !== undefined) testCase.message = message
  if (account !== undefined) testCase.account = account as string
  return testCase
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
