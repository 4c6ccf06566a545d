import {createHash} from 'node:crypto'
import {gunzipSync, gzipSync} from 'node:zlib'
import {describe, expect, it} from 'vitest'

import {checkIntegrity} from '../../src/archive/integrity/check.js'
import {PublicKeys} from '../../src/archive/integrity/signature.js'
import type {ObjectVerdict} from '../../src/archive/integrity/verdicts.js'
import {MemoryStore} from './memory-store.js'
import {tamperCases} from './tamper-cases.js'
import {buildArchive, logFile, logKey, signDigest, signingKey, type ArchiveObject, type BuiltArchive} from './signed-archive.js'

const KEY = signingKey()
const BUCKET = 'trail-bucket'
const fresh = (): BuiltArchive => buildArchive({key: KEY, bucket: BUCKET})

async function judge(objects: ArchiveObject[], options: {metadata?: boolean; keys?: boolean} = {}): Promise<ObjectVerdict[]> {
  const store = new MemoryStore(BUCKET, objects, options.metadata ?? true)
  const keys = new PublicKeys(options.keys === false ? [] : [{fingerprint: KEY.fingerprint, value: KEY.value}])
  const result = await checkIntegrity(store, {keys, maxBytes: 1 << 30, ...(options.metadata === false ? {} : {bucket: BUCKET})})
  expect(result.errors).toEqual([])
  return result.objects
}

const notValid = (verdicts: ObjectVerdict[]) => verdicts.filter((v) => v.verdict !== 'valid' || (v.signature !== undefined && v.signature !== 'valid'))
const byKey = (verdicts: ObjectVerdict[], key: string) => verdicts.find((v) => v.key === key)

