import {mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {formatOutput, writeOutputs} from '../../src/action/outputs.js'
import {parseOutputFile} from './action-process.js'

describe('GITHUB_OUTPUT', () => {
  it('writes the heredoc form GitHub reads', () => {
    expect(formatOutput('sarif-file', 'out/a.sarif', 'ghadelimiter_x')).toBe('sarif-file<<ghadelimiter_x\nout/a.sarif\nghadelimiter_x\n')
  })

  it('refuses a value that holds its delimiter instead of ending the block early', () => {
    expect(() => formatOutput('x', 'a\nghadelimiter_x\nb', 'ghadelimiter_x')).toThrow(/contains the delimiter/)
  })

  it('appends every output, multi-line values intact', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'trailgate-out-')), 'output')
    writeOutputs(file, {failed: '4', 'json-file': ''})
    writeOutputs(file, {passed: 'false'})
    expect(parseOutputFile(readFileSync(file, 'utf8'))).toEqual({failed: '4', 'json-file': '', passed: 'false'})
  })
})
