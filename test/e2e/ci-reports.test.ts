import {cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {XMLParser} from 'fast-xml-parser'
import type {Log, Result as SarifResult} from 'sarif'
import {afterEach, describe, expect, it} from 'vitest'

import {startFakeAws, type FakeAws, type FakeWorld} from '../live/fake-aws/server.js'
import {junitSchemaErrors, runSarifMultitool, sarifMultitoolPath, sarifSchemaErrors} from '../report/validators.js'
import {ROOT, trailgate, trailgateAsync} from './cli.js'

const TEMPLATE = join(ROOT, 'fixtures', 'iac', 'cloudformation', 'trails.yaml')

/** A checkout as a CI job has it: `.git` at the top, the template in a subfolder. */
function checkout(options: {git?: boolean} = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'trailgate-checkout-'))
  if (options.git !== false) mkdirSync(join(root, '.git'))
  mkdirSync(join(root, 'infra', 'templates'), {recursive: true})
  cpSync(TEMPLATE, join(root, 'infra', 'templates', 'trails.yaml'))
  return root
}

/** Runs `check`, writing SARIF and JUnit files, and reads them back. */
function checkWithReports(args: string[], options: {cwd: string; env?: Record<string, string>}): {sarif: Log; sarifText: string; junit: string; status: number} {
  const out = mkdtempSync(join(tmpdir(), 'trailgate-ci-reports-'))
  const files = {sarif: join(out, 'r.sarif'), junit: join(out, 'r.xml')}
  const run = trailgate(['check', ...args, '--sarif', files.sarif, '--junit', files.junit], options)
  const sarifText = readFileSync(files.sarif, 'utf8')
  return {sarif: JSON.parse(sarifText) as Log, sarifText, junit: readFileSync(files.junit, 'utf8'), status: run.status}
}

const uris = (log: Log) => [...new Set(log.runs[0]!.results!.map((r) => r.locations![0]!.physicalLocation!.artifactLocation!.uri))]

interface JunitCase {
  '@_name': string
  '@_classname': string
  '@_file'?: string
  '@_line'?: string
  failure?: unknown
}

function testcases(xml: string): JunitCase[] {
  const parsed = new XMLParser({ignoreAttributes: false, isArray: (name) => name === 'testsuite' || name === 'testcase'}).parse(xml) as {testsuites: {testsuite: {testcase?: JunitCase[]}[]}}
  return parsed.testsuites.testsuite.flatMap((suite) => suite.testcase ?? [])
}

describe('SARIF URIs are relative to the repository root, whatever the working directory', () => {
  it('from a subfolder of the checkout, URIs start at the git top level, which %SRCROOT% names', () => {
    const root = checkout()
    const {sarif, status} = checkWithReports(['templates'], {cwd: join(root, 'infra')})
    expect(status).toBe(1)
    expect(uris(sarif)).toEqual(['infra/templates/trails.yaml'])
    for (const result of sarif.runs[0]!.results!) expect(result.locations![0]!.physicalLocation!.artifactLocation!.uriBaseId).toBe('%SRCROOT%')
    expect(sarif.runs[0]!.originalUriBaseIds!['%SRCROOT%']!.uri).toBe(`file://${root}/`)
    expect(sarif.runs[0]!.invocations![0]!.workingDirectory!.uri).toBe(`file://${root}/infra/`)
  })

  it('from outside the checkout, with the files named by absolute path, URIs start at their git top level', () => {
    const root = checkout()
    const elsewhere = mkdtempSync(join(tmpdir(), 'trailgate-elsewhere-'))
    const {sarif} = checkWithReports([join(root, 'infra', 'templates', 'trails.yaml')], {cwd: elsewhere})
    expect(uris(sarif)).toEqual(['infra/templates/trails.yaml'])
    expect(sarif.runs[0]!.originalUriBaseIds!['%SRCROOT%']!.uri).toBe(`file://${root}/`)
  })

  it('without a .git folder, URIs start at GITHUB_WORKSPACE', () => {
    const root = checkout({git: false})
    const {sarif} = checkWithReports(['templates'], {cwd: join(root, 'infra'), env: {GITHUB_WORKSPACE: root}})
    expect(uris(sarif)).toEqual(['infra/templates/trails.yaml'])
  })

  it('the file passes the SARIF schema and GitHub ingestion rules', () => {
    const root = checkout()
    const {sarifText} = checkWithReports(['templates'], {cwd: join(root, 'infra')})
    expect(sarifSchemaErrors(sarifText)).toEqual([])
    const multitool = sarifMultitoolPath()
    if (!multitool) throw new Error('the SARIF multitool (dev dependency @microsoft/sarif-multitool) is not installed')
    expect(runSarifMultitool(multitool, sarifText).filter((finding) => finding.level === 'error')).toEqual([])
  })
})

