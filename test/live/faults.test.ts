import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {collectLive, type LiveResult} from '../../src/live/index.js'
import {organizationWorld, startFakeAws, type FakeAws, type FakeWorld} from './fake-aws/server.js'
import {liveOptions} from './helpers.js'

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2']
const NO_ROLE = '200000000001'
const DENIED_IN_EU = '200000000002'
const SLOW_SYDNEY = '200000000003'
const FLAKY = '200000000004'
const BROKEN_SELECTORS = '200000000005'
const DENIED_EVERYWHERE = '200000000006'
const HEALTHY = '200000000007'

function faultyWorld(): FakeWorld {
  const world = organizationWorld({accounts: 8, regions: REGIONS, roleName: 'Auditor', pageSize: 2})
  world.accounts[NO_ROLE].roles = {}
  world.accounts[DENIED_IN_EU].faults = {accessDenied: {regions: ['eu-west-1']}}
  world.accounts[SLOW_SYDNEY].faults = {delayMs: {'ap-southeast-2': 4_000}}
  world.accounts[FLAKY].faults = {serverError: {GetTrailStatus: 2, DescribeTrails: 1}}
  world.accounts[BROKEN_SELECTORS].faults = {serverError: {GetEventSelectors: 50}}
  world.accounts[DENIED_EVERYWHERE].faults = {accessDenied: true}
  return world
}

describe('collectLive with faults', () => {
  let fake: FakeAws
  let result: LiveResult
  const account = (id: string) => {
    const found = result.snapshot.accounts.find((candidate) => candidate.accountId === id)
    if (found === undefined) throw new Error(`account ${id} missing from the snapshot`)
    return found
  }

  beforeAll(async () => {
    fake = await startFakeAws(faultyWorld())
    result = await collectLive(
      liveOptions(fake, 'AKIAMANAGEMENT', {org: true, roleName: 'Auditor', regions: REGIONS, callTimeoutMs: 1_500, retry: {maxAttempts: 3, baseDelayMs: 1}}),
    )
  })
  afterAll(() => fake.close())

  it('still audits every account, and the healthy ones completely', () => {
    expect(result.snapshot.accounts).toHaveLength(8)
    expect(account(HEALTHY).errors).toBeUndefined()
    expect(account(HEALTHY).regions).toEqual(REGIONS)
    expect(account('100000000000').errors).toBeUndefined()
  })

  it('reports an account whose role cannot be assumed', () => {
    expect(account(NO_ROLE)).toMatchObject({regions: [], trails: [], regionTrails: {}})
    expect(account(NO_ROLE).errors).toEqual([
      {operation: 'AssumeRole', code: 'AccessDenied', message: expect.stringContaining(`arn:aws:iam::${NO_ROLE}:role/Auditor`)},
    ])
    expect(result.diagnostics).toContainEqual(
      expect.objectContaining({severity: 'error', code: 'live-access-denied', message: expect.stringContaining(`account ${NO_ROLE}: AssumeRole`)}),
    )
  })

  it('reports a region that denies access and audits the others', () => {
    const denied = account(DENIED_IN_EU)
    expect(denied.errors).toEqual([
      {region: 'eu-west-1', operation: 'DescribeTrails', code: 'AccessDeniedException', message: expect.stringContaining('not authorized')},
    ])
    expect(Object.keys(denied.regionTrails)).toEqual(['us-east-1', 'ap-southeast-2'])
    expect(denied.regions).toEqual(REGIONS)
    expect(result.diagnostics).toContainEqual(
      expect.objectContaining({severity: 'error', code: 'live-access-denied', message: expect.stringContaining(`account ${DENIED_IN_EU}, eu-west-1: DescribeTrails failed`)}),
    )
  })

  it('reports a region that does not answer in time', () => {
    const slow = account(SLOW_SYDNEY)
    expect(slow.errors).toContainEqual({region: 'ap-southeast-2', operation: 'DescribeTrails', code: 'Timeout', message: 'no answer within 1500 ms'})
    expect(slow.regionTrails['us-east-1']).toBeDefined()
    expect(slow.regionTrails['ap-southeast-2']).toBeUndefined()
    expect(result.diagnostics).toContainEqual(expect.objectContaining({code: 'live-timeout', message: expect.stringContaining(`account ${SLOW_SYDNEY}, ap-southeast-2`)}))
  })

  it('retries server errors with HTML bodies and keeps what the retry read', () => {
    const flaky = account(FLAKY)
    expect(flaky.errors).toBeUndefined()
    expect(flaky.trails.find((trail) => trail.Name === 'local-4')?.Status).toMatchObject({IsLogging: true})
  })

  it('reports a call that keeps failing, and keeps the rest of the trail', () => {
    const broken = account(BROKEN_SELECTORS)
    const trailArn = `arn:aws:cloudtrail:${REGIONS[5 % 3]}:${BROKEN_SELECTORS}:trail/local-5`
    expect(broken.errors).toEqual([
      {region: REGIONS[5 % 3], operation: 'GetEventSelectors', code: 'HTTP503', message: expect.stringContaining('HTTP 503')},
    ])
    const trail = broken.trails.find((candidate) => candidate.TrailARN === trailArn)
    expect(trail?.Status).toBeDefined()
    expect(trail?.Tags).toEqual({team: 'team-0'})
    expect(trail?.EventSelectors).toBeUndefined()
    expect(result.diagnostics).toContainEqual(
      expect.objectContaining({message: expect.stringMatching(new RegExp(`GetEventSelectors of trail ${trailArn} failed: HTTP503: .*after 3 attempts`))}),
    )
  })

  it('reports every region of an account that denies everything', () => {
    const denied = account(DENIED_EVERYWHERE)
    expect(denied.errors?.map((error) => [error.region, error.operation, error.code])).toEqual(
      REGIONS.map((region) => [region, 'DescribeTrails', 'AccessDeniedException']),
    )
    expect(denied.trails).toEqual([])
  })

  it('says every failure in the diagnostics and nothing else', () => {
    const errorCount = result.snapshot.accounts.reduce((sum, candidate) => sum + (candidate.errors?.length ?? 0), 0)
    expect(result.diagnostics.filter((diagnostic) => diagnostic.severity === 'error')).toHaveLength(errorCount)
    expect(result.diagnostics.filter((diagnostic) => diagnostic.severity === 'warning')).toEqual([])
  })
})

