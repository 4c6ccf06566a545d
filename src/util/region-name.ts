/**
 * The shapes of region names in each AWS partition, as the SDK's endpoint partition data states
 * them (`regionRegex`). A pattern rather than a list of today's regions, so a region AWS opens after
 * this release is still accepted, while a typo or an invented name (`mars-north-9`) is not.
 */
const PARTITION_REGION_PATTERNS: readonly RegExp[] = [
  /^(?:us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$/, // aws
  /^cn-\w+-\d+$/, // aws-cn
  /^us-gov-\w+-\d+$/, // aws-us-gov
  /^us-iso-\w+-\d+$/, // aws-iso
  /^us-isob-\w+-\d+$/, // aws-iso-b
  /^eu-isoe-\w+-\d+$/, // aws-iso-e
  /^us-isof-\w+-\d+$/, // aws-iso-f
  /^eusc-de-\w+-\d+$/, // aws-eusc
]

export function isRegionName(name: string): boolean {
  return PARTITION_REGION_PATTERNS.some((pattern) => pattern.test(name))
}

/** Why a name is no AWS region, or undefined when it has the shape of one. */
export function regionNameProblem(name: string): string | undefined {
  if (isRegionName(name)) return undefined
  return `${JSON.stringify(name)} is not an AWS region name (a region of an AWS partition, such as us-east-1 or eu-west-2)`
}
