import {fileURLToPath} from 'node:url'

import {describe, expect, it} from 'vitest'

import {readInputs} from '../../src/inputs/index.js'
import {ACCOUNT, MANAGEMENT, region, trailNamed} from './helpers.js'

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
const BAD = 'fixtures/evidence/bad'
const MIXED = 'fixtures/evidence/mixed-account'

describe('fixtures/evidence/bad: every bad input is reported and the good ones are still read', async () => {
  const inventory = await readInputs([BAD], {cwd: repoRoot})
  const diagnosticOf = (file: string) => inventory.diagnostics.filter((diagnostic) => diagnostic.file === `${BAD}/${file}`)

  it('accounts for every file', () => {
    expect(inventory.inputs.map((input) => [input.path.slice(BAD.length + 1), input.fate])).toEqual([
      ['describe-trails.eu-west-1.json', 'failed'],
      ['describe-trails.us-east-1.json', 'read'],
      ['get-event-selectors-ghost.json', 'failed'],
      ['get-trail-status-good-trail.json', 'read'],
      ['get-trail-status-nonexistent.json', 'failed'],
      ['notes.txt', 'skipped'],
      ['status.json', 'failed'],
    ])
  })

  it('truncated JSON: the JSON message at the line and column where the text stops', () => {
    expect(diagnosticOf('describe-trails.eu-west-1.json')).toEqual([
      {severity: 'error', code: 'json-syntax', file: `${BAD}/describe-trails.eu-west-1.json`, line: 11, column: 13, message: 'Unexpected end of JSON input'},
    ])
    expect(inventory.inputs[0]?.detail).toBe('describe-trails: Unexpected end of JSON input (line 11, column 13)')
  })

  it('a wrong type and a trail with no Name: both pointed at, the other trails kept', () => {
    expect(diagnosticOf('describe-trails.us-east-1.json').map((d) => [d.line, d.column, d.message])).toEqual([
      [24, 35, 'trail typo-trail: IsMultiRegionTrail must be a boolean, found "yes"'],
      [34, 9, 'trailList[2] has no Name; the trail is left out'],
    ])
    expect(inventory.trails.map((trail) => trail.label)).toEqual(['good-trail (us-east-1)', 'typo-trail (us-east-1)'])
    expect(trailNamed(inventory, 'typo-trail').document.IsMultiRegionTrail).toEqual({$unknown: 'IsMultiRegionTrail must be a boolean, found "yes"'})
    expect(trailNamed(inventory, 'good-trail').document.Status?.IsLogging).toBe(true)
  })

  it('a selector file for an unknown trail names the ARN', () => {
    expect(diagnosticOf('get-event-selectors-ghost.json').map((d) => [d.line, d.column, d.message])).toEqual([
      [2, 17, `get-event-selectors output for arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/ghost, but no trail with that ARN is among the inputs`],
    ])
  })

  it('status files whose trail cannot be determined from the name', () => {
    expect(diagnosticOf('get-trail-status-nonexistent.json').map((d) => [d.line, d.column, d.message])).toEqual([
      [1, 1, 'get-trail-status output for trail nonexistent (from the file name), but no trail of that name is among the inputs'],
    ])
    expect(diagnosticOf('status.json').map((d) => [d.line, d.column, d.message])).toEqual([
      [1, 1, 'cannot tell which trail this get-trail-status output is for: name the file get-trail-status-<TrailName>.json or <TrailName>.status.json'],
    ])
  })

  it('a text file is skipped with its reason, not reported as an error', () => {
    expect(inventory.inputs.find((input) => input.path.endsWith('notes.txt'))?.detail).toBe('not JSON or YAML of a recognized shape')
    expect(diagnosticOf('notes.txt')).toEqual([])
  })
})

describe('fixtures/evidence/mixed-account', async () => {
  const inventory = await readInputs([MIXED], {cwd: repoRoot})

  it('reads every file cleanly and says whose account it is', () => {
    expect(inventory.inputs).toHaveLength(17)
    expect(inventory.inputs.filter((input) => input.fate !== 'read')).toEqual([
      {path: `${MIXED}/EXPECTED.md`, fate: 'skipped', detail: 'not JSON or YAML of a recognized shape'},
    ])
    expect(inventory.diagnostics).toEqual([])
    expect(inventory.notes).toEqual([`account ${ACCOUNT} inferred from the trails' ARNs`])
  })

  it('has one subject per trail, the organization trail marked as another account\'s', () => {
    expect(inventory.trails.map((trail) => trail.label).sort()).toEqual([
      'advanced-trail (eu-west-1)',
      'data-heavy (eu-west-1)',
      'main (us-east-1)',
      'org-audit (us-east-1)',
      'stopped-trail (eu-west-1)',
      'unencrypted-trail (eu-west-1)',
    ])
    const org = trailNamed(inventory, 'org-audit')
    expect(org.account).toBe(MANAGEMENT)
    expect(org.document.Facts).toMatchObject({IsOtherAccount: true, IsShadow: false, ManagementEvents: 'ReadWrite'})
  })

  it('counts six trails in eu-west-1, shadows and the organization trail included', () => {
    expect(region(inventory, `${ACCOUNT}/eu-west-1`).document.Facts).toEqual({TrailCount: 6, ShadowTrailCount: 2, OrganizationTrailCount: 1})
    expect(region(inventory, `${ACCOUNT}/us-east-1`).document.Facts).toEqual({TrailCount: 2, ShadowTrailCount: 0, OrganizationTrailCount: 1})
  })

  it('carries the bad trails\' facts: 251 data resources, logging stopped, no KMS key, advanced selectors read', () => {
    expect(trailNamed(inventory, 'data-heavy').document.Facts.DataResourceCount).toBe(251)
    expect(trailNamed(inventory, 'stopped-trail').document.Status?.IsLogging).toBe(false)
    expect(trailNamed(inventory, 'unencrypted-trail').document.KmsKeyId).toBeUndefined()
    expect(trailNamed(inventory, 'advanced-trail').document.Facts).toMatchObject({ManagementEvents: 'ReadWrite', AdvancedSelectorValueCount: 5, EventSelectorCount: 0})
    expect(trailNamed(inventory, 'main').document.InsightSelectors).toHaveLength(2)
  })

  it('has one account view with every trail once', () => {
    expect(inventory.accounts.map((account) => [account.id, account.document.Facts])).toEqual([
      [ACCOUNT, {TrailCount: 6, MultiRegionTrailCount: 2, LoggingTrailCount: 5}],
    ])
  })
})
