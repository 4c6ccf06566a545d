import {mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {junitSchemaErrors, runSarifMultitool, sarifMultitoolPath, sarifSchemaErrors} from '../report/validators.js'
import {trailgate} from './cli.js'

/** One run writing every report at once, as CI does; text still goes to standard output. */
function runWithReports(args: string[]): {sarif: string; junit: string; markdown: string; json: string; stdout: string} {
  const dir = mkdtempSync(join(tmpdir(), 'trailgate-reports-'))
  const files = {sarif: join(dir, 'r.sarif'), junit: join(dir, 'r.xml'), markdown: join(dir, 'r.md'), json: join(dir, 'r.json')}
  const run = trailgate(['check', ...args, '--sarif', files.sarif, '--junit', files.junit, '--markdown', files.markdown, '--json', files.json, '--sarif-include-unknown', '--sarif-include-suppressed'])
  return {
    sarif: readFileSync(files.sarif, 'utf8'),
    junit: readFileSync(files.junit, 'utf8'),
    markdown: readFileSync(files.markdown, 'utf8'),
    json: readFileSync(files.json, 'utf8'),
    stdout: run.stdout,
  }
}

const RUNS: [string, string[]][] = [
  ['IaC findings with lines and unknowns', ['fixtures/iac/cloudformation/trails.yaml', 'fixtures/iac/terraform/project/plan.json', 'fixtures/iac/cdk-app/cdk.out', 'fixtures/iac/cloudformation/intrinsics.yaml']],
  ['snapshot findings without a file line of their own', ['fixtures/evidence/snapshot-org.json']],
  ['inputs that failed', ['fixtures/evidence/bad', 'fixtures/evidence/mixed-account']],
  ['CloudTrail record findings', ['fixtures/events']],
]

describe('reports written by real runs are accepted by the real validators', () => {
  const multitool = sarifMultitoolPath()

  it.each(RUNS)('%s: SARIF 2.1.0 schema, GitHub ingestion rules, Jenkins JUnit XSD', async (_name, args) => {
    const reports = runWithReports(args)
    expect(sarifSchemaErrors(reports.sarif)).toEqual([])
    if (!multitool) throw new Error('the SARIF multitool (dev dependency @microsoft/sarif-multitool) is not installed')
    expect(runSarifMultitool(multitool, reports.sarif).filter((f) => f.level === 'error')).toEqual([])
    expect(await junitSchemaErrors(reports.junit)).toEqual([])
    expect(reports.stdout).toContain('Summary:')
    const json = JSON.parse(reports.json) as {summary: {counts: {fail: number}}}
    const sarif = JSON.parse(reports.sarif) as {runs: {results: {kind?: string}[]}[]}
    const sarifFails = sarif.runs[0]!.results.filter((r) => (r.kind ?? 'fail') === 'fail').length
    expect(sarifFails).toBe(json.summary.counts.fail)
  })

  it('carries an unknown result as a SARIF review item and a skipped JUnit case', () => {
    const reports = runWithReports(['fixtures/iac/cloudformation/intrinsics.yaml', '--account', '111122223333'])
    const sarif = JSON.parse(reports.sarif) as {runs: {results: {kind?: string; level?: string}[]}[]}
    expect(sarif.runs[0]!.results.some((r) => r.kind === 'review' && r.level === 'none')).toBe(true)
    expect(reports.junit).toMatch(/<skipped>unknown: /)
  })
})
