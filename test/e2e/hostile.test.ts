import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {spawnSync} from 'node:child_process'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import type {Report} from '../../src/engine/report-types.js'
import {ROOT, trailgate} from './cli.js'

const SNAPSHOT = join(ROOT, 'fixtures/evidence/snapshot-good.json')
const JSONL = join(ROOT, 'fixtures/events/jsonl/records.jsonl')
const CDK_OUT = join(ROOT, 'fixtures/iac/cdk-app/cdk.out')

const scratch = (): string => mkdtempSync(join(tmpdir(), 'trailgate-hostile-'))

const timed = <T>(run: () => T): {value: T; seconds: number} => {
  const started = Date.now()
  const value = run()
  return {value, seconds: (Date.now() - started) / 1000}
}

/** A stack trace names the frames it went through; a one-line error does not. */
const STACK_FRAME = /^\s+at .+\(?.+:\d+:\d+\)?$/m

const parseReport = (text: string): Report => JSON.parse(text) as Report

/** A YAML mapping under `key` (indented by `indent`) whose nine levels of aliases expand to 9^9 (387 million) nodes. */
function aliasBomb(key: string, indent = ''): string {
  const names = 'abcdefghi'.split('')
  const lines = [`${indent}${key}:`, `${indent}  a: &a ["x","x","x","x","x","x","x","x","x"]`]
  for (let level = 1; level < names.length; level++) {
    const previous = names[level - 1]!
    lines.push(`${indent}  ${names[level]}: &${names[level]} [${Array.from({length: 9}, () => `*${previous}`).join(',')}]`)
  }
  return `${lines.join('\n')}\n`
}

const POLICY_HEAD = `id: hostile
title: A custom policy
severity: low
subject: trail
description: A custom policy.
remediation: Nothing to do.
message: Trail {{Name}}.
`

