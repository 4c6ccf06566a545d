import {FAIL_ON_CHOICES, type FailOn} from '../engine/exit-code.js'
import {parseSince, readTimeWindow} from '../util/time.js'

/** Every input the action reads; action.yml declares exactly these (a test holds both to it). */
export const ACTION_INPUTS = [
  'paths',
  'mode',
  'policies',
  'config',
  'fail-on',
  'fail-on-unknown',
  'sarif-file',
  'junit-file',
  'json-file',
  'summary',
  'annotations',
  'only',
  'skip',
  'params',
  'regions',
  'account',
  'baseline',
  'cfn-param',
  'tf-dir',
  'org',
  'role-name',
  'events-since',
  'since',
  'until',
  'accounts',
  'endpoint-url',
] as const

export type ActionInputName = (typeof ACTION_INPUTS)[number]

export type Mode = 'check' | 'audit'
export const MODES: readonly Mode[] = ['check', 'audit']

export interface ActionInputs {
  mode: Mode
  paths: string[]
  policies: string[]
  config?: string
  /** Undefined leaves the threshold to the config file (default `low`). */
  failOn?: FailOn
  /** Undefined leaves it to the config file (default false). */
  failOnUnknown?: boolean
  sarifFile?: string
  junitFile?: string
  jsonFile?: string
  summary: boolean
  annotations: boolean
  only: string[]
  skip: string[]
  params: string[]
  regions: string[]
  /** Check: the account whose evidence this is. */
  account?: string
  /** Check: the account as it is today (snapshots or AWS CLI evidence), merged with the planned trails. */
  baseline: string[]
  /** Check: CloudFormation parameter values, `Name=Value`. */
  cfnParams: string[]
  /** Check: the Terraform configuration folder, so results point at the `.tf` source. */
  tfDir?: string
  org: boolean
  roleName?: string
  eventsSince?: string
  /** Check: only records from then on (`--since`): log files outside are not listed or read. */
  since?: string
  /** Check: only records until then (`--until`). */
  until?: string
  /** Check: only these accounts' log files (`--accounts`); audit: only these accounts. */
  accounts: string[]
  /** Check: the S3 endpoint of `s3://` paths; audit: every AWS call's endpoint (`--endpoint-url`). */
  endpointUrl?: string
}

export type Environment = Record<string, string | undefined>

/**
 * The runner passes input `fail-on` as `INPUT_FAIL-ON`: upper-cased, spaces turned into underscores,
 * dashes kept. Surrounding whitespace is not meaningful in a workflow file, so it is trimmed.
 */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}

export function readInput(env: Environment, name: ActionInputName): string {
  return (env[inputVariable(name)] ?? '').trim()
}

/** Items one per line or comma-separated; blank items and `#` comment lines are dropped. */
export function splitList(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .flatMap((line) => line.split(','))
    .map((item) => item.trim())
    .filter((item) => item !== '')
}

/**
 * `Name=Value` CloudFormation parameters, one per line or comma-separated. A comma splits only
 * where the next item starts a new `Name=`, so a CommaDelimitedList value such as `a,b` stays whole.
 */
export function splitCfnParams(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .flatMap((line) => line.split(/,(?=\s*[A-Za-z0-9]+\s*=)/))
    .map((item) => item.trim())
    .filter((item) => item !== '')
}

/**
 * `policy-id.name=value` items, one per line or comma-separated. A comma splits only where the next
 * item starts a new `policy-id.name=`, so a value such as `[us-east-1, eu-west-1]` stays whole.
 */
export function splitParams(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .flatMap((line) => line.split(/,(?=\s*[A-Za-z0-9_*-]+\.[A-Za-z0-9_-]+\s*=)/))
    .map((item) => item.trim())
    .filter((item) => item !== '')
}

const TRUE_WORDS = new Set(['true', 'yes', 'on', '1'])
const FALSE_WORDS = new Set(['false', 'no', 'off', '0'])

export interface InputProblem {
  input: ActionInputName
  message: string
}

