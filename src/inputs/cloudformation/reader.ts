import {appendAll} from '../../util/arrays.js'
import {monitoringDetail} from '../monitoring-detail.js'
import type {MonitoringEvidence} from '../../model/monitoring.js'
import {emptyReaderOutput, type InputFile, type ReadOptions, type Reader, type ReaderOutput} from '../types.js'
import {textOrRefusal} from './text.js'
import {looksLikeTemplate} from './source.js'
import {readTemplate} from './template.js'

/** CloudFormation templates in YAML or JSON, recognized by their content rather than their name. */
export const cloudFormationReader: Reader = {
  kind: 'cloudformation',
  priority: 50,
  sniff: (_file: InputFile, head: string) => looksLikeTemplate(head),
  read: async (file: InputFile, options: ReadOptions): Promise<ReaderOutput> => {
    const output = emptyReaderOutput('cloudformation')
    const text = textOrRefusal(file, output)
    if (text === undefined) return output
    const reading = readTemplate(text, {
      file: file.path,
      kind: 'cloudformation',
      region: options.regions?.[0],
      account: options.account,
      parameterValues: options.cfnParams,
      maxDepth: options.limits?.maxDepth,
    })
    output.trails = reading.trails
    appendAll(output.diagnostics, reading.diagnostics)
    output.notes = reading.notes
    output.declaredParameters = [reading.declaredParameters]
    output.monitoring = reading.monitoring
    output.detail = templateDetail(reading.trails.length, reading.resourceCount, reading.notDeployed, reading.monitoring)
    return output
  },
}

export function templateDetail(trails: number, resources: number, notDeployed: string[], monitoring?: MonitoringEvidence): string {
  const parts = [`${trails} ${trails === 1 ? 'trail' : 'trails'} in ${resources} ${resources === 1 ? 'resource' : 'resources'}`]
  const monitored = monitoring === undefined ? '' : monitoringDetail(monitoring)
  if (monitored !== '') parts.push(monitored)
  if (notDeployed.length > 0) parts.push(`not deployed: ${notDeployed.join(', ')}`)
  return parts.join('; ')
}
