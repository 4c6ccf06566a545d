/**
 * What the shared AWS configuration says for one run, read with the SDK's own loader (environment
 * first, then the profile in the shared config and credentials files), so `--profile NAME` means
 * exactly what `AWS_PROFILE=NAME` means. The SDK resolves some settings (a profile's `endpoint_url`)
 * from `AWS_PROFILE` only, whatever profile a client is given; reading them here closes that gap.
 */
import {homedir} from 'node:os'
import {join} from 'node:path'
import {loadConfig, loadSharedConfigFiles} from '@smithy/core/config'

/** The services an audit calls, by their SDK service id. */
export type AwsService = 'CloudTrail' | 'STS' | 'Organizations' | 'CloudWatch Logs' | 'CloudWatch' | 'SNS'
export const AWS_SERVICES: readonly AwsService[] = ['CloudTrail', 'STS', 'Organizations', 'CloudWatch Logs', 'CloudWatch', 'SNS']

export type RetryMode = 'standard' | 'adaptive' | 'legacy'
const RETRY_MODES: readonly string[] = ['standard', 'adaptive', 'legacy']

export interface RetrySettings {
  /** `AWS_MAX_ATTEMPTS`, else the profile's `max_attempts`; absent when neither says. */
  maxAttempts?: number
  /** `AWS_RETRY_MODE`, else the profile's `retry_mode`, else standard. */
  retryMode: RetryMode
}

type Section = Record<string, string | undefined>

/** A named profile (the argument, else `AWS_PROFILE`); undefined means the default one. */
export function namedProfile(profile: string | undefined): string | undefined {
  return profile ?? (process.env.AWS_PROFILE || undefined)
}

function sharedFilePaths(): {config: string; credentials: string} {
  return {
    config: process.env.AWS_CONFIG_FILE ?? join(homedir(), '.aws', 'config'),
    credentials: process.env.AWS_SHARED_CREDENTIALS_FILE ?? join(homedir(), '.aws', 'credentials'),
  }
}

/** Why a named profile cannot be used (it is in neither shared file), or undefined when it can. */
export async function missingProfile(profile: string | undefined): Promise<string | undefined> {
  const name = namedProfile(profile)
  if (name === undefined) return undefined
  const {configFile, credentialsFile} = await loadSharedConfigFiles({ignoreCache: true})
  if (configFile[name] !== undefined || credentialsFile[name] !== undefined) return undefined
  const paths = sharedFilePaths()
  const from = profile === undefined ? ' (AWS_PROFILE)' : ''
  return `the profile "${name}"${from} is not in the shared config file ${paths.config} nor in the credentials file ${paths.credentials}`
}

interface Setting {
  value: string
  /** Where it was read, for an error message. */
  from: string
}

/**
 * One setting as the SDK looks it up: the environment variable, else the profile's key. The SDK's
 * loader treats a selector that throws as "not set here"; the raw text comes back so that a value
 * that makes no sense is an error naming its source, not silently the default.
 */
function setting(envName: string, key: string, profile: string | undefined): Promise<Setting | undefined> {
  return loadConfig<Setting | undefined>(
    {
      environmentVariableSelector: (env) => (env[envName] ? {value: env[envName], from: envName} : undefined),
      configFileSelector: (section: Section) => (section[key] ? {value: section[key], from: `${key} of profile ${namedProfile(profile) ?? 'default'}`} : undefined),
      default: undefined,
    },
    profile === undefined ? {} : {profile},
  )()
}

function whole({value, from}: Setting): number {
  if (!/^\s*\d+\s*$/.test(value) || Number(value) < 1) throw new Error(`${from} must be a whole number of at least 1, not "${value}"`)
  return Number(value)
}

function mode({value, from}: Setting): RetryMode {
  const lower = value.trim().toLowerCase()
  if (!RETRY_MODES.includes(lower)) throw new Error(`${from} must be one of ${RETRY_MODES.join(', ')}, not "${value}"`)
  return lower as RetryMode
}

/** The retry settings of the environment and the profile; a value that makes no sense is an error naming where it came from. */
export async function retrySettings(profile: string | undefined): Promise<RetrySettings> {
  const attempts = await setting('AWS_MAX_ATTEMPTS', 'max_attempts', profile)
  const retryMode = await setting('AWS_RETRY_MODE', 'retry_mode', profile)
  return {...(attempts === undefined ? {} : {maxAttempts: whole(attempts)}), retryMode: retryMode === undefined ? 'standard' : mode(retryMode)}
}

/**
 * The endpoint the environment or the profile configures for a service, by the SDK's rules:
 * `AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL`, the profile's `services` section, its
 * `endpoint_url`; none when `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` or `ignore_configured_endpoint_urls` says so.
 */
export async function configuredEndpoint(service: AwsService, profile: string | undefined): Promise<string | undefined> {
  const options = profile === undefined ? {} : {profile}
  const ignore = await setting('AWS_IGNORE_CONFIGURED_ENDPOINT_URLS', 'ignore_configured_endpoint_urls', profile)
  if (ignore?.value.trim().toLowerCase() === 'true') return undefined
  // The SDK's rule: the service id with spaces as underscores (`CloudWatch Logs` → `CLOUDWATCH_LOGS`, `cloudwatch_logs`).
  const serviceKey = service.replace(/ /g, '_')
  const envName = `AWS_ENDPOINT_URL_${serviceKey.toUpperCase()}`
  return loadConfig<string | undefined>(
    {
      environmentVariableSelector: (env) => env[envName] || env.AWS_ENDPOINT_URL || undefined,
      configFileSelector: (section: Section, files?: Record<string, Section>) => {
        const url = section.services === undefined ? undefined : files?.[`services.${section.services}`]?.[`${serviceKey.toLowerCase()}.endpoint_url`]
        if (url) return url
        return section.endpoint_url || undefined
      },
      default: undefined,
    },
    options,
  )()
}
