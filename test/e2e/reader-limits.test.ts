import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'
import {afterAll, describe, expect, it} from 'vitest'

import type {Report} from '../../src/engine/report-types.js'
import {ROOT} from './cli.js'
import {describedTrail, measuredTrailgate, MIB, writeGzipPieces} from './hostile-input.js'

const scratch = mkdtempSync(join(tmpdir(), 'trailgate-reader-limits-'))
afterAll(() => rmSync(scratch, {recursive: true, force: true}))

/** A small valid input checked beside each hostile one: the rest of the run must go on. */
const GOOD = join(ROOT, 'fixtures/evidence/mixed-account')
const DEEP = 1_000_000

function folder(name: string): string {
  const path = join(scratch, name)
  mkdirSync(path)
  return path
}

function rootRecord(id: string, extra = ''): string {
  return `{"eventVersion":"1.08","userIdentity":{"type":"Root","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333"},"eventTime":"2026-11-02T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"PutObject","eventType":"AwsApiCall","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","eventID":"${id}","recipientAccountId":"111122223333"${extra}}`
}

function rootIds(report: Report): string[] {
  return report.results.filter((r) => r.policy === 'root-account-usage').map((r) => r.subject.id).sort()
}

describe('document depth is bounded in every reader (built CLI, measured child)', () => {
  it('fails a 1,000,000-deep JSON describe-trails and YAML template fast, at file:line:column, naming the limit; the rest is judged', async () => {
    const dir = folder('deep')
    writeFileSync(join(dir, 'describe-trails.json'), `{"trailList": [${'['.repeat(DEEP)}${']'.repeat(DEEP)}]}`)
    writeFileSync(join(dir, 'template.yaml'), `AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Trail:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      Tags: ${'['.repeat(DEEP)}${']'.repeat(DEEP)}\n`)
    const json = join(scratch, 'deep.report.json')
    const run = await measuredTrailgate(['check', dir, GOOD, '--json', json], {timeoutSeconds: 60})
    expect(run.stderr).not.toMatch(/RangeError|Maximum call stack/)
    expect(run.status).toBe(2)
    const report = JSON.parse(readFileSync(json, 'utf8')) as Report
    const deepJson = report.diagnostics.find((d) => d.file?.endsWith('describe-trails.json') && d.code === 'max-depth')
    // {"trailList": [ is two levels; the 257th opening bracket is at column 15 + 255.
    expect(deepJson).toMatchObject({severity: 'error', line: 1, column: 270})
    expect(deepJson?.message).toMatch(/deeper than the depth limit \(256 levels\).*--max-depth.*limits\.maxDepth/)
    const deepYaml = report.diagnostics.find((d) => d.file?.endsWith('template.yaml') && d.code === 'max-depth')
    expect(deepYaml).toMatchObject({severity: 'error', line: 6})
    expect(deepYaml?.message).toMatch(/--max-depth/)
    expect(report.diagnostics.some((d) => /Maximum call stack/.test(d.message))).toBe(false)
    expect(report.inputs.find((i) => i.path.endsWith('describe-trails.json'))?.fate).toBe('failed')
    expect(report.results.some((r) => r.policy === 'kms-encryption' && r.status === 'fail')).toBe(true)
    expect(run.seconds).toBeLessThan(30)
    expect(run.peakRssMb).toBeLessThan(600)
  }, 90_000)

  it('takes a higher or lower depth limit from --max-depth and limits.maxDepth', async () => {
    const dir = folder('depth-flag')
    const file = join(dir, 'describe-trails.json')
    // 300 levels: over the default, under 400.
    writeFileSync(file, `{"trailList": [], "Extra": ${'['.repeat(298)}${']'.repeat(298)}}`)
    const refused = await measuredTrailgate(['check', file, '--format', 'json'], {timeoutSeconds: 60})
    expect(refused.status).toBe(2)
    expect((JSON.parse(refused.stdout) as Report).diagnostics.some((d) => d.code === 'max-depth')).toBe(true)
    const raised = await measuredTrailgate(['check', file, '--max-depth', '400', '--format', 'json'], {timeoutSeconds: 60})
    const raisedReport = JSON.parse(raised.stdout) as Report
    expect(raisedReport.diagnostics.some((d) => d.code === 'max-depth')).toBe(false)
    expect(raisedReport.inputs[0]?.fate).toBe('read')
    const config = join(dir, 'trailgate.yaml')
    writeFileSync(config, 'version: 1\nlimits:\n  maxDepth: 400\n')
    const byConfig = await measuredTrailgate(['check', file, '--config', config, '--format', 'json'], {timeoutSeconds: 60})
    expect((JSON.parse(byConfig.stdout) as Report).inputs[0]?.fate).toBe('read')
    const bad = await measuredTrailgate(['check', file, '--max-depth', 'deep'], {timeoutSeconds: 60})
    expect(bad.status).toBe(2)
    expect(bad.stderr).toMatch(/--max-depth deep: expected a whole number/)
  }, 90_000)

  it('fails one 1,000,000-deep CloudTrail record, plain and gzipped, and judges the records beside it', async () => {
    const dir = folder('deep-log')
    const deep = rootRecord('deep', `,"requestParameters":${'['.repeat(DEEP)}${']'.repeat(DEEP)}`)
    const text = `{"Records":[${rootRecord('before')},${deep},${rootRecord('after')}]}`
    writeFileSync(join(dir, 'plain.json'), text)
    writeFileSync(join(dir, 'zipped.json.gz'), gzipSync(text))
    const run = await measuredTrailgate(['check', dir, '--only', 'root-account-usage', '--format', 'json'], {timeoutSeconds: 60})
    expect(run.stderr).not.toMatch(/RangeError|Maximum call stack/)
    expect(run.status).toBe(2)
    const report = JSON.parse(run.stdout) as Report
    expect(rootIds(report)).toEqual(['111122223333/after', '111122223333/after', '111122223333/before', '111122223333/before'])
    for (const name of ['plain.json', 'zipped.json.gz']) {
      const error = report.diagnostics.find((d) => d.file?.endsWith(name) && /record 2\b/.test(d.message))
      expect(error?.severity).toBe('error')
      expect(error?.message).toMatch(/requestParameters.*deeper than the depth limit \(256 levels\).*--max-depth/)
    }
    expect(report.diagnostics.find((d) => d.file?.endsWith('plain.json') && /record 2\b/.test(d.message))).toMatchObject({line: 1, column: text.indexOf(deep) + 1})
    expect(run.seconds).toBeLessThan(30)
    expect(run.peakRssMb).toBeLessThan(600)
  }, 90_000)

  it('fails a too-deep record in a log streamed for its size, and judges the others', async () => {
    const file = join(folder('deep-stream'), 'big.json.gz')
    const deep = rootRecord('deep', `,"requestParameters":${'['.repeat(300)}${']'.repeat(300)}`)
    // 18 records of 15 MiB each (under the record limit) make the file stream: over 256 MiB inflated.
    const filler = `,{"eventVersion":"1.08","eventName":"GetObject","eventSource":"s3.amazonaws.com","requestParameters":{"key":"`
    await writeGzipPieces(file, [
      {text: `{"Records":[${rootRecord('before')},${deep},${rootRecord('after')}`},
      ...Array.from({length: 18}, () => [{text: filler}, {text: 'a'.repeat(MIB), times: 15}, {text: '"}}'}]).flat(),
      {text: ']}'},
    ])
    const run = await measuredTrailgate(['check', file, '--only', 'root-account-usage', '--format', 'json'], {timeoutSeconds: 90})
    expect(run.stderr).not.toMatch(/RangeError|Maximum call stack/)
    expect(run.status).toBe(2)
    const report = JSON.parse(run.stdout) as Report
    expect(report.inputs[0]?.detail).toMatch(/streamed/)
    expect(rootIds(report)).toEqual(['111122223333/after', '111122223333/before'])
    const error = report.diagnostics.find((d) => /record 2\b/.test(d.message))
    expect(error?.message).toMatch(/deeper than the depth limit \(256 levels\).*--max-depth/)
    expect(run.seconds).toBeLessThan(60)
    expect(run.peakRssMb).toBeLessThan(900)
  }, 120_000)
})