describe('crashes are exit 2 with a report; unwritable report files fail alone', () => {
  it('a --json onto a folder is an error for that file; the SARIF is still written; exit 2 with --fail-on none', () => {
    const dir = scratch()
    mkdirSync(join(dir, 'taken'))
    const run = trailgate(['check', SNAPSHOT, '--json', join(dir, 'taken'), '--sarif', join(dir, 'out.sarif'), '--fail-on', 'none'])
    expect(run.status).toBe(2)
    expect(run.stderr).toMatch(/cannot write the json report to .*taken/)
    expect(run.stderr).not.toMatch(STACK_FRAME)
    expect(JSON.parse(readFileSync(join(dir, 'out.sarif'), 'utf8'))).toHaveProperty('runs')
  })

  it('a --sarif onto /dev/full is an error for that file; JSON and JUnit are still written', () => {
    const dir = scratch()
    const run = trailgate(['check', SNAPSHOT, '--sarif', '/dev/full', '--json', join(dir, 'out.json'), '--junit', join(dir, 'out.xml'), '--fail-on', 'none'])
    expect(run.status).toBe(2)
    expect(run.stderr).toMatch(/cannot write the sarif report to \/dev\/full: .*ENOSPC/)
    expect(run.stderr).not.toMatch(STACK_FRAME)
    expect(parseReport(readFileSync(join(dir, 'out.json'), 'utf8')).summary.counts.pass).toBeGreaterThan(0)
    expect(readFileSync(join(dir, 'out.xml'), 'utf8')).toContain('<testsuites')
  })

  it('the text summary says exit 2 and lists the report file that could not be written', () => {
    const dir = scratch()
    mkdirSync(join(dir, 'taken'))
    for (const args of [['--json', join(dir, 'taken')], ['--sarif', '/dev/full']]) {
      const run = trailgate(['check', SNAPSHOT, ...args, '--fail-on', 'none'])
      expect(run.status).toBe(2)
      const summary = run.stdout.trimEnd().split('\n').at(-1)!
      expect(summary).toMatch(/^Summary: .*diagnostics: 1 error, 0 warnings · exit 2: /)
      expect(run.stdout).toMatch(new RegExp(`error +cannot write the (json|sarif) report to ${args[1]!.replace(/[/.]/g, '\\$&')}: (EISDIR|ENOSPC)`))
    }
    // --format json shows the same exit code and diagnostic as the process gives.
    const json = trailgate(['check', SNAPSHOT, '--sarif', '/dev/full', '--format', 'json', '--fail-on', 'none'])
    expect(json.status).toBe(2)
    const report = parseReport(json.stdout)
    expect(report.exitCode).toBe(2)
    expect(report.summary.diagnostics.errors).toBe(1)
    expect(report.diagnostics.some((d) => d.severity === 'error' && d.code === 'report-write' && /\/dev\/full/.test(d.message))).toBe(true)
  })

  it('the summary counts the error diagnostics listed above it, and event policies shown as PASS', () => {
    const dir = scratch()
    writeFileSync(join(dir, 'broken.json'), '{"trailList": [')
    const run = trailgate(['check', SNAPSHOT, join(dir, 'broken.json'), JSONL, '--fail-on', 'none'])
    expect(run.status).toBe(2)
    const listedErrors = run.stdout.split('\n').filter((line) => /^ {2}error {3}/.test(line)).length
    expect(listedErrors).toBeGreaterThan(0)
    const summary = run.stdout.trimEnd().split('\n').at(-1)!
    expect(summary).toContain(`diagnostics: ${listedErrors} error${listedErrors === 1 ? '' : 's'}`)
    const eventPasses = run.stdout.split('\n').filter((line) => /^✓ PASS/.test(line) && /records without a finding/.test(line)).length
    expect(eventPasses).toBeGreaterThan(0)
    expect(summary).toContain(`${eventPasses} event polic${eventPasses === 1 ? 'y' : 'ies'} without a finding`)
  })

  it('standard output onto /dev/full: one line on standard error, the report files written, exit 2', () => {
    const dir = scratch()
    const script = `"${process.execPath}" "${join(ROOT, 'bin/run.js')}" check "${SNAPSHOT}" --json "${join(dir, 'out.json')}" --fail-on none > /dev/full`
    const shell = spawnShell(script)
    expect(shell.status).toBe(2)
    expect(shell.stderr).toMatch(/cannot write the text report to standard output: .*ENOSPC/)
    expect(shell.stderr).not.toMatch(STACK_FRAME)
    expect(existsSync(join(dir, 'out.json'))).toBe(true)
  })
})

