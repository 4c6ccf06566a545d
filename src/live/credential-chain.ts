import {importCommonJs} from '../util/commonjs.js'
import type {AwsClients, AwsCredentials, CredentialSource} from './aws-clients.js'
import {loadSts} from './aws-clients.js'
import type {CallRunner} from './call.js'
import {sessionCredentials} from './organization.js'

/**
 * The SDK's default credential chain (environment, profile, SSO, web identity, container and instance
 * metadata) with trailgate's own STS clients for the roles it assumes on the way (`source_profile` +
 * `role_arn`, `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN`): the SDK's would go to AWS itself, past
 * --endpoint-url and a profile's `endpoint_url`, and retry by their own rules. Resolved once per run
 * and shared by every client.
 */
export async function defaultCredentialChain(clients: AwsClients, runner: CallRunner, region: string, profile: string | undefined, profileProblem: string | undefined): Promise<CredentialSource> {
  // A named profile that does not exist would fall through the chain to "Could not load credentials from any providers".
  if (profileProblem !== undefined) return () => Promise.reject(Object.assign(new Error(profileProblem), {name: 'ProfileNotFound'}))
  const [{defaultProvider}, sdk] = await Promise.all([importCommonJs(import('@aws-sdk/credential-provider-node')), loadSts()])
  const provider = defaultProvider({
    ...(profile === undefined ? {} : {profile}),
    roleAssumer: async (source, params) => {
      const sts = await clients.sts(region, source)
      const answer = await runner.run({operation: 'AssumeRole'}, (abortSignal) => sts.send(new sdk.AssumeRoleCommand(params), {abortSignal}))
      return sessionCredentials('AssumeRole', params.RoleArn, answer.Credentials)
    },
    roleAssumerWithWebIdentity: async (params) => {
      // AssumeRoleWithWebIdentity is not signed: the token is the proof.
      const sts = await clients.sts(region, {accessKeyId: '', secretAccessKey: ''})
      const answer = await runner.run({operation: 'AssumeRoleWithWebIdentity'}, (abortSignal) => sts.send(new sdk.AssumeRoleWithWebIdentityCommand(params), {abortSignal}))
      return sessionCredentials('AssumeRoleWithWebIdentity', params.RoleArn, answer.Credentials)
    },
  })
  return (): Promise<AwsCredentials> => provider()
}
