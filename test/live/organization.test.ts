import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {collectLive, type LiveResult} from '../../src/live/index.js'
import {organizationWorld, startFakeAws, type FakeAws, type FakeWorld} from './fake-aws/server.js'
import {answered, liveOptions} from './helpers.js'

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2']
const MANAGEMENT = '100000000000'
const ORG_TRAIL = `arn:aws:cloudtrail:us-east-1:${MANAGEMENT}:trail/org-trail`

function twentyAccounts(): FakeWorld {
  const world = organizationWorld({accounts: 20, regions: REGIONS, roleName: 'Auditor', pageSize: 7})
  // Throttling answers the client must absorb: the service is shared with other callers.
  world.accounts[MANAGEMENT].faults = {throttle: {DescribeTrails: 2, GetEventSelectors: 1}}
  world.accounts['200000000005'].faults = {throttle: {GetTrailStatus: 2, ListTags: 1}}
  return world
}

describe('collectLive for a 20-account organization', () => {
  let fake: FakeAws
  let result: LiveResult

  beforeAll(async () => {
    fake = await startFakeAws(twentyAccounts())
    result = await collectLive(liveOptions(fake, 'AKIAMANAGEMENT', {org: true, roleName: 'Auditor', regions: REGIONS, concurrency: 5}))
  })
  afterAll(() => fake.close())

  it('audits every account of the organization, reading all pages of ListAccounts', () => {
    const {snapshot, stats} = result
    expect(snapshot.organization).toEqual({id: 'o-exampleorg1', managementAccountId: MANAGEMENT})
    expect(snapshot.accounts).toHaveLength(20)
    expect(new Set(snapshot.accounts.map((account) => account.accountId)).size).toBe(20)
    expect(stats.callsByOperation.ListAccounts).toBe(3)
    expect(stats).toMatchObject({accounts: 20, regions: 60})
    for (const account of snapshot.accounts) {
      expect(account.regions).toEqual(REGIONS)
      expect(account.errors).toBeUndefined()
    }
  })

  it('assumes the role in every account but the caller’s own', () => {
    expect(result.stats.callsByOperation.AssumeRole).toBe(19)
    const assumed = answered(fake.requests, {operation: 'AssumeRole'})
    expect(assumed).toHaveLength(19)
    const cloudTrailAccounts = new Set(answered(fake.requests, {service: 'cloudtrail'}).map((request) => request.account))
    expect(cloudTrailAccounts.size).toBe(20)
  })

  it('shows the organization trail in every member region and lends members its details', () => {
    const member = result.snapshot.accounts.find((account) => account.accountId === '200000000007')
    expect(member).toBeDefined()
    for (const region of REGIONS) expect(member?.regionTrails[region]).toContain(ORG_TRAIL)
    const orgTrail = member?.trails.find((trail) => trail.TrailARN === ORG_TRAIL)
    expect(orgTrail).toMatchObject({
      IsOrganizationTrail: true,
      IsMultiRegionTrail: true,
      Status: {IsLogging: true, LatestDeliveryTime: '2024-05-01T12:00:00.000Z'},
      AdvancedEventSelectors: [{Name: 'Management events', FieldSelectors: [{Field: 'eventCategory', Equals: ['Management']}]}],
      InsightSelectors: [{InsightType: 'ApiCallRateInsight'}],
      Tags: {owner: 'security'},
    })
    const own = member?.trails.find((trail) => trail.Name === 'local-7')
    expect(own).toMatchObject({Status: {IsLogging: true}, Tags: {team: 'team-2'}, IsMultiRegionTrail: false, HomeRegion: 'eu-west-1'})
  })

  it('reads each trail’s details once, in its owner account and home region', () => {
    const statusCalls = answered(fake.requests, {operation: 'GetTrailStatus'})
    expect(statusCalls).toHaveLength(20)
    const orgStatus = statusCalls.filter((request) => request.input?.Name === ORG_TRAIL)
    expect(orgStatus.map((request) => [request.account, request.region])).toEqual([[MANAGEMENT, 'us-east-1']])
    expect(answered(fake.requests, {operation: 'GetEventSelectors'})).toHaveLength(20)
    expect(answered(fake.requests, {operation: 'GetInsightSelectors'})).toHaveLength(1)
    expect(answered(fake.requests, {operation: 'DescribeTrails'})).toHaveLength(60)
  })

  it('retries throttling without reporting it', () => {
    const {stats, diagnostics} = result
    expect(stats.throttles).toBeGreaterThanOrEqual(6)
    expect(stats.retries).toBeGreaterThanOrEqual(stats.throttles)
    expect(diagnostics).toEqual([])
    expect(fake.requests.filter((request) => request.error === 'ThrottlingException').length).toBe(stats.throttles)
  })
})

