import type {AlarmCondition, AlarmEvidence} from '../../model/monitoring.js'
import {alarmDimensionNames} from '../../model/monitoring.js'
import {unknown} from '../../model/types.js'
import {diagnosticAt, describeValue, isRecord} from '../locations.js'
import {topLevelJsonKeys} from '../json-text.js'
import {plural, regionFromPath} from '../parse-input.js'
import type {Reader, ReaderOutput} from '../types.js'
import {appendAll} from '../../util/arrays.js'
import {arnPlace, FieldReader, startMonitoringOutput} from './monitoring-values.js'

const KIND = 'aws-cli/describe-alarms'

/**
 * `aws cloudwatch describe-alarms`: `{"MetricAlarms": [...], "CompositeAlarms": [...]}`. It lists
 * every metric alarm of the account and region its alarm ARNs name (or that the file's path and
 * `--account` name when it lists none). Composite alarms watch other alarms, not a metric: they are
 * counted, not judged.
 */
export const describeAlarmsReader: Reader = {
  kind: KIND,
  priority: 50,
  sniff(_file, head) {
    const keys = topLevelJsonKeys(head)
    return keys !== undefined && (keys.has('MetricAlarms') || keys.has('CompositeAlarms'))
  },
  async read(file, options): Promise<ReaderOutput> {
    const start = startMonitoringOutput(file, options, KIND, 'describe-alarms', 'MetricAlarms', true)
    if ('failed' in start) return start.failed
    const {root, doc, entries: metricAlarms, output, fields} = start
    const evidence = output.monitoring
    const places = new Map<string, {region: string; account?: string}>()
    metricAlarms.forEach((raw, index) => {
      const path = ['MetricAlarms', index]
      const label = `MetricAlarms[${index}]`
      if (!isRecord(raw)) {
        output.diagnostics.push(diagnosticAt(doc.locate(path), `${label} must be an object, found ${describeValue(raw)}; it is left out`, 'wrong-type'))
        return
      }
      const place = arnPlace(raw.AlarmArn)
      if (place.region !== undefined) places.set(`${place.account ?? ''}/${place.region}`, {region: place.region, ...(place.account !== undefined ? {account: place.account} : {})})
      const alarm: AlarmEvidence = {
        AlarmName: fields.text(raw, path, 'AlarmName', label),
        AlarmArn: fields.text(raw, path, 'AlarmArn', label),
        Metrics: metricsOf(raw, path, label, fields),
        ActionsEnabled: fields.boolean(raw, path, 'ActionsEnabled', label),
        AlarmActions: fields.strings(raw, path, 'AlarmActions', label),
        ...conditionFields(raw, path, label, fields),
        ...place,
        provenance: {kind: KIND, location: doc.locate(path), fields: {AlarmActions: doc.locate([...path, 'AlarmActions']), ActionsEnabled: doc.locate([...path, 'ActionsEnabled'])}},
      }
      evidence.alarms.push(alarm)
    })
    appendAll(output.diagnostics, fields.diagnostics)
    const composite = Array.isArray(root.CompositeAlarms) ? root.CompositeAlarms.length : 0
    const paged = typeof root.NextToken === 'string'
    if (paged) {
      output.notes.push(`${file.path}: the output has a NextToken, so it is one page: alarms on other pages are not given`)
    } else if (places.size > 0) {
      for (const place of places.values()) evidence.scopes.push({what: 'alarms', ...place})
    } else {
      const region = regionFromPath(file.path)
      if (region !== undefined) evidence.scopes.push({what: 'alarms', region, ...(options.account !== undefined ? {account: options.account} : {})})
      else output.notes.push(`${file.path}: describe-alarms lists no metric alarm and its path names no region: it says nothing about any region's alarms (name the file describe-alarms.<region>.json)`)
    }
    const where = [...places.values()].map((place) => place.region).filter((region, index, all) => all.indexOf(region) === index)
    const compositeText = composite > 0 ? `, ${plural(composite, 'composite alarm')} (not on a metric, not judged)` : ''
    output.detail = `describe-alarms: ${plural(evidence.alarms.length, 'metric alarm')}${compositeText}${where.length > 0 ? ` in ${where.join(', ')}` : ''}${paged ? ' (one page)' : ''}`
    return output
  },
}

/** `MetricName`/`Namespace`, or each `Metrics[].MetricStat.Metric` of a metric-math alarm. */
function metricsOf(raw: Record<string, unknown>, path: (string | number)[], label: string, fields: FieldReader): AlarmEvidence['Metrics'] {
  if (raw.MetricName !== undefined || raw.Namespace !== undefined) {
    return [{MetricName: fields.text(raw, path, 'MetricName', label), Namespace: fields.text(raw, path, 'Namespace', label), ...dimensionsOf(raw.Dimensions)}]
  }
  if (!Array.isArray(raw.Metrics)) return []
  return raw.Metrics.flatMap((query) => {
    const metric = isRecord(query) && isRecord(query.MetricStat) && isRecord(query.MetricStat.Metric) ? query.MetricStat.Metric : undefined
    if (metric === undefined) return []
    return [{
      MetricName: typeof metric.MetricName === 'string' ? metric.MetricName : unknown(`${label}: a MetricStat without MetricName`),
      Namespace: typeof metric.Namespace === 'string' ? metric.Namespace : unknown(`${label}: a MetricStat without Namespace`),
      ...dimensionsOf(metric.Dimensions),
    }]
  })
}

/** `Statistic`, `ComparisonOperator`, `Threshold` where the output has them (a metric-math alarm has no `Statistic`). */
function conditionFields(raw: Record<string, unknown>, path: (string | number)[], label: string, fields: FieldReader): AlarmCondition {
  return {
    ...(raw.Statistic !== undefined ? {Statistic: fields.text(raw, path, 'Statistic', label)} : {}),
    ...(raw.ComparisonOperator !== undefined ? {ComparisonOperator: fields.text(raw, path, 'ComparisonOperator', label)} : {}),
    ...(raw.Threshold !== undefined ? {Threshold: typeof raw.Threshold === 'number' ? raw.Threshold : fields.wrong(path, 'Threshold', label, raw.Threshold, 'a number')} : {}),
  }
}

function dimensionsOf(dimensions: unknown): {Dimensions?: string[]} {
  const names = alarmDimensionNames(dimensions)
  return names === undefined ? {} : {Dimensions: names}
}
