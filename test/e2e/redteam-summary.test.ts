/**
 * The text summary line counts errors as the Action's `errors` output does: results that could not
 * be evaluated and error diagnostics. A run that exits 2 over an unreadable input never says
 * "0 errors".
 */
import {describe, expect, it} from 'vitest'

import type {Report} from '../../src/engine/report-types.js'
import {trailgate} from './cli.js'

describe('the text summary line', () => {
  it('counts an unreadable input among the errors, as the JSON summary and the Action output do', () => {
    const args = ['check', 'fixtures/iac/terraform']
    const text = trailgate(args)
    const report = JSON.parse(trailgate([...args, '--format', 'json']).stdout) as Report
    const errors = report.summary.counts.error + report.summary.diagnostics.errors
    expect(errors).toBe(1)
    expect(text.status).toBe(2)
    const summary = text.stdout.split('\n').find((line) => line.startsWith('Summary:'))
    expect(summary).toContain(', 1 error, ')
    expect(summary).toContain('exit 2: the run cannot be trusted')
  })

  it('says 0 errors when nothing went wrong', () => {
    const summary = trailgate(['check', 'fixtures/evidence/mixed-account']).stdout.split('\n').find((line) => line.startsWith('Summary:'))
    expect(summary).toContain(', 0 errors, ')
  })
})
