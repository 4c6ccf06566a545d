/**
 * The `monitor` clause: does the account alert on what a reference filter pattern matches? Read from
 * the account document: the log groups of its qualifying trails (its own, multi-region, logging, all
 * management events, no excluded sources), their metric filters, the alarms on each filter's metric
 * and the SNS topics those alarms notify. The filters on one group whose whole chain alerts (an alarm
 * with actions enabled, a topic with a subscriber) must together match every record the reference
 * matches, judged by `compareFilterPatterns` on a generated corpus, never by the pattern's text.
 */

import type {MonitoredAlarm, MonitoredFilter, MonitoredLogGroup, MonitoredTopic} from '../model/monitoring.js'
import {logGroupLabel} from '../model/monitoring.js'
import {isUnknown, type AccountDocument, type TrailDocument, type UnknownValue} from '../model/types.js'
import {compareFilterPatterns, type CoverageVerdict} from './filter-coverage.js'
import {compileFilterPattern} from './filter-pattern.js'

type Truth = true | false | 'unknown'

export interface MonitorDecision {
  status: 'pass' | 'fail' | 'unknown'
  /** Sentences, joined by the judge into the result's message. */
  reasons: string[]
  /** Document paths of the filters (and alarms) the decision rests on, most telling first: where a result points. */
  paths: string[]
}

/** A chain from one filter to a person: `ok`, or why not (`fail`), or what is not known (`unknown`). */
interface Chain {
  state: 'ok' | 'fail' | 'unknown'
  /** `alarm X, topic T` for an ok chain; what is missing or unknown otherwise. */
  text: string
  path: string
}

interface FilterEntry {
  name: string
  pattern: string
  chain: Chain
  path: string
}

const quote = (text: string): string => `'${text}'`
const nameOf = (value: unknown, fallback: string): string => (typeof value === 'string' ? value : fallback)
const why = (value: UnknownValue): string => String(value.$unknown)

/** Names and reasons listed in one message, at most; the rest are counted. */
const MAX_LISTED = 3

/** "'a', 'b', 'c' and 12 more" */
function someNames(names: readonly string[]): string {
  const shown = names.slice(0, MAX_LISTED).map(quote)
  const more = names.length - shown.length
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.length > 1 ? `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}` : (shown[0] ?? '')
}

/** The first few parts, and how many more there are. */
function someOf(parts: readonly string[]): string[] {
  return parts.length > MAX_LISTED ? [...parts.slice(0, MAX_LISTED), `and ${parts.length - MAX_LISTED} more`] : [...parts]
}

/**
 * Filters that share a reason are named once with it: fifteen filters on a group whose ARN is not
 * known give one sentence, not fifteen copies of the same one.
 */
function byReason(items: readonly {name: string; reason: string}[], one: (name: string, reason: string) => string, many: (count: number, names: string, reason: string) => string): string[] {
  const groups = new Map<string, string[]>()
  for (const {name, reason} of items) groups.set(reason, [...(groups.get(reason) ?? []), name])
  return someOf([...groups].map(([reason, names]) => (names.length === 1 ? one(names[0] as string, reason) : many(names.length, someNames(names), reason))))
}

export function decideMonitor(document: AccountDocument, reference: string): MonitorDecision {
  const trails = document.Trails
  if (isUnknown(trails)) return {status: 'unknown', reasons: [`the account's trails are not known: ${why(trails)}`], paths: []}
  const groups = document.Monitoring?.LogGroups ?? []
  const unknowns: string[] = []
  const qualifying = new Set<number>()
  trails.forEach((trail, position) => {
    if (isUnknown(trail)) {
      unknowns.push(`a trail is not known (${why(trail)})`)
      return
    }
    const verdict = qualifies(trail, groups.some((group) => group.Trails.includes(position)))
    if (verdict.value === true) qualifying.add(position)
    else if (verdict.value === 'unknown') unknowns.push(verdict.why)
  })
  const candidates = groups.map((group, index) => ({group, index})).filter(({group}) => group.Trails.some((position) => qualifying.has(position)))
  if (candidates.length === 0) {
    const reason = 'no multi-region trail of the account that logs all management events delivers to CloudWatch Logs'
    return unknowns.length > 0 ? {status: 'unknown', reasons: [`${reason} for certain: ${someOf(unknowns).join('; ')}`], paths: []} : {status: 'fail', reasons: [reason], paths: []}
  }
  const decisions = candidates.map(({group, index}) => decideGroup(group, `Monitoring.LogGroups.${index}`, reference))
  const passed = decisions.find((decision) => decision.status === 'pass')
  if (passed) return passed
  const undecided = decisions.filter((decision) => decision.status === 'unknown')
  if (undecided.length > 0 || unknowns.length > 0) {
    return {status: 'unknown', reasons: someOf([...undecided.flatMap((d) => d.reasons), ...unknowns]), paths: undecided.flatMap((d) => d.paths)}
  }
  return {status: 'fail', reasons: someOf(decisions.flatMap((d) => d.reasons)), paths: decisions.flatMap((d) => d.paths)}
}

