import {cpSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import type {Report} from '../../src/engine/report-types.js'
import {trailgate} from './cli.js'

const ACCOUNT = '111122223333'
const ALARMS = 'describe-alarms.us-east-1.json'
const FILTERS = 'describe-metric-filters.us-east-1.json'

type Json = Record<string, unknown> & {[key: string]: unknown}

/** The CIS AWS CLI evidence with one change, judged through the built CLI: the root usage result. */
function judgeRootUsage(change: (files: {alarms: Json[]; filters: Json[]}) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'trailgate-metric-identity-'))
  cpSync('fixtures/iac/monitoring/aws-cli', dir, {recursive: true})
  const alarmsDoc = JSON.parse(readFileSync(join(dir, ALARMS), 'utf8')) as {MetricAlarms: Json[]}
  const filtersDoc = JSON.parse(readFileSync(join(dir, FILTERS), 'utf8')) as {metricFilters: Json[]}
  change({alarms: alarmsDoc.MetricAlarms.filter((alarm) => alarm.AlarmName === 'root_usage_alarm'), filters: filtersDoc.metricFilters.filter((filter) => filter.filterName === 'root_usage_metric')})
  writeFileSync(join(dir, ALARMS), JSON.stringify(alarmsDoc, null, 2))
  writeFileSync(join(dir, FILTERS), JSON.stringify(filtersDoc, null, 2))
  const run = trailgate(['check', dir, '--account', ACCOUNT, '--format', 'json'])
  const report = JSON.parse(run.stdout) as Report
  const result = report.results.find((entry) => entry.policy === 'cis-monitoring-root-usage')
  if (!result) throw new Error('no result of cis-monitoring-root-usage')
  return {result, dir}
}

const rootUsageAfter = (change: (files: {alarms: Json[]; filters: Json[]}) => void) => judgeRootUsage(change).result

const transformationOf = (filter: Json): Json => (filter.metricTransformations as Json[])[0]!

describe('trailgate check: the alarm must watch the very metric the filter publishes (built CLI)', () => {
  it('an alarm with a dimension the filter does not publish watches another metric: fail', () => {
    const result = rootUsageAfter(({alarms}) => {
      alarms[0]!.Dimensions = [{Name: 'Environment', Value: 'prod'}]
    })
    expect(result.status).toBe('fail')
    expect(result.message).toContain('no alarm watches metric CISBenchmark/root_usage_metric')
  })

  it('a filter publishing a dimension watched by an alarm without it: fail', () => {
    const result = rootUsageAfter(({filters}) => {
      transformationOf(filters[0]!).dimensions = {Caller: '$.userIdentity.arn'}
    })
    expect(result.status).toBe('fail')
    expect(result.message).toContain('no alarm watches metric CISBenchmark/root_usage_metric')
  })

  it('the same dimension names on both sides: pass', () => {
    const result = rootUsageAfter(({filters, alarms}) => {
      transformationOf(filters[0]!).dimensions = {Caller: '$.userIdentity.arn'}
      alarms[0]!.Dimensions = [{Name: 'Caller', Value: 'arn:aws:iam::111122223333:root'}]
    })
    expect(result.status).toBe('pass')
  })

  it('a filter that publishes 0 for each match never raises its alarm: fail, saying so', () => {
    const result = rootUsageAfter(({filters}) => {
      transformationOf(filters[0]!).metricValue = '0'
    })
    expect(result.status).toBe('fail')
    expect(result.message).toContain('metricValue 0')
  })
})

describe('trailgate check: patterns CloudWatch accepts that are not JSON selectors (built CLI)', () => {
  it('an empty pattern matches every event of the log group: it covers, noted as such', () => {
    const result = rootUsageAfter(({filters}) => {
      filters[0]!.filterPattern = ''
    })
    expect(result.status).toBe('pass')
    expect(result.message).toContain('its empty pattern matches every event')
    expect(result.message).not.toContain('does not parse')
  })

  it('a term pattern is not judged: unknown, saying why, not failed as if it were not there', () => {
    const result = rootUsageAfter(({filters}) => {
      filters[0]!.filterPattern = '"Root"'
    })
    expect(result.status).toBe('unknown')
    expect(result.message).toContain(`filter 'root_usage_metric'`)
    expect(result.message).toContain('term and space-delimited patterns are not judged')
  })

  it('a JSON pattern that does not parse still does not count: fail, saying where', () => {
    const result = rootUsageAfter(({filters}) => {
      filters[0]!.filterPattern = '{ $.userIdentity.type = Root &&'
    })
    expect(result.status).toBe('fail')
    expect(result.message).toContain('does not parse')
  })
})

