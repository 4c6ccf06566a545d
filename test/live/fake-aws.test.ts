import {CloudTrailClient, GetTrailStatusCommand} from '@aws-sdk/client-cloudtrail'
import {ListAccountsCommand, OrganizationsClient} from '@aws-sdk/client-organizations'
import {GetCallerIdentityCommand, STSClient} from '@aws-sdk/client-sts'
import {afterEach, describe, expect, it} from 'vitest'

import {collectLive, lookupRecentEvents} from '../../src/live/index.js'
import {modelPaginators, organizationWorld, startFakeAws, type FakeAws, type FakeWorld} from './fake-aws/server.js'
import {liveOptions} from './helpers.js'

const ACCOUNT = '111122223333'
const CLOUDTRAIL = 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101'

let fake: FakeAws | undefined
afterEach(async () => {
  await fake?.close()
  fake = undefined
})

const world = (): FakeWorld => ({
  regions: ['us-east-1'],
  accounts: {
    [ACCOUNT]: {
      accessKeyIds: ['AKIAWIRE'],
      trails: [{Name: 'main', HomeRegion: 'us-east-1', S3BucketName: 'logs', status: {IsLogging: true, LatestDeliveryTime: '2024-05-01T12:00:00.000Z'}}],
    },
  },
})

/** A request as it travels, without the SDK: the fake reads the caller from the signature's credential scope. */
async function raw(target: string, body: string, service = 'cloudtrail'): Promise<{status: number; text: string}> {
  const headers: Record<string, string> = {
    authorization: `AWS4-HMAC-SHA256 Credential=AKIAWIRE/20240501/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=0`,
    'content-type': service === 'sts' ? 'application/x-www-form-urlencoded' : 'application/x-amz-json-1.1',
  }
  if (service !== 'sts') headers['x-amz-target'] = target
  const answer = await fetch(fake!.url, {method: 'POST', headers, body})
  return {status: answer.status, text: await answer.text()}
}

