import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import type {Report} from '../../src/engine/report-types.js'
import {listPublicKeysOutput, signingKey, writeLocalCopy} from '../archive/signed-archive.js'
import {tamperCases, type TamperCase} from '../archive/tamper-cases.js'
import {startFakeAws} from '../live/fake-aws/server.js'
import {trailgate, trailgateAsync} from './cli.js'

const KEY = signingKey()
const INTEGRITY = ['log-file-integrity', 'digest-chain-integrity', 'digest-chain-continuity']

/** A local copy of the bucket (`aws s3 sync` keeps no metadata) and the public keys file, checked by the built CLI. */
function checkCopy(testCase: TamperCase, extra: string[] = []): {status: number; report: Report; sarif: {runs: {results: {ruleId: string; locations?: {physicalLocation: {artifactLocation: {uri: string}}}[]}[]}[]}} {
  const cwd = mkdtempSync(join(tmpdir(), 'trailgate-integrity-'))
  writeLocalCopy(join(cwd, 'copy'), testCase.objects)
  writeFileSync(join(cwd, 'keys.json'), listPublicKeysOutput([KEY]))
  const run = trailgate(['check', 'copy', '--public-keys', 'keys.json', '--only', INTEGRITY.join(','), '--format', 'json', '--sarif', 'out.sarif', ...extra], {cwd})
  expect(run.stderr).toBe('')
  return {status: run.status, report: JSON.parse(run.stdout) as Report, sarif: JSON.parse(readFileSync(join(cwd, 'out.sarif'), 'utf8'))}
}

