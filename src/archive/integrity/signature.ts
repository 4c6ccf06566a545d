import {createPublicKey, verify, type KeyObject} from 'node:crypto'

import type {Digest} from './digest.js'

/** A CloudTrail public key (ListPublicKeys): the DER PKCS#1 RSA key and when CloudTrail signed with it. */
export interface PublicKey {
  fingerprint: string
  /** DER bytes of an RSAPublicKey (PKCS#1), base64 as the API and the AWS CLI give them. */
  value: string
  validityStart?: string
  validityEnd?: string
}

/**
 * What CloudTrail signs (SHA256withRSA): the digest's end time, its own location, the hash of its
 * inflated bytes and the previous digest's signature, one per line.
 */
export function stringToSign(digest: Digest): string {
  return `${digest.digestEndTime}\n${digest.digestS3Bucket}/${digest.digestS3Object}\n${digest.sha256}\n${digest.previousDigestSignature ?? 'null'}`
}

export type SignatureCheck = {status: 'valid'} | {status: 'invalid'; why: string} | {status: 'unchecked'; why: string}

export class PublicKeys {
  private readonly byFingerprint = new Map<string, {key?: KeyObject; problem?: string}>()

  /** `whyMissing`: why a key may not be known (a region whose keys could not be listed); without it, none was given. */
  constructor(
    keys: PublicKey[],
    private readonly whyMissing?: string,
  ) {
    for (const key of keys) {
      try {
        this.byFingerprint.set(key.fingerprint.toLowerCase(), {key: createPublicKey({key: Buffer.from(key.value, 'base64'), format: 'der', type: 'pkcs1'})})
      } catch (error) {
        this.byFingerprint.set(key.fingerprint.toLowerCase(), {problem: `public key ${key.fingerprint} cannot be read: ${(error as Error).message}`})
      }
    }
  }

  get size(): number {
    return this.byFingerprint.size
  }

  /** Checks `signature` (hex) of `digest` with the key the digest names. */
  check(digest: Digest, signature: string): SignatureCheck {
    const found = this.byFingerprint.get(digest.digestPublicKeyFingerprint.toLowerCase())
    if (found === undefined) {
      const why = this.size === 0 ? (this.whyMissing ?? 'no CloudTrail public keys were given (--public-keys)') : `public key ${digest.digestPublicKeyFingerprint} is not among the ${this.size} public keys given${this.whyMissing ? ` (${this.whyMissing})` : ''}`
      return {status: 'unchecked', why}
    }
    if (found.key === undefined) return {status: 'unchecked', why: found.problem ?? 'public key unreadable'}
    if (!/^(?:[0-9a-f]{2})+$/i.test(signature)) return {status: 'invalid', why: 'signature verification failed: the signature is not hex'}
    const good = verify('sha256', Buffer.from(stringToSign(digest), 'utf8'), found.key, Buffer.from(signature, 'hex'))
    return good ? {status: 'valid'} : {status: 'invalid', why: 'signature verification failed'}
  }
}

/** `aws cloudtrail list-public-keys` output (or the API's response): `{"PublicKeyList": [{Fingerprint, Value, …}]}`. */
export function publicKeysFromJson(document: unknown): PublicKey[] | {problem: string} {
  const list = typeof document === 'object' && document !== null ? (document as {PublicKeyList?: unknown}).PublicKeyList : undefined
  if (!Array.isArray(list)) return {problem: 'expected the output of `aws cloudtrail list-public-keys`: an object with a PublicKeyList'}
  const keys: PublicKey[] = []
  for (const [index, entry] of list.entries()) {
    const item = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>
    if (typeof item.Fingerprint !== 'string' || typeof item.Value !== 'string') return {problem: `PublicKeyList[${index}] lacks Fingerprint or Value`}
    keys.push({
      fingerprint: item.Fingerprint,
      value: item.Value,
      ...(typeof item.ValidityStartTime === 'string' ? {validityStart: item.ValidityStartTime} : {}),
      ...(typeof item.ValidityEndTime === 'string' ? {validityEnd: item.ValidityEndTime} : {}),
    })
  }
  return keys
}
