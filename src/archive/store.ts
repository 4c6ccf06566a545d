/**
 * A CloudTrail archive as a store of objects: an S3 bucket, or a local copy of one. The S3 reader
 * and the integrity check both read through this, so what one proves of an archive the other reads.
 */

/** One object: an S3 object, or a file of a local copy of the bucket. */
export interface ArchiveEntry {
  /** The key inside the store (`AWSLogs/…`), always with `/` separators. */
  key: string
  /** Bytes as stored (compressed, for `.gz`). */
  size: number
}

export interface FetchedObject {
  /** The object as stored (gzip when the key ends `.gz`). */
  bytes: Buffer
  /** User metadata (`x-amz-meta-<name>`), names lower-cased and without the prefix; empty for a local file. */
  metadata: Record<string, string>
}

export type ArchiveErrorCode = 'denied' | 'missing' | 'throttled' | 'unreadable'

/** Why an object or a listing could not be read: said in the report, never a pass. */
export class ArchiveError extends Error {
  constructor(
    message: string,
    readonly code: ArchiveErrorCode,
    readonly key?: string,
  ) {
    super(message)
    this.name = 'ArchiveError'
  }
}

export interface ArchiveStore {
  /** `s3://bucket`, or the folder as shown in reports. */
  readonly root: string
  /** False for a local copy: S3 object metadata (where digest signatures live) did not survive the copy. */
  readonly hasMetadata: boolean
  /** Where results about an object point: `s3://bucket/key`, or the local path as shown in reports. */
  display(key: string): string
  /** Every key under `prefix`, in key order; rejects with an ArchiveError when the listing cannot be read. */
  list(prefix: string): AsyncIterable<ArchiveEntry>
  /** The next level of folders under `prefix` (S3's CommonPrefixes with delimiter `/`), each ending in `/`. */
  folders(prefix: string): Promise<string[]>
  /** The object; rejects with an ArchiveError (denied, missing, throttled past the retries, unreadable). */
  get(key: string): Promise<FetchedObject>
  close(): void
}