const failed = (report: Report) => report.results.filter((r) => r.status === 'fail').map((r) => ({key: r.subject.id.replace(/^copy\//, ''), policy: r.policy})).sort((a, b) => (a.key < b.key ? -1 : 1))
const sorted = (items: {key: string; policy: string}[]) => [...items].sort((a, b) => (a.key < b.key ? -1 : 1))

describe('log file integrity of a local bucket copy (built CLI)', () => {
  const cases = tamperCases(KEY)

  for (const testCase of cases) {
    it(`${testCase.name}: trailgate fails what aws cloudtrail validate-logs prints INVALID, and finds ${testCase.extras.length} more`, () => {
      const {status, report, sarif} = checkCopy(testCase)
      // What the CLI would print INVALID, trailgate fails, object for object.
      expect(testCase.cli.map((line) => line.key).sort()).toEqual(testCase.agreed.map((item) => item.key).sort())
      const expected = sorted([...testCase.agreed.filter((item) => !testCase.unknownOffline.includes(item.key)), ...testCase.extras])
      expect(failed(report)).toEqual(expected)
      const unknown = report.results.filter((r) => r.status === 'unknown').map((r) => r.subject.id.replace(/^copy\//, ''))
      for (const key of testCase.unknownOffline) expect(unknown).toContain(key)
      // The text of each failure names the object as the CLI would.
      for (const line of testCase.cli.filter((item) => !testCase.unknownOffline.includes(item.key))) {
        const result = report.results.find((r) => r.status === 'fail' && r.subject.id === `copy/${line.key}`)
        const cliProblem = line.line.slice(line.line.indexOf(' INVALID: ') + ' INVALID: '.length)
        expect(result?.message).toContain(`INVALID: ${cliProblem}`)
      }
      // SARIF points each failure at the object's own path.
      const uris = sarif.runs[0]!.results.map((r) => r.locations?.[0]?.physicalLocation.artifactLocation.uri).sort()
      expect(uris).toEqual(expected.map((item) => `copy/${item.key}`).sort())
      expect(status).toBe(1)
    })
  }

  it('an untouched copy: every log file and digest passes but the newest digest, whose signature only S3 metadata holds (unknown, said why)', () => {
    const untouched = tamperCases(KEY)[2]!
    const {status, report} = checkCopy({...untouched, objects: untouched.objects.filter((o) => !o.key.includes('Inserted'))})
    expect(report.results.filter((r) => r.status === 'fail')).toEqual([])
    const unknown = report.results.filter((r) => r.status === 'unknown')
    expect(unknown.map((r) => r.policy)).toEqual(['digest-chain-integrity'])
    expect(unknown[0]!.message).toContain('S3 object metadata')
    expect(report.results.filter((r) => r.policy === 'log-file-integrity' && r.status === 'pass')).toHaveLength(12)
    expect(report.inputs.filter((input) => input.kind === 'cloudtrail/digest').map((input) => input.fate)).toEqual(['read', 'read', 'read', 'read'])
    expect(status).toBe(0)
  })

  it('without --public-keys no signature is checked: unknown, never a pass', () => {
    const untouched = tamperCases(KEY)[0]!
    const cwd = mkdtempSync(join(tmpdir(), 'trailgate-integrity-'))
    writeLocalCopy(join(cwd, 'copy'), untouched.objects)
    const run = trailgate(['check', 'copy', '--only', 'digest-chain-integrity', '--format', 'json'], {cwd})
    const report = JSON.parse(run.stdout) as Report
    expect(report.results.map((r) => r.status)).toEqual(['unknown', 'unknown', 'unknown', 'unknown'])
    expect(report.results.some((r) => r.message.includes('no CloudTrail public keys were given'))).toBe(true)
  })

  it('text output reads like the AWS CLI', () => {
    const deleted = tamperCases(KEY)[1]!
    const cwd = mkdtempSync(join(tmpdir(), 'trailgate-integrity-'))
    writeLocalCopy(join(cwd, 'copy'), deleted.objects)
    writeFileSync(join(cwd, 'keys.json'), listPublicKeysOutput([KEY]))
    const run = trailgate(['check', 'copy', '--public-keys', 'keys.json', '--only', INTEGRITY.join(',')], {cwd})
    expect(run.stdout).toContain(`Log file copy/${deleted.cli[0]!.key} INVALID: not found`)
    expect(run.stdout).toMatch(/note: log file integrity of trail main \(111122223333\/us-east-1\) in copy: 4\/4 digests and 11\/12 log files valid/)
    expect(run.status).toBe(1)
  })

  it('audit --save-snapshot saves the public keys of the trails\' home regions, and check proves a copy offline with them as with --public-keys', async () => {
    const validity = {ValidityStartTime: '2025-01-01T00:00:00Z', ValidityEndTime: '2026-01-01T00:00:00Z'}
    const trails = [{Name: 'main', HomeRegion: 'us-east-1', S3BucketName: 'trail-bucket', IsMultiRegionTrail: true, LogFileValidationEnabled: true}]
    const world = (denied: boolean) => ({regions: ['us-east-1'], accounts: {'111122223333': {accessKeyIds: ['AKIASAVESKEYS'], trails, publicKeys: {'us-east-1': [{Value: KEY.value, Fingerprint: KEY.fingerprint, ...validity}]}, ...(denied ? {faults: {accessDenied: {operations: ['ListPublicKeys']}}} : {})}}})
    const nowhere = join(tmpdir(), 'trailgate-no-aws-config')
    const env = {AWS_ACCESS_KEY_ID: 'AKIASAVESKEYS', AWS_SECRET_ACCESS_KEY: 'fake', AWS_REGION: 'us-east-1', AWS_CONFIG_FILE: nowhere, AWS_SHARED_CREDENTIALS_FILE: nowhere, AWS_EC2_METADATA_DISABLED: 'true'}
    const cwd = mkdtempSync(join(tmpdir(), 'trailgate-saved-keys-'))
    const forged = tamperCases(KEY).find((testCase) => testCase.name.includes('another key'))!
    writeLocalCopy(join(cwd, 'copy'), forged.objects)
    writeFileSync(join(cwd, 'keys.json'), listPublicKeysOutput([KEY]))
    const saveSnapshot = async (denied: boolean, file: string) => {
      const fake = await startFakeAws(world(denied), {rateLimits: false})
      try {
        const run = await trailgateAsync(['audit', '--endpoint-url', fake.url, '--regions', 'us-east-1', '--save-snapshot', file, '--public-keys-since', '2025-04-01', '--format', 'json'], {cwd, env})
        return {run, listed: fake.requests.filter((request) => request.operation === 'ListPublicKeys').map((request) => request.region)}
      } finally {
        await fake.close()
      }
    }
    const saved = await saveSnapshot(false, 'audit.json')
    expect(saved.listed).toEqual(['us-east-1'])
    const snapshot = JSON.parse(readFileSync(join(cwd, 'audit.json'), 'utf8')) as {publicKeys: {since: string; keys: {fingerprint: string; region: string}[]}}
    expect(snapshot.publicKeys).toMatchObject({since: '2025-04-01T00:00:00.000Z', keys: [{fingerprint: KEY.fingerprint, region: 'us-east-1'}]})
    // The schema check of the snapshot reader accepts what audit wrote.
    const statuses = (args: string[]) => {
      const run = trailgate(['check', ...args, '--only', INTEGRITY.join(','), '--format', 'json'], {cwd})
      const report = JSON.parse(run.stdout) as Report
      expect(report.diagnostics.filter((diagnostic) => diagnostic.code === 'snapshot-schema')).toEqual([])
      return {status: run.status, results: report.results.filter((r) => r.policy === 'digest-chain-integrity').map((r) => `${r.subject.id} ${r.status}`), report}
    }
    const offline = statuses(['audit.json', 'copy'])
    const given = statuses(['copy', '--public-keys', 'keys.json'])
    expect(offline.results).toEqual(given.results)
    expect(offline.results.some((line) => line.endsWith(' fail'))).toBe(true) // the digest signed with another key
    expect(offline.status).toBe(1)
    expect(offline.report.notes).toContain('1 CloudTrail public key from the snapshot, listed for 2025-04-01T00:00:00.000Z to ' + (snapshot.publicKeys as unknown as {until: string}).until)

    // The snapshot alone, with no bucket copy: its keys check nothing, and no note speaks of them.
    const alone = JSON.parse(trailgate(['check', 'audit.json', '--format', 'json'], {cwd}).stdout) as Report
    expect(alone.notes.filter((note) => note.includes('public key'))).toEqual([])

    // Keys that could not be listed when the snapshot was saved: those signatures stay unknown, saying why.
    const refused = await saveSnapshot(true, 'denied.json')
    expect(refused.run.status).toBe(2)
    const unknown = statuses(['denied.json', 'copy']).report.results.filter((r) => r.policy === 'digest-chain-integrity' && r.status === 'unknown')
    expect(unknown.length).toBeGreaterThan(1)
    expect(unknown.filter((r) => r.message.includes('ListPublicKeys in us-east-1 failed when the snapshot was saved: AccessDenied'))).toHaveLength(unknown.length - 1)
  }, 120_000)

  it('--public-keys-since without --save-snapshot is refused', () => {
    const run = trailgate(['audit', '--public-keys-since', '30d'])
    expect(run.status).toBe(2)
    expect(run.stderr.replace(/\s*›\s*/g, ' ')).toContain('give --save-snapshot too')
  })
})