/** Reads and checks every input; each bad one is a problem of its own, so all are reported at once. */
export function parseInputs(env: Environment): {inputs: ActionInputs; problems: InputProblem[]} {
  const problems: InputProblem[] = []
  const text = (name: ActionInputName): string | undefined => readInput(env, name) || undefined
  const list = (name: ActionInputName): string[] => splitList(readInput(env, name))
  const flag = (name: ActionInputName, fallback: boolean): boolean => {
    const value = readInput(env, name).toLowerCase()
    if (value === '') return fallback
    if (TRUE_WORDS.has(value)) return true
    if (FALSE_WORDS.has(value)) return false
    problems.push({input: name, message: `${name}: expected true or false, got "${readInput(env, name)}"`})
    return fallback
  }

  const modeText = readInput(env, 'mode').toLowerCase() || 'check'
  let mode: Mode = 'check'
  if ((MODES as readonly string[]).includes(modeText)) mode = modeText as Mode
  else problems.push({input: 'mode', message: `mode: expected ${MODES.join(' or ')}, got "${readInput(env, 'mode')}"`})

  const failOnText = readInput(env, 'fail-on').toLowerCase()
  let failOn: FailOn | undefined
  if (failOnText !== '') {
    if ((FAIL_ON_CHOICES as readonly string[]).includes(failOnText)) failOn = failOnText as FailOn
    else problems.push({input: 'fail-on', message: `fail-on: expected one of ${FAIL_ON_CHOICES.join(', ')}, got "${readInput(env, 'fail-on')}"`})
  }

  const failOnUnknown = readInput(env, 'fail-on-unknown') === '' ? undefined : flag('fail-on-unknown', false)

  const paths = list('paths')
  if (mode === 'check' && paths.length === 0) problems.push({input: 'paths', message: 'paths: give the files or folders to check (for example cdk.out or plan.json), one per line'})

  const eventsSince = text('events-since')
  // The same reading the audit does, so a value accepted here is never dropped there.
  if (eventsSince !== undefined && parseSince(eventsSince) === null) {
    problems.push({input: 'events-since', message: `events-since: expected an ISO 8601 date or a duration such as 7d, 12h or 30m, got "${eventsSince}"`})
  }

  const since = text('since')
  const until = text('until')
  const {wrong} = readTimeWindow(since, until)
  if (wrong.includes('since')) problems.push({input: 'since', message: `since: expected an ISO 8601 time or a duration such as 7d, 12h or 30m, got "${since}"`})
  if (wrong.includes('until')) problems.push({input: 'until', message: `until: expected an ISO 8601 time, got "${until}"`})
  if (wrong.includes('order')) problems.push({input: 'since', message: `since: ${since} is after until ${until}`})
  const accounts = list('accounts')
  for (const id of accounts) {
    if (!/^\d{12}$/.test(id)) problems.push({input: 'accounts', message: `accounts: expected 12-digit AWS account ids, got "${id}"`})
  }
  const endpointUrl = text('endpoint-url')
  if (endpointUrl !== undefined && !/^https?:\/\/\S+$/.test(endpointUrl)) problems.push({input: 'endpoint-url', message: `endpoint-url: expected an http(s) URL, got "${endpointUrl}"`})

  const account = text('account')
  if (account !== undefined && !/^\d{12}$/.test(account)) problems.push({input: 'account', message: `account: expected a 12-digit AWS account id, got "${account}"`})

  const cfnParams = splitCfnParams(readInput(env, 'cfn-param'))
  for (const pair of cfnParams) {
    if (pair.indexOf('=') < 1) problems.push({input: 'cfn-param', message: `cfn-param: expected Name=Value, got "${pair}"`})
  }

  const inputs: ActionInputs = {
    mode,
    paths,
    policies: list('policies'),
    ...optional('config', text('config')),
    ...(failOn !== undefined ? {failOn} : {}),
    ...(failOnUnknown !== undefined ? {failOnUnknown} : {}),
    ...optional('sarifFile', text('sarif-file')),
    ...optional('junitFile', text('junit-file')),
    ...optional('jsonFile', text('json-file')),
    summary: flag('summary', true),
    annotations: flag('annotations', true),
    only: list('only'),
    skip: list('skip'),
    params: splitParams(readInput(env, 'params')),
    regions: list('regions'),
    ...optional('account', account),
    baseline: list('baseline'),
    cfnParams,
    ...optional('tfDir', text('tf-dir')),
    org: flag('org', false),
    ...optional('roleName', text('role-name')),
    ...optional('eventsSince', eventsSince),
    ...optional('since', since),
    ...optional('until', until),
    accounts,
    ...optional('endpointUrl', endpointUrl),
  }
  // In the order action.yml lists the inputs, whatever order they were checked in.
  problems.sort((a, b) => ACTION_INPUTS.indexOf(a.input) - ACTION_INPUTS.indexOf(b.input))
  return {inputs, problems}
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({[key]: value} as Record<K, string>)
}
