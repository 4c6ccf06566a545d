import {readFileSync} from 'node:fs'

import {describe, expect, it} from 'vitest'

import {compileEventPolicy, quickVerdict} from '../../src/events/event-policy.js'
import {compileFilterPattern} from '../../src/policy/filter-pattern.js'
import {loadPolicyFile} from '../../src/policy/load.js'
import {EVENT_POLICY_DIR, FIXTURES, REPO_ROOT, allEventPolicies} from './helpers.js'

interface FilterEntry {
  /** The CIS monitoring policy whose reference pattern is the filter. */
  monitoringPolicy: string
  filter: string
  relation: 'equivalent' | 'narrower'
  extraEventNames?: string[]
  omittedEventNames?: string[]
  /** Identity types the detection judges as the filter judges an IAM user. */
  alsoIdentityTypes?: string[]
}

/** The record as the filter sees it when the detection treats its identity type as an IAM user's. */
function asFilterSees(record: Rec, entry: FilterEntry): Rec {
  const identity = record.userIdentity as Rec | undefined
  if (!identity || !entry.alsoIdentityTypes?.includes(String(identity.type))) return record
  return {...record, userIdentity: {...identity, type: 'IAMUser'}}
}

/** The CIS filter of each detection is the reference pattern of its monitoring policy: one copy, read from there. */
function referencePattern(policyId: string): string {
  const {policy, diagnostics} = loadPolicyFile(`${REPO_ROOT}/policies/trail/${policyId}.yaml`, {builtin: true})
  const pattern = policy?.params.pattern?.default
  if (typeof pattern !== 'string') throw new Error(`${policyId}: no reference pattern (${diagnostics.map((d) => d.message).join('; ')})`)
  return pattern
}

const {$comment: _comment, ...entries} = JSON.parse(readFileSync(`${EVENT_POLICY_DIR}/cis-metric-filters.json`, 'utf8')) as Record<string, Omit<FilterEntry, 'filter'>> & {$comment?: string}
const filters: Record<string, FilterEntry> = Object.fromEntries(Object.entries(entries).map(([id, entry]) => [id, {...entry, filter: referencePattern(entry.monitoringPolicy)}]))
const pack = new Map(allEventPolicies().map((policy) => [policy.id, policy]))

type Rec = Record<string, unknown>

const base: Rec = {
  eventVersion: '1.08',
  userIdentity: {type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice', accountId: '111122223333'},
  eventTime: '2024-05-01T12:00:00Z',
  eventSource: 'ec2.amazonaws.com',
  eventName: 'DescribeInstances',
  awsRegion: 'us-east-1',
  sourceIPAddress: '198.51.100.7',
  eventID: 'e0',
  eventType: 'AwsApiCall',
  recipientAccountId: '111122223333',
}

/** Every event name and event source that appears in any filter, so each clause is exercised. */
function vocabulary(): {names: string[]; sources: string[]} {
  const names = new Set<string>(['DescribeInstances', 'HeadBucket', 'ConsoleLogin', 'PutEventSelectors'])
  const sources = new Set<string>(['ec2.amazonaws.com', 'autoscaling.amazonaws.com'])
  for (const entry of Object.values(filters)) {
    for (const match of entry.filter.matchAll(/\$\.eventName\s*=\s*"?([A-Za-z]+)"?/g)) names.add(match[1]!)
    for (const match of entry.filter.matchAll(/\$\.eventSource\s*=\s*"?([a-z0-9.-]+)"?/g)) sources.add(match[1]!)
  }
  return {names: [...names].sort(), sources: [...sources].sort()}
}

/** Records that hit and narrowly miss every clause: each name × each source, plus identity, error and sign-in variants. */
function generatedRecords(): Rec[] {
  const {names, sources} = vocabulary()
  const records: Rec[] = []
  for (const eventName of names) for (const eventSource of sources) records.push({...base, eventName, eventSource})
  const root = {type: 'Root', arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333'}
  records.push(
    {...base, userIdentity: root},
    {...base, userIdentity: {...root, invokedBy: 'cloudtrail.amazonaws.com'}},
    {...base, userIdentity: root, eventType: 'AwsServiceEvent'},
    {...base, userIdentity: root, eventType: undefined},
    {...base, errorCode: 'Client.UnauthorizedOperation'},
    {...base, errorCode: 'UnauthorizedOperation'},
    {...base, errorCode: 'AccessDenied'},
    {...base, errorCode: 'AccessDeniedException'},
    {...base, errorCode: 'AccessDenied', eventName: 'HeadBucket'},
    {...base, errorCode: 'AccessDenied', sourceIPAddress: 'delivery.logs.amazonaws.com'},
    {...base, errorCode: 'Client.UnauthorizedOperation', eventName: 'HeadBucket'},
    {...base, errorCode: 'NoSuchBucket'},
    {...base, errorCode: 'xAccessDenied'},
  )
  const login = {...base, eventName: 'ConsoleLogin', eventSource: 'signin.amazonaws.com'}
  for (const mfa of ['Yes', 'No', null, undefined]) {
    for (const outcome of ['Success', 'Failure']) {
      for (const type of ['IAMUser', 'AssumedRole', 'Root']) {
        records.push({...login, userIdentity: {type}, responseElements: {ConsoleLogin: outcome}, ...(mfa === undefined ? {} : {additionalEventData: {MFAUsed: mfa}}), ...(outcome === 'Failure' ? {errorMessage: 'Failed authentication'} : {})})
      }
    }
  }
  records.push({...login, errorMessage: 'No username found in supplied account'}, {...login, eventName: 'ConsoleLogout', errorMessage: 'Failed authentication'})
  return records.map((record) => JSON.parse(JSON.stringify(record)) as Rec)
}

/** The seeds' real records, as kept in the fixtures (only the files that parse whole). */
function fixtureRecords(): Rec[] {
  const files = ['samples/cloudwatch-documentation.json', 'samples/console-sign-in.json', 'malformed/instance-connect-values.json']
  return files.flatMap((file) => (JSON.parse(readFileSync(`${FIXTURES}/${file}`, 'utf8')) as {Records: Rec[]}).Records)
}

describe('built-in detections agree with the CIS metric filters', () => {
  const records = [...fixtureRecords(), ...generatedRecords()]

  it('covers every detection that has a CIS filter', () => {
    expect(Object.keys(filters).sort()).toEqual([...pack.keys()].filter((id) => id !== 'source-ip-allowlist').sort())
  })

  for (const [id, entry] of Object.entries(filters)) {
    it(`${id}: ${entry.relation} to ${entry.filter.slice(0, 60)}…`, () => {
      const detection = compileEventPolicy(pack.get(id)!, undefined)
      const filter = compileFilterPattern(entry.filter)
      let matched = 0
      for (const record of records) {
        const byDetection = quickVerdict(detection, record) === 'fail'
        const byFilter = filter.test(asFilterSees(record, entry))
        if (byDetection) matched++
        const context = `${id} on ${JSON.stringify(record)}`
        if (entry.relation === 'equivalent') {
          expect(byDetection, context).toBe(byFilter)
        } else {
          const name = String(record.eventName)
          if (entry.extraEventNames?.includes(name)) continue
          if (entry.omittedEventNames?.includes(name)) expect(byDetection, context).toBe(false)
          else expect(byDetection, context).toBe(byFilter)
        }
      }
      expect(matched, `${id} matched nothing: the records do not exercise it`).toBeGreaterThan(0)
    })
  }
})
