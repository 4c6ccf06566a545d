import {partitionOf} from './cloudformation/resolve.js'

export {logGroupOfArn} from '../model/monitoring.js'

/**
 * The key a log group is joined by (model/monitoring.ts): its ARN, without the trailing `:*` a trail
 * names. The partition follows from the region unless the evidence says it (a snapshot does).
 */
export function logGroupArn(region: string, account: string, name: string, partition: string = partitionOf(region)): string {
  return `arn:${partition}:logs:${region}:${account}:log-group:${name}`
}
