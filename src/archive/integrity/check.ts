import {ArchiveError, type ArchiveStore} from '../store.js'
import {parseDigest, type Digest} from './digest.js'
import {inflatedSha256} from './hash.js'
import {fromAwsLogs, parseDigestKey, parseLogFileKey, type DigestKey, type LogFileKey} from './keys.js'
import type {PublicKeys, SignatureCheck} from './signature.js'
import {worst, type ChainSummary, type IntegrityResult, type ObjectVerdict} from './verdicts.js'

/**
 * Log file integrity from the digest chain, as `aws cloudtrail validate-logs` checks it
 * (awscli/customizations/cloudtrail/validation.py), and more: each digest's hash and signature as
 * the next digest records them, log files no digest lists, and a chain out of time order.
 */

export interface IntegrityOptions {
  keys: PublicKeys
  /** Largest object once inflated. */
  maxBytes: number
  /** S3 bucket of the store, when it is one: objects named in another bucket cannot be read from it. */
  bucket?: string
  /** Objects fetched and hashed at once. */
  concurrency?: number
  /** Only digests and log files under this key prefix (an `s3://bucket/prefix` given). */
  prefix?: string
}

interface ChainDigest {
  key: string
  parsed: DigestKey
}

interface Expectation {
  /** The newer digest that names this one as its previous. */
  from: string
  hash: string | null
  signature: string | null
}

interface Listed {
  hash: string
  trails: Set<string>
  from: string
  account: string
  region: string
}

export async function checkIntegrity(store: ArchiveStore, options: IntegrityOptions): Promise<IntegrityResult> {
  const result: IntegrityResult = {objects: [], chains: [], digestKeys: [], errors: []}
  const chains = new Map<string, ChainDigest[]>()
  const logs: {key: string; parsed: LogFileKey}[] = []
  try {
    for await (const entry of store.list(options.prefix ?? '')) {
      const digest = parseDigestKey(entry.key)
      if (digest) {
        const id = [digest.prefix, digest.organizationId ?? '', digest.account, digest.region, digest.trail, digest.homeRegion].join('|')
        const chain = chains.get(id) ?? []
        chain.push({key: entry.key, parsed: digest})
        chains.set(id, chain)
        continue
      }
      const log = parseLogFileKey(entry.key)
      if (log) logs.push({key: entry.key, parsed: log})
    }
  } catch (error) {
    result.errors.push(error instanceof ArchiveError ? error.message : `cannot list ${store.root}: ${(error as Error).message}`)
  }

  const listed = new Map<string, Listed>()
  const windows = new Map<string, {start: number; end: number}>()
  for (const chain of chains.values()) {
    chain.sort((a, b) => a.parsed.time - b.parsed.time || (a.key < b.key ? -1 : 1))
    const summary = await walkChain(store, chain, options, result, listed)
    result.chains.push(summary.summary)
    for (const scope of [`${summary.summary.prefix}|${summary.summary.account}|${summary.summary.region}`, `${summary.summary.prefix}|${summary.summary.account}`, '']) {
      const window = windows.get(scope)
      windows.set(scope, {start: Math.min(window?.start ?? Infinity, summary.start), end: Math.max(window?.end ?? -Infinity, summary.end)})
    }
  }

  const logVerdicts = await checkListedLogs(store, listed, options)
  for (const verdict of logVerdicts) {
    result.objects.push(verdict)
    const chain = result.chains.find((c) => c.account === verdict.account && c.region === verdict.region && verdict.trails.includes(c.trail))
    if (chain) {
      chain.logFiles++
      if (verdict.verdict === 'valid') chain.logFilesValid++
    }
  }
  for (const log of logs) {
    if (listed.has(log.key)) continue
    const {prefix, account, region, time} = log.parsed
    const base = {object: 'log' as const, key: log.key, account, region, trails: []}
    const window = windows.get(`${prefix}|${account}|${region}`)
    if (window === undefined) {
      // Digests elsewhere in the archive, none for this region: the trail that delivers it may not validate its files.
      const elsewhere = windows.get(`${prefix}|${account}`) ?? windows.get('')
      if (elsewhere !== undefined && time >= elsewhere.start && time <= elsewhere.end) result.objects.push({...base, verdict: {unknown: `no digest of ${account}/${region} is in the archive: the trail that delivered it may not validate log files, or its digests were not copied`}, problems: []})
      continue
    }
    if (time > window.end) result.objects.push({...base, verdict: {unknown: `delivered after the newest digest (${iso(window.end)}): no digest covers it yet`}, problems: []})
    else if (time < window.start) result.objects.push({...base, verdict: {unknown: `delivered before the oldest digest (${iso(window.start)}): log file validation may not have been on`}, problems: []})
    else result.objects.push({...base, verdict: 'not-covered', problems: ['not covered: listed in no digest file']})
  }
  return result
}

