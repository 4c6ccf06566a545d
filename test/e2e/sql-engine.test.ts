import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {comparisonRecords} from '../sql/records.js'
import {trailgate} from './cli.js'

interface JsonReport {
  results: {policy: string; status: string; subject: {type: string; id: string}; message: string; location?: {file: string}}[]
  inputs: {path: string; fate: string; detail: string}[]
}

function findings(report: JsonReport): string[] {
  return report.results.filter((result) => result.subject.type === 'event').map((result) => `${result.policy} ${result.status} ${result.subject.id}`).sort()
}

describe('check --engine duckdb finds what the native scan finds', () => {
  let dir: string
  const folder = (account: string, region: string): string => join('AWSLogs', account, 'CloudTrail', region, '2024', '05', '01')
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'trailgate-sql-'))
    const records = comparisonRecords(3000)
    const files = 12
    for (let part = 0; part < files; part++) {
      const account = part % 2 === 0 ? '111122223333' : '444455556666'
      const path = join(dir, folder(account, 'us-east-1'))
      mkdirSync(path, {recursive: true})
      const slice = records.filter((_, index) => index % files === part)
      writeFileSync(join(path, `${account}_CloudTrail_us-east-1_20240501T12${String(part).padStart(2, '0')}Z_part${part}.json.gz`), gzipSync(JSON.stringify({Records: slice})))
    }
    const bad = join(dir, folder('111122223333', 'eu-west-1'))
    mkdirSync(bad, {recursive: true})
    writeFileSync(join(bad, '111122223333_CloudTrail_eu-west-1_20240501T1200Z_corrupt.json.gz'), Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5]))
  })
  afterAll(() => rmSync(dir, {recursive: true, force: true}))

  const run = (extra: string[]): JsonReport => {
    // Through a file: the report is larger than a child's standard output buffer.
    const result = trailgate(['check', 'AWSLogs', '--json', 'report.json', '--format', 'text', '--fail-on', 'none', ...extra], {cwd: dir, maxBuffer: 256 * 1024 * 1024})
    expect(result.status, result.stderr).not.toBe(-1)
    return JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as JsonReport
  }

  for (const [name, flags] of [
    ['the built-in event pack', []],
    ['source-ip-allowlist with IPv4 ranges', ['--only', 'source-ip-allowlist', '--param', 'source-ip-allowlist.allowedCidrs=[10.0.0.0/8, 192.168.0.0/16]']],
    ['source-ip-allowlist with no ranges', ['--only', 'source-ip-allowlist']],
  ] as const) {
    it(`the same (policy, status, event) set: ${name}`, () => {
      const native = run([...flags])
      const duckdb = run([...flags, '--engine', 'duckdb'])
      const expected = findings(native)
      expect(expected.length).toBeGreaterThan(20)
      expect(findings(duckdb)).toEqual(expected)
      // The same messages, record for record: the native judge explains what SQL found.
      const messages = (report: JsonReport): string[] => report.results.filter((r) => r.subject.type === 'event').map((r) => r.message).sort()
      expect(messages(duckdb)).toEqual(messages(native))
    })
  }

  it('says which file DuckDB could not read, and judges the rest', () => {
    const report = run(['--engine', 'duckdb'])
    const corrupt = report.inputs.find((input) => input.path.endsWith('corrupt.json.gz'))
    expect(corrupt?.fate).toBe('failed')
    expect(report.inputs.filter((input) => input.fate === 'read' && /checked by DuckDB/.test(input.detail))).toHaveLength(12)
  })
})
