import type {MetricTransformation, MonitoringKey} from '../../model/monitoring.js'
import {filterDimensionNames} from '../../model/monitoring.js'
import {unknown} from '../../model/types.js'
import {diagnosticAt, describeValue, isRecord} from '../locations.js'
import {topLevelJsonKeys} from '../json-text.js'
import {plural, regionFromPath} from '../parse-input.js'
import type {Reader, ReaderOutput} from '../types.js'
import {appendAll} from '../../util/arrays.js'
import {logGroupArn} from '../monitoring-keys.js'
import {FieldReader, startMonitoringOutput} from './monitoring-values.js'

const KIND = 'aws-cli/describe-metric-filters'

/**
 * `aws logs describe-metric-filters [--log-group-name G]`: `{"metricFilters": [...]}`. Whether the
 * command named one log group cannot be told from its output, so the output lists completely the
 * filters of the log groups that appear in it, and says nothing of any other. The log group's key is
 * its ARN, which needs the region (from the file's path) and the account (`--account`).
 */
export const describeMetricFiltersReader: Reader = {
  kind: KIND,
  priority: 50,
  sniff: (_file, head) => topLevelJsonKeys(head)?.has('metricFilters') ?? false,
  async read(file, options): Promise<ReaderOutput> {
    const start = startMonitoringOutput(file, options, KIND, 'describe-metric-filters', 'metricFilters')
    if ('failed' in start) return start.failed
    const {doc, root, entries: metricFilters, output, fields} = start
    const evidence = output.monitoring
    const region = regionFromPath(file.path)
    const account = options.account
    const groups = new Set<string>()
    const keyOf = (name: string): MonitoringKey | ReturnType<typeof unknown> => {
      if (region === undefined) return unknown(`the ARN of log group ${name}: name the file with its region (describe-metric-filters.<region>.json)`)
      if (account === undefined) return unknown(`the ARN of log group ${name}: the output does not say whose it is (give --account)`)
      return logGroupArn(region, account, name)
    }
    metricFilters.forEach((raw, index) => {
      const path = ['metricFilters', index]
      const label = `metricFilters[${index}]`
      if (!isRecord(raw)) {
        output.diagnostics.push(diagnosticAt(doc.locate(path), `${label} must be an object, found ${describeValue(raw)}; it is left out`, 'wrong-type'))
        return
      }
      const logGroupName = fields.text(raw, path, 'logGroupName', label)
      if (typeof logGroupName === 'string') groups.add(logGroupName)
      evidence.metricFilters.push({
        filterName: fields.text(raw, path, 'filterName', label),
        logGroupName,
        // An empty pattern is valid and matches every event; absent is unknown.
        filterPattern: fields.text(raw, path, 'filterPattern', label),
        metricTransformations: transformations(raw, path, label, fields),
        logGroupKey: typeof logGroupName === 'string' ? keyOf(logGroupName) : logGroupName,
        ...(account !== undefined ? {account} : {}),
        ...(region !== undefined ? {region} : {}),
        provenance: {kind: KIND, location: doc.locate(path), fields: {FilterPattern: doc.locate([...path, 'filterPattern'])}},
      })
    })
    appendAll(output.diagnostics, fields.diagnostics)
    const paged = typeof root.nextToken === 'string'
    if (paged) {
      output.notes.push(`${file.path}: the output has a nextToken, so it is one page: the filters of its log groups on other pages are not given`)
    } else {
      for (const name of groups) {
        const key = keyOf(name)
        if (typeof key === 'string') evidence.scopes.push({what: 'metric-filters', logGroupKey: key, ...(account !== undefined ? {account} : {}), region: region as string})
      }
    }
    // Without --account, the assembler keys the filters with the evidence account once it is settled, and notes it.
    if (groups.size > 0 && region === undefined && account !== undefined) {
      output.notes.push(`${file.path}: the ARNs of its log groups are not known because its path names no region (name it describe-metric-filters.<region>.json), so its filters join no trail`)
    }
    if (metricFilters.length === 0) {
      output.notes.push(`${file.path}: describe-metric-filters lists no metric filter and so names no log group: it says nothing about any log group's filters`)
    }
    const where = region ? ` in ${region}` : ''
    const onGroups = groups.size > 0 ? ` on ${plural(groups.size, 'log group')}` : ' (names no log group)'
    output.detail = `describe-metric-filters: ${plural(evidence.metricFilters.length, 'metric filter')}${onGroups}${where}${paged ? ' (one page)' : ''}`
    return output
  },
}

function transformations(raw: Record<string, unknown>, path: (string | number)[], label: string, fields: FieldReader): MetricTransformation[] | ReturnType<typeof unknown> {
  const list = raw.metricTransformations
  if (!Array.isArray(list)) return fields.wrong(path, 'metricTransformations', label, list, 'an array')
  return list.map((item, index) => {
    const at = [...path, 'metricTransformations', index]
    const where = `${label}.metricTransformations[${index}]`
    if (!isRecord(item)) {
      const opaque = fields.wrong([...path, 'metricTransformations'], index, label, item, 'an object')
      return {metricName: opaque, metricNamespace: opaque}
    }
    const metricValue = typeof item.metricValue === 'string' ? item.metricValue : undefined
    const dimensions = filterDimensionNames(item.dimensions)
    return {metricName: fields.text(item, at, 'metricName', where), metricNamespace: fields.text(item, at, 'metricNamespace', where), ...(metricValue !== undefined ? {metricValue} : {}), ...(dimensions !== undefined ? {dimensions} : {})}
  })
}
