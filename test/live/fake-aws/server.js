// A local stand-in for the AWS endpoints trailgate's live collection uses: CloudTrail, Organizations
// and CloudWatch Logs (JSON 1.1), CloudWatch (JSON 1.0, which the SDK sends in place of the query
// protocol its botocore model names) and STS and SNS (query protocol, XML answers). It serves a described "world" of
// accounts, regions and trails to the real AWS SDK clients, enforces CloudTrail's documented rate
// limits, and injects the faults a real audit meets. Requests are checked, answers written and
// paginated operations paged by AWS's own service models (model.js). Plain JavaScript so that both
// the vitest suites and `scripts/bench-audit.js` (plain node) can start it.
import http from 'node:http'
import {URLSearchParams} from 'node:url'

import {loadModel, ShapeError} from './model.js'

const MODELS = {
  cloudtrail: loadModel('cloudtrail'),
  organizations: loadModel('organizations'),
  sts: loadModel('sts'),
  logs: loadModel('logs'),
  // @aws-sdk/client-cloudwatch (3.1164) sends AWS JSON 1.0 with `x-amzn-query-mode` (awsQueryCompatible),
  // not the query protocol of the botocore model: the fake speaks what the SDK sends, with the model's shapes.
  cloudwatch: loadModel('cloudwatch', {protocol: 'json', jsonVersion: '1.0', targetPrefix: 'GraniteServiceVersion20100801', awsQueryCompatible: 'true'}),
  sns: loadModel('sns'),
}
/** CloudTrail's documented limits per account and region, and those of the monitoring operations. */
const DEFAULT_RATE_LIMITS = {describe: 10, lookup: 2, other: 1, 'metric-filters': 5, alarms: 9, subscriptions: 30}
const MONITORING_SERVICES = ['logs', 'cloudwatch', 'sns']
/** Page sizes AWS uses when the caller asks for none (DescribeAlarms: the most a page holds). */
const DEFAULT_PAGE_SIZES = {ListTrails: 50, LookupEvents: 50, ListAccounts: 20, DescribeMetricFilters: 50, DescribeAlarms: 100, ListSubscriptionsByTopic: 100}
const CREDENTIAL_SCOPE = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/
/** How long a call that is made to time out hangs (the client gives up long before). */
const HANG_MS = 120_000

/** @param {keyof typeof MODELS} service */
export function modelPaginators(service) {
  return Object.fromEntries(MODELS[service].paginated.map((operation) => [operation, MODELS[service].paginator(operation)]))
}

