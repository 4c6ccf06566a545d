/**
 * docs/monitoring.md shows trailgate's verdicts next to the text rules of Security Hub, Prowler and
 * Trivy, and the corpus size per control. Both blocks are computed here; the page must carry
 * exactly what they compute, so a change of behaviour fails until the page follows.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {compareFilterPatterns, MAX_CROSS_PRODUCT, MAX_NEIGHBOURHOOD, MAX_TERMS_PER_PATTERN} from '../../src/policy/filter-coverage.js'
import {CIS_CONTROLS, ROUTE_TABLE_AUDIT_TEXT, SECURITY_HUB_VARIANTS} from '../policy/cis-patterns.js'
import {prowlerPasses, renderComparisonTable, renderCorpusSizes, securityHubPasses, trivyPasses} from './monitoring-table.js'

const page = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'monitoring.md'), 'utf8')

function block(name: string): string {
  const match = new RegExp(`<!-- ${name}:start -->\\n([\\s\\S]*?)\\n<!-- ${name}:end -->`).exec(page)
  expect(match, `docs/monitoring.md has a ${name} block`).not.toBeNull()
  return match![1]!
}

const cis = (item: string) => CIS_CONTROLS.find((control) => control.item === item)!

describe('docs/monitoring.md', () => {
  it('shows the side-by-side table as computed', () => {
    expect(block('monitoring-table')).toBe(renderComparisonTable())
  })

  it('shows the corpus size per control as computed', () => {
    expect(block('monitoring-corpus')).toBe(renderCorpusSizes())
  })

  it('states the corpus bounds the code uses', () => {
    const flat = page.replace(/\s+/g, ' ')
    for (const phrase of [`exceed ${MAX_CROSS_PRODUCT.toLocaleString('en-US')} records`, `at most ${MAX_TERMS_PER_PATTERN} per pattern`, `at most ${MAX_NEIGHBOURHOOD.toLocaleString('en-US')} records`]) {
      expect(flat.includes(phrase), `docs/monitoring.md says "${phrase}"`).toBe(true)
    }
  })

  it('is linked from the README docs list', () => {
    expect(readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8')).toContain('- [docs/monitoring.md](docs/monitoring.md)')
  })
})

describe('the peers’ text rules, as re-implemented for the table', () => {
  it('Security Hub accepts its own printed variants and the CIS v1.4 text, and nothing reworded', () => {
    expect(securityHubPasses('4.3', SECURITY_HUB_VARIANTS['CloudWatch.1'])).toBe(true)
    expect(securityHubPasses('4.3', cis('4.3').generationA)).toBe(true)
    expect(securityHubPasses('4.3', cis('4.3').generationB)).toBe(false)
  })

  it('Prowler finds each clause in any order with optional quotes, whole names only, and wants the EC2 source for route tables', () => {
    expect(prowlerPasses('4.5', '{($.eventName="StopLogging")||($.eventName=StartLogging)||($.eventName=DeleteTrail)||($.eventName=UpdateTrail)||($.eventName=CreateTrail)}')).toBe(true)
    expect(prowlerPasses('4.5', '{($.eventName=StopLoggingX)||($.eventName=StartLogging)||($.eventName=DeleteTrail)||($.eventName=UpdateTrail)||($.eventName=CreateTrail)}')).toBe(false)
    expect(prowlerPasses('4.13', cis('4.13').generationB)).toBe(false)
    expect(prowlerPasses('4.13', ROUTE_TABLE_AUDIT_TEXT)).toBe(true)
  })

  it('Trivy needs its text as a substring, whitespace aside, and its root-usage text can never be matched by a valid filter', () => {
    expect(trivyPasses('4.1', cis('4.1').generationA)).toBe(true)
    expect(trivyPasses('4.1', cis('4.1').generationB)).toBe(false)
    expect(trivyPasses('4.3', SECURITY_HUB_VARIANTS['CloudWatch.1'])).toBe(false)
    expect(trivyPasses('4.3', '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && &.eventType != "AwsServiceEvent" }')).toBe(true)
    expect(() => compareFilterPatterns(cis('4.3').generationB, ['{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && &.eventType != "AwsServiceEvent" }'])).toThrow(/column/)
  })
})