/**
 * A trail whose log group counts: the account's own, multi-region, logging, all management events,
 * nothing excluded, delivering to a log group (the join lists it there, even when its ARN is unknown).
 */
function qualifies(trail: TrailDocument, delivers: boolean): {value: Truth; why: string} {
  const label = nameOf(trail.Name, nameOf(trail.TrailARN, 'a trail'))
  const conditions: [unknown, (value: unknown) => boolean, string][] = [
    [trail.IsMultiRegionTrail, (v) => v === true, 'multi-region'],
    [trail.Status?.IsLogging, (v) => v === true, 'logging'],
    [trail.Facts.ManagementEvents, (v) => v === 'ReadWrite', 'all management events'],
    [trail.Facts.ExcludesManagementEventSources, (v) => v === false, 'no excluded event sources'],
    [delivers, (v) => v === true, 'a CloudWatch Logs log group'],
  ]
  const open: string[] = []
  for (const [value, holds, what] of conditions) {
    if (isUnknown(value)) open.push(`${what}: ${why(value)}`)
    else if (!holds(value)) return {value: false, why: ''}
  }
  if (open.length > 0) return {value: 'unknown', why: `whether trail ${label} counts is not known (${open.join('; ')})`}
  if (trail.Facts.IsOtherAccount) return {value: 'unknown', why: `trail ${label} belongs to another account, whose log group and its filters are there`}
  return {value: true, why: ''}
}

