import {gzipSync} from 'node:zlib'

import type {Log, Result as SarifResult, Run} from 'sarif'
import {describe, expect, it} from 'vitest'

import type {Result} from '../../src/model/types.js'
import {primaryLocationLineHash} from '../../src/report/fingerprint.js'
import {GITHUB_SARIF_LIMITS, renderSarif} from '../../src/report/sarif.js'
import type {SarifOptions} from '../../src/report/sarif.js'
import type {Report} from '../../src/engine/report-types.js'
import {MAIN_TRAIL_ARN, fixtureReport, policy, result} from './fixture-report.js'
import {runSarifMultitool, sarifMultitoolPath, sarifSchemaErrors} from './validators.js'

function render(report: Report, options?: SarifOptions): Run {
  const log = JSON.parse(renderSarif(report, options)) as Log
  expect(log.runs).toHaveLength(1)
  return log.runs[0]!
}

function resultFor(run: Run, ruleId: string, subjectId: string): SarifResult {
  const found = run.results?.find(
    (candidate) => candidate.ruleId === ruleId && (candidate.properties?.subject as {id: string} | undefined)?.id === subjectId,
  )
  if (found === undefined) throw new Error(`no SARIF result for ${ruleId} on ${subjectId}`)
  return found
}

const everything: SarifOptions = {includeSuppressed: true, includeUnknown: true}

describe('SARIF validity', () => {
  it('is valid against the official SARIF 2.1.0 schema, with and without the optional results', () => {
    expect(sarifSchemaErrors(renderSarif(fixtureReport()))).toEqual([])
    expect(sarifSchemaErrors(renderSarif(fixtureReport(), everything))).toEqual([])
  })

  it('is valid for a run that judged nothing and read nothing', () => {
    const report = fixtureReport()
    report.policies = []
    report.results = []
    report.inputs = []
    report.diagnostics = []
    report.notes = []
    const text = renderSarif(report)
    expect(sarifSchemaErrors(text)).toEqual([])
    expect((JSON.parse(text) as Log).runs[0]!.results).toEqual([])
  })

  it('the schema check notices a broken file', () => {
    const log = JSON.parse(renderSarif(fixtureReport())) as {runs: {tool: {driver: {name?: string}}}[]}
    delete log.runs[0]!.tool.driver.name
    expect(sarifSchemaErrors(JSON.stringify(log)).join('\n')).toContain("must have required property 'name'")
  })

  const multitool = sarifMultitoolPath()
  describe.runIf(process.platform === 'linux')('GitHub ingestion rules (sarif-multitool --rule-kind Gh)', () => {
    it('finds the multitool installed', () => {
      expect(multitool, 'node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool').toBeDefined()
    })

    it('reports no errors for a report with IaC, fileless, suppressed and unknown results and failed inputs', () => {
      const findings = runSarifMultitool(multitool!, renderSarif(fixtureReport(), everything))
      expect(findings.filter((finding) => finding.level === 'error')).toEqual([])
    })

    it('reports no errors for a live audit that read no file and has no config file', () => {
      const report = fixtureReport()
      report.command = 'audit'
      delete report.configFile
      report.inputs = [{path: '111122223333/us-east-1', kind: 'live', fate: 'read', detail: '1 trail'}]
      report.results = report.results.map(({location: _location, ...rest}) => rest)
      for (const workflowFile of [undefined, '.github/workflows/audit.yml']) {
        const text = renderSarif(report, {...everything, repository: {root: report.workingDirectory, ...(workflowFile ? {workflowFile} : {})}})
        expect((JSON.parse(text) as Log).runs[0]!.results!.length > 0).toBe(workflowFile !== undefined)
        const findings = runSarifMultitool(multitool!, text)
        expect(findings.filter((finding) => finding.level === 'error')).toEqual([])
      }
    })

    it('the multitool check notices a result without locations', () => {
      const log = JSON.parse(renderSarif(fixtureReport())) as {runs: {results: {locations?: unknown}[]}[]}
      delete log.runs[0]!.results[0]!.locations
      const findings = runSarifMultitool(multitool!, JSON.stringify(log))
      expect(findings.some((finding) => finding.level === 'error' && /GH\d+/.test(finding.ruleId))).toBe(true)
    })
  })
})