/** @param {string} operation */
export function cloudTrailRateClass(operation) {
  if (operation === 'DescribeMetricFilters') return 'metric-filters'
  if (operation === 'DescribeAlarms' || operation === 'DescribeAlarmsForMetric') return 'alarms'
  if (operation === 'ListSubscriptionsByTopic') return 'subscriptions'
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

/** Does a fault that names regions, operations or services (all when absent) hit this request? */
function hits(fault, {service, region, operation}, services = ['cloudtrail', 'organizations', 'sts', ...MONITORING_SERVICES]) {
  if (fault === undefined || fault === false) return false
  if (fault === true) return services.includes(service)
  return (
    (fault.services ?? services).includes(service) &&
    (fault.regions === undefined || fault.regions.includes(region)) &&
    (fault.operations === undefined || fault.operations.includes(operation))
  )
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
  /** @type {Map<string, number>} assumed access key id → when the service stops honouring it */
  const sessionEnds = new Map()
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

  const pageSize = (operation) => {
    if (operation === 'ListAccounts' && world.organization?.pageSize !== undefined) return world.organization.pageSize
    if (operation === 'ListTrails' && world.listTrailsPageSize !== undefined) return world.listTrailsPageSize
    return world.pageSize?.[operation] ?? DEFAULT_PAGE_SIZES[operation]
  }
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

  /** The faults an account's requests meet, whatever the service: throttles, server errors, denials. */
  function injectFaults(accountId, request) {
    const {service, operation, region} = request
    const faults = world.accounts[accountId].faults
    if (takeFault(accountId, 'throttle', operation)) throw throttled(service)
    if (takeFault(accountId, 'serverError', operation)) {
      throw new ServiceError(503, 'ServiceUnavailable', '<html><body><h1>503 Service Unavailable</h1></body></html>', {html: true})
    }
    if (takeFault(accountId, 'internalError', operation)) {
      throw new ServiceError(500, service === 'sts' ? 'InternalFailure' : 'InternalFailure', 'We encountered an internal error. Please try again.')
    }
    // CloudTrail and Organizations by default: denying STS would deny the audit its own identity.
    if (hits(faults?.accessDenied, request, ['cloudtrail', 'organizations', ...MONITORING_SERVICES])) {
      const action = `${service === 'cloudtrail' ? 'cloudtrail' : service}:${operation}`
      const message = `User: arn:${partition}:sts::${accountId}:assumed-role/auditor is not authorized to perform: ${action}${region ? ` in ${region}` : ''}`
      // Each service's own code: STS and CloudWatch (query) AccessDenied, SNS AuthorizationError, the JSON services AccessDeniedException.
      if (service === 'sns') throw new ServiceError(403, 'AuthorizationError', message)
      if (service === 'sts' || service === 'cloudwatch') throw new ServiceError(403, 'AccessDenied', message)
      throw new ServiceError(400, 'AccessDeniedException', message)
    }
  }

  /** The account's rate limit for this operation class in this region, as AWS enforces it. */
  function enforceRateLimit(accountId, region, service, operation) {
    if (!rateLimits) return
    const rateClass = cloudTrailRateClass(operation)
    const key = `${accountId}|${region}|${rateClass}`
    let bucket = buckets.get(key)
    if (!bucket) buckets.set(key, (bucket = new TokenBucket(rateLimits[rateClass])))
    if (!bucket.take()) throw throttled(service)
  }

  /**
   * CloudWatch Logs, CloudWatch and SNS for the CIS monitoring controls: an account's metric filters
   * (`metricFilters`, each with its `logGroupName` and `region`), metric alarms (`alarms`, each with
   * `region`) and topics (`topics`: topic ARN → subscriptions).
   */
  function monitoring(accountId, region, service, operation, input) {
    const account = world.accounts[accountId]
    if ((account.disabledRegions ?? []).includes(region) || !(world.regions ?? [region]).includes(region)) {
      throw new ServiceError(400, service === 'sns' ? 'InvalidClientTokenId' : 'UnrecognizedClientException', 'The security token included in the request is invalid.')
    }
    enforceRateLimit(accountId, region, service, operation)
    injectFaults(accountId, {service, region, operation})
    switch (operation) {
      case 'DescribeMetricFilters': {
        const here = (account.metricFilters ?? []).filter((filter) => filter.region === region)
        const groups = new Set([...here.map((filter) => filter.logGroupName), ...(account.logGroups?.[region] ?? [])])
        if (input.logGroupName !== undefined && !groups.has(input.logGroupName)) {
          throw new ServiceError(400, 'ResourceNotFoundException', 'The specified log group does not exist.')
        }
        const listed = here
          .filter((filter) => input.logGroupName === undefined || filter.logGroupName === input.logGroupName)
          .map(({region: _region, ...filter}) => ({creationTime: 1_700_000_000_000, ...filter}))
          .sort((a, b) => (a.filterName < b.filterName ? -1 : a.filterName > b.filterName ? 1 : 0))
        return {metricFilters: listed}
      }
      case 'DescribeAlarms': {
        const types = input.AlarmTypes ?? ['MetricAlarm']
        const alarms = types.includes('MetricAlarm') ? (account.alarms ?? []).filter((alarm) => alarm.region === region) : []
        return {
          MetricAlarms: alarms.map(({region: _region, ...alarm}) => ({
            AlarmArn: `arn:${partition}:cloudwatch:${region}:${accountId}:alarm:${alarm.AlarmName}`,
            ActionsEnabled: true,
            StateValue: 'OK',
            StateUpdatedTimestamp: '2024-05-01T12:00:00.000Z',
            ...alarm,
          })),
          CompositeAlarms: [],
        }
      }
      case 'ListSubscriptionsByTopic': {
        const topicArn = input.TopicArn
        const subscriptions = topicArn.split(':')[3] === region ? account.topics?.[topicArn] : undefined
        if (subscriptions === undefined) throw new ServiceError(404, 'NotFound', 'Topic does not exist')
        return {Subscriptions: subscriptions.map((subscription) => ({Owner: accountId, TopicArn: topicArn, ...subscription}))}
      }
      default:
        throw new ServiceError(400, service === 'sns' ? 'InvalidAction' : 'UnknownOperationException', `The fake does not serve ${operation}`)
    }
  }

  function cloudTrail(accountId, region, operation, input) {
    const account = world.accounts[accountId]
    if ((account.disabledRegions ?? []).includes(region) || !(world.regions ?? [region]).includes(region)) {
      throw new ServiceError(400, 'UnrecognizedClientException', 'The security token included in the request is invalid.')
    }
    enforceRateLimit(accountId, region, 'cloudtrail', operation)
    injectFaults(accountId, {service: 'cloudtrail', region, operation})
    switch (operation) {
      case 'DescribeTrails': {
        const shadows = input.includeShadowTrails !== false
        return {trailList: visibleTrails(accountId, region, shadows).map(({owner, trail}) => describeTrail(owner, trail))}
      }
      case 'ListTrails':
        return {
          Trails: visibleTrails(accountId, region, true).map(({owner, trail}) => ({TrailARN: trailArn(owner, trail), Name: trail.Name, HomeRegion: trail.HomeRegion})),
        }
      case 'GetTrailStatus': {
        const trail = ownTrail(accountId, region, input.Name)
        return {IsLogging: true, ...(trail.status ?? {})}
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
      case 'ListPublicKeys': {
        // The keys digests of this region are signed with, valid in any part of the window asked.
        const keys = (account.publicKeys?.[region] ?? []).filter((key) => (input.EndTime === undefined || Date.parse(key.ValidityStartTime) <= input.EndTime * 1000) && (input.StartTime === undefined || Date.parse(key.ValidityEndTime) >= input.StartTime * 1000))
        return {PublicKeyList: keys}
      }
      case 'LookupEvents': {
        const events = (account.events?.[region] ?? []).filter((event) => {
          const time = Date.parse(event.eventTime)
          return (input.StartTime === undefined || time >= input.StartTime * 1000) && (input.EndTime === undefined || time <= input.EndTime * 1000)
        })
        return {
          Events: events.map((event) => ({
            EventId: event.eventID,
            EventName: event.eventName,
            EventSource: event.eventSource,
            EventTime: event.eventTime,
            CloudTrailEvent: JSON.stringify(event),
          })),
        }
      }
      default:
        throw new ServiceError(400, 'UnknownOperationException', `The fake does not serve ${operation}`)
    }
  }

  function organizations(accountId, operation) {
    if (!organization || !inOrganization(accountId)) {
      throw new ServiceError(400, 'AWSOrganizationsNotInUseException', 'Your account is not a member of an organization.')
    }
    injectFaults(accountId, {service: 'organizations', region: '', operation})
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
        return {
          Accounts: members.map(([id, account]) => ({
            Id: id,
            Arn: `arn:${partition}:organizations::${organization.managementAccountId}:account/${organization.id}/${id}`,
            Email: `${id}@example.com`,
            Name: account.name ?? `account-${id}`,
            Status: account.status ?? 'ACTIVE',
            JoinedMethod: id === organization.managementAccountId ? 'CREATED' : 'INVITED',
            JoinedTimestamp: 1_600_000_000,
          })),
        }
      }
      default:
        throw new ServiceError(400, 'UnknownOperationException', `The fake does not serve ${operation}`)
    }
  }

  /** Credentials of a new session of role `roleName` in account `accountId`. */
  function issueSession(accountId, roleName, session, durationSeconds) {
    const key = `ASIA${accountId}${String(++issued).padStart(6, '0')}`
    keys.set(key, accountId)
    principals.set(key, `arn:${partition}:sts::${accountId}:assumed-role/${roleName}/${session}`)
    if (world.sessionLifetimeMs !== undefined) sessionEnds.set(key, Date.now() + world.sessionLifetimeMs)
    return {
      Credentials: {
        AccessKeyId: key,
        SecretAccessKey: 'fake-secret',
        SessionToken: `fake-token-${key}`,
        Expiration: new Date(Date.now() + (durationSeconds ?? 3600) * 1000),
      },
      AssumedRoleUser: {Arn: principals.get(key), AssumedRoleId: `AROAFAKEROLEID:${session}`},
    }
  }

  /** AssumeRoleWithWebIdentity is not signed: the role must accept the token it is shown. */
  function assumeRoleWithWebIdentity(input) {
    const match = /^arn:[^:]+:iam::(\d{12}):role\/(.+)$/.exec(input.RoleArn)
    const role = match ? world.accounts[match[1]]?.roles?.[match[2]] : undefined
    if (!match || !role || role.webIdentityToken === undefined) {
      throw new ServiceError(403, 'AccessDenied', `Not authorized to perform sts:AssumeRoleWithWebIdentity on resource: ${input.RoleArn}`)
    }
    if (role.webIdentityToken !== input.WebIdentityToken) throw new ServiceError(400, 'InvalidIdentityToken', 'The web identity token is not valid for this role.')
    return issueSession(match[1], match[2], input.RoleSessionName, input.DurationSeconds)
  }

  function sts(accessKeyId, accountId, operation, input) {
    injectFaults(accountId, {service: 'sts', region: '', operation})
    switch (operation) {
      case 'GetCallerIdentity':
        return {Arn: principals.get(accessKeyId), UserId: `AIDAFAKE${accountId}`, Account: accountId}
      case 'AssumeRole': {
        const roleArn = input.RoleArn
        const match = /^arn:[^:]+:iam::(\d{12}):role\/(.+)$/.exec(roleArn)
        const target = match ? world.accounts[match[1]] : undefined
        const role = match ? target?.roles?.[match[2]] : undefined
        const externalOk = role && (role.externalId === undefined || role.externalId === input.ExternalId)
        if (!match || !role || !externalOk) {
          throw new ServiceError(403, 'AccessDenied', `User: ${principals.get(accessKeyId)} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`)
        }
        return issueSession(match[1], match[2], input.RoleSessionName, input.DurationSeconds)
      }
      default:
        throw new ServiceError(400, 'InvalidAction', `The fake does not serve ${operation}`)
    }
  }

  function latency() {
    const setting = options.latencyMs ?? 0
    if (typeof setting === 'number') return setting
    return setting[0] + Math.random() * (setting[1] - setting[0])
  }

  /** The service of a request: by its JSON target, else (query protocol) by the service its signature is scoped to. */
  function serviceOf(target, signedFor) {
    if (typeof target !== 'string') return signedFor === 'sns' ? 'sns' : 'sts'
    const prefix = target.slice(0, target.lastIndexOf('.'))
    // AWS answers the model's full target prefix and its last segment alike (newer SDKs send the latter).
    const found = Object.entries(MODELS).find(
      ([, model]) => model.metadata.targetPrefix !== undefined && (model.metadata.targetPrefix === prefix || model.metadata.targetPrefix.endsWith(`.${prefix}`)),
    )
    return found ? found[0] : 'unknown'
  }

  function errorAnswer(service, error) {
    if (error.html) return {status: error.status, type: 'text/html', body: error.message}
    const status = MODELS[service]?.errorStatus(error.code) ?? error.status
    const fault = status >= 500 ? 'Receiver' : 'Sender'
    if (service === 'sts' || service === 'sns') {
      return {
        status,
        type: 'text/xml',
        body:
          `<ErrorResponse xmlns="${MODELS[service].metadata.xmlNamespace}"><Error><Type>${fault}</Type>` +
          `<Code>${error.code}</Code><Message>${xmlEscape(error.message)}</Message></Error><RequestId>req-${++requestCounter}</RequestId></ErrorResponse>`,
      }
    }
    const messageField = service === 'organizations' ? 'Message' : 'message'
    const jsonVersion = MODELS[service]?.metadata.jsonVersion ?? '1.1'
    // A query-compatible JSON service also names the query protocol's error code in a header.
    const headers = MODELS[service]?.metadata.awsQueryCompatible === 'true' ? {'x-amzn-query-error': `${error.code};${fault}`} : {}
    return {status, type: `application/x-amz-json-${jsonVersion}`, headers, body: JSON.stringify({__type: error.code, [messageField]: error.message})}
  }

  async function handle(req, body, closed) {
    const scope = CREDENTIAL_SCOPE.exec(String(req.headers.authorization ?? ''))
    const accessKeyId = scope?.[1] ?? ''
    const region = scope?.[2] ?? ''
    const target = req.headers['x-amz-target']
    const service = serviceOf(target, scope?.[3])
    const operation = typeof target === 'string' ? target.slice(target.lastIndexOf('.') + 1) : (new URLSearchParams(body).get('Action') ?? '')
    const accountId = keys.get(accessKeyId)
    const expired = sessionEnds.has(accessKeyId) && Date.now() >= sessionEnds.get(accessKeyId)
    /** @type {import('./server.js').FakeRequest} */
    const record = {service, operation, region, account: accountId, status: 0, input: undefined}
    requests.push(record)
    const faults = accountId === undefined ? undefined : world.accounts[accountId].faults
    const regional = service === 'cloudtrail' || MONITORING_SERVICES.includes(service)
    const delay = latency() + (accountId && regional ? (faults?.delayMs?.[region] ?? 0) : 0)
    if (delay > 0) await sleep(delay)
    if (accountId !== undefined && hits(faults?.timeout, {service, region, operation})) {
      record.error = 'hung'
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, HANG_MS).unref())])
      return undefined
    }
    const model = MODELS[service]
    try {
      if (model === undefined || !model.hasOperation(operation)) {
        throw new ServiceError(400, service === 'sts' ? 'InvalidAction' : 'UnknownOperationException', `no such operation: ${String(target ?? operation)}`)
      }
      const unsigned = service === 'sts' && operation === 'AssumeRoleWithWebIdentity'
      if (accountId === undefined && !unsigned) {
        throw service === 'sts'
          ? new ServiceError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.')
          : new ServiceError(400, 'UnrecognizedClientException', 'The security token included in the request is invalid.')
      }
      if (expired) throw new ServiceError(400, 'ExpiredTokenException', 'The security token included in the request is expired')
      let input
      try {
        input = model.readRequest(operation, body)
      } catch (error) {
        if (error instanceof ShapeError || error instanceof SyntaxError) {
          const code = service === 'sts' ? 'ValidationError' : service === 'sns' || service === 'logs' ? 'InvalidParameterException' : 'ValidationException'
          throw new ServiceError(400, code, error.message)
        }
        throw error
      }
      record.input = input
      const full = unsigned
        ? assumeRoleWithWebIdentity(input)
        : service === 'sts'
          ? sts(accessKeyId, accountId, operation, input)
          : service === 'cloudtrail'
            ? cloudTrail(accountId, region, operation, input)
            : MONITORING_SERVICES.includes(service)
              ? monitoring(accountId, region, service, operation, input)
              : organizations(accountId, operation, input)
      let output
      try {
        output = model.page(operation, input, full, pageSize(operation))
      } catch (error) {
        if (!(error instanceof ShapeError)) throw error
        const code = service === 'organizations' ? 'InvalidInputException' : service === 'cloudwatch' ? 'InvalidNextToken' : service === 'sns' || service === 'logs' ? 'InvalidParameterException' : 'InvalidNextTokenException'
        throw new ServiceError(400, code, error.message)
      }
      record.status = 200
      const paginator = model.paginator(operation)
      if (paginator !== undefined && output[paginator.output_token] !== undefined) record.nextToken = output[paginator.output_token]
      return {status: 200, ...model.writeAnswer(operation, output, `req-${++requestCounter}`)}
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error
      const answer = errorAnswer(service, error)
      record.status = answer.status
      record.error = error.code
      return answer
    }
  }

  const server = http.createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (chunk) => (body += chunk))
    req.on('end', () => {
      const closed = new Promise((resolve) => res.on('close', resolve))
      handle(req, body, closed).then(
        (answer) => {
          if (res.destroyed || answer === undefined) return
          res.writeHead(answer.status, {'content-type': answer.type, 'x-amzn-requestid': `req-${++requestCounter}`, ...(answer.headers ?? {})})
          res.end(answer.body)
        },
        (error) => {
          // A bug of the fake (an answer that does not fit the model) must fail the test that met it.
          console.error(`fake AWS: ${error instanceof Error ? error.stack : String(error)}`)
          if (res.destroyed) return
          res.writeHead(500, {'content-type': 'application/x-amz-json-1.1'})
          res.end(JSON.stringify({__type: 'FakeAwsBug', message: String(error)}))
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

/** A throttling answer as each service words it. */
function throttled(service) {
  switch (service) {
    case 'sts':
    case 'cloudwatch':
      return new ServiceError(400, 'Throttling', 'Rate exceeded')
    case 'sns':
      return new ServiceError(429, 'Throttled', 'Rate exceeded')
    case 'organizations':
      return new ServiceError(400, 'TooManyRequestsException', 'Rate exceeded')
    default:
      return new ServiceError(400, 'ThrottlingException', 'Rate exceeded')
  }
}

function xmlEscape(text) {
  return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
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
