import type {Result} from '../model/types.js'
import type {PolicySummary, Report} from '../engine/report-types.js'

/**
 * Every policy that ran, plus a summary made from the result itself for any policy that appears only
 * in the results, so that no renderer drops a result for want of its policy.
 */
export function policiesOf(report: Report): PolicySummary[] {
  const summaries = [...report.policies]
  const known = new Set(summaries.map((policy) => policy.id))
  for (const result of report.results) {
    if (known.has(result.policy)) continue
    known.add(result.policy)
    summaries.push(summaryFromResult(result))
  }
  return summaries
}

function summaryFromResult(result: Result): PolicySummary {
  return {
    id: result.policy,
    title: result.title,
    severity: result.severity,
    subject: result.subject.type,
    description: result.title,
    remediation: result.remediation ?? '',
    references: {},
    tags: [],
    precision: 'medium',
    notApplicable: 0,
    builtin: false,
  }
}