const iso = (time: number): string => new Date(time).toISOString().replace('.000', '')

/** Where an object a digest names lies in this store: the same key in S3; from `AWSLogs/` on in a local copy. */
function storeKey(options: IntegrityOptions, bucket: string, s3Key: string, localPrefix: string): string | undefined {
  if (options.bucket !== undefined) return bucket === options.bucket ? s3Key : undefined
  const tail = fromAwsLogs(s3Key)
  return tail === undefined ? undefined : `${localPrefix}${tail}`
}

/** Newest to oldest, one digest at a time in time order, so every digest present is judged once. */
async function walkChain(store: ArchiveStore, chain: ChainDigest[], options: IntegrityOptions, result: IntegrityResult, listed: Map<string, Listed>): Promise<{summary: ChainSummary; start: number; end: number}> {
  const first = chain[0]!.parsed
  const summary: ChainSummary = {trail: first.trail, account: first.account, region: first.region, prefix: first.prefix, digests: 0, digestsValid: 0, logFiles: 0, logFilesValid: 0, signaturesChecked: 0, signaturesUnchecked: 0, gaps: 0}
  const expectations = new Map<string, Expectation>()
  const present = new Map(chain.map((digest) => [digest.key, digest]))
  let start = first.time - 3600_000
  const end = chain[chain.length - 1]!.parsed.time
  for (let index = chain.length - 1; index >= 0; index--) {
    const current = chain[index]!
    const before = index > 0 ? chain[index - 1] : undefined
    const verdict: ObjectVerdict = {object: 'digest', key: current.key, account: first.account, region: first.region, trails: [first.trail], verdict: 'valid', problems: []}
    result.objects.push(verdict)
    result.digestKeys.push(current.key)
    summary.digests++
    const fail = (kind: Parameters<typeof worst>[1], problem: string) => {
      verdict.verdict = worst(verdict.verdict, kind)
      verdict.problems.push(problem)
    }
    let fetched
    try {
      fetched = await store.get(current.key)
    } catch (error) {
      const code = error instanceof ArchiveError ? error.code : 'unreadable'
      fail(code === 'missing' ? 'missing' : 'unreadable', code === 'missing' ? 'not found' : `cannot be read: ${(error as Error).message}`)
      verdict.signature = {unknown: 'the digest could not be read'}
      continue
    }
    const digest = parseDigest(fetched.bytes, options.maxBytes)
    if ('problem' in digest) {
      fail('invalid-format', digest.problem)
      verdict.signature = {unknown: 'the digest could not be read as one'}
      continue
    }
    const startTime = Date.parse(digest.digestStartTime)
    if (index === 0 && !Number.isNaN(startTime)) start = Math.min(start, startTime)

    const expected = expectations.get(current.key)
    if (expected?.hash != null && expected.hash !== digest.sha256) fail('modified', `hash value doesn't match the previousDigestHashValue of ${store.display(expected.from)}`)
    const named = storeKey(options, digest.digestS3Bucket, digest.digestS3Object, current.parsed.prefix)
    if (named !== current.key) fail('moved', `invalid format: digest file has been moved from its original location (it names s3://${digest.digestS3Bucket}/${digest.digestS3Object})`)
    verdict.signature = signatureVerdict(store, digest, fetched.metadata, expected, options.keys, fail)
    if (verdict.signature === 'valid') summary.signaturesChecked++
    else if (typeof verdict.signature === 'object') summary.signaturesUnchecked++

    linkPrevious(store, current, before, digest, options, present, expectations, result, verdict, fail, summary)
    for (const log of digest.logFiles) {
      const key = storeKey(options, log.s3Bucket, log.s3Object, current.parsed.prefix)
      if (key === undefined) {
        verdict.problems.push(`lists s3://${log.s3Bucket}/${log.s3Object}, which is not in this archive (not checked)`)
        continue
      }
      const known = listed.get(key)
      if (known) known.trails.add(first.trail)
      else listed.set(key, {hash: log.hashValue, trails: new Set([first.trail]), from: current.key, account: first.account, region: first.region})
    }
    if (verdict.verdict === 'valid') summary.digestsValid++
  }
  return {summary, start, end}
}