describe('collectLive account selection', () => {
  it('audits only the accounts asked for, minus the excluded ones, and skips suspended accounts with a warning', async () => {
    const world = organizationWorld({accounts: 6, regions: ['us-east-1'], roleName: 'Auditor'})
    world.accounts['200000000003'].status = 'SUSPENDED'
    const fake = await startFakeAws(world)
    try {
      const all = await collectLive(liveOptions(fake, 'AKIAMANAGEMENT', {org: true, roleName: 'Auditor', regions: ['us-east-1']}))
      expect(all.snapshot.accounts.map((account) => account.accountId)).not.toContain('200000000003')
      expect(all.snapshot.accounts).toHaveLength(5)
      expect(all.diagnostics).toEqual([
        expect.objectContaining({severity: 'warning', code: 'live-account-inactive', message: expect.stringContaining('200000000003 (SUSPENDED)')}),
      ])

      const some = await collectLive(
        liveOptions(fake, 'AKIAMANAGEMENT', {
          org: true,
          roleName: 'Auditor',
          regions: ['us-east-1'],
          accounts: ['200000000001', '200000000002', '999999999999'],
          excludeAccounts: ['200000000002'],
        }),
      )
      expect(some.snapshot.accounts.map((account) => account.accountId)).toEqual(['200000000001'])
      expect(some.diagnostics).toContainEqual(
        expect.objectContaining({severity: 'error', code: 'live-unknown-account', message: expect.stringContaining('999999999999')}),
      )
    } finally {
      await fake.close()
    }
  })

  it('passes the external id when the role demands one', async () => {
    const world = organizationWorld({accounts: 2, regions: ['us-east-1'], roleName: 'Auditor'})
    world.accounts['200000000001'].roles = {Auditor: {externalId: 'trailgate-42'}}
    const fake = await startFakeAws(world)
    try {
      const without = await collectLive(liveOptions(fake, 'AKIAMANAGEMENT', {org: true, roleName: 'Auditor', regions: ['us-east-1']}))
      expect(without.snapshot.accounts.find((account) => account.accountId === '200000000001')?.errors).toEqual([
        expect.objectContaining({operation: 'AssumeRole', code: 'AccessDenied'}),
      ])
      const withId = await collectLive(
        liveOptions(fake, 'AKIAMANAGEMENT', {org: true, roleName: 'Auditor', externalId: 'trailgate-42', regions: ['us-east-1']}),
      )
      expect(withId.diagnostics).toEqual([])
      expect(withId.snapshot.accounts.find((account) => account.accountId === '200000000001')?.trails).toHaveLength(2)
    } finally {
      await fake.close()
    }
  })

  it('without an organization, assumes the role in each account named', async () => {
    const world = organizationWorld({accounts: 3, regions: ['us-east-1'], roleName: 'Auditor'})
    delete world.organization
    const fake = await startFakeAws(world)
    try {
      const {snapshot, diagnostics, stats} = await collectLive(
        liveOptions(fake, 'AKIAMANAGEMENT', {roleName: 'Auditor', regions: ['us-east-1'], accounts: ['200000000001', '200000000002']}),
      )
      expect(diagnostics).toEqual([])
      expect(snapshot.organization).toBeUndefined()
      expect(snapshot.accounts.map((account) => account.accountId)).toEqual(['200000000001', '200000000002'])
      expect(stats.callsByOperation.AssumeRole).toBe(2)
      expect(stats.callsByOperation.ListAccounts).toBeUndefined()
    } finally {
      await fake.close()
    }
  })
})
