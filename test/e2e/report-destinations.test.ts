import {mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import type {Report} from '../../src/engine/report-types.js'
import {trailgate} from './cli.js'

const EVIDENCE = 'fixtures/evidence/mixed-account'

describe('the markdown summary counts each problem once (end to end, built CLI)', () => {
  it('one missing input with its one diagnostic is one error, as the JSON summary and the Action output say', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trailgate-md-'))
    const [markdown, json] = [join(dir, 'r.md'), join(dir, 'r.json')]
    const run = trailgate(['check', EVIDENCE, join(dir, 'missing.json'), '--markdown', markdown, '--json', json])
    expect(run.status).toBe(2)
    const report = JSON.parse(readFileSync(json, 'utf8')) as Report
    expect(report.summary.inputs.failed).toBe(1)
    expect(report.summary.diagnostics.errors).toBe(1)
    expect(readFileSync(markdown, 'utf8')).toContain('(1 error in inputs, policies or evaluation)')
  })
})
