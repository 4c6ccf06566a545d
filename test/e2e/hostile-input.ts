import {spawn} from 'node:child_process'
import {createWriteStream, existsSync, readFileSync} from 'node:fs'
import {once} from 'node:events'
import {join} from 'node:path'
import {constants as zlib, crc32, deflateRawSync} from 'node:zlib'

import {ROOT, type CliRun} from './cli.js'

/** A piece of generated content: `text` written `times` times in a row. */
export interface Piece {
  text: string
  times?: number
}

/**
 * Writes a gzip file whose content is the pieces in order, without ever holding the content:
 * each distinct piece is deflated once with a full flush (which makes its compressed blocks
 * independent of what came before), and the blocks are repeated. This is how a real gzip bomb is
 * built, and it lets a test make a 3 GB member in a second.
 */
export async function writeGzipPieces(path: string, pieces: Piece[], encoding: BufferEncoding = 'utf8'): Promise<void> {
  const out = createWriteStream(path)
  const write = async (bytes: Buffer): Promise<void> => {
    if (!out.write(bytes)) await once(out, 'drain')
  }
  await write(Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]))
  let crc = 0
  let size = 0
  for (const piece of pieces) {
    const raw = Buffer.from(piece.text, encoding)
    const block = deflateRawSync(raw, {level: 9, finishFlush: zlib.Z_FULL_FLUSH})
    for (let i = 0; i < (piece.times ?? 1); i++) {
      crc = crc32(raw, crc)
      size += raw.length
      await write(block)
    }
  }
  // The last block: an empty stored block marked final, then CRC-32 and size modulo 2^32.
  const trailer = Buffer.alloc(8)
  trailer.writeUInt32LE(crc >>> 0, 0)
  trailer.writeUInt32LE(size % 2 ** 32, 4)
  await write(Buffer.concat([Buffer.from([0x03, 0x00]), trailer]))
  out.end()
  await once(out, 'finish')
}

/** Writes plain text made of the pieces, streamed, so the test never holds the content. */
export async function writePieces(path: string, pieces: Iterable<Piece>): Promise<void> {
  const out = createWriteStream(path)
  for (const piece of pieces) {
    for (let i = 0; i < (piece.times ?? 1); i++) {
      if (!out.write(piece.text)) await once(out, 'drain')
    }
  }
  out.end()
  await once(out, 'finish')
}

export const MIB = 1024 * 1024

export interface MeasuredRun extends CliRun {
  /** Peak resident set size of the CLI process, in MiB. */
  peakRssMb: number
  seconds: number
  /** True when the run was killed for taking longer than the time limit. */
  timedOut: boolean
}

const TIME = '/usr/bin/time'
const RSS_MARK = 'trailgate-test-peak-rss-kb='

/**
 * Runs the built CLI as a user would and measures what it cost: wall time and the child's peak RSS
 * (GNU time's %M, else VmHWM polled from /proc). Killed after `timeoutSeconds`.
 */
export function measuredTrailgate(args: string[], options: {cwd?: string; timeoutSeconds: number}): Promise<MeasuredRun> {
  const node = [process.execPath, join(ROOT, 'bin', 'run.js'), ...args]
  const viaTime = existsSync(TIME)
  const [command, ...rest] = viaTime ? [TIME, '-f', `${RSS_MARK}%M`, ...node] : node
  const started = performance.now()
  return new Promise((resolvePromise) => {
    const child = spawn(command!, rest, {
      cwd: options.cwd ?? ROOT,
      env: {...process.env, NO_COLOR: '1', FORCE_COLOR: '0'},
      detached: true,
    })
    let stdoutBytes = 0
    const stdout: Buffer[] = []
    let stderr = ''
    let polledKb = 0
    let timedOut = false
    // Keep at most 64 MiB of standard output: enough to parse a report, bounded for the test itself.
    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length
      if (stdoutBytes <= 64 * MIB) stdout.push(chunk)
    })
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const poll = viaTime ? undefined : setInterval(() => (polledKb = Math.max(polledKb, highWaterKb(child.pid))), 50)
    const timer = setTimeout(() => {
      timedOut = true
      if (child.pid) process.kill(-child.pid, 'SIGKILL')
    }, options.timeoutSeconds * 1000)
    child.on('close', (status) => {
      clearTimeout(timer)
      if (poll) clearInterval(poll)
      const mark = stderr.lastIndexOf(RSS_MARK)
      const kb = mark >= 0 ? Number.parseInt(stderr.slice(mark + RSS_MARK.length), 10) : polledKb
      resolvePromise({
        status: status ?? -1,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: mark >= 0 ? stderr.slice(0, mark) : stderr,
        peakRssMb: Math.round(kb / 1024),
        seconds: (performance.now() - started) / 1000,
        timedOut,
      })
    })
  })
}

function highWaterKb(pid: number | undefined): number {
  try {
    const match = /VmHWM:\s*(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match ? Number(match[1]) : 0
  } catch {
    return 0
  }
}

/** A failed console sign-in, as CloudTrail records it; `n` makes its event id unique. */
export function failedConsoleLogin(n: number): Record<string, unknown> {
  return {
    eventVersion: '1.08',
    userIdentity: {type: 'IAMUser', principalId: 'AIDAEXAMPLE', arn: 'arn:aws:iam::111122223333:user/alice', accountId: '111122223333', userName: 'alice'},
    eventTime: '2026-11-02T10:00:00Z',
    eventSource: 'signin.amazonaws.com',
    eventName: 'ConsoleLogin',
    awsRegion: 'us-east-1',
    sourceIPAddress: '198.51.100.7',
    userAgent: 'Mozilla/5.0',
    errorMessage: 'Failed authentication',
    responseElements: {ConsoleLogin: 'Failure'},
    additionalEventData: {MFAUsed: 'No'},
    eventID: `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`,
    eventType: 'AwsConsoleSignIn',
    recipientAccountId: '111122223333',
  }
}

/** One trail of a describe-trails listing; `n` makes its name and ARN unique. */
export function describedTrail(n: number): Record<string, unknown> {
  return {
    Name: `trail-${n}`,
    S3BucketName: 'audit-logs-111122223333',
    IncludeGlobalServiceEvents: true,
    IsMultiRegionTrail: false,
    HomeRegion: 'eu-west-1',
    TrailARN: `arn:aws:cloudtrail:eu-west-1:111122223333:trail/trail-${n}`,
    LogFileValidationEnabled: true,
    HasCustomEventSelectors: false,
    HasInsightSelectors: false,
    IsOrganizationTrail: false,
  }
}
