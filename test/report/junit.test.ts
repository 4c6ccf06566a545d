import {XMLParser} from 'fast-xml-parser'
import {describe, expect, it} from 'vitest'

import {INPUTS_SUITE, renderJunit} from '../../src/report/junit.js'
import {MAIN_TRAIL_ARN, fixtureReport} from './fixture-report.js'
import {junitSchemaErrors} from './validators.js'

interface Fault {
  message?: string
  type?: string
  '#text'?: string
}
interface Testcase {
  name?: string
  classname?: string
  failure?: Fault
  error?: Fault
  skipped?: string
  'system-out'?: string
}
interface Counted {
  name?: string
  tests?: string
  failures?: string
  errors?: string
  time?: string
}
interface Testsuite extends Counted {
  skipped?: string
  timestamp?: string
  properties?: {property: {name: string; value: string}[]}
  testcase?: Testcase[]
}
interface Parsed {
  testsuites: Counted & {testsuite: Testsuite[]}
}

function parse(xml: string): Parsed {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseAttributeValue: false,
    parseTagValue: false,
    trimValues: false,
    htmlEntities: true,
    isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name),
  })
  return parser.parse(xml) as Parsed
}

function suite(parsed: Parsed, name: string): Testsuite {
  const found = parsed.testsuites.testsuite.find((candidate) => candidate.name === name)
  if (found === undefined) throw new Error(`no testsuite ${name}`)
  return found
}

function testcase(parsed: Parsed, suiteName: string, name: string): Testcase {
  const found = suite(parsed, suiteName).testcase?.find((candidate) => candidate.name === name)
  if (found === undefined) throw new Error(`no testcase ${name} in ${suiteName}`)
  return found
}

