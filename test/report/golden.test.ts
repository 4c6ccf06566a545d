import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {describe, expect, it} from 'vitest'

import {renderJunit} from '../../src/report/junit.js'
import {renderMarkdown} from '../../src/report/markdown.js'
import {renderSarif} from '../../src/report/sarif.js'
import {fixtureReport} from './fixture-report.js'

const goldenDir = join(dirname(fileURLToPath(import.meta.url)), 'golden')
const update = process.env.UPDATE_GOLDEN === '1'

/** Compares with the committed file; `UPDATE_GOLDEN=1` rewrites it after an intended change. */
function matchGolden(name: string, actual: string): void {
  const path = join(goldenDir, name)
  if (update) {
    mkdirSync(goldenDir, {recursive: true})
    writeFileSync(path, actual)
    return
  }
  expect(existsSync(path), `${name} is missing; run UPDATE_GOLDEN=1 npx vitest run test/report`).toBe(true)
  expect(actual).toBe(readFileSync(path, 'utf8'))
}

describe('golden files', () => {
  it('SARIF output is stable', () => {
    matchGolden('report.sarif', renderSarif(fixtureReport(), {includeSuppressed: true, includeUnknown: true}))
  })

  it('JUnit output is stable', () => {
    matchGolden('report.junit.xml', renderJunit(fixtureReport()))
  })

  it('markdown output is stable', () => {
    matchGolden('report.md', renderMarkdown(fixtureReport()))
  })
})
