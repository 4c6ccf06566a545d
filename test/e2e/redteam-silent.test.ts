/**
 * Runs that must not look cleaner than they are: the text summary line counts errors as the Action's
 * `errors` output does (results that could not be evaluated and error diagnostics), and a --tf-dir
 * that is not there is said, not ignored.
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

describe('--tf-dir that is not a folder', () => {
  it('is an error naming it (exit 2), not a run whose results silently point at the plan instead of the .tf source', () => {
    const run = trailgate(['check', 'fixtures/iac/terraform/project/plan.json', '--account', '111122223333', '--tf-dir', 'fixtures/iac/terraform/no-such-folder', '--format', 'json'])
    const report = JSON.parse(run.stdout) as Report
    expect(run.status).toBe(2)
    expect(report.diagnostics.map((d) => d.message)).toContain('--tf-dir fixtures/iac/terraform/no-such-folder: not a folder, so results point at the plan and not at the .tf source')
    expect(report.results.some((result) => result.status === 'fail')).toBe(true)
  })
})