describe('numbers out of range are errors, never null or infinity', () => {
  it('a CloudTrail record with 1e999, plain and gzipped: that record is an error naming the field; the others are judged', async () => {
    const dir = folder('numbers')
    const text = `{"Records":[${rootRecord('before')},${rootRecord('big', ',"requestParameters":{"size":1e999}')},${rootRecord('after')}]}`
    writeFileSync(join(dir, 'plain.json'), text)
    writeFileSync(join(dir, 'zipped.json.gz'), gzipSync(text))
    const run = await measuredTrailgate(['check', dir, '--only', 'root-account-usage', '--format', 'json'], {timeoutSeconds: 60})
    expect(run.status).toBe(2)
    const report = JSON.parse(run.stdout) as Report
    expect(rootIds(report)).toEqual(['111122223333/after', '111122223333/after', '111122223333/before', '111122223333/before'])
    for (const name of ['plain.json', 'zipped.json.gz']) {
      const error = report.diagnostics.find((d) => d.file?.endsWith(name) && /record 2\b/.test(d.message))
      expect(error).toMatchObject({severity: 'error', line: 1, column: expect.any(Number)})
      expect(error?.message).toMatch(/number out of range at requestParameters\.size/)
    }
    expect(JSON.stringify(report.results)).not.toMatch(/Infinity|found null/)
  }, 90_000)
})

