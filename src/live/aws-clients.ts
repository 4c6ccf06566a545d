import http from 'node:http'
import https from 'node:https'
import type {CloudTrailClient} from '@aws-sdk/client-cloudtrail'
import type {CloudWatchClient} from '@aws-sdk/client-cloudwatch'
import type {CloudWatchLogsClient} from '@aws-sdk/client-cloudwatch-logs'
import type {OrganizationsClient} from '@aws-sdk/client-organizations'
import type {SNSClient} from '@aws-sdk/client-sns'
import type {STSClient} from '@aws-sdk/client-sts'
import {importCommonJs} from '../util/commonjs.js'
import type {AwsService} from './aws-config.js'

export interface AwsCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
  expiration?: Date
}

/** Fixed credentials, or a provider the SDK calls (and refreshes when `expiration` nears). */
export type CredentialSource = AwsCredentials | (() => Promise<AwsCredentials>)

// The SDK costs ~100 ms to load; only an audit pays it, so it is imported on first use.
export const loadCloudTrail = () => importCommonJs(import('@aws-sdk/client-cloudtrail'))
export const loadOrganizations = () => importCommonJs(import('@aws-sdk/client-organizations'))
export const loadSts = () => importCommonJs(import('@aws-sdk/client-sts'))
export const loadCloudWatchLogs = () => importCommonJs(import('@aws-sdk/client-cloudwatch-logs'))
export const loadCloudWatch = () => importCommonJs(import('@aws-sdk/client-cloudwatch'))
export const loadSns = () => importCommonJs(import('@aws-sdk/client-sns'))

interface SharedSettings {
  useFipsEndpoint: boolean
  useDualstackEndpoint: boolean
  userAgentAppId?: string
  authSchemePreference: string[]
}

export interface ConnectionSettings {
  /** The endpoint of each service: --endpoint-url for all, else what the environment or the profile configures. */
  endpoints: Partial<Record<AwsService, string>>
  /** A named profile of the shared config files, used when no credentials are given. */
  profile?: string
  /** Connections per endpoint: the requests that may be in flight at once. */
  maxSockets: number
}

/**
 * Builds and caches the SDK clients of one run. Every client shares two keep-alive agents, so an
 * organization of hundreds of accounts × regions reuses a bounded set of connections. The SDK's own
 * retries are off (`maxAttempts: 1`): the call runner retries, so that it can count and pace them.
 */
export class AwsClients {
  private readonly httpAgent: http.Agent
  private readonly httpsAgent: https.Agent
  private readonly cloudTrailClients = new Map<string, Promise<CloudTrailClient>>()
  private readonly cloudWatchLogsClients = new Map<string, Promise<CloudWatchLogsClient>>()
  private readonly cloudWatchClients = new Map<string, Promise<CloudWatchClient>>()
  private readonly snsClients = new Map<string, Promise<SNSClient>>()
  private sharedSettings: Promise<SharedSettings> | undefined

  constructor(private readonly settings: ConnectionSettings) {
    // As many connections per endpoint as requests may be in flight, so none waits for a socket.
    this.httpAgent = new http.Agent({keepAlive: true, maxSockets: settings.maxSockets})
    this.httpsAgent = new https.Agent({keepAlive: true, maxSockets: settings.maxSockets})
  }

  private common(service: AwsService, region: string, credentials: CredentialSource | undefined) {
    const endpoint = this.settings.endpoints[service]
    return {
      region,
      maxAttempts: 1,
      retryMode: 'standard',
      ...(endpoint === undefined ? {} : {endpoint}),
      ...(this.settings.profile === undefined ? {} : {profile: this.settings.profile}),
      ...(credentials === undefined ? {} : {credentials}),
      requestHandler: {httpAgent: this.httpAgent, httpsAgent: this.httpsAgent},
    }
  }

