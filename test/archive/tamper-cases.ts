import {createHash} from 'node:crypto'
import {gunzipSync, gzipSync} from 'node:zlib'

import {buildArchive, logFile, logKey, signDigest, signingKey, type ArchiveObject, type BuiltArchive, type SigningKey} from './signed-archive.js'

/**
 * Each way of tampering with an archive the tests try, with what `aws cloudtrail validate-logs`
 * would print for it (derived from its algorithm: it walks back from the newest digest by
 * previousDigestS3Object, checks each digest's signature from its S3 metadata and each listed log
 * file's hash) and what trailgate finds beyond it.
 */
export interface TamperCase {
  name: string
  objects: ArchiveObject[]
  /** Keys the AWS CLI prints as INVALID, with its words. */
  cli: {key: string; line: string}[]
  /** Keys only trailgate finds, with the policy that fails them. */
  extras: {key: string; policy: string}[]
  /** Keys trailgate fails that the CLI prints, with the policy that fails them. */
  agreed: {key: string; policy: string}[]
  /** Of those, the ones a local copy cannot decide (the newest digest's signature is only in S3 metadata): unknown there, failed in S3. */
  unknownOffline: string[]
}

const SPEC = {account: '111122223333', region: 'us-east-1', trail: 'main', bucket: 'trail-bucket', prefix: '', hours: 4, logsPerHour: 3, records: 5}
const sha = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex')

function redigest(target: ArchiveObject, change: (document: Record<string, unknown>) => void, key: SigningKey): ArchiveObject {
  const document = JSON.parse(gunzipSync(target.bytes).toString()) as Record<string, unknown>
  change(document)
  const inflated = Buffer.from(JSON.stringify(document))
  return {key: target.key, bytes: gzipSync(inflated), metadata: {signature: signDigest(document, inflated, key), 'signature-algorithm': 'SHA256withRSA'}}
}

/** `prefix` (with its `/`): the trail's S3 key prefix, so that cases can live side by side in one bucket. */
export function tamperCases(key: SigningKey, prefix = ''): TamperCase[] {
  const spec = {...SPEC, prefix}
  const url = (objectKey: string): string => `s3://${spec.bucket}/${objectKey}`
  const fresh = (): BuiltArchive => buildArchive({...spec, key})
  const cases: TamperCase[] = []

  {
    const archive = fresh()
    const target = archive.logs[4]!
    const inflated = gunzipSync(target.bytes)
    inflated[40] = inflated[40]! ^ 1
    cases.push({
      name: 'a changed byte in a log file',
      objects: archive.objects.map((o) => (o === target ? {...o, bytes: gzipSync(inflated)} : o)),
      cli: [{key: target.key, line: `Log file ${url(target.key)} INVALID: hash value doesn't match`}],
      agreed: [{key: target.key, policy: 'log-file-integrity'}],
      extras: [],
      unknownOffline: [],
    })
  }
  {
    const archive = fresh()
    const target = archive.logs[7]!
    cases.push({
      name: 'a deleted log file',
      objects: archive.objects.filter((o) => o !== target),
      cli: [{key: target.key, line: `Log file ${url(target.key)} INVALID: not found`}],
      agreed: [{key: target.key, policy: 'log-file-integrity'}],
      extras: [],
      unknownOffline: [],
    })
  }
  {
    const archive = fresh()
    const time = new Date(Date.UTC(2025, 4, 1, 1, 33))
    const inserted = {key: logKey(spec, time, 'Inserted'), bytes: logFile(spec, time, 2, 999), metadata: {}}
    cases.push({
      name: 'an inserted log file',
      objects: [...archive.objects, inserted],
      // The CLI checks only what digests list: a file no digest names is never looked at.
      cli: [],
      agreed: [],
      extras: [{key: inserted.key, policy: 'log-file-integrity'}],
      unknownOffline: [],
    })
  }
  {
    const archive = fresh()
    const target = archive.digests[1]!
    const orphans = archive.logs.slice(3, 6)
    cases.push({
      name: 'a deleted digest',
      objects: archive.objects.filter((o) => o !== target),
      cli: [{key: target.key, line: `Digest file ${url(target.key)} INVALID: not found`}],
      agreed: [{key: target.key, policy: 'digest-chain-integrity'}],
      // The log files only the deleted digest listed are now vouched for by nothing.
      extras: orphans.map((log) => ({key: log.key, policy: 'log-file-integrity'})),
      unknownOffline: [],
    })
  }
  {
    // The forger rewrites digest 2 (drops a log file from it, deletes that file) and digest 3 after it,
    // keeps the chain consistent, and signs both with a key that is not CloudTrail's.
    const archive = fresh()
    const forger = signingKey()
    const dropped = archive.logs[6]!
    const forged2 = redigest(archive.digests[2]!, (document) => {
      document.logFiles = (document.logFiles as {s3Object: string}[]).filter((log) => log.s3Object !== dropped.key)
    }, forger)
    const forged3 = redigest(archive.digests[3]!, (document) => {
      document.previousDigestHashValue = sha(gunzipSync(forged2.bytes))
      document.previousDigestSignature = forged2.metadata.signature
    }, forger)
    const swap = new Map([[forged2.key, forged2], [forged3.key, forged3]])
    cases.push({
      name: 'digests forged and signed with another key',
      objects: archive.objects.filter((o) => o !== dropped).map((o) => swap.get(o.key) ?? o),
      cli: [
        {key: forged3.key, line: `Digest file ${url(forged3.key)} INVALID: signature verification failed`},
        {key: forged2.key, line: `Digest file ${url(forged2.key)} INVALID: signature verification failed`},
      ],
      agreed: [
        {key: forged3.key, policy: 'digest-chain-integrity'},
        {key: forged2.key, policy: 'digest-chain-integrity'},
      ],
      // Digest 1's hash and signature as digest 2 records them still match: the forger could copy them.
      extras: [],
      // In a copy, digest 3's signature is nowhere: digest 2's is known from digest 3, and fails.
      unknownOffline: [forged3.key],
    })
  }
  {
    // Digest 3 names digest 1 as its previous, skipping digest 2; every digest is properly signed.
    const archive = fresh()
    const [, d1, d2, d3] = archive.digests
    const relinked = redigest(d3!, (document) => {
      document.previousDigestS3Object = d1!.key
      document.previousDigestHashValue = sha(gunzipSync(d1!.bytes))
      document.previousDigestSignature = d1!.metadata.signature
    }, key)
    cases.push({
      name: 'a reordered chain',
      objects: archive.objects.map((o) => (o === d3 ? relinked : o)),
      // The CLI follows the links: digest 2 and its log files are never visited, and nothing is said.
      cli: [],
      agreed: [],
      extras: [{key: relinked.key, policy: 'digest-chain-integrity'}],
      unknownOffline: [],
    })
    void d2
  }
  return cases
}
