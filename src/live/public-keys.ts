import {loadCloudTrail} from './aws-clients.js'

/** One CloudTrail public key as ListPublicKeys gives it: the DER key (PKCS#1) in base64. */
export interface ListedPublicKey {
  fingerprint: string
  value: string
  validityStart?: string
  validityEnd?: string
}

export interface PublicKeyQuery {
  /** The region of the trail whose digests are checked: CloudTrail answers with that region's keys. */
  region: string
  start: Date
  end: Date
  profile?: string | undefined
}

/**
 * The public keys CloudTrail signed digests with in a region over a span of time (every page of
 * ListPublicKeys). The endpoint is the SDK's own choice (AWS_ENDPOINT_URL_CLOUDTRAIL, the profile's
 * endpoint_url), so `--endpoint-url`, which names the S3 endpoint, does not redirect it.
 */
export async function listPublicKeys(query: PublicKeyQuery): Promise<ListedPublicKey[]> {
  const {CloudTrailClient, paginateListPublicKeys} = await loadCloudTrail()
  const client = new CloudTrailClient({region: query.region, maxAttempts: 5, ...(query.profile === undefined ? {} : {profile: query.profile})})
  const keys: ListedPublicKey[] = []
  try {
    for await (const page of paginateListPublicKeys({client}, {StartTime: query.start, EndTime: query.end})) {
      for (const key of page.PublicKeyList ?? []) {
        if (key.Fingerprint === undefined || key.Value === undefined) continue
        keys.push({
          fingerprint: key.Fingerprint,
          value: Buffer.from(key.Value).toString('base64'),
          ...(key.ValidityStartTime ? {validityStart: key.ValidityStartTime.toISOString()} : {}),
          ...(key.ValidityEndTime ? {validityEnd: key.ValidityEndTime.toISOString()} : {}),
        })
      }
    }
  } finally {
    client.destroy()
  }
  return keys
}
