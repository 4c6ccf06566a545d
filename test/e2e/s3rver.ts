import {spawn} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {PutObjectCommand, S3Client} from '@aws-sdk/client-s3'

export interface RunningS3 {
  /** `http://127.0.0.1:<port>`: the server itself, path-style. */
  url: string
  port: number
  /** Uploads objects as CloudTrail writes them (user metadata included). */
  put: (objects: {key: string; body: Uint8Array | string; metadata?: Record<string, string>}[]) => Promise<void>
  close: () => void
}

/** The credentials s3rver accepts, in the variables the SDK's default chain reads. */
export const S3RVER_CREDENTIALS = {AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1'}

/** A real S3-compatible server (s3rver) in a child process on 127.0.0.1, with one bucket. */
export async function startS3rver(bucket: string): Promise<RunningS3> {
  const directory = mkdtempSync(join(tmpdir(), 'trailgate-s3rver-'))
  const server = spawn(process.execPath, ['--openssl-legacy-provider', join(import.meta.dirname, 's3rver-process.mjs'), directory, bucket], {stdio: ['ignore', 'pipe', 'inherit']})
  const port = await new Promise<number>((resolve) => server.stdout!.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))))
  const url = `http://127.0.0.1:${port}`
  const put = async (objects: {key: string; body: Uint8Array | string; metadata?: Record<string, string>}[]): Promise<void> => {
    const client = new S3Client({endpoint: url, region: 'us-east-1', forcePathStyle: true, credentials: {accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER'}})
    try {
      for (const object of objects) await client.send(new PutObjectCommand({Bucket: bucket, Key: object.key, Body: object.body, ...(object.metadata ? {Metadata: object.metadata} : {})}))
    } finally {
      client.destroy()
    }
  }
  return {
    url,
    port,
    put,
    close: () => {
      server.kill('SIGTERM')
      rmSync(directory, {recursive: true, force: true})
    },
  }
}
