import {createHash} from 'node:crypto'
import {gunzipSync} from 'node:zlib'

/** One log file a digest vouches for. */
export interface DigestLogFile {
  s3Bucket: string
  s3Object: string
  /** Hex SHA-256 of the log file once inflated. */
  hashValue: string
}

/** The fields of a digest file that integrity reads (the file carries more). */
export interface Digest {
  digestStartTime: string
  digestEndTime: string
  digestS3Bucket: string
  digestS3Object: string
  digestPublicKeyFingerprint: string
  previousDigestS3Bucket: string | null
  previousDigestS3Object: string | null
  previousDigestHashValue: string | null
  previousDigestSignature: string | null
  logFiles: DigestLogFile[]
  /** Hex SHA-256 of the digest file once inflated: what the next digest's previousDigestHashValue holds. */
  sha256: string
}

/** Without these the AWS CLI calls a digest "invalid format", and so does trailgate. */
const REQUIRED = ['digestPublicKeyFingerprint', 'digestS3Bucket', 'digestS3Object', 'previousDigestSignature', 'digestEndTime', 'digestStartTime'] as const

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null)

/** Inflates and reads a digest file; a problem is said in the words the report gives it. */
export function parseDigest(bytes: Buffer, maxBytes: number): Digest | {problem: string} {
  let inflated: Buffer
  try {
    inflated = gunzipSync(bytes, {maxOutputLength: maxBytes})
  } catch (error) {
    return {problem: `invalid format: not a readable gzip file (${(error as Error).message})`}
  }
  let document: unknown
  try {
    document = JSON.parse(inflated.toString('utf8'))
  } catch (error) {
    return {problem: `invalid format: not JSON (${(error as Error).message})`}
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) return {problem: 'invalid format: not a JSON object'}
  const fields = document as Record<string, unknown>
  const absent = REQUIRED.filter((name) => !(name in fields))
  if (absent.length > 0) return {problem: `invalid format: no ${absent.join(', ')}`}
  const strings = REQUIRED.filter((name) => name !== 'previousDigestSignature' && typeof fields[name] !== 'string')
  if (strings.length > 0) return {problem: `invalid format: ${strings.join(', ')} not text`}
  const rawLogs = Array.isArray(fields.logFiles) ? (fields.logFiles as unknown[]) : undefined
  if (rawLogs === undefined) return {problem: 'invalid format: logFiles is not a list'}
  const logFiles: DigestLogFile[] = []
  for (const [index, entry] of rawLogs.entries()) {
    const log = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>
    const s3Bucket = text(log.s3Bucket)
    const s3Object = text(log.s3Object)
    const hashValue = text(log.hashValue)
    if (s3Bucket === null || s3Object === null || hashValue === null) return {problem: `invalid format: logFiles[${index}] lacks s3Bucket, s3Object or hashValue`}
    logFiles.push({s3Bucket, s3Object, hashValue: hashValue.toLowerCase()})
  }
  return {
    digestStartTime: fields.digestStartTime as string,
    digestEndTime: fields.digestEndTime as string,
    digestS3Bucket: fields.digestS3Bucket as string,
    digestS3Object: fields.digestS3Object as string,
    digestPublicKeyFingerprint: fields.digestPublicKeyFingerprint as string,
    previousDigestS3Bucket: text(fields.previousDigestS3Bucket),
    previousDigestS3Object: text(fields.previousDigestS3Object),
    previousDigestHashValue: text(fields.previousDigestHashValue)?.toLowerCase() ?? null,
    previousDigestSignature: text(fields.previousDigestSignature),
    logFiles,
    sha256: createHash('sha256').update(inflated).digest('hex'),
  }
}
