import type {ArchiveSubject, Diagnostic, InputRecord} from '../../model/types.js'
import {appendAll} from '../../util/arrays.js'
import {LocalStore} from '../local-store.js'
import {createS3Client, parseS3Url, S3Store, type S3ConnectionOptions} from '../s3-store.js'
import type {ArchiveStore} from '../store.js'
import {checkIntegrity} from './check.js'
import {livePublicKeys} from './live-keys.js'
import {parseDigestKey} from './keys.js'
import {PublicKeys, type PublicKey} from './signature.js'
import {archiveSubjects} from './subjects.js'
import type {ChainSummary} from './verdicts.js'

export {checkIntegrity} from './check.js'
export {PublicKeys, publicKeysFromJson, stringToSign, type PublicKey} from './signature.js'
export type {ChainSummary, IntegrityResult, ObjectVerdict} from './verdicts.js'

export interface ArchiveJudgement {
  subjects: ArchiveSubject[]
  /** The digest files judged, as inputs read (the event scan only skips them). */
  inputs: InputRecord[]
  notes: string[]
  diagnostics: Diagnostic[]
}

export interface JudgeArchiveOptions {
  cwd: string
  publicKeys: PublicKey[]
  maxBytes: number
  /** For an S3 store: its bucket, so objects named in other buckets are known as such. */
  bucket?: string
  /** Only what lies under this key prefix. */
  prefix?: string
  /** Why no key is known, when that is not "none given". */
  whyNoKey?: string
  /** With no public keys given, list them live (ListPublicKeys) for an S3 archive. */
  liveKeys?: boolean
}

export interface S3ArchiveOptions extends JudgeArchiveOptions, S3ConnectionOptions {
  /** The digests the event listing met (`s3://bucket/key`): the keys asked of CloudTrail are theirs, without listing again. */
  digestPaths: string[]
}

/**
 * The local copies of buckets among the files given: each folder that holds `AWSLogs/…/CloudTrail-Digest/…`
 * digest files is judged as one archive, rooted where `AWSLogs/` starts.
 */
export function localArchiveRoots(files: string[]): string[] {
  const roots = new Set<string>()
  for (const file of files) {
    const normalized = file.replace(/\\/g, '/')
    const at = normalized.lastIndexOf('/AWSLogs/')
    if (at < 0 || parseDigestKey(normalized.slice(at + 1)) === undefined) continue
    roots.add(file.slice(0, at))
  }
  return [...roots].sort()
}

export async function judgeLocalArchives(files: string[], options: JudgeArchiveOptions): Promise<ArchiveJudgement> {
  const judgement: ArchiveJudgement = {subjects: [], inputs: [], notes: [], diagnostics: []}
  for (const root of localArchiveRoots(files)) {
    const store = new LocalStore(root, options.cwd)
    try {
      merge(judgement, await judgeArchive(store, options))
    } finally {
      store.close()
    }
  }
  return judgement
}

/**
 * The archives under each `s3://bucket/prefix` given, read live: signatures come from each digest's
 * S3 object metadata, as CloudTrail writes them, so every digest's signature is checked.
 */
export async function judgeS3Archives(urls: string[], options: S3ArchiveOptions): Promise<ArchiveJudgement> {
  const judgement: ArchiveJudgement = {subjects: [], inputs: [], notes: [], diagnostics: []}
  const client = await createS3Client(options)
  try {
    for (const url of urls) {
      const location = parseS3Url(url)
      if (location === undefined) continue // the event listing reports it as a failed input
      const store = new S3Store(client, location.bucket)
      let judging: JudgeArchiveOptions = {...options, bucket: location.bucket, prefix: location.prefix}
      if (options.publicKeys.length === 0 && options.liveKeys === true) {
        const under = store.display(location.prefix)
        const digestKeys = options.digestPaths.filter((path) => path.startsWith(under)).map((path) => path.slice(store.display('').length))
        const live = await livePublicKeys(digestKeys, options.profile)
        appendAll(judgement.notes, live.problems.map((problem) => `${url}: ${problem}; signatures it would have checked are unknown`))
        judgement.notes.push(`${url}: ${live.keys.length} CloudTrail public key${live.keys.length === 1 ? '' : 's'} listed live (ListPublicKeys)`)
        judging = {...judging, publicKeys: live.keys, ...(live.problems.length > 0 ? {whyNoKey: live.problems.join('; ')} : {})}
      }
      merge(judgement, await judgeArchive(store, judging))
    }
  } finally {
    client.destroy()
  }
  return judgement
}

export async function judgeArchive(store: ArchiveStore, options: JudgeArchiveOptions): Promise<ArchiveJudgement> {
  const keys = new PublicKeys(options.publicKeys, options.whyNoKey)
  const result = await checkIntegrity(store, {keys, maxBytes: options.maxBytes, ...(options.bucket !== undefined ? {bucket: options.bucket} : {}), ...(options.prefix ? {prefix: options.prefix} : {})})
  return {
    subjects: archiveSubjects(store, result.objects),
    inputs: result.digestKeys.map((key) => ({path: store.display(key), kind: 'cloudtrail/digest', fate: 'read', detail: 'CloudTrail digest: judged for log file integrity'})),
    notes: result.chains.map((chain) => chainNote(store, chain)),
    diagnostics: result.errors.map((message) => ({severity: 'error', code: 'archive-listing', message: `log file integrity of ${store.root} is incomplete: ${message}`})),
  }
}

export function merge(into: ArchiveJudgement, from: ArchiveJudgement): void {
  appendAll(into.subjects, from.subjects)
  appendAll(into.inputs, from.inputs)
  appendAll(into.notes, from.notes)
  appendAll(into.diagnostics, from.diagnostics)
}

function chainNote(store: ArchiveStore, chain: ChainSummary): string {
  const where = `${store.root}${chain.prefix ? `/${chain.prefix.replace(/\/$/, '')}` : ''}`
  const unchecked = chain.signaturesUnchecked > 0 ? `, ${chain.signaturesUnchecked} signature${chain.signaturesUnchecked === 1 ? '' : 's'} not checked` : ''
  const gaps = chain.gaps > 0 ? `, ${chain.gaps} gap${chain.gaps === 1 ? '' : 's'}` : ''
  return `log file integrity of trail ${chain.trail} (${chain.account}/${chain.region}) in ${where}: ${chain.digestsValid}/${chain.digests} digests and ${chain.logFilesValid}/${chain.logFiles} log files valid${unchecked}${gaps}`
}