function decideGroup(group: MonitoredLogGroup, path: string, reference: string): MonitorDecision {
  const groupName = logGroupLabel(group.LogGroupName, group.LogGroupKey)
  const filters = group.MetricFilters
  // The join's reason names the log group already.
  if (isUnknown(filters)) return {status: 'unknown', reasons: [why(filters)], paths: []}
  const entries: FilterEntry[] = []
  const unknownPatterns: {name: string; reason: string}[] = []
  const unparsedFilters: {name: string; reason: string}[] = []
  const everything: FilterEntry[] = []
  // Filters CloudWatch Logs accepts that are not judged here, as sentences: they make a result unknown, never a pass.
  const notJudged: string[] = []
  const termFilters: {name: string; reason: string}[] = []
  filters.forEach((filter, index) => {
    const at = `${path}.MetricFilters.${index}`
    const name = nameOf(filter.FilterName, `#${index + 1}`)
    if (isUnknown(filter.FilterPattern)) {
      unknownPatterns.push({name, reason: why(filter.FilterPattern)})
      return
    }
    const pattern = filter.FilterPattern ?? ''
    // CloudWatch Logs counts every event for an empty pattern.
    if (pattern.trim() === '') {
      everything.push({name, pattern, chain: chainOf(filter, at), path: at})
      return
    }
    try {
      compileFilterPattern(pattern)
    } catch (error) {
      // A term or space-delimited pattern is valid in CloudWatch Logs, only not evaluated here: not known, not absent.
      if (!pattern.trimStart().startsWith('{')) termFilters.push({name, reason: 'term and space-delimited patterns are not judged'})
      else unparsedFilters.push({name, reason: (error as Error).message})
      return
    }
    entries.push({name, pattern, chain: chainOf(filter, at), path: at})
  })
  const where = `on log group ${groupName}`
  const unparsed = byReason(
    unparsedFilters,
    (name, reason) => `filter ${quote(name)} does not count: its pattern does not parse (${reason})`,
    (count, names, reason) => `${count} metric filters (${names}) do not count: their patterns do not parse (${reason})`,
  )
  const terms = byReason(
    termFilters,
    (name, reason) => `filter ${quote(name)} is not judged: its pattern is not a JSON pattern (${reason})`,
    (count, names, reason) => `${count} metric filters (${names}) are not judged: their patterns are not JSON patterns (${reason})`,
  )
  for (const sentence of terms) notJudged.push(sentence)
  const alerting = entries.filter((entry) => entry.chain.state === 'ok')
  const best = covering(reference, alerting)
  if (best && covers(best.verdict)) {
    const by = best.used.map((entry) => `filter ${quote(entry.name)} (${entry.chain.text})`).join(' and ')
    const relation = best.verdict.relation === 'equivalent' ? 'matching what the reference matches' : `broader than the reference: ${noisier(best.verdict, [reference, ...best.used.map((entry) => entry.pattern)])}`
    return {status: 'pass', reasons: [`covered ${where} by ${by}, ${relation}`], paths: best.used.map((entry) => entry.path)}
  }
  const catchAll = everything.find((entry) => entry.chain.state === 'ok')
  if (catchAll) return {status: 'pass', reasons: [`covered ${where} by filter ${quote(catchAll.name)} (${catchAll.chain.text}): its empty pattern matches every event, broader than the reference (its alarm counts every event of the log group)`], paths: [catchAll.path]}
  for (const entry of everything) {
    const open = `filter ${quote(entry.name)} has an empty pattern, which matches every event, but ${entry.chain.text}`
    if (entry.chain.state === 'unknown') notJudged.push(open)
    else unparsed.push(open)
  }
  const undecidedChains = entries.filter((entry) => entry.chain.state === 'unknown')
  const withUndecided = covering(reference, [...alerting, ...undecidedChains])
  if (unknownPatterns.length > 0 || notJudged.length > 0 || (withUndecided && covers(withUndecided.verdict) && undecidedChains.length > 0)) {
    const openEntries = withUndecided && covers(withUndecided.verdict) ? withUndecided.used.filter((entry) => entry.chain.state === 'unknown') : []
    const open = byReason(
      openEntries.map((entry) => ({name: entry.name, reason: entry.chain.text})),
      (name, reason) => `filter ${quote(name)}: ${reason}`,
      (count, names, reason) => `${count} metric filters (${names}): ${reason}`,
    )
    const patterns = byReason(
      unknownPatterns,
      (name, reason) => `the pattern of filter ${quote(name)} is not known (${reason})`,
      (count, names, reason) => `the patterns of ${count} metric filters (${names}) are not known (${reason})`,
    )
    return {status: 'unknown', reasons: [`${where}: ${[...open, ...patterns, ...notJudged].join('; ')}`, ...unparsed], paths: [...openEntries.length > 0 && withUndecided ? withUndecided.used.map((entry) => entry.path) : []]}
  }
  const union = covering(reference, entries)
  if (union && covers(union.verdict)) {
    // The filters would cover it, but some link between them and a person is missing.
    const broken = union.used.filter((entry) => entry.chain.state === 'fail')
    const told = byReason(
      broken.map((entry) => ({name: entry.name, reason: entry.chain.text})),
      (name, reason) => `filter ${quote(name)} matches it, but ${reason}`,
      (count, names, reason) => `${count} metric filters (${names}) match it together, but ${reason}`,
    )
    return {status: 'fail', reasons: [`${where}: ${told.join('; ')}`, ...unparsed], paths: broken.map((entry) => entry.chain.path)}
  }
  const partial = best ?? union
  if (!partial) return {status: 'fail', reasons: [`no metric filter ${where} matches what the reference matches`, ...unparsed], paths: entries.map((entry) => entry.path).slice(0, 1)}
  const by = someNames(partial.used.map((entry) => entry.name))
  if (partial.verdict.matchesNothing) {
    return {status: 'fail', reasons: [`${where}, filter ${by} matches no event at all (its conditions cannot all hold at once, as with && between two event names)`, ...unparsed], paths: partial.used.map((entry) => entry.path)}
  }
  const missed = partial.verdict.missed
  // A clause is filter-pattern text to add when it is one; otherwise it describes the records missed.
  const additions = missed.clauses.filter((clause) => clause.startsWith('('))
  const descriptions = missed.clauses.filter((clause) => !clause.startsWith('('))
  const what = missed.eventNames.length > 0 ? `misses ${missed.eventNames.join(', ')}` : `misses ${missed.count} of ${partial.verdict.referenceMatches} events the reference matches`
  const detail = descriptions.length > 0 ? ` (${descriptions.join('; ')})` : missed.eventNames.length === 0 && missed.sample ? `, e.g. ${sampleText(missed.sample, [reference, ...partial.used.map((entry) => entry.pattern)])}` : ''
  const add = additions.length > 0 ? `; add ${additions.join(' || ')}` : ''
  const broken = partial.used.filter((entry) => entry.chain.state !== 'ok').map((entry) => `for filter ${quote(entry.name)}, ${entry.chain.text}`)
  const also = broken.length > 0 ? `; also ${broken.join('; ')}` : ''
  return {status: 'fail', reasons: [`${where}, filter ${by} is narrower than the reference: it ${what}${detail}${add}${also}`, ...unparsed], paths: partial.used.map((entry) => entry.path)}
}