describe('SARIF rules', () => {
  it('has one rule per policy that ran, including a policy with no results, named in PascalCase', () => {
    const run = render(fixtureReport())
    const rules = run.tool.driver.rules ?? []
    expect(rules.map((rule) => rule.id)).toEqual(['kms-encryption', 'log-file-validation', 'multi-region-trail', 'cloudwatch-logs', 'insights-enabled'])
    expect(rules.map((rule) => rule.name)).toEqual(['KmsEncryption', 'LogFileValidation', 'MultiRegionTrail', 'CloudwatchLogs', 'InsightsEnabled'])
    expect(run.tool.driver).toMatchObject({name: 'trailgate', version: '0.1.0', semanticVersion: '0.1.0', informationUri: 'https://github.com/trailgate/trailgate'})
  })

  it('maps severity to security-severity and default level', () => {
    const rules = render(fixtureReport()).tool.driver.rules ?? []
    const byId = new Map(rules.map((rule) => [rule.id, rule]))
    expect(byId.get('multi-region-trail')?.properties?.['security-severity']).toBe('9.5')
    expect(byId.get('kms-encryption')?.properties?.['security-severity']).toBe('8.0')
    expect(byId.get('log-file-validation')?.properties?.['security-severity']).toBe('5.5')
    expect(byId.get('cloudwatch-logs')?.properties?.['security-severity']).toBe('2.0')
    expect(byId.get('insights-enabled')?.properties).not.toHaveProperty('security-severity')
    expect(rules.map((rule) => rule.defaultConfiguration?.level)).toEqual(['error', 'warning', 'error', 'note', 'note'])
  })

  it('gives each rule descriptions, help with the remediation, tags, precision and a help URL', () => {
    const rules = render(fixtureReport()).tool.driver.rules ?? []
    const kms = rules[0]!
    expect(kms.shortDescription?.text).toBe('Trail log files are encrypted with a KMS key')
    expect(kms.fullDescription?.text).toContain('customer managed KMS key')
    expect(kms.help?.text).toContain('Remediation: aws cloudtrail update-trail --name <trail> --kms-key-id <key>')
    expect(kms.help?.markdown).toContain('**Remediation**')
    expect(kms.properties?.tags).toEqual(['security', 'cloudtrail', 'trail', 'encryption', 'CIS AWS Foundations v3.0.0 3.5'])
    expect(kms.properties?.precision).toBe('very-high')
    expect(kms.helpUri).toBe('https://docs.aws.amazon.com/awscloudtrail/latest/userguide/encrypting-cloudtrail-log-files-with-aws-kms.html')
    // A built-in policy without reference URLs points at its own file; a custom one has no help URL.
    expect(rules[1]!.helpUri).toBe('https://github.com/trailgate/trailgate/blob/main/policies/trail/log-file-validation.yaml')
    expect(rules[4]!.helpUri).toBeUndefined()
  })

  it('keeps descriptions within GitHub\'s 1024 characters', () => {
    const report = fixtureReport()
    report.policies[0]!.description = 'x'.repeat(5000)
    const rule = render(report).tool.driver.rules![0]!
    expect(rule.fullDescription!.text.length).toBeLessThanOrEqual(1024)
  })

  it('keeps at most the tag limit per rule and says so', () => {
    const report = fixtureReport()
    report.policies[0]!.tags = Array.from({length: 30}, (_, index) => `tag-${index}`)
    const run = render(report)
    expect(run.tool.driver.rules![0]!.properties!.tags).toHaveLength(GITHUB_SARIF_LIMITS.maxTagsPerRule)
    const notes = run.invocations![0]!.toolConfigurationNotifications ?? []
    expect(notes.map((note) => note.message.text).join('\n')).toMatch(/kms-encryption has 34 tags.*at most 20/)
  })
})

