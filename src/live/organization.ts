import type {OrganizationsClient} from '@aws-sdk/client-organizations'
import type {STSClient} from '@aws-sdk/client-sts'
import {loadOrganizations, loadSts, type AwsCredentials} from './aws-clients.js'
import type {CallRunner} from './call.js'
import {partitionOfArn} from './regions.js'

export interface CallerIdentity {
  accountId: string
  arn: string
  partition: string
}

export interface OrganizationInfo {
  id: string
  managementAccountId: string
}

export interface OrganizationAccount {
  id: string
  name?: string
  status: string
}

export async function callerIdentity(runner: CallRunner, sts: STSClient): Promise<CallerIdentity> {
  const {GetCallerIdentityCommand} = await loadSts()
  const answer = await runner.run({operation: 'GetCallerIdentity'}, (abortSignal) => sts.send(new GetCallerIdentityCommand({}), {abortSignal}))
  const arn = answer.Arn ?? ''
  return {accountId: answer.Account ?? '', arn, partition: partitionOfArn(arn) ?? 'aws'}
}

export async function describeOrganization(runner: CallRunner, organizations: OrganizationsClient): Promise<OrganizationInfo> {
  const {DescribeOrganizationCommand} = await loadOrganizations()
  const answer = await runner.run({operation: 'DescribeOrganization'}, (abortSignal) =>
    organizations.send(new DescribeOrganizationCommand({}), {abortSignal}),
  )
  return {id: answer.Organization?.Id ?? '', managementAccountId: answer.Organization?.MasterAccountId ?? ''}
}

/** Every account of the organization, page by page (works from the management or a delegated administrator account). */
export async function listOrganizationAccounts(runner: CallRunner, organizations: OrganizationsClient): Promise<OrganizationAccount[]> {
  const {ListAccountsCommand} = await loadOrganizations()
  const accounts: OrganizationAccount[] = []
  let nextToken: string | undefined
  do {
    const token = nextToken
    const page = await runner.run({operation: 'ListAccounts'}, (abortSignal) =>
      organizations.send(new ListAccountsCommand(token === undefined ? {} : {NextToken: token}), {abortSignal}),
    )
    for (const account of page.Accounts ?? []) {
      if (account.Id === undefined) continue
      // `State` replaces `Status` in newer answers; either says whether the account is still active.
      const status = account.State ?? account.Status ?? 'ACTIVE'
      accounts.push({id: account.Id, status, ...(account.Name === undefined ? {} : {name: account.Name})})
    }
    nextToken = page.NextToken
  } while (nextToken !== undefined)
  return accounts
}

interface StsCredentials {
  AccessKeyId?: string
  SecretAccessKey?: string
  SessionToken?: string
  Expiration?: Date
}

/** The credentials an STS answer (AssumeRole, AssumeRoleWithWebIdentity) carries, as the SDK takes them. */
export function sessionCredentials(operation: string, roleArn: string | undefined, credentials: StsCredentials | undefined): AwsCredentials {
  if (credentials?.AccessKeyId === undefined || credentials.SecretAccessKey === undefined) {
    throw new Error(`${operation} of ${roleArn ?? 'a role'} returned no credentials`)
  }
  return {
    accessKeyId: credentials.AccessKeyId,
    secretAccessKey: credentials.SecretAccessKey,
    ...(credentials.SessionToken === undefined ? {} : {sessionToken: credentials.SessionToken}),
    ...(credentials.Expiration === undefined ? {} : {expiration: credentials.Expiration}),
  }
}

export interface AssumeRoleRequest {
  roleArn: string
  externalId?: string
  sessionName: string
}

/** Credentials of an assumed role, with a way to drop them when the service no longer honours them. */
export interface AssumedRoleCredentials {
  (): Promise<AwsCredentials>
  /** Tells the SDK that this provider keeps its own cache, so it is asked on every request. */
  readonly memoized: true
  /** Assume the role again on the next request, unless that already happened after `since` (ms since epoch). */
  renew(since: number): void
}

/**
 * Credentials of a role in another account, assumed now and again whenever they come near their
 * expiry (or the service says they expired), so an audit longer than the session still succeeds.
 */
export function assumedRoleCredentials(runner: CallRunner, sts: STSClient, request: AssumeRoleRequest): AssumedRoleCredentials {
  const refreshMarginMs = 5 * 60_000
  let current: Promise<AwsCredentials> | undefined
  let expiresAt = 0
  let assumedAt = 0
  const assume = async (): Promise<AwsCredentials> => {
    const {AssumeRoleCommand} = await loadSts()
    const input = {
      RoleArn: request.roleArn,
      RoleSessionName: request.sessionName,
      ...(request.externalId === undefined ? {} : {ExternalId: request.externalId}),
    }
    const answer = await runner.run({operation: 'AssumeRole'}, (abortSignal) => sts.send(new AssumeRoleCommand(input), {abortSignal}))
    const credentials = sessionCredentials('AssumeRole', request.roleArn, answer.Credentials)
    expiresAt = credentials.expiration?.getTime() ?? Number.POSITIVE_INFINITY
    return credentials
  }
  const provide = () => {
    if (current === undefined || Date.now() > expiresAt - refreshMarginMs) {
      expiresAt = Number.POSITIVE_INFINITY // until this attempt says otherwise, nobody starts another
      assumedAt = Date.now()
      const attempt = assume()
      current = attempt
      // A failed attempt must not be cached: the next caller tries again.
      attempt.catch(() => {
        if (current === attempt) current = undefined
      })
    }
    return current
  }
  // Many calls fail at once when a session lapses: the first renewal serves them all.
  const renew = (since: number) => {
    if (assumedAt <= since) current = undefined
  }
  return Object.assign(provide, {memoized: true as const, renew})
}