describe('trailgate check: a narrower filter is named, not another filter on the group (built CLI)', () => {
  it('the root usage filter that leaves out console sign-ins is the one the failure names and points at', () => {
    const {result, dir} = judgeRootUsage(({filters}) => {
      filters[0]!.filterPattern = '{ $.userIdentity.type = Root && $.userIdentity.invokedBy NOT EXISTS && $.eventType != AwsServiceEvent && $.eventName != ConsoleLogin }'
    })
    expect(result.status).toBe('fail')
    expect(result.message).toContain(`filter 'root_usage_metric' is narrower than the reference`)
    expect(result.message).not.toContain('iam_changes_metric')
    const written = readFileSync(join(dir, FILTERS), 'utf8').split('\n')
    // The filter's object opens on the line before its name (1-based: the index of the name's line).
    const line = written.findIndex((text) => text.includes('"filterName": "root_usage_metric"'))
    expect(result.location?.file).toBe(join(dir, FILTERS))
    expect(result.location?.line).toBe(line)
  })
})

describe('trailgate check: CloudFormation alarms and filters carry their dimensions (built CLI)', () => {
  function rootUsageOfTemplate(edit: (text: string) => string) {
    const dir = mkdtempSync(join(tmpdir(), 'trailgate-metric-identity-cfn-'))
    const template = join(dir, 'template.yaml')
    writeFileSync(template, edit(readFileSync('fixtures/iac/monitoring/cloudformation/template.yaml', 'utf8')))
    const report = JSON.parse(trailgate(['check', template, '--format', 'json']).stdout) as Report
    return report.results.find((entry) => entry.policy === 'cis-monitoring-root-usage')
  }
  const alarmLine = '      AlarmName: root_usage_alarm\n'

  it('an alarm with a dimension the filter does not publish: fail', () => {
    const result = rootUsageOfTemplate((text) => text.replace(alarmLine, `${alarmLine}      Dimensions:\n        - Name: Environment\n          Value: prod\n`))
    expect(result?.status).toBe('fail')
    expect(result?.message).toContain('no alarm watches metric CISBenchmark/root_usage_metric')
  })

  it('a filter dimension (Key) matched by the alarm dimension (Name) of the same name: pass', () => {
    const result = rootUsageOfTemplate((text) =>
      text
        .replace(alarmLine, `${alarmLine}      Dimensions:\n        - Name: Caller\n          Value: root\n`)
        .replace('        - MetricName: root_usage_metric\n', '        - MetricName: root_usage_metric\n          Dimensions:\n            - Key: Caller\n              Value: $.userIdentity.type\n'),
    )
    expect(result?.status).toBe('pass')
  })
})

describe('trailgate check: Terraform alarms carry their dimensions (built CLI)', () => {
  it('an alarm with a dimension the filter does not publish: fail', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trailgate-metric-identity-tf-'))
    const plan = JSON.parse(readFileSync('fixtures/iac/monitoring/terraform/plan.json', 'utf8')) as unknown
    const visit = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(visit)
      else if (typeof node === 'object' && node !== null) {
        const record = node as Json
        if (record.alarm_name === 'root_usage_alarm') record.dimensions = {Environment: 'prod'}
        Object.values(record).forEach(visit)
      }
    }
    visit(plan)
    writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan))
    const report = JSON.parse(trailgate(['check', join(dir, 'plan.json'), '--format', 'json']).stdout) as Report
    const result = report.results.find((entry) => entry.policy === 'cis-monitoring-root-usage')
    expect(result?.status).toBe('fail')
    expect(result?.message).toContain('no alarm watches metric CISBenchmark/root_usage_metric')
  })
})

/** Alarm conditions and whether each goes off on one matching event of a filter publishing 1. */
const CONDITIONS: {title: string; operator: string; threshold: number; status: 'pass' | 'fail'; says?: string}[] = [
  {title: 'LessThanThreshold 0 never fires on an event', operator: 'LessThanThreshold', threshold: 0, status: 'fail', says: `alarm 'root_usage_alarm' fires when Sum < 0; one matching event adds 1: set Threshold to 1 with GreaterThanOrEqualToThreshold`},
  {title: 'GreaterThanOrEqualToThreshold 1000 needs a thousand events', operator: 'GreaterThanOrEqualToThreshold', threshold: 1000, status: 'fail', says: `alarm 'root_usage_alarm' fires when Sum >= 1000; one matching event adds 1: set Threshold to 1 with GreaterThanOrEqualToThreshold`},
  {title: 'an anomaly band is not a count of events', operator: 'LessThanLowerOrGreaterThanUpperThreshold', threshold: 0, status: 'fail', says: `alarm 'root_usage_alarm' fires when Sum is outside its band (LessThanLowerOrGreaterThanUpperThreshold)`},
  {title: 'GreaterThanThreshold 0 fires on one event', operator: 'GreaterThanThreshold', threshold: 0, status: 'pass'},
  {title: 'the CIS condition (Sum >= 1) fires on one event', operator: 'GreaterThanOrEqualToThreshold', threshold: 1, status: 'pass'},
]