describe('SARIF results', () => {
  it('emits failures only by default, each pointing at its rule', () => {
    const run = render(fixtureReport())
    const results = run.results ?? []
    expect(results.map((item) => item.ruleId)).toEqual(['multi-region-trail', 'kms-encryption', 'log-file-validation', 'cloudwatch-logs'])
    for (const item of results) {
      expect(run.tool.driver.rules![item.ruleIndex!]!.id).toBe(item.ruleId)
      expect(item.level).not.toBe('none')
      expect(item.locations).toHaveLength(1)
    }
    expect(results.map((item) => item.level)).toEqual(['error', 'error', 'warning', 'note'])
  })

  it('points IaC findings at the repository-relative file, line and column', () => {
    const run = render(fixtureReport())
    const kms = resultFor(run, 'kms-encryption', 'templates/trail.yaml#AuditTrail')
    expect(kms.locations![0]!.physicalLocation).toEqual({
      artifactLocation: {uri: 'templates/trail.yaml', uriBaseId: '%SRCROOT%'},
      region: {startLine: 12, startColumn: 7, endLine: 12, endColumn: 27},
    })
    expect(kms.locations![0]!.logicalLocations![0]).toMatchObject({name: 'AuditTrail', fullyQualifiedName: 'templates/trail.yaml#AuditTrail', kind: 'resource'})
    expect(run.originalUriBaseIds).toHaveProperty('%SRCROOT%')
    expect(run.originalUriBaseIds!['%SRCROOT%']!.uri).toBe('file:///srv/checkout/infra/')
  })

  it('anchors live findings to the config file at line 1 and names ARN, account and region', () => {
    const found = resultFor(render(fixtureReport()), 'log-file-validation', MAIN_TRAIL_ARN)
    expect(found.locations![0]!.physicalLocation).toMatchObject({artifactLocation: {uri: '.trailgate.yaml'}, region: {startLine: 1, startColumn: 1}})
    expect(found.message.text).toContain(MAIN_TRAIL_ARN)
    expect(found.message.text).toContain('account 111122223333')
    expect(found.message.text).toContain('region us-east-1')
    const logical = found.locations![0]!.logicalLocations!.map((entry) => entry.fullyQualifiedName)
    expect(logical).toEqual([MAIN_TRAIL_ARN, '111122223333/us-east-1', '111122223333'])
  })

  it('anchors to the first file read when there is no config file, else to the workflow file, else leaves the result out and says so', () => {
    const report = fixtureReport()
    delete report.configFile
    report.inputs.unshift({path: '111122223333/eu-west-1', kind: 'live', fate: 'read', detail: '0 trails'})
    let found = resultFor(render(report), 'log-file-validation', MAIN_TRAIL_ARN)
    expect(found.locations![0]!.physicalLocation!.artifactLocation!.uri).toBe('templates/trail.yaml')

    report.inputs = report.inputs.filter((input) => input.kind === 'live')
    const workflowFile = '.github/workflows/audit.yml'
    found = resultFor(render(report, {repository: {root: report.workingDirectory, workflowFile}}), 'log-file-validation', MAIN_TRAIL_ARN)
    expect(found.locations![0]!.physicalLocation).toMatchObject({artifactLocation: {uri: workflowFile, uriBaseId: '%SRCROOT%'}, region: {startLine: 1}})

    const run = render(report)
    const fileless = report.results.filter((r) => r.status === 'fail' && r.location === undefined).length
    expect(fileless).toBeGreaterThan(0)
    expect(run.results!.every((r) => r.locations!.length === 1 && r.locations![0]!.physicalLocation!.artifactLocation!.uri !== undefined)).toBe(true)
    expect(run.results!.some((r) => (r.properties?.subject as {id: string}).id === MAIN_TRAIL_ARN)).toBe(false)
    expect(run.properties!.unanchoredResults).toBe(fileless)
    const note = run.invocations![0]!.toolExecutionNotifications!.find((n) => n.descriptor?.id === 'sarif-results-unanchored')
    expect(note?.message.text).toMatch(new RegExp(`^${fileless} results have no file in the repository`))
  })

  it('makes URIs relative to the repository root, not the working directory, and names files outside it', () => {
    const report = fixtureReport()
    const root = report.workingDirectory.replace(/\/infra$/, '')
    const run = render(report, {repository: {root}})
    const kms = resultFor(run, 'kms-encryption', 'templates/trail.yaml#AuditTrail')
    expect(kms.locations![0]!.physicalLocation!.artifactLocation).toEqual({uri: 'infra/templates/trail.yaml', uriBaseId: '%SRCROOT%'})
    expect(run.originalUriBaseIds!['%SRCROOT%']!.uri).toBe(`file://${root}/`)
    expect(resultFor(run, 'log-file-validation', MAIN_TRAIL_ARN).locations![0]!.physicalLocation!.artifactLocation!.uri).toBe('infra/.trailgate.yaml')

    report.results[0]!.location = {file: '../../elsewhere/trail.yaml', line: 3, column: 1}
    const outside = resultFor(render(report, {repository: {root}}), 'kms-encryption', 'templates/trail.yaml#AuditTrail')
    expect(outside.locations![0]!.physicalLocation!.artifactLocation!.uri).toBe('infra/.trailgate.yaml')
    expect(outside.message.text).toContain('../../elsewhere/trail.yaml:3:1')
  })

  it('never emits an absolute URI: a finding in a file outside the repository is anchored and names the file', () => {
    const report = fixtureReport()
    report.results[0]!.location = {file: '/tmp/elsewhere/trail.yaml', line: 3, column: 1}
    const found = resultFor(render(report), 'kms-encryption', 'templates/trail.yaml#AuditTrail')
    expect(found.locations![0]!.physicalLocation!.artifactLocation!.uri).toBe('.trailgate.yaml')
    expect(found.message.text).toContain('/tmp/elsewhere/trail.yaml:3:1')
  })

  it('percent-encodes paths that are not valid URI characters', () => {
    const report = fixtureReport()
    report.results[0]!.location = {file: 'stacks/audit trail #1.yaml', line: 2, column: 3}
    const found = resultFor(render(report), 'kms-encryption', 'templates/trail.yaml#AuditTrail')
    expect(found.locations![0]!.physicalLocation!.artifactLocation!.uri).toBe('stacks/audit%20trail%20%231.yaml')
  })

  it('carries suppressed results with their justification only when asked', () => {
    expect(render(fixtureReport()).results!.some((item) => item.suppressions !== undefined)).toBe(false)
    const run = render(fixtureReport(), {includeSuppressed: true})
    const waived = resultFor(run, 'kms-encryption', MAIN_TRAIL_ARN)
    expect(waived.suppressions).toEqual([
      expect.objectContaining({kind: 'external', status: 'accepted', justification: 'Bucket-level SSE-KMS enforced by SCP (until 2026-12-31)'}),
    ])
    expect(waived.suppressions![0]!.location!.physicalLocation!.region!.startLine).toBe(8)
    const inline = resultFor(run, 'cloudwatch-logs', 'templates/trail.yaml#AuditTrail')
    expect(inline.suppressions![0]).toMatchObject({kind: 'inSource', justification: 'Logs go to the SIEM'})
  })

  it('emits unknown results as review items with level none only when asked', () => {
    expect(render(fixtureReport()).results!.some((item) => item.kind === 'review')).toBe(false)
    const unknown = resultFor(render(fixtureReport(), {includeUnknown: true}), 'cloudwatch-logs', 'cdk.out/Stack.template.json#Trail')
    expect(unknown).toMatchObject({kind: 'review', level: 'none'})
  })

  it('sets automationDetails.id from the report category', () => {
    expect(render(fixtureReport()).automationDetails).toEqual({id: 'trailgate/check/'})
  })
})

