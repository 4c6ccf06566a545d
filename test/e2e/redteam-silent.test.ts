/** Runs that must not look cleaner than they are: a --tf-dir that is not there is said, and a corrupt gzip is a failed input, not a silent stop. */
import {describe, expect, it} from 'vitest'

import type {Report} from '../../src/engine/report-types.js'
import {trailgate} from './cli.js'

describe('--tf-dir that is not a folder', () => {
  it('is an error naming it (exit 2), not a run whose results silently point at the plan instead of the .tf source', () => {
    const run = trailgate(['check', 'fixtures/iac/terraform/project/plan.json', '--account', '111122223333', '--tf-dir', 'fixtures/iac/terraform/no-such-folder', '--format', 'json'])
    const report = JSON.parse(run.stdout) as Report
    expect(run.status).toBe(2)
    expect(report.diagnostics.map((d) => d.message)).toContain('--tf-dir fixtures/iac/terraform/no-such-folder: not a folder, so results point at the plan and not at the .tf source')
    expect(report.results.some((result) => result.status === 'fail')).toBe(true)
  })
})

describe('a gzip file whose deflate data is corrupt', () => {
  it('is a failed input with a report (exit 2), not a process that stops with no output', () => {
    const run = trailgate(['check', 'fixtures/events/malformed/corrupt.json.gz', 'fixtures/events/samples/console-sign-in.json', '--format', 'json'])
    expect(run.status).toBe(2)
    const report = JSON.parse(run.stdout) as Report
    const corrupt = report.inputs.find((input) => input.path === 'fixtures/events/malformed/corrupt.json.gz')
    expect(corrupt).toMatchObject({fate: 'failed', detail: expect.stringContaining('corrupt gzip data')})
    expect(report.inputs.find((input) => input.path === 'fixtures/events/samples/console-sign-in.json')?.fate).toBe('read')
  })
})
