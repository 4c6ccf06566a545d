import {createHash, generateKeyPairSync, sign, type KeyObject} from 'node:crypto'
import {mkdirSync, writeFileSync} from 'node:fs'
import {dirname, join, sep} from 'node:path'
import {gunzipSync, gzipSync} from 'node:zlib'

/**
 * A CloudTrail archive written the way CloudTrail writes one: log files, and per hour a digest
 * listing their inflated SHA-256, naming the previous digest with its hash and signature, signed
 * with SHA256withRSA over the string CloudTrail signs. The signature of each digest is kept apart,
 * as S3 keeps it in the object's metadata (`signature`, `signature-algorithm`).
 */

export interface SigningKey {
  privateKey: KeyObject
  fingerprint: string
  /** DER PKCS#1 RSAPublicKey, base64: ListPublicKeys' Value. */
  value: string
}

export function signingKey(): SigningKey {
  const {privateKey, publicKey} = generateKeyPairSync('rsa', {modulusLength: 2048})
  const der = publicKey.export({format: 'der', type: 'pkcs1'})
  return {privateKey, fingerprint: createHash('md5').update(der).digest('hex'), value: der.toString('base64')}
}

/** `aws cloudtrail list-public-keys` output naming these keys. */
export function listPublicKeysOutput(keys: SigningKey[]): string {
  return JSON.stringify({PublicKeyList: keys.map((key) => ({Value: key.value, ValidityStartTime: '2025-01-01T00:00:00Z', ValidityEndTime: '2026-01-01T00:00:00Z', Fingerprint: key.fingerprint}))}, null, 2)
}

export interface ArchiveObject {
  key: string
  bytes: Buffer
  /** S3 user metadata of the object (digests: the signature). */
  metadata: Record<string, string>
}

export interface ArchiveSpec {
  account?: string
  region?: string
  trail?: string
  bucket?: string
  /** The trail's S3 key prefix, with its `/`. */
  prefix?: string
  /** Digest hours from 2025-05-01T01:00Z on. */
  hours?: number
  logsPerHour?: number
  /** Records per log file. */
  records?: number
  key?: SigningKey
}

export interface BuiltArchive {
  objects: ArchiveObject[]
  digests: ArchiveObject[]
  logs: ArchiveObject[]
  bucket: string
  key: SigningKey
}

const pad = (n: number): string => String(n).padStart(2, '0')
const stamp = (time: Date): string => `${time.getUTCFullYear()}${pad(time.getUTCMonth() + 1)}${pad(time.getUTCDate())}T${pad(time.getUTCHours())}${pad(time.getUTCMinutes())}${pad(time.getUTCSeconds())}Z`
const day = (time: Date): string => `${time.getUTCFullYear()}/${pad(time.getUTCMonth() + 1)}/${pad(time.getUTCDate())}`
const iso = (time: Date): string => time.toISOString().replace('.000', '')
const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex')

export function logKey(spec: Required<Omit<ArchiveSpec, 'key'>>, time: Date, unique: string): string {
  return `${spec.prefix}AWSLogs/${spec.account}/CloudTrail/${spec.region}/${day(time)}/${spec.account}_CloudTrail_${spec.region}_${stamp(time).slice(0, 13)}Z_${unique}.json.gz`
}

export function digestKey(spec: Required<Omit<ArchiveSpec, 'key'>>, time: Date): string {
  return `${spec.prefix}AWSLogs/${spec.account}/CloudTrail-Digest/${spec.region}/${day(time)}/${spec.account}_CloudTrail-Digest_${spec.region}_${spec.trail}_${spec.region}_${stamp(time)}.json.gz`
}