describe('invalid UTF-8 is an error naming where it is; the input is still judged with U+FFFD', () => {
  const BAD = Buffer.from([0xff, 0xc3])

  /** The log text with the two bad bytes in the second record's requestParameters.key. */
  function logWithBadBytes(): {bytes: Buffer; column: number} {
    const [before, after] = `{"Records":[${rootRecord('before')},${rootRecord('bad', ',"requestParameters":{"key":"@@x"}')},${rootRecord('after')}]}`.split('@@') as [string, string]
    return {bytes: Buffer.concat([Buffer.from(before), BAD, Buffer.from(after)]), column: before.length + 1}
  }

  it('in a CloudTrail log, plain and gzipped: an error names the record, line and column; every record is judged', async () => {
    const dir = folder('utf8-log')
    const {bytes, column} = logWithBadBytes()
    writeFileSync(join(dir, 'plain.json'), bytes)
    writeFileSync(join(dir, 'zipped.json.gz'), gzipSync(bytes))
    const run = await measuredTrailgate(['check', dir, '--only', 'root-account-usage', '--format', 'json'], {timeoutSeconds: 60})
    expect(run.status).toBe(2)
    const report = JSON.parse(run.stdout) as Report
    expect(rootIds(report)).toEqual(['111122223333/after', '111122223333/after', '111122223333/bad', '111122223333/bad', '111122223333/before', '111122223333/before'])
    for (const name of ['plain.json', 'zipped.json.gz']) {
      const errors = report.diagnostics.filter((d) => d.file?.endsWith(name) && d.code === 'invalid-utf8')
      expect(errors).toHaveLength(1)
      expect(errors[0]).toMatchObject({severity: 'error', line: 1, column})
      expect(errors[0]?.message).toMatch(/^record 2: invalid UTF-8 \(byte 0xFF\).*U\+FFFD/)
    }
  }, 90_000)

  it('in a log streamed for its size: an error names the record; the others are judged', async () => {
    const file = join(folder('utf8-stream'), 'big.json.gz')
    const {bytes} = logWithBadBytes()
    const text = bytes.toString('latin1')
    const filler = `,{"eventVersion":"1.08","eventName":"GetObject","eventSource":"s3.amazonaws.com","requestParameters":{"key":"`
    const closing = text.lastIndexOf(']}')
    const pieces = [{text: text.slice(0, closing)}, ...Array.from({length: 18}, () => [{text: filler}, {text: 'a'.repeat(MIB), times: 15}, {text: '"}}'}]).flat(), {text: ']}'}]
    // Written as latin1 so the two bad bytes stay bytes: the rest of the text is ASCII.
    await writeGzipPieces(file, pieces, 'latin1')
    const run = await measuredTrailgate(['check', file, '--only', 'root-account-usage', '--format', 'json'], {timeoutSeconds: 90})
    expect(run.status).toBe(2)
    const report = JSON.parse(run.stdout) as Report
    expect(report.inputs[0]?.detail).toMatch(/streamed/)
    expect(rootIds(report)).toEqual(['111122223333/after', '111122223333/bad', '111122223333/before'])
    const errors = report.diagnostics.filter((d) => d.code === 'invalid-utf8')
    expect(errors.map((d) => d.message)).toEqual([expect.stringMatching(/^record 2: invalid UTF-8.*U\+FFFD/)])
    expect(run.seconds).toBeLessThan(60)
  }, 120_000)

  it('in a CloudFormation template: an error at its line and column, and the trail is still judged', async () => {
    const dir = folder('utf8-template')
    const template = `AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Trail:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      TrailName: audit@@\n      S3BucketName: logs\n      IsLogging: true\n`
    const [before, after] = template.split('@@') as [string, string]
    writeFileSync(join(dir, 'template.yaml'), Buffer.concat([Buffer.from(before), BAD, Buffer.from(after)]))
    const run = await measuredTrailgate(['check', dir, '--only', 'kms-encryption', '--format', 'json'], {timeoutSeconds: 60})
    expect(run.status).toBe(2)
    const report = JSON.parse(run.stdout) as Report
    expect(report.diagnostics.find((d) => d.code === 'invalid-utf8')).toMatchObject({severity: 'error', line: 6, column: 23})
    expect(report.results.filter((r) => r.policy === 'kms-encryption').map((r) => r.status)).toEqual(['fail'])
  }, 90_000)
})

