import type {AuditOptions} from '../engine/audit.js'
import {runCheck, type CheckOptions, type PolicyOptions} from '../engine/run.js'
import type {Report} from '../engine/report-types.js'
import {dict} from '../util/dict.js'
import {parseSince, readTimeWindow} from '../util/time.js'
import type {ActionInputs} from './inputs.js'

function policyOptions(inputs: ActionInputs, cwd: string): PolicyOptions {
  return {
    cwd,
    ...(inputs.config !== undefined ? {config: inputs.config} : {}),
    ...(inputs.policies.length > 0 ? {policyPaths: inputs.policies} : {}),
    ...(inputs.only.length > 0 ? {only: inputs.only} : {}),
    ...(inputs.skip.length > 0 ? {skip: inputs.skip} : {}),
    ...(inputs.params.length > 0 ? {params: inputs.params} : {}),
  }
}

/** What `trailgate check` would be given for these inputs. */
export function checkOptions(inputs: ActionInputs, cwd: string): CheckOptions {
  return {
    ...policyOptions(inputs, cwd),
    paths: inputs.paths,
    ...(inputs.failOn !== undefined ? {failOn: inputs.failOn} : {}),
    ...(inputs.failOnUnknown !== undefined ? {failOnUnknown: inputs.failOnUnknown} : {}),
    ...(inputs.regions.length > 0 ? {regions: inputs.regions} : {}),
    ...(inputs.account !== undefined ? {account: inputs.account} : {}),
    ...(inputs.baseline.length > 0 ? {baseline: inputs.baseline} : {}),
    ...(inputs.cfnParams.length > 0 ? {cfnParams: cfnParameters(inputs.cfnParams)} : {}),
    ...(inputs.tfDir !== undefined ? {tfDir: inputs.tfDir} : {}),
    ...(inputs.endpointUrl !== undefined ? {s3: {endpointUrl: inputs.endpointUrl}} : {}),
    ...logWindow(inputs),
  }
}

/** `since`, `until`, `accounts` as `check --since/--until/--accounts` take them (checked when the inputs were read). */
function logWindow(inputs: ActionInputs): Pick<CheckOptions, 'window'> {
  const {since, until} = readTimeWindow(inputs.since, inputs.until).window
  if (!since && !until && inputs.accounts.length === 0) return {}
  return {window: {since, until, ...(inputs.accounts.length > 0 ? {accounts: inputs.accounts} : {})}}
}

/** `Name=Value` items (checked when the inputs were read) as the parameter map `--cfn-param` builds. */
function cfnParameters(pairs: readonly string[]): Record<string, string> {
  const parameters = dict<string>()
  for (const pair of pairs) {
    const at = pair.indexOf('=')
    parameters[pair.slice(0, at)] = pair.slice(at + 1)
  }
  return parameters
}

/** What `trailgate audit` would be given: credentials come from the standard chain (the OIDC step's environment). */
export function auditOptions(inputs: ActionInputs, cwd: string): AuditOptions {
  const since = inputs.eventsSince !== undefined ? parseSince(inputs.eventsSince) : null
  return {
    ...policyOptions(inputs, cwd),
    ...(inputs.failOn !== undefined ? {failOn: inputs.failOn} : {}),
    ...(inputs.failOnUnknown !== undefined ? {failOnUnknown: inputs.failOnUnknown} : {}),
    ...(inputs.regions.length > 0 ? {regions: inputs.regions} : {}),
    ...(inputs.org ? {org: true} : {}),
    ...(inputs.roleName !== undefined ? {roleName: inputs.roleName} : {}),
    ...(since ? {eventsSince: since} : {}),
    ...(inputs.accounts.length > 0 ? {accounts: inputs.accounts} : {}),
    ...(inputs.endpointUrl !== undefined ? {endpointUrl: inputs.endpointUrl} : {}),
  }
}

export async function runReport(inputs: ActionInputs, cwd: string): Promise<Report> {
  if (inputs.mode === 'check') return runCheck(checkOptions(inputs, cwd))
  // Loaded only for audits, so a pull-request gate never pays for the AWS SDK.
  const {runAudit} = await import('../engine/audit.js')
  return (await runAudit(auditOptions(inputs, cwd))).report
}