describe('YAML aliases are capped', () => {
  it('an alias bomb in a policy file is an error at file:line:column; the built-in policies still run', () => {
    const dir = scratch()
    writeFileSync(join(dir, 'bomb.yaml'), `${POLICY_HEAD}require:\n  Name: [{exists: true}]\n${aliasBomb('extra')}`)
    const {value: run, seconds} = timed(() => trailgate(['check', SNAPSHOT, '--policies', dir, '--format', 'json']))
    expect(seconds).toBeLessThan(20)
    expect(run.status).toBe(2)
    const report = parseReport(run.stdout)
    const error = report.diagnostics.find((d) => d.code === 'yaml-alias-count')
    expect(error).toMatchObject({severity: 'error', file: expect.stringContaining('bomb.yaml'), line: expect.any(Number), column: expect.any(Number)})
    expect(error?.message).toMatch(/alias/i)
    expect(report.summary.counts.pass).toBeGreaterThan(0)
  })

  it('an alias bomb in .trailgate.yaml is an error at file:line:column, not a crash', () => {
    const dir = scratch()
    writeFileSync(join(dir, '.trailgate.yaml'), aliasBomb('params'))
    const {value: run, seconds} = timed(() => trailgate(['check', SNAPSHOT, '--format', 'json'], {cwd: dir}))
    expect(seconds).toBeLessThan(20)
    expect(run.status).toBe(2)
    const error = parseReport(run.stdout).diagnostics.find((d) => d.code === 'yaml-alias-count')
    expect(error).toMatchObject({file: expect.stringContaining('.trailgate.yaml'), line: expect.any(Number), column: expect.any(Number)})
  })

  it('an alias bomb in a policy tests file is an error at file:line:column', () => {
    const dir = scratch()
    writeFileSync(join(dir, 'hostile.yaml'), `${POLICY_HEAD}require:\n  Name: [{exists: true}]\n`)
    writeFileSync(join(dir, 'hostile.tests.yaml'), `- name: bomb\n  expect: pass\n  subject:\n    Name: a\n${aliasBomb('Extra', '    ')}`)
    const {value: run, seconds} = timed(() => trailgate(['policies', 'test', dir]))
    expect(seconds).toBeLessThan(20)
    expect(run.status).toBe(2)
    expect(`${run.stdout}${run.stderr}`).toMatch(/hostile\.tests\.yaml:\d+:\d+: error: .*alias/i)
    expect(run.stderr).not.toMatch(STACK_FRAME)
  })

  it('an alias bomb in a CloudFormation YAML template is an error at file:line:column', () => {
    const dir = scratch()
    const template = `AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Trail:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      IsLogging: true\n      S3BucketName: logs\n${aliasBomb('Metadata', '      ')}`
    writeFileSync(join(dir, 'template.yaml'), template)
    const {value: run, seconds} = timed(() => trailgate(['check', join(dir, 'template.yaml'), '--format', 'json']))
    expect(seconds).toBeLessThan(20)
    expect(run.status).toBe(2)
    const report = parseReport(run.stdout)
    const error = report.diagnostics.find((d) => /alias/i.test(d.message))
    expect(error).toMatchObject({severity: 'error', file: expect.stringContaining('template.yaml'), line: expect.any(Number), column: expect.any(Number)})
  })
})

describe('user-given names never reach Object.prototype', () => {
  it('--param __proto__.KmsKeyId=x is an unknown policy, and no selector gets a bogus KmsKeyId', () => {
    const run = trailgate(['check', SNAPSHOT, '--param', '__proto__.KmsKeyId=x', '--param', 'constructor.name=y', '--format', 'json'])
    expect(run.status).toBe(2)
    const report = parseReport(run.stdout)
    const messages = report.diagnostics.map((d) => d.message).join('\n')
    expect(messages).toMatch(/--param __proto__\.KmsKeyId.*unknown policy '__proto__'/)
    expect(messages).toMatch(/unknown policy 'constructor'/)
    expect(messages).not.toMatch(/unexpected property KmsKeyId/)
    expect(report.summary.counts.pass).toBeGreaterThan(0)
  })

  it('a policy id, severity override, param and tag named __proto__ or constructor are ordinary names', () => {
    const dir = scratch()
    writeFileSync(join(dir, 'constructor.yaml'), POLICY_HEAD.replace('id: hostile', 'id: constructor') + 'require:\n  Name: [{exists: true}]\n')
    writeFileSync(join(dir, '.trailgate.yaml'), `policies:\n  paths: [.]\n  severity:\n    constructor: high\n    __proto__: critical\nparams:\n  __proto__:\n    polluted: true\n`)
    const run = trailgate(['check', SNAPSHOT, '--format', 'json', '--only', 'constructor,logging-enabled'], {cwd: dir})
    const report = parseReport(run.stdout)
    const results = report.results.filter((r) => r.policy === 'constructor')
    expect(results.length).toBeGreaterThan(0)
    expect(results.every((r) => r.severity === 'high' && r.status === 'pass')).toBe(true)
    expect(report.diagnostics.map((d) => d.message).join('\n')).toMatch(/unknown policy '__proto__'/)
    expect(run.status).toBe(2)
  })

  it('__proto__ as a key inside a policy pattern is a clear error at its line and column, not undefined:undefined', () => {
    const dir = scratch()
    writeFileSync(join(dir, 'hostile.yaml'), `${POLICY_HEAD}require:\n  __proto__: [true]\n`)
    const run = trailgate(['check', SNAPSHOT, '--policies', dir, '--only', 'hostile', '--format', 'json'])
    expect(run.stderr).not.toMatch(STACK_FRAME)
    const report = parseReport(run.stdout)
    const line = POLICY_HEAD.split('\n').length + 1
    // A trail document has no field __proto__: the field check names it where it stands.
    expect(report.diagnostics.find((d) => /__proto__/.test(d.message))).toMatchObject({severity: 'error', file: expect.stringContaining('hostile.yaml'), line, column: 3})
    expect(run.stdout).not.toContain('undefined:undefined')
    expect(report.results.filter((r) => r.policy === 'hostile' && r.status === 'pass')).toEqual([])
    expect(run.status).toBe(2)
  })
})

