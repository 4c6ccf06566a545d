import type {S3Client} from '@aws-sdk/client-s3'

import {ArchiveError, type ArchiveEntry, type ArchiveErrorCode, type ArchiveStore, type FetchedObject} from './store.js'

export interface S3Location {
  bucket: string
  /** The key prefix after the bucket, without a leading `/` (may be empty). */
  prefix: string
}

/** `s3://bucket/prefix/` → bucket and prefix; undefined when the text is not an S3 URL. */
export function parseS3Url(text: string): S3Location | undefined {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(text)
  if (!match) return undefined
  return {bucket: match[1]!, prefix: match[2] ?? ''}
}

export interface S3ConnectionOptions {
  /** As the AWS CLI's --region; else the profile's or environment's, else us-east-1. */
  region?: string
  /** An S3-compatible endpoint; path-style addressing is used with it. */
  endpointUrl?: string
  profile?: string
}

/** The SDK costs ~100 ms to load; only a run with an S3 path pays it. */
export async function createS3Client(options: S3ConnectionOptions): Promise<S3Client> {
  const {S3Client} = await import('@aws-sdk/client-s3')
  const probe = new S3Client(options.profile === undefined ? {} : {profile: options.profile})
  const region = options.region ?? (await probe.config.region().catch(() => undefined)) ?? 'us-east-1'
  probe.destroy()
  return new S3Client({
    region,
    // The SDK's standard retries (with back-off) cover 503 SlowDown and throttling.
    maxAttempts: 5,
    ...(options.profile === undefined ? {} : {profile: options.profile}),
    ...(options.endpointUrl === undefined ? {} : {endpoint: options.endpointUrl, forcePathStyle: true}),
  })
}

function archiveError(error: unknown, what: string, key?: string): ArchiveError {
  const name = (error as {name?: string}).name ?? ''
  const status = (error as {$metadata?: {httpStatusCode?: number}}).$metadata?.httpStatusCode
  const code: ArchiveErrorCode =
    name === 'AccessDenied' || status === 403 ? 'denied' : name === 'NoSuchKey' || name === 'NoSuchBucket' || status === 404 ? 'missing' : name === 'SlowDown' || status === 503 ? 'throttled' : 'unreadable'
  const message = error instanceof Error ? error.message : String(error)
  return new ArchiveError(`${what}: ${name ? `${name}: ` : ''}${message}`, code, key)
}

/** What S3 was asked, as the audit counts its calls: the SDK's own retries (throttling, 5xx) included. */
export interface S3Requests {
  requests: number
  retries: number
}

/** Attempts the SDK made for one call, answered or failed. */
function attempts(outcome: unknown): number {
  return (outcome as {$metadata?: {attempts?: number}}).$metadata?.attempts ?? 1
}

/** An S3 bucket read through the SDK: ListObjectsV2 page by page, GetObject with its user metadata. */
export class S3Store implements ArchiveStore {
  readonly root: string
  readonly hasMetadata = true

  constructor(
    private readonly client: S3Client,
    readonly bucket: string,
    readonly counted: S3Requests = {requests: 0, retries: 0},
  ) {
    this.root = `s3://${bucket}`
  }

  private count(outcome: unknown): void {
    const made = attempts(outcome)
    this.counted.requests += made
    this.counted.retries += made - 1
  }

  display(key: string): string {
    return `s3://${this.bucket}/${key}`
  }

  async *list(prefix: string): AsyncIterable<ArchiveEntry> {
    const {ListObjectsV2Command} = await import('@aws-sdk/client-s3')
    let token: string | undefined
    do {
      const page = await this.client.send(new ListObjectsV2Command({Bucket: this.bucket, Prefix: prefix, ...(token ? {ContinuationToken: token} : {})})).catch((error: unknown) => {
        this.count(error)
        throw archiveError(error, `cannot list ${this.display(prefix)}`)
      })
      this.count(page)
      for (const object of page.Contents ?? []) if (object.Key !== undefined) yield {key: object.Key, size: object.Size ?? 0}
      token = page.IsTruncated ? page.NextContinuationToken : undefined
    } while (token)
  }

  async folders(prefix: string): Promise<string[]> {
    const {ListObjectsV2Command} = await import('@aws-sdk/client-s3')
    const found: string[] = []
    let token: string | undefined
    do {
      const page = await this.client.send(new ListObjectsV2Command({Bucket: this.bucket, Prefix: prefix, Delimiter: '/', ...(token ? {ContinuationToken: token} : {})})).catch((error: unknown) => {
        this.count(error)
        throw archiveError(error, `cannot list ${this.display(prefix)}`)
      })
      this.count(page)
      for (const common of page.CommonPrefixes ?? []) if (common.Prefix !== undefined) found.push(common.Prefix)
      token = page.IsTruncated ? page.NextContinuationToken : undefined
    } while (token)
    return found
  }

  async get(key: string): Promise<FetchedObject> {
    const {GetObjectCommand} = await import('@aws-sdk/client-s3')
    try {
      const answer = await this.client.send(new GetObjectCommand({Bucket: this.bucket, Key: key})).catch((error: unknown) => {
        this.count(error)
        throw error
      })
      this.count(answer)
      const bytes = answer.Body === undefined ? Buffer.alloc(0) : Buffer.from(await answer.Body.transformToByteArray())
      return {bytes, metadata: answer.Metadata ?? {}}
    } catch (error) {
      throw archiveError(error, `cannot read ${this.display(key)}`, key)
    }
  }

  close(): void {
    this.client.destroy()
  }
}
