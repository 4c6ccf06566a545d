/** The parts of a CloudTrail trail ARN (`arn:aws:cloudtrail:us-east-1:111122223333:trail/main`). */
export function parseTrailArn(arn: unknown): {partition: string; region: string; account: string; name: string} | undefined {
  if (typeof arn !== 'string') return undefined
  const match = /^arn:(aws[a-z-]*):cloudtrail:([a-z0-9-]+):(\d{12}):trail\/(.+)$/.exec(arn)
  if (!match) return undefined
  const [, partition, region, account, name] = match as unknown as [string, string, string, string, string]
  return {partition, region, account, name}
}