describe('the fake AWS speaks as the service models say', () => {
  it('answers in the output shape, timestamps as each protocol sends them', async () => {
    fake = await startFakeAws(world(), {rateLimits: false})
    const status = await raw(`${CLOUDTRAIL}.GetTrailStatus`, JSON.stringify({Name: 'main'}))
    expect(status.status).toBe(200)
    // JSON 1.1: epoch seconds, a number.
    expect(JSON.parse(status.text)).toEqual({IsLogging: true, LatestDeliveryTime: 1714564800})
    const identity = await raw('', 'Action=GetCallerIdentity&Version=2011-06-15', 'sts')
    expect(identity.text).toMatch(/^<GetCallerIdentityResponse xmlns="https:\/\/sts.amazonaws.com\/doc\/2011-06-15\/"><GetCallerIdentityResult><UserId>/)
    const sdk = new CloudTrailClient({region: 'us-east-1', endpoint: fake.url, credentials: {accessKeyId: 'AKIAWIRE', secretAccessKey: 'x'}})
    const parsed = await sdk.send(new GetTrailStatusCommand({Name: 'main'}))
    expect(parsed.LatestDeliveryTime?.toISOString()).toBe('2024-05-01T12:00:00.000Z')
    sdk.destroy()
  })

  it.each([
    ['a member of the wrong type', 'DescribeTrails', {includeShadowTrails: 'yes'}, 'expected a boolean'],
    ['a member the shape does not have', 'DescribeTrails', {IncludeShadowTrails: true}, 'has no member IncludeShadowTrails'],
    ['a required member missing', 'GetTrailStatus', {}, 'GetTrailStatusRequest.Name is required'],
    ['a list given as a string', 'ListTags', {ResourceIdList: 'arn'}, 'expected a list'],
  ])('refuses a request with %s (ValidationException)', async (_what, operation, input, problem) => {
    fake = await startFakeAws(world(), {rateLimits: false})
    const answer = await raw(`${CLOUDTRAIL}.${operation}`, JSON.stringify(input))
    expect(answer.status).toBe(400)
    expect(JSON.parse(answer.text)).toEqual({__type: 'ValidationException', message: expect.stringContaining(problem)})
  })

  it('refuses a query-protocol request without a required parameter', async () => {
    fake = await startFakeAws(world(), {rateLimits: false})
    const answer = await raw('', 'Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fx', 'sts')
    expect(answer.status).toBe(400)
    expect(answer.text).toContain('<Code>ValidationError</Code>')
    expect(answer.text).toContain('AssumeRoleRequest.RoleSessionName is required')
  })

  it('will not answer what the model does not have: a world with a misspelt trail field is the fake’s bug, loudly', async () => {
    const misspelt = world()
    misspelt.accounts[ACCOUNT]!.trails![0]!.KmsKeyID = 'arn:aws:kms:us-east-1:111122223333:key/x'
    fake = await startFakeAws(misspelt, {rateLimits: false})
    const errors: unknown[] = []
    const original = console.error
    console.error = (...args: unknown[]) => errors.push(args.join(' '))
    try {
      const answer = await raw(`${CLOUDTRAIL}.DescribeTrails`, '{}')
      expect(answer.status).toBe(500)
      expect(answer.text).toContain('the fake answered member KmsKeyID, which Trail does not have')
    } finally {
      console.error = original
    }
    expect(errors).toHaveLength(1)
  })

  it('denies, throttles and times out calls of every service, not only CloudTrail', async () => {
    const faulty = organizationWorld({accounts: 2, regions: ['us-east-1'], roleName: 'Auditor'})
    faulty.accounts['100000000000']!.faults = {
      throttle: {GetCallerIdentity: 1},
      accessDenied: {services: ['organizations'], operations: ['ListAccounts']},
      timeout: {services: ['organizations'], operations: ['DescribeOrganization']},
    }
    fake = await startFakeAws(faulty, {rateLimits: false})
    const options = {region: 'us-east-1', endpoint: fake.url, credentials: {accessKeyId: 'AKIAMANAGEMENT', secretAccessKey: 'x'}, maxAttempts: 1}
    const sts = new STSClient(options)
    await expect(sts.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({name: 'Throttling'})
    await expect(sts.send(new GetCallerIdentityCommand({}))).resolves.toMatchObject({Account: '100000000000'})
    const organizations = new OrganizationsClient(options)
    await expect(organizations.send(new ListAccountsCommand({}))).rejects.toMatchObject({name: 'AccessDeniedException'})
    const {DescribeOrganizationCommand} = await import('@aws-sdk/client-organizations')
    await expect(organizations.send(new DescribeOrganizationCommand({}), {abortSignal: AbortSignal.timeout(300)})).rejects.toThrow()
    expect(fake.requests.find((request) => request.operation === 'DescribeOrganization')?.error).toBe('hung')
    sts.destroy()
    organizations.destroy()
  })
})

describe('the audit follows every paginator the service models declare', () => {
  it('reads every page of every paginated call it makes, one item per page', async () => {
    const paged = organizationWorld({accounts: 3, regions: ['us-east-1', 'eu-west-1'], roleName: 'Auditor'})
    const management = paged.accounts['100000000000']!
    management.trails!.push({Name: 'second', HomeRegion: 'us-east-1', S3BucketName: 'second-logs', tags: {team: 'two'}})
    const recent = new Date(Date.now() - 600_000).toISOString()
    management.events = {
      'us-east-1': [1, 2, 3].map((n) => ({eventID: `e-${n}`, eventName: 'DescribeTrails', eventSource: 'cloudtrail.amazonaws.com', eventTime: recent})),
    }
    paged.pageSize = Object.fromEntries([...Object.keys(modelPaginators('cloudtrail')), ...Object.keys(modelPaginators('organizations'))].map((operation) => [operation, 1]))
    fake = await startFakeAws(paged, {rateLimits: false})
    const {snapshot, diagnostics} = await collectLive(liveOptions(fake, 'AKIAMANAGEMENT', {org: true, roleName: 'Auditor', regions: ['us-east-1', 'eu-west-1']}))
    const looked = await lookupRecentEvents({...liveOptions(fake, 'AKIAMANAGEMENT'), since: new Date(Date.now() - 3_600_000), regions: ['us-east-1']})
    expect(diagnostics.filter((diagnostic) => diagnostic.severity === 'error')).toEqual([])
    expect(snapshot.accounts.map((account) => account.accountId)).toEqual(['100000000000', '200000000001', '200000000002'])
    const own = snapshot.accounts[0]!.trails
    expect(own.map((trail) => [trail.Name, trail.Tags])).toEqual([['org-trail', {owner: 'security'}], ['second', {team: 'two'}]])
    expect(looked.events.map((event) => event.record.eventID)).toEqual(['e-1', 'e-2', 'e-3'])

    const paginated = new Set([...Object.keys(modelPaginators('cloudtrail')), ...Object.keys(modelPaginators('organizations'))])
    const pagedCalls = fake.requests.filter((request) => paginated.has(request.operation) && request.nextToken !== undefined)
    expect(new Set(pagedCalls.map((request) => request.operation))).toEqual(new Set(['ListAccounts', 'ListTags', 'LookupEvents']))
    for (const page of pagedCalls) {
      const token = modelPaginators(page.service as 'cloudtrail')[page.operation]!.input_token
      const followed = fake.requests.some(
        (next) => next.operation === page.operation && next.account === page.account && next.region === page.region && next.input?.[token] === page.nextToken,
      )
      expect(followed, `${page.operation} in ${page.account}/${page.region}: token ${page.nextToken} not followed`).toBe(true)
    }
  })
})
