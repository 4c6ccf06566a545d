import type {Diagnostic} from '../model/types.js'
import type {Policy} from '../policy/types.js'
import {matchesGlob} from '../util/glob.js'

export interface Selection {
  only: string[]
  skip: string[]
}

/** `only` / `skip` entries are policy ids, globs over ids (`*-limit`) or tags (`tag:quota`). */
function selects(policy: Policy, entry: string): boolean {
  if (entry.startsWith('tag:')) return policy.tags.includes(entry.slice(4))
  return matchesGlob(policy.id, entry)
}

/**
 * Picks the policies to run. An entry that selects nothing is an error, because a mistyped
 * `--only` that silently checks nothing is worse than no check. Disabled policies run only when
 * named in `only`.
 */
export function selectPolicies(policies: Policy[], selection: Selection): {selected: Policy[]; diagnostics: Diagnostic[]} {
  const diagnostics: Diagnostic[] = []
  for (const [flag, entries] of [['only', selection.only], ['skip', selection.skip]] as const) {
    for (const entry of entries) {
      if (!policies.some((p) => selects(p, entry))) diagnostics.push({severity: 'error', code: 'unknown-policy', message: `--${flag} ${entry} matches no policy (see \`trailgate policies list\`)`})
    }
  }
  const selected = policies.filter((policy) => {
    const named = selection.only.some((entry) => selects(policy, entry))
    if (selection.only.length > 0 && !named) return false
    if (policy.disabled && !named) return false
    return !selection.skip.some((entry) => selects(policy, entry))
  })
  return {selected, diagnostics}
}
