import type {STSClient} from '@aws-sdk/client-sts'
import {AwsClients, type AwsCredentials, type CredentialSource} from './aws-clients.js'
import {CallRunner} from './call.js'
import {RateLimiter, type RateClass} from './rate-limiter.js'

/** How to reach AWS and how patiently: shared by snapshot collection and event lookup. */
export interface SessionOptions {
  profile?: string
  region?: string
  endpointUrl?: string
  credentials?: {accessKeyId: string; secretAccessKey: string; sessionToken?: string}
  callTimeoutMs?: number
  retry?: {maxAttempts?: number; baseDelayMs?: number}
  rateLimits?: {describe?: number; lookup?: number; other?: number}
}

export interface Session {
  clients: AwsClients
  runner: CallRunner
  /** The region STS and Organizations are asked in. */
  region: string
  sts: STSClient
  /** The caller's own credentials: the ones given, else the default chain resolved once for every client. */
  baseCredentials: CredentialSource
  close(): void
}

function definedRates(rates: SessionOptions['rateLimits']): Partial<Record<RateClass, number>> {
  const defined: Partial<Record<RateClass, number>> = {}
  for (const rateClass of ['describe', 'lookup', 'other'] as const) {
    const rate = rates?.[rateClass]
    if (rate !== undefined && rate > 0) defined[rateClass] = rate
  }
  return defined
}

export async function openSession(options: SessionOptions, onActivity: () => void): Promise<Session> {
  const clients = new AwsClients({
    ...(options.endpointUrl === undefined ? {} : {endpointUrl: options.endpointUrl}),
    ...(options.profile === undefined ? {} : {profile: options.profile}),
  })
  const runner = new CallRunner(
    new RateLimiter(definedRates(options.rateLimits)),
    {
      maxAttempts: Math.max(1, options.retry?.maxAttempts ?? 8),
      baseDelayMs: options.retry?.baseDelayMs ?? 200,
      maxDelayMs: 20_000,
      timeoutMs: options.callTimeoutMs ?? 30_000,
    },
    onActivity,
  )
  try {
    const region = options.region ?? (await clients.defaultRegion()) ?? 'us-east-1'
    const sts = await clients.sts(region, options.credentials)
    // Resolving the default chain once (profile, SSO, web identity…) and handing that provider to
    // every client keeps hundreds of clients from each resolving it again.
    const baseCredentials: CredentialSource = options.credentials ?? ((): Promise<AwsCredentials> => sts.config.credentials())
    return {clients, runner, region, sts, baseCredentials, close: () => clients.close()}
  } catch (error) {
    clients.close()
    throw error
  }
}