/**
 * Accounts of one organization usually carry the same filters, and every policy compares each filter
 * of a group: a verdict is kept for the rest of the run (bounded, oldest dropped first).
 */
const verdicts = new Map<string, CoverageVerdict>()
const MAX_KEPT_VERDICTS = 4096

function compare(reference: string, deployed: readonly string[]): CoverageVerdict {
  const key = JSON.stringify([reference, ...deployed])
  const known = verdicts.get(key)
  if (known) return known
  const verdict = compareFilterPatterns(reference, deployed)
  if (verdicts.size >= MAX_KEPT_VERDICTS) verdicts.delete(verdicts.keys().next().value as string)
  verdicts.set(key, verdict)
  return verdict
}

const covers = (verdict: CoverageVerdict): boolean => verdict.relation !== 'narrower' && !verdict.matchesNothing

function noisier(verdict: CoverageVerdict, patterns: readonly string[]): string {
  const example = verdict.extra.sample ? `, e.g. ${sampleText(verdict.extra.sample, patterns)}` : ''
  return `it also matches ${verdict.extra.count} of ${verdict.corpusSize} records the reference does not${example}`
}

/** A sample record shown by the fields the patterns read, not the whole record. */
function sampleText(sample: Record<string, unknown>, patterns: readonly string[]): string {
  const selectors = [...new Set(patterns.flatMap((pattern) => compileFilterPattern(pattern).selectors))].sort()
  const shown = selectors.map((selector) => {
    const value = selector.split('.').reduce<unknown>((node, step) => (typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[step] : undefined), sample)
    return `${selector}: ${value === undefined ? '(absent)' : JSON.stringify(value)}`
  })
  return `an event with ${shown.join(', ')}`
}

/**
 * The filters of `entries` that cover the reference best: one filter alone when one covers (the
 * least noisy), else the union of those that match some of what the reference matches.
 */
function covering(reference: string, entries: readonly FilterEntry[]): {verdict: CoverageVerdict; used: FilterEntry[]} | undefined {
  if (entries.length === 0) return undefined
  // Filters reading the reference's own fields are tried first, so an equivalent one usually ends the search at once.
  const fields = new Set(compileFilterPattern(reference).selectors)
  const shared = (entry: FilterEntry): number => compileFilterPattern(entry.pattern).selectors.filter((selector) => fields.has(selector)).length
  const ordered = entries.map((entry) => ({entry, shared: shared(entry)})).sort((a, b) => b.shared - a.shared)
  const singles: {entry: FilterEntry; verdict: CoverageVerdict; shared: number}[] = []
  for (const {entry, shared: count} of ordered) {
    const verdict = compare(reference, [entry.pattern])
    if (verdict.relation === 'equivalent' && !verdict.matchesNothing) return {verdict, used: [entry]}
    singles.push({entry, verdict, shared: count})
  }
  const whole = singles.filter(({verdict}) => covers(verdict)).sort((a, b) => a.verdict.extra.count - b.verdict.extra.count)[0]
  if (whole) return {verdict: whole.verdict, used: [whole.entry]}
  // Each single verdict counts on its own corpus (built from the reference and that filter), so shares
  // are compared only between filters reading as many of the reference's fields; a filter on other
  // fields that happens to share some records is not the one a narrower result should name.
  const contributing = singles.filter(({verdict}) => !verdict.matchesNothing && verdict.missed.count < verdict.referenceMatches).sort((x, y) => y.shared - x.shared || missedShare(x.verdict) - missedShare(y.verdict))
  const best = contributing[0] ?? singles[0]!
  if (contributing.length <= 1) return {verdict: best.verdict, used: [best.entry]}
  // Grow a union from the best filter, adding the one that leaves the least missed, until it covers.
  const used = [best.entry]
  let verdict = best.verdict
  const rest = contributing.slice(1).map(({entry}) => entry)
  while (rest.length > 0 && !covers(verdict)) {
    const tries = rest.map((candidate) => ({candidate, verdict: compare(reference, [...used, candidate].map((entry) => entry.pattern))}))
    const pick = tries.sort((x, y) => missedShare(x.verdict) - missedShare(y.verdict))[0]!
    if (missedShare(pick.verdict) >= missedShare(verdict)) break
    used.push(pick.candidate)
    rest.splice(rest.indexOf(pick.candidate), 1)
    verdict = pick.verdict
  }
  if (covers(verdict)) return {verdict, used}
  const all = contributing.map(({entry}) => entry)
  const union = compare(reference, all.map((entry) => entry.pattern))
  if (covers(union)) return {verdict: union, used: all}
  // Nothing covers: the best single filter says most plainly what is missing (other filters' fields would blur it).
  return {verdict: best.verdict, used: [best.entry]}
}

