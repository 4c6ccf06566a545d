// A local stand-in for the AWS endpoints trailgate's live collection uses: CloudTrail and
// Organizations (JSON 1.1) and STS (query protocol, XML answers). It serves a described "world" of
// accounts, regions and trails to the real AWS SDK clients, enforces CloudTrail's documented rate
// limits, and injects the faults a real audit meets. Plain JavaScript so that both the vitest suites
// and `scripts/bench-audit.js` (plain node) can start it.
import http from 'node:http'
import {URLSearchParams} from 'node:url'

const ORGANIZATIONS_TARGET = 'AWSOrganizationsV20161128'
const DEFAULT_RATE_LIMITS = {describe: 10, lookup: 2, other: 1}
/** GetTrailStatus members that the wire carries as timestamps (epoch seconds). */
const STATUS_TIMESTAMPS = new Set([
  'LatestDeliveryTime',
  'LatestNotificationTime',
  'StartLoggingTime',
  'StopLoggingTime',
  'LatestCloudWatchLogsDeliveryTime',
  'LatestDigestDeliveryTime',
])
const CREDENTIAL_SCOPE = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/

/** @param {string} operation */
export function cloudTrailRateClass(operation) {
  if (operation === 'LookupEvents') return 'lookup'
  return /^(Get|Describe|List)/.test(operation) ? 'describe' : 'other'
}

class ServiceError extends Error {
  /** @param {number} status @param {string} code @param {string} message @param {{html?: boolean}} [extra] */
  constructor(status, code, message, extra = {}) {
    super(message)
    this.status = status
    this.code = code
    this.html = extra.html === true
  }
}

/** @param {unknown} value */
function epochSeconds(value) {
  if (typeof value === 'number') return value
  if (value instanceof Date) return value.getTime() / 1000
  return Date.parse(String(value)) / 1000
}

