import {mkdtempSync, readdirSync, readFileSync} from 'node:fs'
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

describe('a report file given as - goes to standard output (end to end, built CLI)', () => {
  const evidence = join(import.meta.dirname, '..', '..', EVIDENCE)
  const inEmptyFolder = (args: string[]) => {
    const dir = mkdtempSync(join(tmpdir(), 'trailgate-dash-'))
    return {dir, run: trailgate(['check', evidence, ...args], {cwd: dir})}
  }

  it.each([
    ['sarif', (out: string) => expect((JSON.parse(out) as {version: string}).version).toBe('2.1.0')],
    ['json', (out: string) => expect((JSON.parse(out) as Report).summary.counts.fail).toBeGreaterThan(0)],
    ['junit', (out: string) => expect(out).toMatch(/^<\?xml[^]*<testsuites /)],
    ['markdown', (out: string) => expect(out).toMatch(/^## trailgate check: failed/)],
  ] as const)('--%s - prints that report in place of the text one, and writes no file named -', (format, isReport) => {
    const {dir, run} = inEmptyFolder([`--${format}`, '-'])
    expect(run.status).toBe(1)
    isReport(run.stdout)
    expect(run.stdout).not.toContain('Summary:')
    expect(readdirSync(dir)).toEqual([])
  })

  it('still writes the other reports to their files, and agrees with --format naming the same report', () => {
    const {dir, run} = inEmptyFolder(['--format', 'json', '--json', '-', '--junit', 'r.xml'])
    expect(run.status).toBe(1)
    expect((JSON.parse(run.stdout) as Report).exitCode).toBe(1)
    expect(readdirSync(dir)).toEqual(['r.xml'])
  })

  it.each([
    [['--sarif', '-', '--format', 'text'], /--sarif -[^]*--format\s+text/],
    [['--sarif', '-', '--output', 'json'], /--sarif -[^]*--format\s+json/],
    [['--sarif', '-', '--json', '-'], /--json and --sarif[^]*one\s+report/],
  ])('refuses %j: two reports would share standard output', (args, message) => {
    const {dir, run} = inEmptyFolder(args)
    expect(run.status).toBe(2)
    expect(run.stderr).toMatch(message)
    expect(run.stdout).toBe('')
    expect(readdirSync(dir)).toEqual([])
  })
})
