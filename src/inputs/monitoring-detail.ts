import type {MonitoringEvidence} from '../model/monitoring.js'
import {appendAll} from '../util/arrays.js'
import {plural} from './parse-input.js'

/** `15 metric filters, 15 alarms, 1 topic` for the inputs list; empty when the input holds none. */
export function monitoringDetail(evidence: MonitoringEvidence): string {
  const parts: string[] = []
  if (evidence.metricFilters.length > 0) parts.push(plural(evidence.metricFilters.length, 'metric filter'))
  if (evidence.alarms.length > 0) parts.push(plural(evidence.alarms.length, 'alarm'))
  if (evidence.topics.length > 0) parts.push(plural(evidence.topics.length, 'topic'))
  return parts.join(', ')
}

/** Adds one input's evidence to another's (the stacks of a CDK assembly). */
export function appendMonitoring(into: MonitoringEvidence, from: MonitoringEvidence): void {
  appendAll(into.metricFilters, from.metricFilters)
  appendAll(into.alarms, from.alarms)
  appendAll(into.topics, from.topics)
  appendAll(into.scopes, from.scopes)
  appendAll(into.gaps, from.gaps)
}