function xmlEscape(text) {
  return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** A bucket of `rate` tokens refilled continuously at `rate` per second, as AWS's own limiters behave. */
class TokenBucket {
  constructor(rate) {
    this.rate = rate
    this.tokens = rate
    this.updated = performance.now()
  }
  take() {
    const now = performance.now()
    this.tokens = Math.min(this.rate, this.tokens + ((now - this.updated) / 1000) * this.rate)
    this.updated = now
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }
}

/**
 * Start the fake AWS endpoint on 127.0.0.1 (a free port).
 * @param {import('./server.js').FakeWorld} world
 * @param {import('./server.js').FakeServerOptions} [options]
 * @returns {Promise<import('./server.js').FakeAws>}
 */
export async function startFakeAws(world, options = {}) {
  const partition = world.partition ?? 'aws'
  const rateLimits = options.rateLimits === false ? false : {...DEFAULT_RATE_LIMITS, ...(options.rateLimits ?? {})}
  /** @type {Map<string, string>} access key id → account */
  const keys = new Map()
  /** @type {Map<string, string>} access key id → principal ARN */
  const principals = new Map()
  for (const [accountId, account] of Object.entries(world.accounts)) {
    for (const key of account.accessKeyIds ?? []) {
      keys.set(key, accountId)
      principals.set(key, `arn:${partition}:iam::${accountId}:user/auditor`)
    }
  }
  /** @type {Map<string, TokenBucket>} */
  const buckets = new Map()
  /** @type {Map<string, number>} fault counters per account + operation */
  const faultsUsed = new Map()
  /** @type {import('./server.js').FakeRequest[]} */
  const requests = []
  let issued = 0
  let requestCounter = 0

  const trailArn = (accountId, trail) => `arn:${partition}:cloudtrail:${trail.HomeRegion}:${accountId}:trail/${trail.Name}`
  const organization = world.organization
  const inOrganization = (accountId) =>
    organization !== undefined && world.accounts[accountId] !== undefined && world.accounts[accountId].outsideOrganization !== true

  /** Every trail the account can see in the region, as DescribeTrails lists it. */
  function visibleTrails(accountId, region, includeShadowTrails) {
    const owners = [accountId]
    const management = organization?.managementAccountId
    if (management && management !== accountId && inOrganization(accountId) && (world.accounts[accountId].status ?? 'ACTIVE') === 'ACTIVE') {
      owners.push(management)
    }
    const seen = []
    for (const owner of owners) {
      for (const trail of world.accounts[owner]?.trails ?? []) {
        if (owner !== accountId && trail.IsOrganizationTrail !== true) continue
        const home = trail.HomeRegion === region
        if (home || (includeShadowTrails && trail.IsMultiRegionTrail === true)) seen.push({owner, trail})
      }
    }
    return seen
  }

  function describeTrail(owner, trail) {
    const {status: _status, eventSelectors, advancedEventSelectors, insightSelectors, tags: _tags, ...fields} = trail
    return {
      IncludeGlobalServiceEvents: true,
      IsMultiRegionTrail: false,
      LogFileValidationEnabled: false,
      IsOrganizationTrail: false,
      ...fields,
      TrailARN: trailArn(owner, trail),
      HasCustomEventSelectors: eventSelectors !== undefined || advancedEventSelectors !== undefined,
      HasInsightSelectors: insightSelectors !== undefined && insightSelectors.length > 0,
    }
  }

  /** The caller's own trail named by name or ARN, answered only in a region where it is visible. */
  function ownTrail(accountId, region, nameOrArn) {
    const trail = (world.accounts[accountId].trails ?? []).find(
      (candidate) => candidate.Name === nameOrArn || trailArn(accountId, candidate) === nameOrArn,
    )
    if (!trail || (trail.HomeRegion !== region && trail.IsMultiRegionTrail !== true)) {
      throw new ServiceError(400, 'TrailNotFoundException', `Unknown trail: ${nameOrArn} for the user: ${accountId}`)
    }
    return trail
  }

  function takeFault(accountId, kind, operation) {
    const budget = world.accounts[accountId].faults?.[kind]?.[operation] ?? 0
    const key = `${accountId}|${kind}|${operation}`
    const used = faultsUsed.get(key) ?? 0
    if (used >= budget) return false
    faultsUsed.set(key, used + 1)
    return true
  }

  function cloudTrail(accountId, region, operation, input) {
    const account = world.accounts[accountId]
    if ((account.disabledRegions ?? []).includes(region) || !(world.regions ?? [region]).includes(region)) {
      throw new ServiceError(400, 'UnrecognizedClientException', 'The security token included in the request is invalid.')
    }
    if (rateLimits) {
      const rateClass = cloudTrailRateClass(operation)
      const key = `${accountId}|${region}|${rateClass}`
      let bucket = buckets.get(key)
      if (!bucket) buckets.set(key, (bucket = new TokenBucket(rateLimits[rateClass])))
      if (!bucket.take()) throw new ServiceError(400, 'ThrottlingException', 'Rate exceeded')
    }
    if (takeFault(accountId, 'throttle', operation)) throw new ServiceError(400, 'ThrottlingException', 'Rate exceeded')
    if (takeFault(accountId, 'serverError', operation)) {
      throw new ServiceError(503, 'ServiceUnavailable', '<html><body><h1>503 Service Unavailable</h1></body></html>', {html: true})
    }
    const denied = account.faults?.accessDenied
    if (
      denied === true ||
      (denied && (!denied.regions || denied.regions.includes(region)) && (!denied.operations || denied.operations.includes(operation)))
    ) {
      throw new ServiceError(
        400,
        'AccessDeniedException',
        `User: arn:${partition}:sts::${accountId}:assumed-role/auditor is not authorized to perform: cloudtrail:${operation}`,
      )
    }
    switch (operation) {
      case 'DescribeTrails': {
        const shadows = input.includeShadowTrails !== false
        return {trailList: visibleTrails(accountId, region, shadows).map(({owner, trail}) => describeTrail(owner, trail))}
      }
      case 'ListTrails': {
        const all = visibleTrails(accountId, region, true)
        const pageSize = world.listTrailsPageSize ?? 50
        const start = Number(input.NextToken ?? 0)
        const page = all.slice(start, start + pageSize).map(({owner, trail}) => ({
          TrailARN: trailArn(owner, trail),
          Name: trail.Name,
          HomeRegion: trail.HomeRegion,
        }))
        return start + pageSize < all.length ? {Trails: page, NextToken: String(start + pageSize)} : {Trails: page}
      }
      case 'GetTrailStatus': {
        const trail = ownTrail(accountId, region, input.Name)
        const status = {IsLogging: true, ...(trail.status ?? {})}
        for (const [key, value] of Object.entries(status)) if (STATUS_TIMESTAMPS.has(key)) status[key] = epochSeconds(value)
        return status
      }
      case 'GetEventSelectors': {
        const trail = ownTrail(accountId, region, input.TrailName)
        const TrailARN = trailArn(accountId, trail)
        if (trail.advancedEventSelectors) return {TrailARN, AdvancedEventSelectors: trail.advancedEventSelectors}
        return {
          TrailARN,
          EventSelectors: trail.eventSelectors ?? [
            {ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: []},
          ],
        }
      }
      case 'GetInsightSelectors': {
        const trail = ownTrail(accountId, region, input.TrailName)
        if (!trail.insightSelectors || trail.insightSelectors.length === 0) {
          throw new ServiceError(400, 'InsightNotEnabledException', `Trail ${input.TrailName} does not have Insights enabled.`)
        }
        return {TrailARN: trailArn(accountId, trail), InsightSelectors: trail.insightSelectors}
      }
      case 'ListTags': {
        const ids = input.ResourceIdList ?? []
        if (ids.length > 20) throw new ServiceError(400, 'InvalidParameterException', 'ResourceIdList can contain at most 20 ARNs.')
        return {
          ResourceTagList: ids.map((arn) => {
            const trail = (account.trails ?? []).find((candidate) => trailArn(accountId, candidate) === arn)
            if (!trail || trail.HomeRegion !== region) throw new ServiceError(400, 'ResourceNotFoundException', `Resource ${arn} not found in ${region}.`)
            return {ResourceId: arn, TagsList: Object.entries(trail.tags ?? {}).map(([Key, Value]) => ({Key, Value}))}
          }),
        }
      }
      case 'LookupEvents': {
        const events = (account.events?.[region] ?? []).filter((event) => {
          const time = Date.parse(event.eventTime)
          return (input.StartTime === undefined || time >= input.StartTime * 1000) && (input.EndTime === undefined || time <= input.EndTime * 1000)
        })
        const pageSize = Math.min(input.MaxResults ?? 50, 50)
        const start = Number(input.NextToken ?? 0)
        const page = events.slice(start, start + pageSize).map((event) => ({
          EventId: event.eventID,
          EventName: event.eventName,
          EventSource: event.eventSource,
          EventTime: epochSeconds(event.eventTime),
          CloudTrailEvent: JSON.stringify(event),
        }))
        return start + pageSize < events.length ? {Events: page, NextToken: String(start + pageSize)} : {Events: page}
      }
      default:
        throw new ServiceError(400, 'UnknownOperationException', `Unknown operation ${operation}`)
    }
  }

  function organizations(accountId, operation, input) {
    const denied = world.accounts[accountId].faults?.accessDenied
    if (!organization || !inOrganization(accountId)) {
      throw new ServiceError(400, 'AWSOrganizationsNotInUseException', 'Your account is not a member of an organization.')
    }
    if (denied === true) throw new ServiceError(400, 'AccessDeniedException', `You don't have permissions to access this resource.`)
    const organizationArn = `arn:${partition}:organizations::${organization.managementAccountId}:organization/${organization.id}`
    switch (operation) {
      case 'DescribeOrganization':
        return {
          Organization: {
            Id: organization.id,
            Arn: organizationArn,
            FeatureSet: 'ALL',
            MasterAccountId: organization.managementAccountId,
            MasterAccountArn: `arn:${partition}:organizations::${organization.managementAccountId}:account/${organization.id}/${organization.managementAccountId}`,
            MasterAccountEmail: 'management@example.com',
          },
        }
      case 'ListAccounts': {
        const administrators = [organization.managementAccountId, ...(organization.delegatedAdministrators ?? [])]
        if (!administrators.includes(accountId)) {
          throw new ServiceError(400, 'AccessDeniedException', 'You don’t have permissions to access this resource.')
        }
        const members = Object.entries(world.accounts).filter(([id]) => inOrganization(id))
        const pageSize = Math.min(input.MaxResults ?? 20, organization.pageSize ?? 20)
        const start = Number(input.NextToken ?? 0)
        const page = members.slice(start, start + pageSize).map(([id, account]) => ({
          Id: id,
          Arn: `arn:${partition}:organizations::${organization.managementAccountId}:account/${organization.id}/${id}`,
          Email: `${id}@example.com`,
          Name: account.name ?? `account-${id}`,
          Status: account.status ?? 'ACTIVE',
          JoinedMethod: id === organization.managementAccountId ? 'CREATED' : 'INVITED',
          JoinedTimestamp: 1_600_000_000,
        }))
        return start + pageSize < members.length ? {Accounts: page, NextToken: String(start + pageSize)} : {Accounts: page}
      }
      default:
        throw new ServiceError(400, 'UnknownOperationException', `Unknown operation ${operation}`)
    }
  }

  function sts(accessKeyId, accountId, operation, params) {
    const requestId = `req-${++requestCounter}`
    switch (operation) {
      case 'GetCallerIdentity':
        return (
          `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>` +
          `<Arn>${xmlEscape(principals.get(accessKeyId))}</Arn><UserId>AIDAFAKE${accountId}</UserId><Account>${accountId}</Account>` +
          `</GetCallerIdentityResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`
        )
      case 'AssumeRole': {
        const roleArn = params.get('RoleArn') ?? ''
        const match = /^arn:[^:]+:iam::(\d{12}):role\/(.+)$/.exec(roleArn)
        const target = match ? world.accounts[match[1]] : undefined
        const role = match ? target?.roles?.[match[2]] : undefined
        const externalOk = role && (role.externalId === undefined || role.externalId === params.get('ExternalId'))
        if (!match || !role || !externalOk) {
          throw new ServiceError(
            403,
            'AccessDenied',
            `User: ${principals.get(accessKeyId)} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
          )
        }
        const key = `ASIA${match[1]}${String(++issued).padStart(6, '0')}`
        const session = params.get('RoleSessionName') ?? 'session'
        keys.set(key, match[1])
        principals.set(key, `arn:${partition}:sts::${match[1]}:assumed-role/${match[2]}/${session}`)
        return (
          `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials>` +
          `<AccessKeyId>${key}</AccessKeyId><SecretAccessKey>fake-secret</SecretAccessKey><SessionToken>fake-token-${key}</SessionToken>` +
          `<Expiration>${new Date(Date.now() + 3_600_000).toISOString()}</Expiration></Credentials>` +
          `<AssumedRoleUser><Arn>${xmlEscape(principals.get(key))}</Arn><AssumedRoleId>AROAFAKE:${xmlEscape(session)}</AssumedRoleId></AssumedRoleUser>` +
          `</AssumeRoleResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></AssumeRoleResponse>`
        )
      }
      default:
        throw new ServiceError(400, 'InvalidAction', `Could not find operation ${operation}`)
    }
  }

  function latency() {
    const setting = options.latencyMs ?? 0
    if (typeof setting === 'number') return setting
    return setting[0] + Math.random() * (setting[1] - setting[0])
  }

  async function handle(req, body) {
    const scope = CREDENTIAL_SCOPE.exec(String(req.headers.authorization ?? ''))
    const accessKeyId = scope?.[1] ?? ''
    const region = scope?.[2] ?? ''
    const target = req.headers['x-amz-target']
    const service = typeof target === 'string' ? (target.startsWith(ORGANIZATIONS_TARGET) ? 'organizations' : 'cloudtrail') : 'sts'
    const params = service === 'sts' ? new URLSearchParams(body) : undefined
    const operation = typeof target === 'string' ? target.slice(target.lastIndexOf('.') + 1) : (params.get('Action') ?? '')
    const accountId = keys.get(accessKeyId)
    /** @type {import('./server.js').FakeRequest} */
    const record = {service, operation, region, account: accountId, status: 0, input: undefined}
    requests.push(record)
    const delay = latency() + (accountId && service === 'cloudtrail' ? (world.accounts[accountId].faults?.delayMs?.[region] ?? 0) : 0)
    if (delay > 0) await sleep(delay)
    try {
      if (accountId === undefined) {
        throw service === 'sts'
          ? new ServiceError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.')
          : new ServiceError(400, 'UnrecognizedClientException', 'The security token included in the request is invalid.')
      }
      if (service === 'sts') {
        const xml = sts(accessKeyId, accountId, operation, params)
        record.status = 200
        return {status: 200, type: 'text/xml', body: xml}
      }
      const input = body ? JSON.parse(body) : {}
      record.input = input
      const output = service === 'cloudtrail' ? cloudTrail(accountId, region, operation, input) : organizations(accountId, operation, input)
      record.status = 200
      return {status: 200, type: 'application/x-amz-json-1.1', body: JSON.stringify(output)}
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error
      record.status = error.status
      record.error = error.code
      if (error.html) return {status: error.status, type: 'text/html', body: error.message}
      if (service === 'sts') {
        return {
          status: error.status,
          type: 'text/xml',
          body:
            `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>` +
            `<Code>${error.code}</Code><Message>${xmlEscape(error.message)}</Message></Error><RequestId>req-${++requestCounter}</RequestId></ErrorResponse>`,
        }
      }
      const messageField = service === 'organizations' ? 'Message' : 'message'
      return {status: error.status, type: 'application/x-amz-json-1.1', body: JSON.stringify({__type: error.code, [messageField]: error.message})}
    }
  }

  const server = http.createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (chunk) => (body += chunk))
    req.on('end', () => {
      handle(req, body).then(
        (answer) => {
          if (res.destroyed) return
          res.writeHead(answer.status, {'content-type': answer.type, 'x-amzn-requestid': `req-${++requestCounter}`})
          res.end(answer.body)
        },
        (error) => {
          if (res.destroyed) return
          res.writeHead(500, {'content-type': 'application/x-amz-json-1.1'})
          res.end(JSON.stringify({__type: 'InternalFailure', message: String(error)}))
        },
      )
    })
  })
  server.keepAliveTimeout = 30_000
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/**
 * Build a simulated organization: a management account that owns a multi-region organization trail,
 * and members with a trail of their own. Used by the tests and the benchmark.
 * @param {import('./server.js').OrganizationWorldOptions} options
 * @returns {import('./server.js').FakeWorld}
 */
export function organizationWorld(options) {
  const {accounts: count, regions, roleName, managementAccountId = '100000000000', organizationId = 'o-exampleorg1'} = options
  /** @type {import('./server.js').FakeWorld['accounts']} */
  const accounts = {
    [managementAccountId]: {
      name: 'management',
      accessKeyIds: ['AKIAMANAGEMENT'],
      roles: {[roleName]: {}},
      trails: [
        {
          Name: 'org-trail',
          HomeRegion: regions[0],
          S3BucketName: 'org-cloudtrail-logs',
          IsMultiRegionTrail: true,
          IsOrganizationTrail: true,
          LogFileValidationEnabled: true,
          KmsKeyId: `arn:aws:kms:${regions[0]}:${managementAccountId}:key/11111111-2222-3333-4444-555555555555`,
          status: {IsLogging: true, LatestDeliveryTime: '2024-05-01T12:00:00.000Z', StartLoggingTime: '2024-01-01T00:00:00.000Z'},
          advancedEventSelectors: [{Name: 'Management events', FieldSelectors: [{Field: 'eventCategory', Equals: ['Management']}]}],
          insightSelectors: [{InsightType: 'ApiCallRateInsight'}],
          tags: {owner: 'security'},
        },
      ],
    },
  }
  for (let index = 1; index < count; index++) {
    const id = String(200000000000 + index)
    accounts[id] = {
      name: `member-${index}`,
      roles: {[roleName]: {}},
      trails: [
        {
          Name: `local-${index}`,
          HomeRegion: regions[index % regions.length],
          S3BucketName: `local-logs-${index}`,
          IsMultiRegionTrail: index % 2 === 0,
          status: {IsLogging: index % 3 !== 0, LatestDeliveryTime: '2024-05-01T12:00:00.000Z'},
          tags: {team: `team-${index % 5}`},
        },
      ],
    }
  }
  return {regions, organization: {id: organizationId, managementAccountId, pageSize: options.pageSize}, accounts}
}