describe('each gzip member has its own size limit', () => {
  it('counts the members of a multi-member describe-trails and log separately, and fails the one over --max-member-size', async () => {
    const dir = folder('members')
    const trails = (from: number) => JSON.stringify({trailList: Array.from({length: 8}, (_, n) => describedTrail(from + n))}, null, 2)
    const padded = (text: string, bytes: number) => `${text.slice(0, -1)}${' '.repeat(bytes)}}`
    // Three members of about 600 KiB: 1.8 MiB in all, each under a 1 MiB member limit.
    const listing = padded(trails(0), 600 * 1024)
    const [head, tail] = [listing.slice(0, 300 * 1024), listing.slice(300 * 1024)]
    writeFileSync(join(dir, 'describe-trails.json.gz'), Buffer.concat([gzipSync(head), gzipSync(tail.slice(0, 300 * 1024)), gzipSync(tail.slice(300 * 1024))]))
    const records = Array.from({length: 3}, (_, n) => rootRecord(`r${n}`, `,"requestParameters":{"pad":"${'p'.repeat(600 * 1024)}"}`))
    const log = `{"Records":[${records.join(',')}]}`
    const cut = [0, log.indexOf(records[1]!), log.indexOf(records[2]!), log.length]
    writeFileSync(join(dir, 'log.json.gz'), Buffer.concat([0, 1, 2].map((m) => gzipSync(log.slice(cut[m], cut[m + 1])))))
    const withinLimit = await measuredTrailgate(['check', dir, '--max-member-size', '1MiB', '--only', 'root-account-usage,kms-encryption', '--format', 'json'], {timeoutSeconds: 60})
    const read = JSON.parse(withinLimit.stdout) as Report
    expect(read.inputs.map((i) => i.fate)).toEqual(['read', 'read'])
    expect(rootIds(read)).toEqual(['111122223333/r0', '111122223333/r1', '111122223333/r2'])
    expect(read.results.filter((r) => r.policy === 'kms-encryption')).toHaveLength(8)

    // One member of 1.2 MiB: over the limit, whatever the members before it.
    const big = folder('big-member')
    writeFileSync(join(big, 'describe-trails.json.gz'), Buffer.concat([gzipSync(listing.slice(0, 100)), gzipSync(padded(listing.slice(100), 1200 * 1024))]))
    writeFileSync(join(big, 'log.json.gz'), Buffer.concat([gzipSync(log.slice(0, cut[1])), gzipSync(log.slice(cut[1]).replace('"pad":"', `"pad":"${'p'.repeat(700 * 1024)}`))]))
    const json = join(scratch, 'members.report.json')
    const over = await measuredTrailgate(['check', big, GOOD, '--max-member-size', '1MiB', '--only', 'root-account-usage,kms-encryption', '--json', json], {timeoutSeconds: 60})
    expect(over.status).toBe(2)
    const report = JSON.parse(readFileSync(json, 'utf8')) as Report
    for (const name of ['describe-trails.json.gz', 'log.json.gz']) {
      const input = report.inputs.find((i) => i.path.endsWith(`big-member/${name}`))
      expect(input?.fate).toBe('failed')
      expect(input?.detail).toMatch(/gzip member 1 is, once inflated, larger than the gzip member size limit \(1 MiB\).*--max-member-size.*limits\.maxMemberSize/)
    }
    expect(report.results.some((r) => r.policy === 'kms-encryption' && r.status === 'fail')).toBe(true)
  }, 120_000)
})
