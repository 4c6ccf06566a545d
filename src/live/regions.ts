/**
 * The regions a default audit examines. The installed SDK offers no call that lists the regions an
 * account has enabled (that needs EC2 or Account, which trailgate does not depend on), so the audit
 * tries every commercial region of the partition from this list: regions enabled by default are
 * always examined; an opt-in region that answers "not enabled" is skipped and said so.
 */

export interface PartitionRegions {
  /** Enabled in every account. */
  standard: readonly string[]
  /** Enabled only when the account opts in. */
  optIn: readonly string[]
}

export const PARTITION_REGIONS: Readonly<Record<string, PartitionRegions>> = {
  aws: {
    standard: [
      'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
      'ap-south-1', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-southeast-1', 'ap-southeast-2',
      'ca-central-1',
      'eu-central-1', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-north-1',
      'sa-east-1',
    ],
    optIn: [
      'af-south-1', 'ap-east-1', 'ap-east-2', 'ap-south-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5',
      'ap-southeast-6', 'ap-southeast-7', 'ca-west-1', 'eu-central-2', 'eu-south-1', 'eu-south-2', 'il-central-1',
      'me-central-1', 'me-south-1', 'mx-central-1',
    ],
  },
  'aws-us-gov': {standard: ['us-gov-west-1', 'us-gov-east-1'], optIn: []},
  'aws-cn': {standard: ['cn-north-1', 'cn-northwest-1'], optIn: []},
}

export function defaultRegions(partition: string): string[] {
  const regions = PARTITION_REGIONS[partition] ?? PARTITION_REGIONS.aws
  return [...regions.standard, ...regions.optIn]
}

export function isOptInRegion(region: string): boolean {
  return Object.values(PARTITION_REGIONS).some((regions) => regions.optIn.includes(region))
}

/** The partition of an ARN (`arn:aws-us-gov:…` → `aws-us-gov`). */
export function partitionOfArn(arn: string): string | undefined {
  const match = /^arn:([^:]+):/.exec(arn)
  return match?.[1]
}

/** The account that owns an ARN (`arn:aws:cloudtrail:us-east-1:111122223333:trail/x` → `111122223333`). */
export function accountOfArn(arn: string): string | undefined {
  return arn.split(':')[4] || undefined
}
