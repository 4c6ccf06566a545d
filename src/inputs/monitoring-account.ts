import type {MetricFilterEvidence, MonitoringEvidence} from '../model/monitoring.js'
import {isUnknown, type TrailSubject} from '../model/types.js'
import {logGroupArn, logGroupOfArn} from './monitoring-keys.js'
import {plural} from './parse-input.js'

const CLI_FILTERS = 'aws-cli/describe-metric-filters'

/**
 * AWS CLI monitoring output names no account: `describe-metric-filters` gives log group names, so
 * its filters have no key until the evidence account is settled (`--account`, or inferred from the
 * trails' ARNs). With one account settled, they are keyed with it, in the region of the file's name
 * or else of the one trail log group of that name; alarms and alarm listings that name no account
 * get it too. With no account or several, they stay unknown and the notes say why.
 */
export function settleMonitoringAccount(evidence: MonitoringEvidence, account: string | undefined, trails: readonly TrailSubject[]): {evidence: MonitoringEvidence; notes: string[]} {
  const waiting = evidence.metricFilters.filter(awaitsAccount)
  if (waiting.length === 0) return {evidence, notes: []}
  const files = [...new Set(waiting.map((filter) => filter.provenance.location?.file ?? '(input)'))].join(', ')
  if (account === undefined) {
    return {evidence, notes: [`${files}: the ARNs of its log groups are not known because the evidence is of several accounts or of none (give --account), so its filters join no trail`]}
  }
  const regions = trailRegionsByLogGroup(trails, account)
  const keyed = evidence.metricFilters.map((filter): MetricFilterEvidence => {
    if (!awaitsAccount(filter)) return filter
    const name = filter.logGroupName as string
    const region = filter.region ?? onlyOne(regions.get(name))
    if (region === undefined) return filter
    return {...filter, logGroupKey: logGroupArn(region, account, name), account, region}
  })
  const alarms = evidence.alarms.map((alarm) => (alarm.account === undefined ? {...alarm, account} : alarm))
  const scopes = evidence.scopes.map((scope) => (scope.what === 'alarms' && scope.account === undefined ? {...scope, account} : scope))
  const left = keyed.filter(awaitsAccount).length
  const notes = [`${files}: ${plural(waiting.length - left, 'metric filter')} keyed with account ${account}, whose evidence this is`]
  if (left > 0) notes.push(`${files}: ${plural(left, 'metric filter')} on a log group that no trail of account ${account} names, and the file's path names no region (name it describe-metric-filters.<region>.json), so they join no trail`)
  return {evidence: {...evidence, metricFilters: keyed, alarms, scopes}, notes}
}

/** A CLI filter that has everything for its key but the account. */
function awaitsAccount(filter: MetricFilterEvidence): boolean {
  return filter.provenance.kind === CLI_FILTERS && filter.account === undefined && isUnknown(filter.logGroupKey) && typeof filter.logGroupName === 'string'
}

/** Log group name → the regions of the account's trails' log group ARNs of that name. */
function trailRegionsByLogGroup(trails: readonly TrailSubject[], account: string): Map<string, Set<string>> {
  const regions = new Map<string, Set<string>>()
  for (const trail of trails) {
    const group = logGroupOfArn(trail.document.CloudWatchLogsLogGroupArn)
    if (!group || group.account !== account || group.region === '') continue
    regions.set(group.name, new Set([...(regions.get(group.name) ?? []), group.region]))
  }
  return regions
}

function onlyOne(values: Set<string> | undefined): string | undefined {
  return values?.size === 1 ? [...values][0] : undefined
}