describe('trailgate check: an alarm counts only if one matching event fires it (built CLI)', () => {
  describe('AWS CLI describe-alarms', () => {
    for (const condition of CONDITIONS) {
      it(`${condition.title}: ${condition.status}`, () => {
        const result = rootUsageAfter(({alarms}) => {
          alarms[0]!.ComparisonOperator = condition.operator
          alarms[0]!.Threshold = condition.threshold
        })
        expect(result.status).toBe(condition.status)
        if (condition.says) expect(result.message).toContain(condition.says)
      })
    }

    it('a filter publishing 5 a match fires Sum >= 5 on one event: pass', () => {
      const result = rootUsageAfter(({alarms, filters}) => {
        transformationOf(filters[0]!).metricValue = '5'
        alarms[0]!.Threshold = 5
      })
      expect(result.status).toBe('pass')
    })

    it('SampleCount counts one datapoint per event whatever the value: SampleCount >= 5 fails', () => {
      const result = rootUsageAfter(({alarms, filters}) => {
        transformationOf(filters[0]!).metricValue = '5'
        alarms[0]!.Statistic = 'SampleCount'
        alarms[0]!.Threshold = 5
      })
      expect(result.status).toBe('fail')
      expect(result.message).toContain('fires when SampleCount >= 5; one matching event adds 1')
    })

    it('an alarm whose output leaves out its condition is not judged on it: pass', () => {
      const result = rootUsageAfter(({alarms}) => {
        delete alarms[0]!.ComparisonOperator
        delete alarms[0]!.Threshold
      })
      expect(result.status).toBe('pass')
    })
  })

  describe('CloudFormation template', () => {
    function rootUsageOfTemplate(operator: string, threshold: string) {
      const dir = mkdtempSync(join(tmpdir(), 'trailgate-alarm-condition-cfn-'))
      const template = join(dir, 'template.yaml')
      const text = readFileSync('fixtures/iac/monitoring/cloudformation/template.yaml', 'utf8')
      const alarm = '      AlarmName: root_usage_alarm\n      MetricName: root_usage_metric\n      Namespace: CISBenchmark\n      Statistic: Sum\n      Period: 300\n      EvaluationPeriods: 1\n      Threshold: 1\n      ComparisonOperator: GreaterThanOrEqualToThreshold\n'
      expect(text).toContain(alarm)
      writeFileSync(template, text.replace(alarm, alarm.replace('Threshold: 1\n', `Threshold: ${threshold}\n`).replace('ComparisonOperator: GreaterThanOrEqualToThreshold', `ComparisonOperator: ${operator}`)))
      const report = JSON.parse(trailgate(['check', template, '--format', 'json']).stdout) as Report
      return report.results.find((entry) => entry.policy === 'cis-monitoring-root-usage')
    }

    for (const condition of CONDITIONS) {
      it(`${condition.title}: ${condition.status}`, () => {
        const result = rootUsageOfTemplate(condition.operator, String(condition.threshold))
        expect(result?.status).toBe(condition.status)
        if (condition.says) expect(result?.message).toContain(condition.says)
      })
    }
  })

  describe('Terraform plan', () => {
    function rootUsageOfPlan(operator: string, threshold: number) {
      const dir = mkdtempSync(join(tmpdir(), 'trailgate-alarm-condition-tf-'))
      const plan = JSON.parse(readFileSync('fixtures/iac/monitoring/terraform/plan.json', 'utf8')) as unknown
      const visit = (node: unknown): void => {
        if (Array.isArray(node)) node.forEach(visit)
        else if (typeof node === 'object' && node !== null) {
          const record = node as Json
          if (record.alarm_name === 'root_usage_alarm') Object.assign(record, {comparison_operator: operator, threshold})
          Object.values(record).forEach(visit)
        }
      }
      visit(plan)
      writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan))
      const report = JSON.parse(trailgate(['check', join(dir, 'plan.json'), '--format', 'json']).stdout) as Report
      return report.results.find((entry) => entry.policy === 'cis-monitoring-root-usage')
    }

    for (const condition of CONDITIONS) {
      it(`${condition.title}: ${condition.status}`, () => {
        const result = rootUsageOfPlan(condition.operator, condition.threshold)
        expect(result?.status).toBe(condition.status)
        if (condition.says) expect(result?.message).toContain(condition.says)
      })
    }
  })
})