describe('hostile values are data or a clear error', () => {
  it('"IsLogging": 1e999 is an error at file:line:column, not "found null"', () => {
    const dir = scratch()
    const text = readFileSync(SNAPSHOT, 'utf8').replace('"IsLogging": true', '"IsLogging": 1e999')
    expect(text).toContain('1e999')
    writeFileSync(join(dir, 'snapshot.json'), text)
    const run = trailgate(['check', join(dir, 'snapshot.json'), '--format', 'json'])
    expect(run.status).toBe(2)
    const report = parseReport(run.stdout)
    const line = text.slice(0, text.indexOf('1e999')).split('\n').length
    const error = report.diagnostics.find((d) => /1e999/.test(d.message))
    expect(error).toMatchObject({severity: 'error', line, column: expect.any(Number)})
    expect(JSON.stringify(report.results)).not.toContain('found null')
  })

  it('invalid UTF-8 in a value is reported at file:line:column and read as U+FFFD', () => {
    const dir = scratch()
    const text = readFileSync(SNAPSHOT, 'utf8')
    const at = Buffer.from(text.slice(0, text.indexOf('"cloudtrail"') + 1))
    const bytes = Buffer.concat([at, Buffer.from([0xff, 0xfe]), Buffer.from(text.slice(text.indexOf('"cloudtrail"') + 1))])
    writeFileSync(join(dir, 'snapshot.json'), bytes)
    const run = trailgate(['check', join(dir, 'snapshot.json'), '--format', 'json'])
    expect(run.status).toBe(2)
    const report = parseReport(run.stdout)
    const before = text.slice(0, text.indexOf('"cloudtrail"') + 1).split('\n')
    const error = report.diagnostics.find((d) => d.code === 'invalid-utf8')
    expect(error).toMatchObject({severity: 'error', line: before.length, column: before.at(-1)!.length + 1})
    expect(error?.message).toMatch(/U\+FFFD/)
    expect(report.summary.counts.pass).toBeGreaterThan(0)
  })

  it('JSON Lines whose first line is broken: the other records are judged, the bad line reported with its number', () => {
    const dir = scratch()
    const good = readFileSync(JSONL, 'utf8').trim().split('\n')
    writeFileSync(join(dir, 'records.jsonl'), [`{"eventVersion": "1.08", broken`, ...good].join('\n') + '\n')
    const run = trailgate(['check', join(dir, 'records.jsonl'), '--format', 'json'])
    const report = parseReport(run.stdout)
    expect(report.inputs[0]?.fate).toBe('read')
    const bad = report.diagnostics.find((d) => d.line === 1 && /invalid JSON/.test(d.message))
    expect(bad).toBeDefined()
    expect(report.notes.join('\n')).toMatch(/[1-9]\d* CloudTrail records in 1 files judged/)
    expect(run.status).toBe(2)
  })

  it('a wildcard with thousands of distinct characters is judged quickly; one too long or too complex is an error at file:line:column', () => {
    const distinct = (count: number): string => Array.from({length: count}, (_, index) => String.fromCodePoint(0x4e00 + index)).join('')
    const wide = scratch()
    writeFileSync(join(wide, 'wide.yaml'), `${POLICY_HEAD}require:\n  Name: [{wildcard: "*${distinct(4000)}"}]\n`)
    const judged = timed(() => trailgate(['check', SNAPSHOT, '--policies', wide, '--only', 'hostile', '--format', 'json']))
    expect(judged.seconds).toBeLessThan(15)
    expect(judged.value.status).toBe(1)
    const results = parseReport(judged.value.stdout).results.filter((r) => r.policy === 'hostile')
    expect(results.length).toBeGreaterThan(0)
    expect(results.every((r) => r.status === 'fail')).toBe(true)

    for (const [name, wildcard, reason] of [
      ['long', `*${distinct(20_000)}`, /at most 4096/],
      ['complex', `${Array.from({length: 40}, (_, i) => `*${String.fromCodePoint(0x4e00 + i)}`).join('')}*`, /too complex/],
    ] as const) {
      const dir = scratch()
      writeFileSync(join(dir, `${name}.yaml`), `${POLICY_HEAD}require:\n  Name: [{wildcard: "${wildcard}"}]\n`)
      const refused = timed(() => trailgate(['check', SNAPSHOT, '--policies', dir, '--format', 'json']))
      expect(refused.seconds).toBeLessThan(15)
      expect(refused.value.status).toBe(2)
      const report = parseReport(refused.value.stdout)
      const error = report.diagnostics.find((d) => reason.test(d.message))
      expect(error).toMatchObject({file: expect.stringContaining(`${name}.yaml`), line: 9, column: expect.any(Number)})
      expect(report.summary.counts.pass).toBeGreaterThan(0)
    }
  })
})

