import type {Detail, EventSubject, Location, Result} from '../model/types.js'
import {renderTemplate} from '../policy/template.js'
import {explain, planPolicies, policiesFor, quickVerdict, type EventPolicy, type PolicyPlan} from './event-policy.js'

/**
 * Judges CloudTrail records against a set of event policies: the one path by which a record meets a
 * policy, whether it came from a log file, a LookupEvents page or a policy's test case.
 */
export class RecordJudge {
  readonly policies: EventPolicy[]
  private readonly plan: PolicyPlan
  /** Per policy (by index): records judged that did not pass (failed, unknown or not applicable). */
  readonly notPassed: number[]
  /** Per policy (by index): records its `when` left out or an `unless` exempted. */
  readonly exempted: number[]
  /** Records judged. Passes per policy are `judged - notPassed[i]`: a record a policy skips costs nothing. */
  judged = 0

  constructor(policies: EventPolicy[]) {
    this.policies = policies
    this.plan = planFor(policies)
    this.notPassed = new Array<number>(policies.length).fill(0)
    this.exempted = new Array<number>(policies.length).fill(0)
  }

  /**
   * Judges one record; `onFinding` receives each fail or unknown, in policy order. `locate` is asked
   * only for a finding: most records pass, and their location is never built.
   */
  judge(record: Record<string, unknown>, index: number, locate: () => Location, fallbackAccount: string, onFinding: (result: Result) => void): void {
    this.judged++
    let location: Location | undefined
    const tried = policiesFor(this.plan, record)
    for (let position = 0; position < tried.length; position++) {
      const policyIndex = tried[position]!
      const compiled = this.policies[policyIndex]!
      const verdict = quickVerdict(compiled, record)
      if (verdict === 'pass') continue
      this.notPassed[policyIndex]!++
      const result = verdict === 'not-applicable' ? undefined : finding(compiled, record, index, (location ??= locate()), fallbackAccount)
      if (result) onFinding(result)
      else this.exempted[policyIndex]!++
    }
  }

  /** Records each policy did not apply to, per policy id: every judged record is a pass, a finding or this. */
  notApplicable(): Record<string, number> {
    const counts: Record<string, number> = Object.create(null) as Record<string, number>
    this.policies.forEach((compiled, policyIndex) => {
      counts[compiled.policy.id] = this.exempted[policyIndex]!
    })
    return counts
  }

  /** Records judged and not matching, per policy id. */
  passes(): Record<string, number> {
    const passes: Record<string, number> = Object.create(null) as Record<string, number>
    this.policies.forEach((compiled, policyIndex) => {
      passes[compiled.policy.id] = this.judged - this.notPassed[policyIndex]!
    })
    return passes
  }
}

const plans = new WeakMap<EventPolicy[], PolicyPlan>()

function planFor(policies: EventPolicy[]): PolicyPlan {
  let plan = plans.get(policies)
  if (!plan) {
    plan = planPolicies(policies)
    plans.set(policies, plan)
  }
  return plan
}

function text(value: unknown, fallback: string): string {
  return typeof value === 'string' && value !== '' ? value : fallback
}

/** Who made the call: the caller's ARN, else its identity type. */
export function callerOf(record: Record<string, unknown>): string {
  const identity = (record.userIdentity ?? {}) as Record<string, unknown>
  return text(identity.arn, text(identity.invokedBy, text(identity.type, 'an unknown caller')))
}

/** The finding a record that does not pass makes; undefined when the engine's judgement passes it or it does not apply. */
export function finding(compiled: EventPolicy, record: Record<string, unknown>, index: number, location: Location, fallbackAccount: string): Result | undefined {
  const identity = (record.userIdentity ?? {}) as Record<string, unknown>
  const account = text(record.recipientAccountId, text(identity.accountId, fallbackAccount))
  // People count records from 1; `index` counts from 0, as the decoder does.
  const recordNumber = index + 1
  const eventID = text(record.eventID, `${location.file}#${recordNumber}`)
  const eventName = text(record.eventName, 'an unnamed event')
  const label = `${callerOf(record)} called ${eventName} from ${text(record.sourceIPAddress, 'an unknown address')} at ${text(record.eventTime, 'an unknown time')}`
  const subject: EventSubject = {
    type: 'event',
    id: `${account}/${eventID}`,
    label,
    account,
    ...(typeof record.awsRegion === 'string' ? {region: record.awsRegion} : {}),
    document: record,
    provenance: {kind: 'cloudtrail/log', location},
  }
  const judgement = explain(compiled, subject)
  if (!judgement.applicable || judgement.status === 'pass') return undefined
  const policy = compiled.policy
  const details: Detail[] = judgement.details
  return {
    policy: policy.id,
    title: policy.title,
    severity: policy.severity,
    status: judgement.status,
    message: `${judgement.message} Event ${eventID}, record ${recordNumber} of ${location.file}.`,
    subject: {type: 'event', id: subject.id, label, account, ...(subject.region ? {region: subject.region} : {})},
    location,
    ...(details.length > 0 ? {details} : {}),
    ...(judgement.status === 'fail' ? {remediation: renderTemplate(policy.remediation, record, compiled.params)} : {}),
  }
}
