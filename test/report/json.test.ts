import {describe, expect, it} from 'vitest'

import {renderJson, renderJsonChunks} from '../../src/report/json.js'
import {fixtureReport, result} from './fixture-report.js'

describe('JSON report', () => {
  it('is the report as JSON.stringify writes it, in pieces that do not grow with the results', () => {
    const report = fixtureReport()
    report.results = Array.from({length: 2500}, (_, n) => result({policy: `p-${n}`, message: `line one\nline "two" ${n}`}))
    const chunks = [...renderJsonChunks(report)]
    expect(chunks.join('')).toBe(`${JSON.stringify(report, null, 2)}\n`)
    expect(chunks.length).toBeGreaterThan(3)
    expect(JSON.parse(renderJson(report))).toEqual(report)
  })

  it('renders a report without results whole', () => {
    const report = {...fixtureReport(), results: []}
    expect(renderJson(report)).toBe(`${JSON.stringify(report, null, 2)}\n`)
  })
})