describe('paths stay inside what the user gave', () => {
  function assembly(entries: Record<string, unknown>): string {
    const dir = scratch()
    const out = join(dir, 'cdk.out')
    mkdirSync(out)
    writeFileSync(join(out, 'Real.template.json'), readFileSync(join(CDK_OUT, 'AuditStack.template.json')))
    writeFileSync(join(out, 'manifest.json'), JSON.stringify({version: '36.0.0', artifacts: entries}, null, 2))
    return out
  }

  it.each([
    ['/dev/zero', '/dev/zero'],
    ['/etc/passwd', '/etc/passwd'],
    ['a path out of cdk.out', '../../outside.template.json'],
  ])('a templateFile that is %s is an error naming the artifact; the other stacks are read', (_, templateFile) => {
    const out = assembly({
      Evil: {type: 'aws:cloudformation:stack', environment: 'aws://111122223333/us-east-1', properties: {templateFile}},
      Real: {type: 'aws:cloudformation:stack', environment: 'aws://111122223333/us-east-1', properties: {templateFile: 'Real.template.json'}},
    })
    writeFileSync(join(out, '..', '..', 'outside.template.json'), readFileSync(join(CDK_OUT, 'AuditStack.template.json')))
    const {value: run, seconds} = timed(() => trailgate(['check', out, '--format', 'json']))
    expect(seconds).toBeLessThan(20)
    expect(run.status).toBe(2)
    const report = parseReport(run.stdout)
    const error = report.diagnostics.find((d) => d.code === 'cdk-path-outside')
    expect(error?.message).toContain('Evil')
    expect(error?.message).toContain(templateFile)
    expect(report.results.some((r) => r.subject.type === 'trail')).toBe(true)
  })

  it('a template reached through a symbolic link out of cdk.out, and an asset file that is a device, are errors', () => {
    const out = assembly({
      Linked: {type: 'aws:cloudformation:stack', environment: 'aws://111122223333/us-east-1', properties: {templateFile: 'Linked.template.json'}},
      Assets: {type: 'cdk:asset-manifest', properties: {file: 'zero.assets.json'}},
      Real: {type: 'aws:cloudformation:stack', environment: 'aws://111122223333/us-east-1', properties: {templateFile: 'Real.template.json'}},
    })
    symlinkSync('/etc/passwd', join(out, 'Linked.template.json'))
    symlinkSync('/dev/zero', join(out, 'zero.assets.json'))
    const {value: run, seconds} = timed(() => trailgate(['check', out, '--format', 'json']))
    expect(seconds).toBeLessThan(20)
    expect(run.status).toBe(2)
    const messages = parseReport(run.stdout).diagnostics.filter((d) => d.code === 'cdk-path-outside').map((d) => d.message)
    expect(messages.some((m) => m.includes('Linked'))).toBe(true)
    expect(messages.some((m) => m.includes('Assets'))).toBe(true)
  })

  it('a --tf-dir .tf file linked to /dev/zero or out of the folder is an error, not an endless read', () => {
    const dir = scratch()
    const project = join(ROOT, 'fixtures/iac/terraform/project')
    writeFileSync(join(dir, 'plan.json'), readFileSync(join(project, 'plan.json')))
    writeFileSync(join(dir, 'main.tf'), readFileSync(join(project, 'main.tf')))
    symlinkSync('/dev/zero', join(dir, 'zero.tf'))
    symlinkSync('/etc/passwd', join(dir, 'passwd.tf'))
    const {value: run, seconds} = timed(() => trailgate(['check', join(dir, 'plan.json'), '--tf-dir', dir, '--format', 'json']))
    expect(seconds).toBeLessThan(20)
    expect(run.status).toBe(2)
    const messages = parseReport(run.stdout).diagnostics.filter((d) => d.code === 'tf-path-outside').map((d) => d.message)
    expect(messages.some((m) => m.includes('zero.tf'))).toBe(true)
    expect(messages.some((m) => m.includes('passwd.tf'))).toBe(true)
  })
})

