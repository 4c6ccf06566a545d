import type {PublicKey} from '@aws-sdk/client-cloudtrail'

import {recordFailure, type CollectionContext} from './account.js'
import {loadCloudTrail, type CredentialSource} from './aws-clients.js'
import {readAllPages} from './pages.js'
import type {SnapshotPublicKeys} from './snapshot.js'

/** One CloudTrail public key as ListPublicKeys gives it: the DER key (PKCS#1) in base64. */
export interface ListedPublicKey {
  fingerprint: string
  value: string
  validityStart?: string
  validityEnd?: string
}

/** An SDK `PublicKey` as plain data (the blob in base64); undefined when it lacks its fingerprint or value. */
function listedKey(key: PublicKey): ListedPublicKey | undefined {
  if (key.Fingerprint === undefined || key.Value === undefined) return undefined
  return {
    fingerprint: key.Fingerprint,
    value: Buffer.from(key.Value).toString('base64'),
    ...(key.ValidityStartTime ? {validityStart: key.ValidityStartTime.toISOString()} : {}),
    ...(key.ValidityEndTime ? {validityEnd: key.ValidityEndTime.toISOString()} : {}),
  }
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
        const listed = listedKey(key)
        if (listed) keys.push(listed)
      }
    }
  } finally {
    client.destroy()
  }
  return keys
}

/**
 * The public keys a saved snapshot carries (`audit --save-snapshot`), so that a copy of the trail
 * bucket can later be proven offline: ListPublicKeys in each audited trail's home region over the
 * span asked, sent by the audit's own call runner (rate limits, retries, counts) as the caller.
 */
export async function collectPublicKeys(context: CollectionContext, caller: {accountId: string; credentials: CredentialSource | undefined}, regions: string[], span: {since: Date; until: Date}): Promise<SnapshotPublicKeys> {
  const sdk = await loadCloudTrail()
  const saved: SnapshotPublicKeys = {since: span.since.toISOString(), until: span.until.toISOString(), regions: [...regions].sort(), keys: [], errors: []}
  for (const region of saved.regions) {
    try {
      const client = await context.clients.cloudTrail(caller.accountId, region, caller.credentials)
      const listed = await readAllPages((token) =>
        context.runner
          .run({operation: 'ListPublicKeys', account: caller.accountId, region, rateLimited: true}, (abortSignal) =>
            client.send(new sdk.ListPublicKeysCommand({StartTime: span.since, EndTime: span.until, ...(token === undefined ? {} : {NextToken: token})}), {abortSignal}),
          )
          .then((page) => ({items: page.PublicKeyList, next: page.NextToken})),
      )
      for (const key of listed) {
        const plain = listedKey(key)
        if (plain) saved.keys.push({region, ...plain})
      }
    } catch (error) {
      recordFailure(context, saved.errors, caller.accountId, error)
    }
  }
  return saved
}