describe('SARIF invocation', () => {
  it('reports input diagnostics, failed and skipped inputs and evaluation errors as notifications', () => {
    const invocation = render(fixtureReport()).invocations![0]!
    const notifications = invocation.toolExecutionNotifications ?? []
    const syntax = notifications.find((note) => note.descriptor?.id === 'json-syntax')
    expect(syntax).toMatchObject({level: 'error', message: {text: 'Unexpected token } in JSON'}})
    expect(syntax!.locations![0]!.physicalLocation).toEqual({
      artifactLocation: {uri: 'evidence/broken.json', uriBaseId: '%SRCROOT%'},
      region: {startLine: 3, startColumn: 14, endLine: 3},
    })
    const texts = notifications.map((note) => note.message.text)
    expect(texts).toContain('Input evidence/notes.txt was skipped: not a recognised input format')
    // The failed input already has its own diagnostic; it is not reported twice.
    expect(texts.filter((text) => text?.includes('evidence/broken.json failed') === true)).toEqual([])
    const evaluation = notifications.find((note) => note.descriptor?.id === 'evaluation-error')
    expect(evaluation).toMatchObject({level: 'error', associatedRule: {id: 'log-file-validation', index: 1}})
    expect(invocation.executionSuccessful).toBe(false)
  })

  it('reports a failed input that has no diagnostic of its own', () => {
    const report = fixtureReport()
    report.diagnostics = []
    const texts = (render(report).invocations![0]!.toolExecutionNotifications ?? []).map((note) => note.message.text)
    expect(texts).toContain('Input evidence/broken.json failed: JSON syntax error at 3:14')
  })

  it('is successful when the exit code is 0 or 1', () => {
    const report = fixtureReport()
    report.exitCode = 1
    expect(render(report).invocations![0]!.executionSuccessful).toBe(true)
  })
})