  /** One client per account and region, created once. */
  cloudTrail(account: string, region: string, credentials: CredentialSource | undefined): Promise<CloudTrailClient> {
    return this.perRegion(this.cloudTrailClients, account, region, async () => {
      const [{CloudTrailClient}, shared] = await Promise.all([loadCloudTrail(), this.sharedCloudTrailSettings()])
      return new CloudTrailClient({...this.common('CloudTrail', region, credentials), ...shared})
    })
  }

  cloudWatchLogs(account: string, region: string, credentials: CredentialSource | undefined): Promise<CloudWatchLogsClient> {
    return this.perRegion(this.cloudWatchLogsClients, account, region, async () => {
      const [{CloudWatchLogsClient}, shared] = await Promise.all([loadCloudWatchLogs(), this.sharedCloudTrailSettings()])
      return new CloudWatchLogsClient({...this.common('CloudWatch Logs', region, credentials), ...shared})
    })
  }

  cloudWatch(account: string, region: string, credentials: CredentialSource | undefined): Promise<CloudWatchClient> {
    return this.perRegion(this.cloudWatchClients, account, region, async () => {
      const [{CloudWatchClient}, shared] = await Promise.all([loadCloudWatch(), this.sharedCloudTrailSettings()])
      return new CloudWatchClient({...this.common('CloudWatch', region, credentials), ...shared})
    })
  }

  sns(account: string, region: string, credentials: CredentialSource | undefined): Promise<SNSClient> {
    return this.perRegion(this.snsClients, account, region, async () => {
      const [{SNSClient}, shared] = await Promise.all([loadSns(), this.sharedCloudTrailSettings()])
      return new SNSClient({...this.common('SNS', region, credentials), ...shared})
    })
  }

  private perRegion<T>(cache: Map<string, Promise<T>>, account: string, region: string, create: () => Promise<T>): Promise<T> {
    const key = `${account}/${region}`
    let client = cache.get(key)
    if (client === undefined) {
      client = create()
      cache.set(key, client)
    }
    return client
  }

  /**
   * Settings every client would otherwise look up again in the environment and the shared config
   * files (FIPS, dual-stack, app id, auth preference): read once, from a first CloudTrail client, so
   * thousands of account × region clients of every service honour the user's configuration without
   * re-reading it.
   */
  private sharedCloudTrailSettings(): Promise<SharedSettings> {
    this.sharedSettings ??= loadCloudTrail().then(async ({CloudTrailClient}) => {
      // No shared agents here: destroying a client destroys its agents.
      const probe = new CloudTrailClient({
        region: 'us-east-1',
        ...(this.settings.profile === undefined ? {} : {profile: this.settings.profile}),
        credentials: {accessKeyId: '', secretAccessKey: ''},
      })
      try {
        const [useFipsEndpoint, useDualstackEndpoint, userAgentAppId, authSchemePreference] = await Promise.all([
          probe.config.useFipsEndpoint(),
          probe.config.useDualstackEndpoint(),
          probe.config.userAgentAppId(),
          probe.config.authSchemePreference(),
        ])
        return {useFipsEndpoint, useDualstackEndpoint, authSchemePreference, ...(userAgentAppId === undefined ? {} : {userAgentAppId})}
      } finally {
        probe.destroy()
      }
    })
    return this.sharedSettings
  }

  async sts(region: string, credentials: CredentialSource | undefined): Promise<STSClient> {
    const {STSClient} = await loadSts()
    return new STSClient(this.common('STS', region, credentials))
  }

  async organizations(region: string, credentials: CredentialSource | undefined): Promise<OrganizationsClient> {
    const {OrganizationsClient} = await loadOrganizations()
    return new OrganizationsClient(this.common('Organizations', region, credentials))
  }

  /** The region of the profile or environment, when the caller named none. */
  async defaultRegion(): Promise<string | undefined> {
    const {STSClient} = await loadSts()
    const probe = new STSClient(this.settings.profile === undefined ? {} : {profile: this.settings.profile})
    try {
      return await probe.config.region()
    } catch {
      return undefined
    } finally {
      probe.destroy()
    }
  }

  close(): void {
    this.httpAgent.destroy()
    this.httpsAgent.destroy()
  }
}