describe('only regular files are read as policies and config', () => {
  it('a named pipe among the policies and --config /dev/zero are errors, not a hang', () => {
    const dir = scratch()
    writeFileSync(join(dir, 'good.yaml'), `${POLICY_HEAD}require:\n  Name: [{exists: true}]\n`)
    expect(spawnSync('mkfifo', [join(dir, 'pipe.yaml')]).status).toBe(0)
    const policies = timed(() => trailgate(['check', SNAPSHOT, '--policies', dir, '--format', 'json']))
    expect(policies.seconds).toBeLessThan(20)
    expect(policies.value.status).toBe(2)
    const report = parseReport(policies.value.stdout)
    expect(report.diagnostics.find((d) => d.file?.endsWith('pipe.yaml'))?.message).toMatch(/not a regular file/)
    expect(report.results.some((r) => r.policy === 'hostile' && r.status === 'pass')).toBe(true)

    const config = timed(() => trailgate(['check', SNAPSHOT, '--config', '/dev/zero', '--format', 'json']))
    expect(config.seconds).toBeLessThan(20)
    expect(config.value.status).toBe(2)
    expect(parseReport(config.value.stdout).diagnostics.find((d) => d.code === 'config-unreadable')?.message).toMatch(/not a regular file/)
  })
})

function spawnShell(script: string): {status: number; stderr: string} {
  const result = spawnSync('/bin/sh', ['-c', script], {encoding: 'utf8', env: {...process.env, NO_COLOR: '1'}, timeout: 60_000})
  return {status: result.status ?? -1, stderr: result.stderr}
}