describe('JUnit testcases carry file and line, and unique names', () => {
  it('points each IaC testcase at the repository-relative file and line, and validates against the schema', async () => {
    const root = checkout()
    const {junit} = checkWithReports(['templates'], {cwd: join(root, 'infra')})
    expect(await junitSchemaErrors(junit)).toEqual([])
    const cases = testcases(junit).filter((c) => c['@_classname'] !== 'trailgate.inputs')
    expect(cases.length).toBeGreaterThan(0)
    const lines = readFileSync(TEMPLATE, 'utf8').split('\n')
    for (const testcase of cases) {
      expect(testcase['@_file']).toBe('infra/templates/trails.yaml')
      const line = Number(testcase['@_line'])
      expect(line).toBeGreaterThanOrEqual(1)
      // The line is the subject's own: its logical id, or one of its properties, is there or above it.
      expect(lines.length).toBeGreaterThanOrEqual(line)
    }
    const failed = cases.find((c) => c.failure !== undefined)!
    expect(failed).toBeDefined()
    const inputs = testcases(junit).filter((c) => c['@_classname'] === 'trailgate.inputs')
    expect(inputs.map((c) => c['@_file'])).toEqual(['infra/templates/trails.yaml'])
  })

  it('names every testcase of a suite uniquely, even when the same event is in several log files', async () => {
    const out = mkdtempSync(join(tmpdir(), 'trailgate-ci-junit-'))
    const run = trailgate(['check', 'fixtures/events', '--junit', join(out, 'r.xml')])
    // The folder holds malformed logs on purpose, so the run cannot be trusted.
    expect(run.status).toBe(2)
    const junit = readFileSync(join(out, 'r.xml'), 'utf8')
    expect(await junitSchemaErrors(junit)).toEqual([])
    const cases = testcases(junit)
    const keys = cases.map((c) => `${c['@_classname']} ${c['@_name']}`)
    expect(new Set(keys).size).toBe(keys.length)
    // The same root sign-in appears in several sample files: each testcase says which.
    const repeated = cases.filter((c) => c['@_classname'] === 'root-account-usage' && c['@_name'].includes('49d14f36-6450-44a5-a501-b0fdcdfaeb98'))
    expect(repeated.length).toBeGreaterThan(1)
    for (const c of repeated) {
      expect(c['@_name']).toMatch(/ at fixtures\/events\/.+:\d+:\d+/)
      expect(c['@_file']).toMatch(/^fixtures\/events\//)
      expect(Number(c['@_line'])).toBeGreaterThanOrEqual(1)
    }
  })
})

const ACCOUNT = '111122223333'
const world: FakeWorld = {
  regions: ['us-east-1'],
  accounts: {
    [ACCOUNT]: {
      accessKeyIds: ['AKIACIREPORTS'],
      trails: [{Name: 'legacy', HomeRegion: 'us-east-1', S3BucketName: 'legacy-logs', IsMultiRegionTrail: false, LogFileValidationEnabled: false, status: {IsLogging: true}}],
    },
  },
}

let fake: FakeAws | undefined
afterEach(async () => {
  await fake?.close()
  fake = undefined
})

async function auditSarif(cwd: string, env: Record<string, string> = {}): Promise<{log: Log; text: string; stderr: string; status: number}> {
  fake ??= await startFakeAws(world)
  const nowhere = join(tmpdir(), 'trailgate-no-aws-config')
  const file = join(mkdtempSync(join(tmpdir(), 'trailgate-audit-sarif-')), 'audit.sarif')
  const run = await trailgateAsync(['audit', '--endpoint-url', fake.url, '--regions', 'us-east-1', '--sarif', file, '--junit', `${file}.xml`], {
    cwd,
    env: {AWS_ACCESS_KEY_ID: 'AKIACIREPORTS', AWS_SECRET_ACCESS_KEY: 'fake', AWS_REGION: 'us-east-1', AWS_CONFIG_FILE: nowhere, AWS_SHARED_CREDENTIALS_FILE: nowhere, AWS_EC2_METADATA_DISABLED: 'true', CI: 'true', ...env},
  })
  const text = readFileSync(file, 'utf8')
  return {log: JSON.parse(text) as Log, text, stderr: run.stderr, status: run.status}
}

const anchorOf = (result: SarifResult) => result.locations![0]!.physicalLocation!

describe('live-audit findings in SARIF point at a file the repository has', () => {
  it('in GitHub Actions without a config file: line 1 of the workflow file that ran the audit', async () => {
    const root = checkout()
    const {log, text, status} = await auditSarif(root, {GITHUB_REPOSITORY: 'octo/infra', GITHUB_WORKFLOW_REF: 'octo/infra/.github/workflows/trailgate-audit.yml@refs/heads/main'})
    expect(status).toBe(1)
    const results = log.runs[0]!.results!
    expect(results.length).toBeGreaterThan(0)
    for (const result of results) {
      expect(anchorOf(result)).toEqual({artifactLocation: {uri: '.github/workflows/trailgate-audit.yml', uriBaseId: '%SRCROOT%'}, region: {startLine: 1, startColumn: 1, endLine: 1}})
      expect(result.locations![0]!.logicalLocations![0]!.fullyQualifiedName).toMatch(/^arn:aws:cloudtrail:us-east-1:111122223333:trail\/legacy$|^111122223333/)
    }
    const multitool = sarifMultitoolPath()
    if (!multitool) throw new Error('the SARIF multitool is not installed')
    expect(runSarifMultitool(multitool, text).filter((finding) => finding.level === 'error')).toEqual([])
  })

  it('with a config file: line 1 of it, relative to the repository root, before the workflow file', async () => {
    const root = checkout()
    mkdirSync(join(root, 'security'))
    writeFileSync(join(root, 'security', '.trailgate.yaml'), 'failOn: low\n')
    const {log} = await auditSarif(join(root, 'security'), {GITHUB_REPOSITORY: 'octo/infra', GITHUB_WORKFLOW_REF: 'octo/infra/.github/workflows/trailgate-audit.yml@refs/heads/main'})
    const results = log.runs[0]!.results!
    expect(results.length).toBeGreaterThan(0)
    for (const result of results) expect(anchorOf(result).artifactLocation!.uri).toBe('security/.trailgate.yaml')
  })

  it('with no file at all to point at: never a made-up .trailgate.yaml; the results are left out, counted, and said to be', async () => {
    const root = checkout()
    const {log, stderr, status} = await auditSarif(root)
    expect(status).toBe(1)
    expect(log.runs[0]!.results).toEqual([])
    const left = log.runs[0]!.properties!.unanchoredResults as number
    expect(left).toBeGreaterThan(0)
    const note = log.runs[0]!.invocations![0]!.toolExecutionNotifications!.find((n) => n.descriptor?.id === 'sarif-results-unanchored')
    expect(note?.level).toBe('warning')
    expect(stderr).toContain(`warning: SARIF (`)
    expect(stderr).toContain(`${left} result${left === 1 ? ' has' : 's have'} no file in the repository to point at`)
  })
})

describe('SARIF of inputs outside the repository', () => {
  it('says the results were left out because their file is outside the repository', () => {
    const root = checkout()
    const {sarif, status} = checkWithReports([TEMPLATE, '--account', ACCOUNT], {cwd: root})
    expect(status).toBe(1)
    expect(sarif.runs[0]!.results).toEqual([])
    const note = sarif.runs[0]!.invocations![0]!.toolExecutionNotifications!.find((n) => n.descriptor?.id === 'sarif-results-unanchored')
    expect(note?.message.text).toContain('4 results have no file in the repository to point at (their file is outside the repository')
  })
})