describe('collectLive when nothing can be reached', () => {
  it('returns an empty snapshot and an error when the credentials are refused', async () => {
    const fake = await startFakeAws({accounts: {'111122223333': {accessKeyIds: ['AKIAKNOWN']}}})
    try {
      const {snapshot, diagnostics} = await collectLive(liveOptions(fake, 'AKIAUNKNOWN', {regions: ['us-east-1']}))
      expect(snapshot.accounts).toEqual([])
      expect(diagnostics).toEqual([
        expect.objectContaining({severity: 'error', code: 'live-credentials', message: expect.stringContaining('InvalidClientTokenId')}),
      ])
    } finally {
      await fake.close()
    }
  })

  it('audits the caller’s own account when the organization cannot be listed', async () => {
    const world = organizationWorld({accounts: 3, regions: ['us-east-1'], roleName: 'Auditor'})
    world.accounts['200000000001'].accessKeyIds = ['AKIAMEMBER']
    const fake = await startFakeAws(world)
    try {
      const {snapshot, diagnostics} = await collectLive(liveOptions(fake, 'AKIAMEMBER', {org: true, roleName: 'Auditor', regions: ['us-east-1']}))
      expect(snapshot.accounts.map((candidate) => candidate.accountId)).toEqual(['200000000001'])
      expect(diagnostics.map((diagnostic) => diagnostic.code)).toEqual(['live-access-denied', 'live-organization', 'live-other-account-trail'])
      expect(diagnostics[2].message).toContain('org-trail belongs to account 100000000000, which was not audited')
    } finally {
      await fake.close()
    }
  })
})
