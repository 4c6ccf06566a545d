import type {Diagnostic, Inventory, Result, Subject, SubjectType, TrailSubject} from '../model/types.js'
import {compilePolicy, judge, type CompiledPolicy, type Judgement} from '../policy/judge.js'
import {subjectRemediation} from '../policy/remediation.js'
import type {Policy, Waiver} from '../policy/types.js'
import {locateResult} from './locate.js'
import {applySuppressions, type WaiverUse} from './waivers.js'
import {dict} from '../util/dict.js'
import {appendAll} from '../util/arrays.js'
import {FindingListing, type UnlistedCounts} from '../events/finding-listing.js'

export interface EvaluateOptions {
  /** Resolved params per policy id (defaults, config and flags already merged and validated). */
  params: Record<string, Record<string, unknown>>
  waivers: Waiver[]
  now: Date
  /** Results judged elsewhere (the streamed event scan): they get the same waivers, and count for waiver use. */
  streamedResults?: Result[]
}

export interface Evaluation {
  /** At most MAX_LISTED_FINDINGS per policy and status; the others are only counted in `unlisted`. */
  results: Result[]
  /** Subject results past the listing cap, per policy id and status (after waivers). */
  unlisted: UnlistedCounts
  /** Per policy id: subjects it did not apply to. */
  notApplicable: Record<string, number>
  diagnostics: Diagnostic[]
}

export function subjectsOf(inventory: Inventory, type: SubjectType): Subject<object>[] {
  switch (type) {
    case 'trail':
      return inventory.trails
    case 'region':
      return inventory.regions
    case 'account':
      return inventory.accounts
    case 'archive':
      return inventory.archives
    case 'event':
      // Records are judged by the event scan as they stream by, never held as subjects.
      return []
  }
}

/** Every policy × every subject of its kind → results, with waivers and inline suppressions applied. */
export function evaluate(inventory: Inventory, policies: Policy[], options: EvaluateOptions): Evaluation {
  const results: Result[] = []
  // Memory stays bounded however many trails there are: past the cap, a result is a count.
  const listing = new FindingListing(results)
  const notApplicable = dict<number>()
  const diagnostics: Diagnostic[] = []
  const trailsById = new Map<string, TrailSubject>(inventory.trails.map((t) => [t.id, t]))
  const waiverUses: WaiverUse[] = options.waivers.map((waiver) => ({waiver, used: 0}))

  for (const policy of policies) {
    notApplicable[policy.id] = 0
    const subjects = subjectsOf(inventory, policy.subject)
    let compiled: CompiledPolicy
    try {
      compiled = compilePolicy(policy, options.params[policy.id] ?? {})
    } catch (error) {
      const message = `policy ${policy.id} could not be compiled: ${(error as Error).message}`
      diagnostics.push({severity: 'error', code: 'policy-compile', file: policy.source.file, line: 1, column: 1, message})
      for (const subject of subjects) listing.add(errorResult(policy, subject, message))
      continue
    }
    for (const subject of subjects) {
      let judgement: Judgement
      try {
        judgement = judge(compiled, subject)
      } catch (error) {
        listing.add(errorResult(policy, subject, `evaluation failed: ${(error as Error).message}`))
        continue
      }
      if (!judgement.applicable) {
        notApplicable[policy.id]++
        continue
      }
      // A failure is built even past the cap: a waiver may turn it into a suppressed result.
      if (judgement.status !== 'fail' && listing.isFull(policy.id, judgement.status)) {
        listing.countUnlisted(policy.id, judgement.status)
        continue
      }
      const result: Result = {
        policy: policy.id,
        title: policy.title,
        severity: policy.severity,
        status: judgement.status,
        message: judgement.message,
        subject: refOf(subject),
        location: locateResult(subject, [...(judgement.at ?? []), ...judgement.details.map((detail) => detail.path)], trailsById),
        ...logicalOf(subject),
        ...(judgement.details.length > 0 ? {details: judgement.details} : {}),
        ...(judgement.status === 'fail' ? {remediation: subjectRemediation(policy, subject, compiled.params)} : {}),
      }
      listing.add(applySuppressions(result, subject, waiverUses, options.now))
    }
  }
  for (const result of options.streamedResults ?? []) {
    const subject: Subject<object> = {...result.subject, document: {}, provenance: {kind: 'cloudtrail/log'}}
    results.push(applySuppressions(result, subject, waiverUses, options.now))
  }
  appendAll(diagnostics, waiverDiagnostics(waiverUses, options.now))
  return {results, unlisted: listing.unlisted, notApplicable, diagnostics}
}

function refOf(subject: Subject<object>): Result['subject'] {
  return {
    type: subject.type,
    id: subject.id,
    label: subject.label,
    ...(subject.account ? {account: subject.account} : {}),
    ...(subject.region ? {region: subject.region} : {}),
  }
}

function logicalOf(subject: Subject<object>): Pick<Result, 'logical'> {
  const {logicalId, address, constructPath} = subject.provenance
  if (!logicalId && !address && !constructPath) return {}
  return {logical: {...(logicalId ? {logicalId} : {}), ...(address ? {address} : {}), ...(constructPath ? {constructPath} : {})}}
}

function errorResult(policy: Policy, subject: Subject<object>, message: string): Result {
  return {
    policy: policy.id,
    title: policy.title,
    severity: policy.severity,
    status: 'error',
    message,
    subject: refOf(subject),
    ...(subject.provenance.location ? {location: subject.provenance.location} : {}),
  }
}

function waiverDiagnostics(uses: WaiverUse[], now: Date): Diagnostic[] {
  const today = now.toISOString().slice(0, 10)
  return uses.flatMap(({waiver, used, expiredHits}) => {
    const where = waiver.location ? {file: waiver.location.file, line: waiver.location.line, column: waiver.location.column} : {}
    if (waiver.expires < today) {
      return [{severity: 'warning' as const, code: 'waiver-expired', ...where, message: `waiver for ${waiver.policy} on ${waiver.subject} expired on ${waiver.expires} and no longer applies${expiredHits ? ` (${expiredHits} result${expiredHits === 1 ? '' : 's'} would have been suppressed)` : ''}`}]
    }
    if (used === 0) return [{severity: 'warning' as const, code: 'waiver-unused', ...where, message: `waiver for ${waiver.policy} on ${waiver.subject} matched no failing result`}]
    return []
  })
}
