import type {S3Client} from '@aws-sdk/client-s3'

import {importCommonJs} from '../util/commonjs.js'
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
const loadS3 = () => importCommonJs(import('@aws-sdk/client-s3'))

/** An S3 client for the archive, in the region the options or the profile give (us-east-1 otherwise). */
export async function createS3Client(options: S3ConnectionOptions): Promise<S3Client> {
  const {S3Client} = await loadS3()
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

/** What S3 was asked, as the audit counts its calls: every attempt, and why the SDK tried again. */
export interface S3Requests {
  /** Calls made (ListObjectsV2, GetObject, HeadObject), each counted once. */
  calls: number
  /** HTTP requests sent: each attempt of each call. */
  requests: number
  /** Answers that asked to slow down (503 SlowDown, 429, throttling codes). */
  throttles: number
  /** Other 5xx answers. */
  serverErrors: number
}

export function noRequests(): S3Requests {
  return {calls: 0, requests: 0, throttles: 0, serverErrors: 0}
}

const THROTTLING = new Set(['SlowDown', 'Throttling', 'ThrottlingException', 'ThrottledException', 'RequestThrottled', 'RequestThrottledException', 'TooManyRequestsException', 'RequestLimitExceeded', 'BandwidthLimitExceeded'])

/**
 * Counts on the client itself: once per call before the SDK's retry step, once per attempt after it
 * (the deserialize step runs for every attempt), so throttling and server errors are told apart as
 * the audit tells them apart.
 */
export function countRequests(client: S3Client, counted: S3Requests): void {
  client.middlewareStack.add(
    (next) => (args) => {
      counted.calls++
      return next(args)
    },
    {step: 'initialize', name: 'trailgateCountCalls'},
  )
  client.middlewareStack.add(
    (next) => async (args) => {
      counted.requests++
      try {
        return await next(args)
      } catch (error) {
        const name = (error as {name?: string}).name ?? ''
        const status = (error as {$metadata?: {httpStatusCode?: number}}).$metadata?.httpStatusCode ?? 0
        if (THROTTLING.has(name) || status === 429) counted.throttles++
        else if (status >= 500) counted.serverErrors++
        throw error
      }
    },
    // High priority: outside the SDK's deserializer, so a failed attempt arrives as the service's named error.
    {step: 'deserialize', name: 'trailgateCountAttempts', priority: 'high'},
  )
}

/** The note that says what S3 was asked, in the audit's words. */
export function requestsNote(counted: S3Requests): string {
  const retries = counted.requests - counted.calls
  return `${counted.requests} S3 request${counted.requests === 1 ? '' : 's'} for ${counted.calls} call${counted.calls === 1 ? '' : 's'}: ${counted.throttles} throttled (503 SlowDown), ${counted.serverErrors} server error${counted.serverErrors === 1 ? '' : 's'}, ${retries} retried`
}

/** An S3 bucket read through the SDK: ListObjectsV2 page by page, GetObject with its user metadata. */
export class S3Store implements ArchiveStore {
  readonly root: string
  readonly hasMetadata = true

  constructor(
    private readonly client: S3Client,
    readonly bucket: string,
  ) {
    this.root = `s3://${bucket}`
  }

  display(key: string): string {
    return `s3://${this.bucket}/${key}`
  }

  async *list(prefix: string): AsyncIterable<ArchiveEntry> {
    const {ListObjectsV2Command} = await loadS3()
    let token: string | undefined
    do {
      const page = await this.client.send(new ListObjectsV2Command({Bucket: this.bucket, Prefix: prefix, ...(token ? {ContinuationToken: token} : {})})).catch((error: unknown) => {
        throw archiveError(error, `cannot list ${this.display(prefix)}`)
      })
      for (const object of page.Contents ?? []) if (object.Key !== undefined) yield {key: object.Key, size: object.Size ?? 0}
      token = page.IsTruncated ? page.NextContinuationToken : undefined
    } while (token)
  }

  async folders(prefix: string): Promise<string[]> {
    const {ListObjectsV2Command} = await loadS3()
    const found: string[] = []
    let token: string | undefined
    do {
      const page = await this.client.send(new ListObjectsV2Command({Bucket: this.bucket, Prefix: prefix, Delimiter: '/', ...(token ? {ContinuationToken: token} : {})})).catch((error: unknown) => {
        throw archiveError(error, `cannot list ${this.display(prefix)}`)
      })
      for (const common of page.CommonPrefixes ?? []) if (common.Prefix !== undefined) found.push(common.Prefix)
      token = page.IsTruncated ? page.NextContinuationToken : undefined
    } while (token)
    return found
  }

  async get(key: string): Promise<FetchedObject> {
    const {GetObjectCommand} = await loadS3()
    try {
      const answer = await this.client.send(new GetObjectCommand({Bucket: this.bucket, Key: key}))
      const body = answer.Body === undefined ? new Uint8Array(0) : await answer.Body.transformToByteArray()
      // A view of the collected body, not a copy of it: an object may be tens of megabytes.
      const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength)
      return {bytes, metadata: answer.Metadata ?? {}}
    } catch (error) {
      throw archiveError(error, `cannot read ${this.display(key)}`, key)
    }
  }

  close(): void {
    this.client.destroy()
  }
}