const missedShare = (verdict: CoverageVerdict): number => (verdict.referenceMatches === 0 ? 1 : verdict.missed.count / verdict.referenceMatches)

/** From a filter to a person: its best alarm (actions enabled, a topic with a subscriber). */
function chainOf(filter: MonitoredFilter, path: string): Chain {
  const metrics = isUnknown(filter.MetricTransformations) ? 'its metric' : filter.MetricTransformations.map((m) => `${nameOf(m.metricNamespace, '?')}/${nameOf(m.metricName, '?')}`).join(', ')
  const silent = silentValue(filter)
  if (silent !== undefined) return {state: 'fail', text: `it publishes metricValue ${silent} for each match, so its metric never rises and no alarm on it fires`, path}
  const alarms = filter.Alarms
  if (isUnknown(alarms)) return {state: 'unknown', text: `whether an alarm watches ${metrics} is not known (${why(alarms)})`, path}
  if (alarms.length === 0) return {state: 'fail', text: `no alarm watches metric ${metrics}`, path}
  const oneEvent = oneEventValue(filter)
  const chains = alarms.map((alarm, index) => alarmChain(alarm, oneEvent, `${path}.Alarms.${index}`))
  return chains.find((c) => c.state === 'ok') ?? chains.find((c) => c.state === 'unknown') ?? (chains[0] as Chain)
}

/** The literal metric value every transformation of the filter publishes when it is 0 or less (a `$.field` value is counted as firing). */
function silentValue(filter: MonitoredFilter): string | undefined {
  const transformations = filter.MetricTransformations
  if (isUnknown(transformations) || transformations.length === 0) return undefined
  const values = transformations.map((t) => (typeof t.metricValue === 'string' ? t.metricValue.trim() : undefined))
  const silent = values.every((value) => value !== undefined && value !== '' && Number.isFinite(Number(value)) && Number(value) <= 0)
  return silent ? values[0] : undefined
}

/** What one matching event adds to the filter's metric: its largest literal metricValue, else 1 (CIS writes 1; a `$.field` value counts as 1). */
function oneEventValue(filter: MonitoredFilter): number {
  const transformations = isUnknown(filter.MetricTransformations) ? [] : filter.MetricTransformations
  const values = transformations.map((t) => (typeof t.metricValue === 'string' && t.metricValue.trim() !== '' ? Number(t.metricValue) : Number.NaN)).filter(Number.isFinite)
  return values.length > 0 ? values.reduce((most, value) => Math.max(most, value)) : 1
}

const OPERATOR_SIGNS: Record<string, string> = {GreaterThanOrEqualToThreshold: '>=', GreaterThanThreshold: '>', LessThanThreshold: '<', LessThanOrEqualToThreshold: '<='}

/**
 * Whether the alarm goes off on one matching event (CIS: Sum >= 1 with metricValue 1). Only a
 * condition the input gives is judged: a statistic other than Sum, Maximum and SampleCount (an
 * average, a percentile) or a field the input did not carry is not held against the alarm.
 */