function signatureVerdict(store: ArchiveStore, digest: Digest, metadata: Record<string, string>, expected: Expectation | undefined, keys: PublicKeys, fail: (kind: 'modified', problem: string) => void): ObjectVerdict['signature'] {
  const fromMetadata = store.hasMetadata ? metadata.signature : undefined
  if (store.hasMetadata && fromMetadata === undefined) {
    fail('modified', 'signature verification failed: the object has no signature metadata')
    return 'invalid'
  }
  if (fromMetadata !== undefined && expected?.signature != null && expected.signature.toLowerCase() !== fromMetadata.toLowerCase()) {
    fail('modified', `signature doesn't match the previousDigestSignature of ${store.display(expected.from)}`)
  }
  const signature = fromMetadata ?? expected?.signature ?? undefined
  if (signature === undefined) {
    return {unknown: 'the newest digest of a local copy: its signature lives only in its S3 object metadata, which a copy does not keep (check it in S3 or with aws cloudtrail validate-logs)'}
  }
  const algorithm = store.hasMetadata ? metadata['signature-algorithm'] : undefined
  if (algorithm !== undefined && algorithm !== 'SHA256withRSA') return {unknown: `signature algorithm ${algorithm} is not one trailgate checks`}
  const check: SignatureCheck = keys.check(digest, signature)
  if (check.status === 'valid') return 'valid'
  if (check.status === 'unchecked') return {unknown: check.why}
  fail('modified', check.why)
  return 'invalid'
}

function linkPrevious(
  store: ArchiveStore,
  current: ChainDigest,
  before: ChainDigest | undefined,
  digest: Digest,
  options: IntegrityOptions,
  present: Map<string, ChainDigest>,
  expectations: Map<string, Expectation>,
  result: IntegrityResult,
  verdict: ObjectVerdict,
  fail: (kind: 'reordered', problem: string) => void,
  summary: ChainSummary,
): void {
  if (digest.previousDigestS3Bucket === null || digest.previousDigestS3Object === null) {
    if (before !== undefined) {
      verdict.gap = `No log files were delivered between ${iso(before.parsed.time)} and ${digest.digestStartTime}: the chain starts again (logging or log file validation was off)`
      summary.gaps++
    }
    return
  }
  const previous = storeKey(options, digest.previousDigestS3Bucket, digest.previousDigestS3Object, current.parsed.prefix)
  if (previous === undefined) {
    verdict.problems.push(`its previous digest s3://${digest.previousDigestS3Bucket}/${digest.previousDigestS3Object} is not in this archive (not checked)`)
    return
  }
  const expectation = {from: current.key, hash: digest.previousDigestHashValue, signature: digest.previousDigestSignature}
  if (before !== undefined && previous === before.key) {
    expectations.set(previous, expectation)
    return
  }
  const named = present.get(previous)
  if (named !== undefined) {
    fail('reordered', `chain out of order: it names ${store.display(previous)} as its previous digest, but the digest before it is ${before ? store.display(before.key) : 'none'}`)
    if (named.parsed.time < current.parsed.time) expectations.set(previous, expectation)
    return
  }
  const parsed = parseDigestKey(previous)
  result.objects.push({object: 'digest', key: previous, account: current.parsed.account, region: current.parsed.region, trails: [current.parsed.trail], verdict: 'missing', problems: [`not found (named as the previous digest of ${store.display(current.key)})`], signature: {unknown: 'the digest is not in the archive'}})
  summary.digests++
  if (before !== undefined && parsed !== undefined && before.parsed.time > parsed.time) {
    fail('reordered', `chain out of order: it names ${store.display(previous)} as its previous digest, but the digest before it is ${store.display(before.key)}`)
  }
}

async function checkListedLogs(store: ArchiveStore, listed: Map<string, Listed>, options: IntegrityOptions): Promise<ObjectVerdict[]> {
  const entries = [...listed.entries()]
  const verdicts: ObjectVerdict[] = new Array(entries.length)
  let next = 0
  const worker = async () => {
    while (next < entries.length) {
      const index = next++
      const [key, log] = entries[index]!
      verdicts[index] = await checkLog(store, key, log, options)
    }
  }
  await Promise.all(Array.from({length: Math.max(1, options.concurrency ?? 4)}, worker))
  return verdicts
}

async function checkLog(store: ArchiveStore, key: string, log: Listed, options: IntegrityOptions): Promise<ObjectVerdict> {
  const base = {object: 'log' as const, key, account: log.account, region: log.region, trails: [...log.trails].sort()}
  let bytes: Buffer
  try {
    bytes = (await store.get(key)).bytes
  } catch (error) {
    if (error instanceof ArchiveError && error.code === 'missing') return {...base, verdict: 'deleted', problems: ['not found']}
    return {...base, verdict: 'unreadable', problems: [`cannot be read: ${(error as Error).message}`]}
  }
  const hashed = await inflatedSha256(bytes, options.maxBytes)
  if ('problem' in hashed) return {...base, verdict: 'invalid-format', problems: [hashed.problem]}
  if (hashed.sha256 !== log.hash) return {...base, verdict: 'modified', problems: [`hash value doesn't match (digest ${store.display(log.from)} lists ${log.hash}, the file hashes to ${hashed.sha256})`]}
  return {...base, verdict: 'valid', problems: []}
}
