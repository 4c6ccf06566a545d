import {createHash} from 'node:crypto'

/**
 * A finding's identity is the policy plus the subject it judged, never its line: an unrelated edit
 * above a resource must not turn an open alert into a closed one and a new one.
 */
export function findingHash(policyId: string, subjectId: string): string {
  return createHash('sha256').update(`${policyId}\u0000${subjectId}`).digest('hex')
}

/** CodeQL's `<hash>:<n>` shape, which GitHub code scanning reads from `partialFingerprints`. */
export function primaryLocationLineHash(policyId: string, subjectId: string): string {
  return `${findingHash(policyId, subjectId).slice(0, 16)}:1`
}

/** Key under SARIF `fingerprints`; versioned so a future change of recipe cannot collide with this one. */
export const FINGERPRINT_KEY = 'trailgate/v1'
