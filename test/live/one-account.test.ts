import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {collectLive, type LiveProgress, type LiveResult} from '../../src/live/index.js'
import {PARTITION_REGIONS} from '../../src/live/regions.js'
import {startFakeAws, type FakeAws, type FakeWorld} from './fake-aws/server.js'
import {answered, liveOptions} from './helpers.js'

const ACCOUNT = '111122223333'
const MAIN = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/main`
const REGIONAL = `arn:aws:cloudtrail:eu-west-1:${ACCOUNT}:trail/regional`
const ALL_REGIONS = [...PARTITION_REGIONS.aws.standard, ...PARTITION_REGIONS.aws.optIn]

const world: FakeWorld = {
  regions: ALL_REGIONS,
  accounts: {
    [ACCOUNT]: {
      accessKeyIds: ['AKIAONEACCOUNT'],
      // Every opt-in region but af-south-1 is left disabled.
      disabledRegions: PARTITION_REGIONS.aws.optIn.filter((region) => region !== 'af-south-1'),
      trails: [
        {
          Name: 'main',
          HomeRegion: 'us-east-1',
          S3BucketName: 'audit-logs',
          IsMultiRegionTrail: true,
          LogFileValidationEnabled: true,
          KmsKeyId: `arn:aws:kms:us-east-1:${ACCOUNT}:key/abcd`,
          status: {IsLogging: true, LatestDeliveryTime: '2024-05-01T12:00:00.123Z', StartLoggingTime: '2024-01-01T00:00:00.000Z'},
          eventSelectors: [
            {ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [{Type: 'AWS::S3::Object', Values: ['arn:aws:s3']}]},
          ],
          insightSelectors: [{InsightType: 'ApiCallRateInsight'}],
          tags: {owner: 'security', env: 'prod'},
        },
        {
          Name: 'regional',
          HomeRegion: 'eu-west-1',
          S3BucketName: 'eu-logs',
          status: {IsLogging: false, StopLoggingTime: '2024-04-01T08:30:00.000Z'},
          advancedEventSelectors: [{Name: 'S3 writes', FieldSelectors: [{Field: 'eventCategory', Equals: ['Data']}, {Field: 'readOnly', Equals: ['false']}]}],
        },
      ],
    },
  },
}

describe('collectLive for one account', () => {
  let fake: FakeAws
  let result: LiveResult
  const progress: LiveProgress[] = []

  beforeAll(async () => {
    fake = await startFakeAws(world)
    result = await collectLive(
      liveOptions(fake, 'AKIAONEACCOUNT', {regions: ['us-east-1', 'us-west-2', 'eu-west-1'], onProgress: (p) => progress.push(p)}),
    )
  })
  afterAll(() => fake.close())

  it('writes a snapshot of the account with every trail once, with details from its home region', () => {
    const {snapshot} = result
    expect(snapshot).toMatchObject({kind: 'trailgate-snapshot', version: 2, tool: {name: 'trailgate'}})
    expect(snapshot.organization).toBeUndefined()
    expect(snapshot.accounts).toHaveLength(1)
    const [account] = snapshot.accounts
    expect(account).toMatchObject({accountId: ACCOUNT, partition: 'aws', regions: ['us-east-1', 'us-west-2', 'eu-west-1']})
    expect(account.errors).toBeUndefined()
    expect(account.trails.map((trail) => trail.TrailARN)).toEqual([REGIONAL, MAIN])

    const main = account.trails.find((trail) => trail.TrailARN === MAIN)
    expect(main).toMatchObject({
      Name: 'main',
      HomeRegion: 'us-east-1',
      IsMultiRegionTrail: true,
      LogFileValidationEnabled: true,
      HasInsightSelectors: true,
      Status: {IsLogging: true, LatestDeliveryTime: '2024-05-01T12:00:00.123Z', StartLoggingTime: '2024-01-01T00:00:00.000Z'},
      EventSelectors: [{ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [{Type: 'AWS::S3::Object', Values: ['arn:aws:s3']}]}],
      InsightSelectors: [{InsightType: 'ApiCallRateInsight'}],
      Tags: {owner: 'security', env: 'prod'},
    })
    const regional = account.trails.find((trail) => trail.TrailARN === REGIONAL)
    expect(regional).toMatchObject({
      Status: {IsLogging: false, StopLoggingTime: '2024-04-01T08:30:00.000Z'},
      AdvancedEventSelectors: [{Name: 'S3 writes', FieldSelectors: [{Field: 'eventCategory', Equals: ['Data']}, {Field: 'readOnly', Equals: ['false']}]}],
      Tags: {},
    })
    expect(regional?.InsightSelectors).toBeUndefined()
    expect(regional?.EventSelectors).toBeUndefined()
  })

  it('records what each region lists, shadow copies of multi-region trails included', () => {
    expect(result.snapshot.accounts[0].regionTrails).toEqual({
      'us-east-1': [MAIN],
      'us-west-2': [MAIN],
      'eu-west-1': [MAIN, REGIONAL],
    })
  })

  it('is plain JSON, with timestamps as ISO strings', () => {
    expect(JSON.parse(JSON.stringify(result.snapshot))).toEqual(result.snapshot)
    expect(Number.isNaN(Date.parse(result.snapshot.collectedAt))).toBe(false)
  })

  it('asks each region once and each trail its details once, in the trail home region', () => {
    expect(result.diagnostics).toEqual([])
    expect(result.stats.callsByOperation).toEqual({
      GetCallerIdentity: 1,
      DescribeTrails: 3,
      GetTrailStatus: 2,
      GetEventSelectors: 2,
      GetInsightSelectors: 1,
      ListTags: 2,
    })
    expect(result.stats).toMatchObject({calls: 11, throttles: 0, retries: 0, accounts: 1, regions: 3})
    const statusCalls = answered(fake.requests, {operation: 'GetTrailStatus'})
    expect(statusCalls.map((request) => [request.region, request.input?.Name])).toEqual(
      expect.arrayContaining([
        ['us-east-1', MAIN],
        ['eu-west-1', REGIONAL],
      ]),
    )
    expect(answered(fake.requests, {operation: 'DescribeTrails'}).every((request) => request.input?.includeShadowTrails === true)).toBe(true)
  })

  it('reports progress up to every account and region done', () => {
    expect(progress.length).toBeGreaterThan(0)
    expect(progress.at(-1)).toMatchObject({accountsDone: 1, accountsTotal: 1, regionsDone: 3, regionsTotal: 3, calls: 11, throttles: 0})
  })
})

describe('collectLive default regions', () => {
  it('examines the standard regions and the enabled opt-in ones, and names the opt-in regions it skipped', async () => {
    const fake = await startFakeAws(world)
    try {
      const {snapshot, diagnostics} = await collectLive(liveOptions(fake, 'AKIAONEACCOUNT'))
      const [account] = snapshot.accounts
      expect(account.regions).toEqual([...PARTITION_REGIONS.aws.standard, 'af-south-1'])
      expect(account.errors).toBeUndefined()
      expect(Object.keys(account.regionTrails)).toEqual(account.regions)
      const skipped = diagnostics.filter((diagnostic) => diagnostic.code === 'live-region-not-enabled')
      expect(skipped).toHaveLength(PARTITION_REGIONS.aws.optIn.length - 1)
      expect(skipped.every((diagnostic) => diagnostic.severity === 'warning')).toBe(true)
      expect(skipped.map((diagnostic) => diagnostic.message)).toContain(`opt-in region me-south-1 is not enabled in account ${ACCOUNT}: not examined there`)
      expect(diagnostics.filter((diagnostic) => diagnostic.severity === 'error')).toEqual([])
    } finally {
      await fake.close()
    }
  })

  it('fails an asked-for region that is not enabled instead of skipping it', async () => {
    const fake = await startFakeAws(world)
    try {
      const {snapshot, diagnostics} = await collectLive(liveOptions(fake, 'AKIAONEACCOUNT', {regions: ['us-east-1', 'me-south-1']}))
      const [account] = snapshot.accounts
      expect(account.regions).toEqual(['us-east-1', 'me-south-1'])
      expect(account.errors).toEqual([
        {region: 'me-south-1', operation: 'DescribeTrails', code: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.'},
      ])
      expect(account.regionTrails['me-south-1']).toBeUndefined()
      expect(diagnostics).toEqual([
        expect.objectContaining({severity: 'error', message: expect.stringContaining(`account ${ACCOUNT}, me-south-1: DescribeTrails failed`)}),
      ])
    } finally {
      await fake.close()
    }
  })
})

describe('ListTags batching', () => {
  it('asks for the tags of at most 20 trails per call', async () => {
    const trails = Array.from({length: 23}, (_, index) => ({Name: `t${index}`, HomeRegion: 'us-east-1', S3BucketName: 'b', tags: {index: String(index)}}))
    const fake = await startFakeAws({accounts: {[ACCOUNT]: {accessKeyIds: ['AKIAMANY'], trails}}}, {rateLimits: false})
    try {
      const {snapshot, stats} = await collectLive(liveOptions(fake, 'AKIAMANY', {regions: ['us-east-1'], rateLimits: {describe: 1000}}))
      expect(stats.callsByOperation.ListTags).toBe(2)
      expect(answered(fake.requests, {operation: 'ListTags'}).map((request) => (request.input?.ResourceIdList as string[]).length)).toEqual(
        expect.arrayContaining([20, 3]),
      )
      expect(snapshot.accounts[0].trails.find((trail) => trail.Name === 't22')?.Tags).toEqual({index: '22'})
    } finally {
      await fake.close()
    }
  })
})
