import {describe, expect, it} from 'vitest'

import {crashReport} from '../../src/cli/crash-report.js'
import {crashLine} from '../../src/cli/crash.js'
import {render} from '../../src/cli/output.js'

const request = {format: 'text' as const, files: {}, color: false, verbose: false, sarifIncludeUnknown: false, sarifIncludeSuppressed: false}

describe('an unexpected error', () => {
  const error = new TypeError('candidates is not iterable\nsecond line')

  it('is one line naming what failed, without the stack unless debugging', () => {
    expect(crashLine('trailgate check failed', error, false)).toBe('error: trailgate check failed: candidates is not iterable\n')
    const debug = crashLine('trailgate check failed', error, true)
    expect(debug.split('\n')[0]).toBe('error: trailgate check failed: candidates is not iterable')
    expect(debug).toMatch(/\n\s+at /)
  })

  it('still gives a report in every format, saying the run cannot be trusted (exit 2, even with --fail-on none)', () => {
    const report = crashReport('check', error, new Date(), 'none')
    expect(report.exitCode).toBe(2)
    for (const format of ['text', 'json', 'sarif', 'junit', 'markdown'] as const) {
      expect(render(report, format, request)).toContain('candidates is not iterable')
    }
  })
})
