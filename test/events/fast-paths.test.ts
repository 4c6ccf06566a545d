import {createHash} from 'node:crypto'
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'

import {afterAll, describe, expect, it} from 'vitest'

import {decodeEventFile} from '../../src/events/decode.js'
import {compileEventPolicy, explain, planPolicies, policiesFor, quickVerdict} from '../../src/events/event-policy.js'
import {FAST_CHECK_SCHEMA_FINGERPRINT, surelyWellFormed} from '../../src/events/record-fast-check.js'
import {checkRecord, checkRecordWithSchema} from '../../src/events/record-schema.js'
import {scanEvents, type EventScanResult} from '../../src/events/scan.js'
import {compactUtcMillis} from '../../src/events/utc-time.js'
import type {EventSubject} from '../../src/model/types.js'
import {compilePattern} from '../../src/policy/pattern.js'
import {parseIpv4} from '../../src/policy/pattern/cidr.js'
import {generatedRecords, ODD_VALUES} from './generated-records.js'
import {enabledEventPack, FIXTURES, REPO_ROOT} from './helpers.js'

const REQUIRED = ['eventVersion', 'eventTime', 'eventSource', 'eventName', 'awsRegion', 'userIdentity', 'eventID']

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
}

async function fixtureRecords(): Promise<Record<string, unknown>[]> {
  const records: Record<string, unknown>[] = []
  for (const path of filesUnder(FIXTURES)) {
    await decodeEventFile(path, path, readFileSync(path), (slot) => {
      if ('record' in slot) records.push(slot.record)
    })
  }
  return records
}

/** Every record once as it is, then once per odd value of each constrained field and once per missing required field. */
function variants(records: Record<string, unknown>[]): unknown[] {
  const out: unknown[] = [...records, null, [], 'record', 7]
  records.forEach((record, index) => {
    for (const [field, values] of Object.entries(ODD_VALUES)) out.push({...record, [field]: values[index % values.length]})
    const missing = REQUIRED[index % REQUIRED.length]!
    const {[missing]: _dropped, ...rest} = record
    out.push(rest)
  })
  return out
}

describe('record schema: the hand-written fast path', () => {
  it('restates the schema that ships (edit both together, then update the fingerprint)', () => {
    const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'schemas/cloudtrail-record.schema.json'), 'utf8')) as unknown
    expect(createHash('sha256').update(JSON.stringify(schema)).digest('hex')).toBe(FAST_CHECK_SCHEMA_FINGERPRINT)
  })

  it('gives the schema\'s own verdict and messages for fixture, generated and damaged records', async () => {
    const base = [...(await fixtureRecords()), ...generatedRecords(300)]
    const all = variants(base)
    let fast = 0
    let problems = 0
    for (const record of all) {
      const expected = checkRecordWithSchema(record)
      expect(checkRecord(record), JSON.stringify(record)).toEqual(expected)
      // Never a yes where the schema says no.
      if (surelyWellFormed(record)) {
        fast++
        expect(expected, JSON.stringify(record)).toEqual([])
      }
      if (expected.length > 0) problems++
    }
    expect(all.length).toBeGreaterThan(8000)
    expect(problems).toBeGreaterThan(5000)
    // Well-formed records take the fast path, all but those from IPv6 addresses (left to the schema).
    const wellFormed = generatedRecords(300).filter((record) => checkRecordWithSchema(record).length === 0 && !String(record.sourceIPAddress).includes(':'))
    expect(wellFormed.length).toBeGreaterThan(150)
    for (const record of wellFormed) expect(surelyWellFormed(record), JSON.stringify(record)).toBe(true)
    expect(fast).toBeGreaterThan(300)
  })
})

describe('compact UTC times', () => {
  it('reads CloudTrail\'s eventTime shape to the millisecond Date.parse gives, and declines everything else', () => {
    const texts: string[] = [...(ODD_VALUES.eventTime!.filter((value) => typeof value === 'string') as string[])]
    for (let day = 0; day < 800; day += 7) texts.push(new Date(Date.UTC(2023, 0, 1) + day * 86_400_000 + day * 1_234_000).toISOString().replace(/\.\d+Z$/, 'Z'))
    for (const text of texts) {
      const millis = compactUtcMillis(text)
      if (millis !== undefined) expect(millis, text).toBe(Date.parse(text))
    }
    expect(compactUtcMillis('2024-02-29T23:59:59Z')).toBe(Date.parse('2024-02-29T23:59:59Z'))
    // Date.parse rolls these over to another day; the schema rejects them, so the fast reader must too.
    for (const text of ['2023-02-29T00:00:00Z', '2024-04-31T10:00:00Z', '2024-01-01T24:00:00Z', '2016-12-31T23:59:60Z', '0999-01-01T00:00:00Z']) expect(compactUtcMillis(text), text).toBeUndefined()
    // The remembered last answer belongs to its text only.
    expect(compactUtcMillis('2024-05-01T00:00:00Z')).toBe(Date.UTC(2024, 4, 1))
    expect(compactUtcMillis('2024-05-01T00:00:01Z')).toBe(Date.UTC(2024, 4, 1, 0, 0, 1))
  })
})