describe('Object.prototype after hostile runs', () => {
  it('is untouched by hostile params, config keys, policy ids, CloudFormation parameters and mappings', async () => {
    const {runCheck} = await import('../../src/engine/run.js')
    const before = Object.getOwnPropertyNames(Object.prototype).sort()
    const dir = scratch()
    writeFileSync(join(dir, '__proto__.yaml'), POLICY_HEAD.replace('id: hostile', 'id: __proto__') + 'require:\n  __proto__: [true]\n  constructor: {prototype: [1]}\n')
    writeFileSync(join(dir, '.trailgate.yaml'), 'policies:\n  severity:\n    __proto__: high\nparams:\n  __proto__:\n    polluted: true\n  constructor:\n    prototype: {polluted: true}\n')
    writeFileSync(
      join(dir, 'template.json'),
      JSON.stringify({
        AWSTemplateFormatVersion: '2010-09-09',
        Parameters: {__proto__: {Type: 'String', Default: 'x'}, constructor: {Type: 'String'}},
        Mappings: JSON.parse('{"__proto__": {"polluted": {"KmsKeyId": "x"}}, "constructor": {"prototype": {"polluted": "y"}}}') as unknown,
        Resources: {Trail: {Type: 'AWS::CloudTrail::Trail', Properties: {IsLogging: true, S3BucketName: {'Fn::FindInMap': ['__proto__', 'polluted', 'KmsKeyId']}, KmsKeyId: {Ref: '__proto__'}, Tags: [{Key: '__proto__', Value: 'x'}]}}},
      }).replace('"Parameters":{}', '"Parameters":{"__proto__":{"Type":"String","Default":"x"},"constructor":{"Type":"String"}}'),
    )
    await runCheck({
      cwd: dir,
      paths: [join(dir, 'template.json'), SNAPSHOT],
      policyPaths: [dir],
      params: ['__proto__.KmsKeyId=x', 'constructor.prototype=y', '__proto__.__proto__=z'],
      cfnParams: JSON.parse('{"__proto__": "polluted", "constructor": "x"}') as Record<string, string>,
    })
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before)
    expect(({} as Record<string, unknown>).KmsKeyId).toBeUndefined()
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})

describe('event records whose values cannot be judged as they stand', () => {
  it('names the record and the path of a number too large to be one, and of nesting past --max-depth; the sound records are still judged', () => {
    const folder = mkdtempSync(join(tmpdir(), 'trailgate-record-values-'))
    const base = {eventVersion: '1.09', eventTime: '2024-05-01T12:00:00Z', eventSource: 'ec2.amazonaws.com', eventName: 'DescribeInstances', eventType: 'AwsApiCall', awsRegion: 'us-east-1', sourceIPAddress: '10.0.0.1', userIdentity: {type: 'Root', arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333'}, eventID: 'e-1', recipientAccountId: '111122223333'}
    let deep: unknown = 'bottom'
    for (let level = 0; level < 12; level++) deep = {inner: deep}
    const lines = [
      JSON.stringify({...base, eventID: 'sound'}),
      JSON.stringify({...base, eventID: 'huge', requestParameters: {items: [{size: 7}]}}).replace('"size":7', '"size":1e999'),
      JSON.stringify({...base, eventID: 'deep', requestParameters: deep}),
    ]
    const file = join(folder, 'records.jsonl')
    writeFileSync(file, `${lines.join('\n')}\n`)
    const run = trailgate(['check', file, '--only', 'root-account-usage', '--max-depth', '8', '--format', 'json'])
    const report = JSON.parse(run.stdout) as Report
    const messages = report.diagnostics.map((d) => d.message)
    expect(messages).toContainEqual(expect.stringMatching(/^record 2: number out of range at requestParameters\.items\[0\]\.size: .*infinity.*not checked$/))
    expect(messages).toContainEqual(expect.stringMatching(/^record 3: the value at requestParameters(\.inner)+ is nested deeper than the depth limit \(8 levels\).*not checked$/))
    expect(report.results.filter((r) => r.policy === 'root-account-usage' && r.status === 'fail').map((r) => r.subject.id)).toEqual(['111122223333/sound'])
    rmSync(folder, {recursive: true, force: true})
  })
})
