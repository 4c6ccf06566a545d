import {partitionOf} from './cloudformation/resolve.js'

/** The key a log group is joined by (model/monitoring.ts): its ARN, without the trailing `:*` a trail names. */
export function logGroupArn(region: string, account: string, name: string): string {
  return `arn:${partitionOf(region)}:logs:${region}:${account}:log-group:${name}`
}

/** A log group ARN as a trail names it (`…:log-group:<name>:*` or without `:*`): its key and its name. */
export function logGroupOfArn(arn: unknown): {key: string; name: string} | undefined {
  const match = typeof arn === 'string' ? /^(arn:[^:]+:logs:[^:]*:[^:]*:log-group:([^:]+))(?::\*)?$/.exec(arn) : null
  return match ? {key: match[1] as string, name: match[2] as string} : undefined
}