export function logFile(spec: Required<Omit<ArchiveSpec, 'key'>>, time: Date, records: number, seed: number): Buffer {
  const list = Array.from({length: records}, (_, index) => ({
    eventVersion: '1.08',
    eventTime: iso(new Date(time.getTime() - (records - index) * 1000)),
    eventSource: 's3.amazonaws.com',
    eventName: 'GetObject',
    awsRegion: spec.region,
    sourceIPAddress: '198.51.100.7',
    userIdentity: {type: 'IAMUser', principalId: 'AIDAEXAMPLE', arn: `arn:aws:iam::${spec.account}:user/alice`, accountId: spec.account},
    requestParameters: {bucketName: 'data', key: `object-${seed}-${index}`},
    eventID: `00000000-0000-4000-8000-${String(seed * 100000 + index).padStart(12, '0')}`,
    eventType: 'AwsApiCall',
    recipientAccountId: spec.account,
  }))
  return gzipSync(Buffer.from(JSON.stringify({Records: list})))
}

/** The string CloudTrail signs for a digest, and the digest signed with `key`. */
export function signDigest(document: Record<string, unknown>, inflated: Buffer, key: SigningKey): string {
  const data = `${String(document.digestEndTime)}\n${String(document.digestS3Bucket)}/${String(document.digestS3Object)}\n${sha256(inflated)}\n${document.previousDigestSignature === null ? 'null' : String(document.previousDigestSignature)}`
  return sign('sha256', Buffer.from(data, 'utf8'), key.privateKey).toString('hex')
}

export function buildArchive(options: ArchiveSpec = {}): BuiltArchive {
  const spec = {account: '111122223333', region: 'us-east-1', trail: 'main', bucket: 'trail-bucket', prefix: '', hours: 4, logsPerHour: 3, records: 5, ...options}
  const key = options.key ?? signingKey()
  const logs: ArchiveObject[] = []
  const digests: ArchiveObject[] = []
  let previous: {key: string; sha256: string; signature: string} | undefined
  for (let hour = 0; hour < spec.hours; hour++) {
    const end = new Date(Date.UTC(2025, 4, 1, hour + 1))
    const start = new Date(end.getTime() - 3600_000)
    const hourLogs: ArchiveObject[] = []
    for (let n = 0; n < spec.logsPerHour; n++) {
      const time = new Date(start.getTime() + (n + 1) * 5 * 60_000)
      const bytes = logFile(spec, time, spec.records, hour * 100 + n)
      hourLogs.push({key: logKey(spec, time, `Ex4mple${hour}${n}`), bytes, metadata: {}})
    }
    const object = digestKey(spec, end)
    const document = {
      awsAccountId: spec.account,
      digestStartTime: iso(start),
      digestEndTime: iso(end),
      digestS3Bucket: spec.bucket,
      digestS3Object: object,
      digestPublicKeyFingerprint: key.fingerprint,
      digestSignatureAlgorithm: 'SHA256withRSA',
      newestEventTime: iso(end),
      oldestEventTime: iso(start),
      previousDigestS3Bucket: previous ? spec.bucket : null,
      previousDigestS3Object: previous?.key ?? null,
      previousDigestHashValue: previous?.sha256 ?? null,
      previousDigestHashAlgorithm: previous ? 'SHA-256' : null,
      previousDigestSignature: previous?.signature ?? null,
      logFiles: hourLogs.map((log) => ({s3Bucket: spec.bucket, s3Object: log.key, hashValue: sha256(gunzipSync(log.bytes)), hashAlgorithm: 'SHA-256', newestEventTime: iso(end), oldestEventTime: iso(start)})),
    }
    const inflated = Buffer.from(JSON.stringify(document))
    const signature = signDigest(document, inflated, key)
    digests.push({key: object, bytes: gzipSync(inflated), metadata: {signature, 'signature-algorithm': 'SHA256withRSA'}})
    previous = {key: object, sha256: sha256(inflated), signature}
    for (const log of hourLogs) logs.push(log)
  }
  return {objects: [...logs, ...digests], digests, logs, bucket: spec.bucket, key}
}

/** Writes the objects below `folder` as a local copy of the bucket (`aws s3 sync` keeps no metadata). */
export function writeLocalCopy(folder: string, objects: ArchiveObject[]): void {
  for (const object of objects) {
    const path = join(folder, object.key.split('/').join(sep))
    mkdirSync(dirname(path), {recursive: true})
    writeFileSync(path, object.bytes)
  }
}