function conditionChain(alarm: MonitoredAlarm, oneEvent: number, name: string, path: string): Chain | undefined {
  const {Statistic: statistic, ComparisonOperator: operator, Threshold: threshold} = alarm
  const notKnown = (field: string, value: UnknownValue): Chain => ({state: 'unknown', text: `whether alarm ${name} fires on one matching event is not known: its ${field} is not known (${why(value)})`, path})
  if (operator === undefined) return undefined
  if (isUnknown(operator)) return notKnown('ComparisonOperator', operator)
  const judged = statistic === 'Sum' || statistic === 'Maximum' || statistic === 'SampleCount'
  // SampleCount counts datapoints: one event is one, whatever value it publishes.
  const adds = statistic === 'SampleCount' ? 1 : oneEvent
  const sign = OPERATOR_SIGNS[operator]
  const when = `${typeof statistic === 'string' ? statistic : 'the statistic'} ${sign ?? `is outside its band (${operator})`}${sign !== undefined && typeof threshold === 'number' ? ` ${threshold}` : ''}`
  const fails: Chain = {state: 'fail', text: `alarm ${name} fires when ${when}; one matching event adds ${adds}: set Threshold to ${adds} with GreaterThanOrEqualToThreshold`, path}
  if (operator !== 'GreaterThanOrEqualToThreshold' && operator !== 'GreaterThanThreshold') return fails
  if (isUnknown(statistic)) return notKnown('Statistic', statistic)
  if (!judged || threshold === undefined) return undefined
  if (isUnknown(threshold)) return notKnown('Threshold', threshold)
  const fires = operator === 'GreaterThanOrEqualToThreshold' ? threshold <= adds : threshold < adds
  return fires ? undefined : fails
}

function alarmChain(alarm: MonitoredAlarm, oneEvent: number, path: string): Chain {
  const name = quote(nameOf(alarm.AlarmName, '(name not known)'))
  if (isUnknown(alarm.ActionsEnabled)) return {state: 'unknown', text: `whether alarm ${name} has its actions enabled is not known (${why(alarm.ActionsEnabled)})`, path}
  if (alarm.ActionsEnabled === false) return {state: 'fail', text: `alarm ${name} has its actions disabled`, path}
  const condition = conditionChain(alarm, oneEvent, name, path)
  if (condition !== undefined) return condition
  const topics = alarm.Topics
  if (isUnknown(topics)) return {state: 'unknown', text: `the actions of alarm ${name} are not known (${why(topics)})`, path}
  if (topics.length === 0) return {state: 'fail', text: `alarm ${name} notifies no SNS topic`, path}
  const chains = topics.map((topic) => topicChain(topic, name, path))
  return chains.find((c) => c.state === 'ok') ?? chains.find((c) => c.state === 'unknown') ?? (chains[0] as Chain)
}

function topicChain(topic: MonitoredTopic, alarmName: string, path: string): Chain {
  const name = isUnknown(topic.TopicArn) ? 'its topic' : `topic ${topic.TopicArn}`
  const subscriptions = topic.Subscriptions
  if (isUnknown(subscriptions)) return {state: 'unknown', text: `alarm ${alarmName}: the subscribers of ${name} are not known (${why(subscriptions)})`, path}
  const confirmed = subscriptions.filter((s) => s.Planned === true || (typeof s.SubscriptionArn === 'string' && s.SubscriptionArn.startsWith('arn:')))
  if (confirmed.length > 0) {
    const planned = confirmed.every((s) => s.Planned === true) ? ', planned' : ''
    return {state: 'ok', text: `alarm ${alarmName}, ${name} with ${confirmed.length} subscriber${confirmed.length === 1 ? '' : 's'}${planned}`, path}
  }
  const pending = subscriptions.filter((s) => s.SubscriptionArn === 'PendingConfirmation').length
  const vague = subscriptions.filter((s) => isUnknown(s.SubscriptionArn)).length
  if (pending > 0 || vague > 0) {
    const what = [pending > 0 ? `${pending} pending confirmation` : '', vague > 0 ? `${vague} not known` : ''].filter(Boolean).join(', ')
    return {state: 'unknown', text: `alarm ${alarmName}: ${name} has no confirmed subscriber yet (${what})`, path}
  }
  return {state: 'fail', text: `alarm ${alarmName}: ${name} has no confirmed subscriber`, path}
}