describe('CIDR matching', () => {
  const IPV4_PART = /^\d{1,3}$/
  /** The reading the matcher had before it was made allocation-free. */
  function referenceIpv4(text: string): number[] | undefined {
    const parts = text.split('.')
    if (parts.length !== 4) return undefined
    const bytes: number[] = []
    for (const part of parts) {
      if (!IPV4_PART.test(part)) return undefined
      const byte = Number(part)
      if (byte > 255) return undefined
      bytes.push(byte)
    }
    return [(bytes[0]! << 8) | bytes[1]!, (bytes[2]! << 8) | bytes[3]!]
  }

  it('reads IPv4 addresses exactly as before', () => {
    const texts = ['1.2.3.4', '255.255.255.255', '256.1.1.1', '01.002.3.4', '0001.2.3.4', '1.2.3', '1.2.3.4.5', '1..2.3', '.1.2.3', '1.2.3.', 'a.b.c.d', '1.2.3.4 ', ' 1.2.3.4', '', '...', '1.2.3.٣', '1.2.3.-4', '+1.2.3.4', '1e2.1.1.1', '0.0.0.0']
    const alphabet = '0123456789.a'
    const random = (() => {
      let seed = 11
      return () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648)
    })()
    for (let i = 0; i < 5000; i++) {
      const parts = Array.from({length: 3 + Math.floor(random() * 3)}, () => Array.from({length: Math.floor(random() * 4)}, () => alphabet[Math.floor(random() * alphabet.length)]).join(''))
      texts.push(parts.join('.'))
    }
    for (const text of texts) expect(parseIpv4(text), JSON.stringify(text)).toEqual(referenceIpv4(text))
  })

  it('judges each address on its own when several ranges test addresses in turn', () => {
    const inTen = compilePattern({ip: [{cidr: '10.0.0.0/8'}]})
    const inDoc = compilePattern({ip: [{cidr: '2001:db8::/32'}]})
    const cases: [string, boolean, boolean][] = [
      ['10.9.8.7', true, false],
      ['11.9.8.7', false, false],
      ['2001:db8::5', false, true],
      ['2001:db9::5', false, false],
      ['10.0.0.1', true, false],
      ['10.0.0.1', true, false],
      ['not an address', false, false],
    ]
    for (const [ip, ten, doc] of cases) {
      expect(inTen.test({ip}), ip).toBe(ten)
      expect(inDoc.test({ip}), ip).toBe(doc)
    }
  })
})

describe('event policies: the per-event-name plan', () => {
  const params = {'source-ip-allowlist': {allowedCidrs: ['10.0.0.0/8', '2001:db8::/32']}}
  const compiled = enabledEventPack()
    .filter((policy) => policy.subject === 'event')
    .map((policy) => compileEventPolicy(policy, params[policy.id as keyof typeof params]))

  it('skips only policies that pass the record anyway, and the quick verdict is the engine\'s', async () => {
    const plan = planPolicies(compiled)
    const records = [...generatedRecords(400, 3), ...(await fixtureRecords())]
    let skipped = 0
    for (const record of records) {
      const tried = new Set(policiesFor(plan, record))
      compiled.forEach((policy, index) => {
        const verdict = quickVerdict(policy, record)
        if (!tried.has(index)) {
          skipped++
          expect(verdict, `${policy.policy.id} on ${String(record.eventName)}`).toBe('pass')
        }
        const subject: EventSubject = {type: 'event', id: 'x', label: 'x', account: '111122223333', document: record, provenance: {kind: 'cloudtrail/log', location: {file: 'x', line: 1, column: 1}}}
        const judged = explain(policy, subject)
        expect(verdict, `${policy.policy.id} on ${JSON.stringify(record)}`).toBe(judged.applicable ? judged.status : 'not-applicable')
      })
    }
    expect(skipped).toBeGreaterThan(records.length * 8)
  })
})

describe('scanEvents: many files on workers', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'trailgate-fast-paths-'))
  afterAll(() => rmSync(scratch, {recursive: true, force: true}))

  it('gives the single-threaded outcome when each worker has files queued', async () => {
    const account = '111122223333'
    const dir = join(scratch, 'AWSLogs', account, 'CloudTrail', 'us-east-1', '2024', '05', '01')
    mkdirSync(dir, {recursive: true})
    for (let file = 0; file < 9; file++) {
      const records: unknown[] = generatedRecords(120, 100 + file)
      if (file === 4) records.push({eventVersion: '1.09', eventName: 'StopLogging', eventTime: 'yesterday'}, 'not a record')
      writeFileSync(join(dir, `${account}_CloudTrail_us-east-1_20240501T12${String(file).padStart(2, '0')}Z_f${file}.json.gz`), gzipSync(JSON.stringify({Records: records})))
    }
    writeFileSync(join(dir, `${account}_CloudTrail_us-east-1_20240501T1299Z_broken.json.gz`), gzipSync('{"Records": [{"eventVersion": "1.09", "eventName": "StopLogging"'))
    const options = {policies: enabledEventPack(), params: {'source-ip-allowlist': {allowedCidrs: ['10.0.0.0/8']}}, cwd: scratch}
    const single = await scanEvents([scratch], {...options, workers: 0})
    const pooled = await scanEvents([scratch], {...options, workers: 2})
    const stable = (result: EventScanResult) => ({...result, stats: {...result.stats, ms: 0}})
    expect(single.stats.files).toBe(10)
    expect(single.stats.records).toBe(9 * 120 + 1)
    expect(single.results.filter((r) => r.status === 'fail').length).toBeGreaterThan(100)
    expect(single.diagnostics.some((d) => d.code === 'record-schema' && d.message.includes('eventTime'))).toBe(true)
    expect(single.diagnostics.some((d) => d.code === 'record-syntax')).toBe(true)
    expect(stable(pooled)).toEqual(stable(single))
  })
})
