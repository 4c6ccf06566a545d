import type {Diagnostic} from '../model/types.js'
import {TARGET_ACCOUNT} from '../model/views.js'
import {parseTrailArn} from './arn.js'
import type {ReadOptions, TrailEvidence} from './types.js'

export interface AccountResolution {
  /** The account that evidence naming no account (AWS CLI output) belongs to. */
  evidenceAccount?: string
  /** Every account whose evidence this is: the snapshot's accounts and the one above. */
  evidenceAccounts: string[]
  /**
   * True when the evidence that names no account may be of several (trails of several accounts, a
   * snapshot of another, or none named): what only that account would key (AWS CLI metric filters)
   * stays unknown.
   */
  ambiguous: boolean
  notes: string[]
  diagnostics: Diagnostic[]
}

/**
 * Whose evidence this is. A snapshot says so itself; AWS CLI output does not, so the account is
 * `--account`, else the owner of the trails that are not organization trails (they can only be
 * the account's own), else the one account a snapshot or listing names. Evidence that names no
 * account at all (IaC without an environment, a listing without ARNs) is judged as one target
 * account, so account and region policies still give verdicts. Reports say which.
 */
export function resolveAccount(coverage: {account: string}[], evidence: TrailEvidence[], options: ReadOptions): AccountResolution {
  const snapshotAccounts = unique([...coverage.map((entry) => entry.account), ...evidence.map((trail) => trail.account ?? '')].filter((account) => account !== ''))
  const unattributed = evidence.filter((trail) => trail.account === undefined)
  const needsAccount = unattributed.length > 0 || coverage.some((entry) => entry.account === '')
  // Accounts known from deployed evidence; a template environment says nothing about other templates.
  const deployedAccounts = unique([...coverage.map((entry) => entry.account), ...evidence.filter((trail) => trail.planned !== true).map((trail) => trail.account ?? '')].filter((account) => account !== ''))
  const notes: string[] = []
  const diagnostics: Diagnostic[] = []
  const namedElsewhere = snapshotAccounts.filter((account) => account !== options.account)
  if (namedElsewhere.length > 0) notes.push(`${namedElsewhere.length === 1 ? 'account' : 'accounts'} ${namedElsewhere.join(', ')} named by the inputs (snapshot or template environment)`)
  let evidenceAccount: string | undefined
  let ambiguous = false
  if (options.account) {
    evidenceAccount = options.account
    notes.push(`account ${options.account} from --account`)
  } else if (needsAccount) {
    const inferred = inferFromArns(unattributed)
    if (inferred) {
      evidenceAccount = inferred.account
      notes.push(`account ${inferred.account} inferred from the trails' ARNs`)
      if (inferred.counts.size > 1) {
        ambiguous = true
        const tally = [...inferred.counts].map(([account, count]) => `${account}: ${count}`).join(', ')
        diagnostics.push({
          severity: 'warning',
          code: 'account-ambiguous',
          message: `the trails belong to several accounts (${tally}); the evidence is judged as account ${inferred.account}'s, the most frequent. Pass --account to say which`,
        })
      }
    } else if (deployedAccounts.length === 1) {
      evidenceAccount = deployedAccounts[0]
    } else {
      evidenceAccount = TARGET_ACCOUNT
      ambiguous = true
      notes.push('evidence that names no account: its trails are judged together as one target account (pass --account to name it)')
    }
  }
  const evidenceAccounts = unique([...snapshotAccounts, ...(evidenceAccount ? [evidenceAccount] : [])])
  return {...(evidenceAccount ? {evidenceAccount} : {}), evidenceAccounts, ambiguous: ambiguous || evidenceAccounts.length !== 1, notes, diagnostics}
}

function inferFromArns(trails: TrailEvidence[]): {account: string; counts: Map<string, number>} | undefined {
  const counts = new Map<string, number>()
  const counted = new Set<string>()
  for (const trail of trails) {
    const arn = trail.document.TrailARN
    if (trail.document.IsOrganizationTrail === true || typeof arn !== 'string' || counted.has(arn)) continue
    counted.add(arn)
    const owner = parseTrailArn(arn)?.account
    if (owner) counts.set(owner, (counts.get(owner) ?? 0) + 1)
  }
  if (counts.size === 0) return undefined
  const [account] = [...counts].sort(([a, countA], [b, countB]) => countB - countA || a.localeCompare(b))[0] as [string, number]
  return {account, counts}
}

function unique(values: string[]): string[] {
  return [...new Set(values)]
}
