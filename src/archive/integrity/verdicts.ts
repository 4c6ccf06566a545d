/** What log file integrity says of each object: plain data, turned into subjects for the policies. */

export type Verdict = 'valid' | 'modified' | 'deleted' | 'not-covered' | 'invalid-format' | 'unreadable' | 'moved' | 'missing' | 'reordered'

export interface ObjectVerdict {
  object: 'log' | 'digest'
  /** The key in the store (for a digest named but absent: where it should be). */
  key: string
  account: string
  region: string
  trails: string[]
  /** `valid`, the first problem, or why nothing can be said. */
  verdict: Verdict | {unknown: string}
  /** Every problem found, in the AWS CLI's words where it has words. */
  problems: string[]
  signature?: 'valid' | 'invalid' | {unknown: string}
  gap?: string
}

/** One digest chain: one trail, account and region (and key prefix). */
export interface ChainSummary {
  trail: string
  account: string
  region: string
  prefix: string
  digests: number
  digestsValid: number
  logFiles: number
  logFilesValid: number
  signaturesChecked: number
  signaturesUnchecked: number
  gaps: number
}

export interface IntegrityResult {
  objects: ObjectVerdict[]
  chains: ChainSummary[]
  /** Keys of the digest files read. */
  digestKeys: string[]
  /** A listing that could not be read: the check is incomplete, and says so. */
  errors: string[]
}

/** The first problem decides the verdict; later ones are still listed. */
export function worst(current: ObjectVerdict['verdict'], next: Verdict): ObjectVerdict['verdict'] {
  return current === 'valid' || typeof current === 'object' ? next : current
}