describe('log file integrity from the digest chain', () => {
  it('finds an untouched archive valid: every log and digest, every signature checked', async () => {
    const archive = fresh()
    const verdicts = await judge(archive.objects)
    expect(verdicts).toHaveLength(archive.objects.length)
    expect(notValid(verdicts)).toEqual([])
  })

  it('a changed byte in a log file: that file is modified, nothing else', async () => {
    const archive = fresh()
    const target = archive.logs[4]!
    const inflated = gunzipSync(target.bytes)
    inflated[20] = inflated[20]! ^ 1
    const verdicts = await judge(archive.objects.map((o) => (o === target ? {...o, bytes: gzipSync(inflated)} : o)))
    expect(notValid(verdicts).map((v) => [v.key, v.verdict])).toEqual([[target.key, 'modified']])
    expect(byKey(verdicts, target.key)!.problems[0]).toContain("hash value doesn't match")
  })

  it('a log file that is not gzip is invalid format', async () => {
    const archive = fresh()
    const target = archive.logs[0]!
    const verdicts = await judge(archive.objects.map((o) => (o === target ? {...o, bytes: Buffer.from('{"Records":[]}')} : o)))
    expect(notValid(verdicts).map((v) => [v.key, v.verdict])).toEqual([[target.key, 'invalid-format']])
  })

  it('a deleted log file is deleted', async () => {
    const archive = fresh()
    const target = archive.logs[2]!
    const verdicts = await judge(archive.objects.filter((o) => o !== target))
    expect(notValid(verdicts).map((v) => [v.key, v.verdict])).toEqual([[target.key, 'deleted']])
  })

  it('an inserted log file is not covered', async () => {
    const archive = fresh()
    const spec = {account: '111122223333', region: 'us-east-1', trail: 'main', bucket: BUCKET, prefix: '', hours: 4, logsPerHour: 3, records: 5}
    const time = new Date(Date.UTC(2025, 4, 1, 1, 33))
    const inserted = {key: logKey(spec, time, 'Inserted'), bytes: logFile(spec, time, 2, 999), metadata: {}}
    const verdicts = await judge([...archive.objects, inserted])
    expect(notValid(verdicts).map((v) => [v.key, v.verdict])).toEqual([[inserted.key, 'not-covered']])
  })

  it('a log file delivered after the newest digest is unknown, not a pass and not a failure', async () => {
    const archive = fresh()
    const spec = {account: '111122223333', region: 'us-east-1', trail: 'main', bucket: BUCKET, prefix: '', hours: 4, logsPerHour: 3, records: 5}
    const time = new Date(Date.UTC(2025, 4, 1, 4, 10))
    const late = {key: logKey(spec, time, 'Late'), bytes: logFile(spec, time, 2, 998), metadata: {}}
    const verdicts = await judge([...archive.objects, late])
    expect(byKey(verdicts, late.key)!.verdict).toEqual({unknown: expect.stringContaining('after the newest digest')})
  })

  it('a deleted digest is missing; the digest before it cannot have its signature vouched for offline', async () => {
    const archive = fresh()
    const target = archive.digests[1]!
    const verdicts = await judge(archive.objects.filter((o) => o !== target))
    const missing = byKey(verdicts, target.key)!
    expect(missing.verdict).toBe('missing')
    // Its log files are listed by no digest any more: not covered.
    const orphans = notValid(verdicts).filter((v) => v.object === 'log').map((v) => v.verdict)
    expect(orphans).toEqual(['not-covered', 'not-covered', 'not-covered'])
  })

  it('a digest forged and signed with another key fails its signature', async () => {
    const archive = fresh()
    const target = archive.digests[3]!
    const inflated = gunzipSync(target.bytes)
    const document = JSON.parse(inflated.toString()) as Record<string, unknown>
    const forged = signDigest(document, inflated, signingKey())
    const verdicts = await judge(archive.objects.map((o) => (o === target ? {...o, metadata: {...o.metadata, signature: forged}} : o)))
    expect(notValid(verdicts).map((v) => [v.key, v.verdict, v.signature])).toEqual([[target.key, 'modified', 'invalid']])
  })

  it('a digest whose content was changed fails the hash its successor records and its own signature', async () => {
    const archive = fresh()
    const target = archive.digests[1]!
    const document = JSON.parse(gunzipSync(target.bytes).toString()) as {logFiles: unknown[]}
    document.logFiles.pop()
    const verdicts = await judge(archive.objects.map((o) => (o === target ? {...o, bytes: gzipSync(Buffer.from(JSON.stringify(document)))} : o)))
    const digest = byKey(verdicts, target.key)!
    expect(digest.verdict).toBe('modified')
    expect(digest.problems.join(' | ')).toMatch(/previousDigestHashValue.*\| signature verification failed/)
  })

  it('a reordered chain: a digest whose previous is not the one before it in time', async () => {
    const key = KEY
    // Digest 3 names digest 1 as its previous, skipping digest 2; each is properly signed.
    const archive = buildArchive({key, bucket: BUCKET})
    const [d0, d1, d2, d3] = archive.digests.map((d) => ({...d, document: JSON.parse(gunzipSync(d.bytes).toString()) as Record<string, unknown>}))
    const resign = (target: typeof d3, previous: typeof d1) => {
      const document = {...target!.document, previousDigestS3Object: previous!.key, previousDigestHashValue: sha(gunzipSync(previous!.bytes)), previousDigestSignature: previous!.metadata.signature}
      const inflated = Buffer.from(JSON.stringify(document))
      return {key: target!.key, bytes: gzipSync(inflated), metadata: {signature: signDigest(document, inflated, key), 'signature-algorithm': 'SHA256withRSA'}}
    }
    const objects = [...archive.logs, d0!, d1!, d2!, resign(d3, d1)].map(({key: k, bytes, metadata}) => ({key: k, bytes, metadata}))
    const verdicts = await judge(objects)
    expect(notValid(verdicts).map((v) => [v.key, v.verdict])).toEqual([[d3!.key, 'reordered']])
    expect(byKey(verdicts, d3!.key)!.problems[0]).toContain('chain out of order')
  })

  it('offline (no metadata): hashes and chain are still checked; only the newest signature is unknown', async () => {
    const archive = fresh()
    const verdicts = await judge(archive.objects, {metadata: false})
    const unsure = notValid(verdicts)
    expect(unsure.map((v) => v.key)).toEqual([archive.digests[3]!.key])
    expect(unsure[0]!.signature).toEqual({unknown: expect.stringContaining('S3 object metadata')})
  })

  it('without public keys every signature is unknown (why said), never a pass', async () => {
    const archive = fresh()
    const verdicts = await judge(archive.objects, {keys: false})
    const digests = verdicts.filter((v) => v.object === 'digest')
    expect(digests.map((v) => v.signature)).toEqual(digests.map(() => ({unknown: expect.stringContaining('no CloudTrail public keys')})))
  })

  it('a moved digest says so', async () => {
    const archive = fresh()
    const target = archive.digests[0]!
    const moved = {...target, key: target.key.replace('_main_', '_copy_')}
    const verdicts = await judge(archive.objects.map((o) => (o === target ? moved : o)))
    expect(byKey(verdicts, moved.key)!.verdict).toBe('moved')
  })

  it('a gzip bomb is refused in bounded time and memory, and the rest is still checked', async () => {
    const archive = fresh()
    const target = archive.logs[1]!
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024))
    const store = new MemoryStore(BUCKET, archive.objects.map((o) => (o === target ? {...o, bytes: bomb} : o)))
    const result = await checkIntegrity(store, {keys: new PublicKeys([{fingerprint: KEY.fingerprint, value: KEY.value}]), maxBytes: 1024 * 1024, bucket: BUCKET})
    expect(notValid(result.objects).map((v) => [v.key, v.verdict, v.problems[0]])).toEqual([[target.key, 'invalid-format', expect.stringContaining('inflates past')]])
  })
})

const sha = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex')

describe('trailgate and aws cloudtrail validate-logs agree (objects read with their S3 metadata)', () => {
  for (const testCase of tamperCases(KEY)) {
    it(`${testCase.name}: the CLI's INVALID objects fail, plus ${testCase.extras.length} only trailgate finds`, async () => {
      const verdicts = await judge(testCase.objects)
      const failing = notValid(verdicts).map((v) => v.key).sort()
      expect(failing).toEqual([...testCase.cli.map((line) => line.key), ...testCase.extras.map((item) => item.key)].sort())
      for (const line of testCase.cli) {
        const cliProblem = line.line.slice(line.line.indexOf(' INVALID: ') + ' INVALID: '.length)
        expect(byKey(verdicts, line.key)!.problems.join(' | ')).toContain(cliProblem)
      }
    })
  }
})