describe('JUnit XML', () => {
  it('is valid against the Jenkins JUnit XSD', async () => {
    expect(await junitSchemaErrors(renderJunit(fixtureReport()))).toEqual([])
  })

  it('is valid for a run that judged nothing and read nothing', async () => {
    const report = fixtureReport()
    report.policies = []
    report.results = []
    report.inputs = []
    report.diagnostics = []
    const xml = renderJunit(report)
    expect(await junitSchemaErrors(xml)).toEqual([])
    expect(parse(xml).testsuites).toMatchObject({tests: '0', failures: '0', errors: '0'})
  })

  it('the XSD check notices an attribute the schema does not allow', async () => {
    const xml = renderJunit(fixtureReport()).replace('<testsuites ', '<testsuites skipped="1" ')
    expect((await junitSchemaErrors(xml)).join('\n')).toContain("attribute 'skipped' is not allowed")
  })

  it('has one testsuite per policy, a case per judged subject, and an inputs suite', () => {
    const parsed = parse(renderJunit(fixtureReport()))
    expect(parsed.testsuites.testsuite.map((item) => item.name)).toEqual([
      'kms-encryption',
      'log-file-validation',
      'multi-region-trail',
      'cloudwatch-logs',
      'insights-enabled',
      INPUTS_SUITE,
    ])
    const kms = suite(parsed, 'kms-encryption')
    expect(kms.testcase!.map((item) => [item.classname, item.name])).toEqual([
      ['kms-encryption', `main (${MAIN_TRAIL_ARN})`],
      ['kms-encryption', 'AuditTrail (templates/trail.yaml#AuditTrail)'],
    ])
  })

  it('keeps a suite with zero tests for a policy that judged nothing, with its not-applicable count', () => {
    const insights = suite(parse(renderJunit(fixtureReport())), 'insights-enabled')
    expect(insights).toMatchObject({tests: '0', failures: '0', errors: '0', skipped: '0', timestamp: '2026-03-01T10:00:00.000Z'})
    expect(insights.testcase).toBeUndefined()
    expect(insights.properties!.property).toContainEqual({name: 'notApplicable', value: '2'})
  })

  it('counts tests, failures, errors and skipped on every suite and totals on testsuites', () => {
    const parsed = parse(renderJunit(fixtureReport()))
    expect(suite(parsed, 'log-file-validation')).toMatchObject({tests: '3', failures: '1', errors: '1', skipped: '0'})
    expect(suite(parsed, 'cloudwatch-logs')).toMatchObject({tests: '3', failures: '1', errors: '0', skipped: '2'})
    expect(suite(parsed, INPUTS_SUITE)).toMatchObject({tests: '5', failures: '0', errors: '1', skipped: '1'})
    expect(parsed.testsuites).toMatchObject({name: 'trailgate', tests: '14', failures: '4', errors: '2', time: '2.500'})
    for (const item of parsed.testsuites.testsuite) expect(item.timestamp).toBe('2026-03-01T10:00:00.000Z')
  })

  it('writes failures with message, severity, details, remediation and location', () => {
    const failure = testcase(parse(renderJunit(fixtureReport())), 'kms-encryption', 'AuditTrail (templates/trail.yaml#AuditTrail)').failure!
    expect(failure.message).toBe('Trail AuditTrail is not encrypted: KmsKeyId is missing, expected it to exist.')
    expect(failure.type).toBe('high')
    expect(failure['#text']).toContain('- KmsKeyId: expected exists, actual missing')
    expect(failure['#text']).toContain('Remediation: aws cloudtrail update-trail --name AuditTrail --kms-key-id <key>')
    expect(failure['#text']).toContain('Location: templates/trail.yaml:12:7')
  })

  it('names the account and region of a failure without a file', () => {
    const failure = testcase(parse(renderJunit(fixtureReport())), 'log-file-validation', `main (${MAIN_TRAIL_ARN})`).failure!
    expect(failure['#text']).toContain(`Subject: trail ${MAIN_TRAIL_ARN} (account 111122223333, region us-east-1)`)
  })

  it('skips suppressed and unknown results with their reason, and reports evaluation errors as errors', () => {
    const parsed = parse(renderJunit(fixtureReport()))
    expect(testcase(parsed, 'kms-encryption', `main (${MAIN_TRAIL_ARN})`).skipped).toBe(
      'suppressed (waiver, until 2026-12-31, approved by security@example.com, at .trailgate.yaml:8:5): Bucket-level SSE-KMS enforced by SCP',
    )
    expect(testcase(parsed, 'cloudwatch-logs', 'Stack/Trail (cdk.out/Stack.template.json#Trail)').skipped).toBe(
      'unknown: CloudWatchLogsLogGroupArn is !GetAtt LogGroup.Arn',
    )
    const error = testcase(parsed, 'log-file-validation', 'dev (arn:aws:cloudtrail:eu-west-1:111122223333:trail/dev)').error!
    expect(error.message).toBe('Evaluation failed: pattern refers to ${missing}')
    expect(testcase(parsed, 'log-file-validation', 'AuditTrail (templates/trail.yaml#AuditTrail)').failure).toBeUndefined()
  })

  it('shows each failed input as an error testcase with its diagnostics', () => {
    const parsed = parse(renderJunit(fixtureReport()))
    const broken = testcase(parsed, INPUTS_SUITE, 'evidence/broken.json')
    expect(broken.error!.message).toBe('evidence/broken.json failed: JSON syntax error at 3:14')
    expect(broken.error!['#text']).toBe('evidence/broken.json:3:14: error: Unexpected token } in JSON [json-syntax]')
    expect(testcase(parsed, INPUTS_SUITE, 'evidence/notes.txt').skipped).toBe('skipped: not a recognised input format')
    expect(testcase(parsed, INPUTS_SUITE, 'templates/trail.yaml')['system-out']).toContain('templates/trail.yaml:30:3: warning')
  })

  it('reports an error that belongs to no input as its own error testcase', () => {
    const report = fixtureReport()
    report.diagnostics.push({severity: 'error', message: 'unknown key "requires"', file: 'policies/custom.yaml', line: 4, column: 1, code: 'policy-schema'})
    const parsed = parse(renderJunit(report))
    const policyError = testcase(parsed, INPUTS_SUITE, 'diagnostic 1 policies/custom.yaml:4')
    expect(policyError.error).toMatchObject({message: 'unknown key "requires"', type: 'policy-schema'})
    expect(suite(parsed, INPUTS_SUITE).errors).toBe('2')
  })

  it('escapes XML specials and removes characters XML 1.0 cannot carry', async () => {
    const xml = renderJunit(fixtureReport())
    expect(xml).not.toContain('\u0007')
    expect(xml).toContain('Trail &quot;dev&quot; &lt;legacy&gt; &amp; &apos;old&apos;')
    expect(await junitSchemaErrors(xml)).toEqual([])
    const failure = testcase(parse(xml), 'cloudwatch-logs', 'dev (arn:aws:cloudtrail:eu-west-1:111122223333:trail/dev)').failure!
    expect(failure.message).toBe('Trail "dev" <legacy> & \'old\' does not deliver to CloudWatch Logs.')
  })

  it('keeps line breaks in attribute values', () => {
    const report = fixtureReport()
    report.results[0]!.message = 'first line\nsecond line'
    const failure = testcase(parse(renderJunit(report)), 'kms-encryption', 'AuditTrail (templates/trail.yaml#AuditTrail)').failure!
    expect(failure.message).toBe('first line\nsecond line')
  })
})
