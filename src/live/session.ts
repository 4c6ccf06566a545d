import type {STSClient} from '@aws-sdk/client-sts'
import {AwsClients, type CredentialSource} from './aws-clients.js'
import {AWS_SERVICES, configuredEndpoint, missingProfile, retrySettings, type AwsService, type RetryMode} from './aws-config.js'
import {CallRunner} from './call.js'
import {defaultCredentialChain} from './credential-chain.js'
import {InFlightLimiter} from './in-flight.js'
import {RateLimiter, type RateClass} from './rate-limiter.js'

/** How to reach AWS and how patiently: shared by snapshot collection and event lookup. */
export interface SessionOptions {
  profile?: string
  region?: string
  endpointUrl?: string
  credentials?: {accessKeyId: string; secretAccessKey: string; sessionToken?: string}
  callTimeoutMs?: number
  /** Attempts per call: this, else AWS_MAX_ATTEMPTS, else the profile's max_attempts, else 8. */
  retry?: {maxAttempts?: number; baseDelayMs?: number}
  rateLimits?: {describe?: number; lookup?: number; other?: number}
  /** Requests in flight at once across accounts and regions (default 64); at most half of them to any one region. */
  concurrency?: number
}

export interface Session {
  clients: AwsClients
  runner: CallRunner
  /** The region STS and Organizations are asked in. */
  region: string
  sts: STSClient
  /** The caller's own credentials: the ones given, else the default chain resolved once for every client. */
  baseCredentials: CredentialSource
  retryMode: RetryMode
  close(): void
}

const DEFAULT_MAX_ATTEMPTS = 8
const DEFAULT_CONCURRENCY = 64

function definedRates(rates: SessionOptions['rateLimits']): Partial<Record<RateClass, number>> {
  const defined: Partial<Record<RateClass, number>> = {}
  for (const rateClass of ['describe', 'lookup', 'other'] as const) {
    const rate = rates?.[rateClass]
    if (rate !== undefined && rate > 0) defined[rateClass] = rate
  }
  return defined
}

/** --endpoint-url for every service, else what the environment or the profile configures for each. */
async function serviceEndpoints(options: SessionOptions): Promise<Partial<Record<AwsService, string>>> {
  const endpoints: Partial<Record<AwsService, string>> = {}
  for (const service of AWS_SERVICES) {
    const endpoint = options.endpointUrl ?? (await configuredEndpoint(service, options.profile))
    if (endpoint !== undefined) endpoints[service] = endpoint
  }
  return endpoints
}

export async function openSession(options: SessionOptions, onActivity: () => void): Promise<Session> {
  const retry = await retrySettings(options.profile)
  const inFlight = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY)
  const clients = new AwsClients({
    endpoints: await serviceEndpoints(options),
    ...(options.profile === undefined ? {} : {profile: options.profile}),
    maxSockets: inFlight,
  })
  const runner = new CallRunner(
    new RateLimiter(definedRates(options.rateLimits), {adaptive: retry.retryMode === 'adaptive'}),
    new InFlightLimiter({total: inFlight, perRegion: Math.ceil(inFlight / 2)}),
    {
      maxAttempts: Math.max(1, options.retry?.maxAttempts ?? retry.maxAttempts ?? DEFAULT_MAX_ATTEMPTS),
      baseDelayMs: options.retry?.baseDelayMs ?? 200,
      maxDelayMs: 20_000,
      timeoutMs: options.callTimeoutMs ?? 30_000,
    },
    onActivity,
  )
  try {
    const region = options.region ?? (await clients.defaultRegion()) ?? 'us-east-1'
    // Resolving the default chain once (profile, SSO, web identity…) and handing that provider to
    // every client keeps hundreds of clients from each resolving it again.
    const baseCredentials: CredentialSource =
      options.credentials ?? (await defaultCredentialChain(clients, runner, region, options.profile, await missingProfile(options.profile)))
    const sts = await clients.sts(region, baseCredentials)
    return {clients, runner, region, sts, baseCredentials, retryMode: retry.retryMode, close: () => clients.close()}
  } catch (error) {
    clients.close()
    throw error
  }
}