describe('SARIF fingerprints', () => {
  it('keeps primaryLocationLineHash when an unrelated line is added above the finding', () => {
    const before = fixtureReport()
    const after = fixtureReport()
    after.results[0]!.location = {...after.results[0]!.location!, line: 13, endLine: 13}
    const hashBefore = resultFor(render(before), 'kms-encryption', 'templates/trail.yaml#AuditTrail').partialFingerprints
    const movedResult = resultFor(render(after), 'kms-encryption', 'templates/trail.yaml#AuditTrail')
    expect(movedResult.locations![0]!.physicalLocation!.region!.startLine).toBe(13)
    expect(movedResult.partialFingerprints).toEqual(hashBefore)
    expect(hashBefore!.primaryLocationLineHash).toMatch(/^[0-9a-f]{16}:1$/)
  })

  it('gives distinct fingerprints to findings that share an anchor line', () => {
    const run = render(fixtureReport())
    const anchored = (run.results ?? []).filter((item) => item.locations![0]!.physicalLocation!.artifactLocation!.uri === '.trailgate.yaml')
    expect(anchored.length).toBeGreaterThan(1)
    const hashes = new Set(anchored.map((item) => item.partialFingerprints!.primaryLocationLineHash))
    expect(hashes.size).toBe(anchored.length)
  })

  it('depends on policy and subject only', () => {
    expect(primaryLocationLineHash('kms-encryption', MAIN_TRAIL_ARN)).toBe(primaryLocationLineHash('kms-encryption', MAIN_TRAIL_ARN))
    expect(primaryLocationLineHash('kms-encryption', MAIN_TRAIL_ARN)).not.toBe(primaryLocationLineHash('log-file-validation', MAIN_TRAIL_ARN))
    expect(primaryLocationLineHash('kms-encryption', MAIN_TRAIL_ARN)).not.toBe(primaryLocationLineHash('kms-encryption', `${MAIN_TRAIL_ARN}2`))
  })
})

describe('SARIF limits', () => {
  function manyFailures(count: number): Report {
    const report = fixtureReport()
    report.policies = [policy({id: 'b-policy', severity: 'medium'}), policy({id: 'a-policy', severity: 'high'})]
    const results: Result[] = []
    for (let index = 0; index < count; index++) {
      const subject = {type: 'trail' as const, id: `arn:aws:cloudtrail:us-east-1:111122223333:trail/t${String(index).padStart(5, '0')}`, label: `t${index}`}
      results.push(result({policy: index % 3 === 0 ? 'a-policy' : 'b-policy', severity: index % 3 === 0 ? 'high' : 'medium', subject}))
    }
    report.results = results
    return report
  }

  it('keeps the most severe results first, then by policy id and subject id, and says what was left out', () => {
    const report = fixtureReport()
    report.results.push(result({policy: 'kms-encryption', severity: 'high', subject: {type: 'trail', id: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/a', label: 'a'}}))
    const run = render(report, {limits: {maxResults: 3}})
    expect((run.results ?? []).map((item) => [item.ruleId, (item.properties!.subject as {id: string}).id])).toEqual([
      ['multi-region-trail', '111122223333'],
      ['kms-encryption', 'arn:aws:cloudtrail:us-east-1:111122223333:trail/a'],
      ['kms-encryption', 'templates/trail.yaml#AuditTrail'],
    ])
    const truncation = run.invocations![0]!.toolExecutionNotifications!.find((note) => note.descriptor?.id === 'sarif-results-truncated')
    expect(truncation?.level).toBe('warning')
    expect(truncation?.message.text).toContain('Only 3 of 5 results')
    expect(truncation?.message.text).toContain('at most 3 results per run')
    expect(run.properties?.omittedResults).toBe(2)
  })

  it('truncates the same way whatever order the results came in', () => {
    const report = manyFailures(40)
    const reversed = manyFailures(40)
    reversed.results.reverse()
    expect(renderSarif(reversed, {limits: {maxResults: 10}})).toBe(renderSarif(report, {limits: {maxResults: 10}}))
  })

  it('drops results until the gzipped file fits, keeping it valid', () => {
    const report = manyFailures(400)
    const limit = 6_000
    const text = renderSarif(report, {limits: {maxGzippedBytes: limit}})
    expect(gzipSync(text).length).toBeLessThanOrEqual(limit)
    const run = (JSON.parse(text) as Log).runs[0]!
    expect(run.results!.length).toBeGreaterThan(0)
    expect(run.results!.length).toBeLessThan(400)
    // All kept results are the high ones (a-policy) before any medium one.
    const severities = run.results!.map((item) => item.properties!.severity as string)
    expect(severities.indexOf('medium') === -1 || severities.lastIndexOf('high') < severities.indexOf('medium')).toBe(true)
    const truncation = run.invocations![0]!.toolExecutionNotifications!.find((note) => note.descriptor?.id === 'sarif-results-truncated')
    expect(truncation?.message.text).toContain(`under ${limit} bytes gzipped`)
    expect(sarifSchemaErrors(text)).toEqual([])
  })

  it('exports GitHub\'s limits', () => {
    expect(GITHUB_SARIF_LIMITS).toEqual({maxResults: 25_000, maxGzippedBytes: 10 * 1024 * 1024, maxLocationsPerResult: 1_000, maxTagsPerRule: 20})
  })
})
