import {fileURLToPath} from 'node:url'

import {describe, expect, it} from 'vitest'

import {readInputs} from '../../src/inputs/index.js'
import type {TrailDocument} from '../../src/model/types.js'
import {ACCOUNT, MANAGEMENT, readFolder, region, trailArn, trailNamed} from './helpers.js'

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))

const yamlSnapshot = `kind: trailgate-snapshot
version: 1
collectedAt: "2025-06-03T08:00:00Z"
accounts:
  - accountId: "${ACCOUNT}"
    regions: [us-east-1, eu-west-1]
    trails:
      - Name: main
        TrailARN: ${trailArn('main')}
        HomeRegion: us-east-1
        IsMultiRegionTrail: true
        LogFileValidationEnabled: true
        Status: {IsLogging: true}
        EventSelectors:
          - {ReadWriteType: WriteOnly, IncludeManagementEvents: true}
        Tags: {team: security}
        ConfigurationVersion: 7
    errors:
      - {region: eu-west-1, operation: GetInsightSelectors, message: "AccessDeniedException: not authorized"}
`

describe('the trailgate snapshot', () => {
  it('reads a clean single-account snapshot: trails, regions and the collection time', async () => {
    const inventory = await readInputs(['fixtures/evidence/snapshot-good.json'], {cwd: repoRoot})
    expect(inventory.inputs).toEqual([
      {path: 'fixtures/evidence/snapshot-good.json', kind: 'trailgate/snapshot', fate: 'read', detail: 'snapshot: 1 account, 1 trail, collected at 2025-06-03T08:00:00Z'},
    ])
    expect(inventory.diagnostics).toEqual([])
    expect(inventory.notes).toEqual([
      'fixtures/evidence/snapshot-good.json: snapshot collected at 2025-06-03T08:00:00Z by trailgate 0.1.0',
      `account ${ACCOUNT} named by the inputs (snapshot or template environment)`,
    ])
    expect(inventory.regions.map((view) => [view.id, view.document.Facts.TrailCount])).toEqual([
      [`${ACCOUNT}/eu-west-1`, 1],
      [`${ACCOUNT}/us-east-1`, 1],
    ])
    const main = trailNamed(inventory, 'main')
    expect(main.document.Status?.IsLogging).toBe(true)
    expect(main.document.Tags).toEqual({team: 'security', environment: 'production'})
    expect(main.provenance).toMatchObject({kind: 'trailgate/snapshot', location: {file: 'fixtures/evidence/snapshot-good.json', line: 18, column: 9}})
  })

  it('reads an organization snapshot: one subject for the organization trail, seen from both accounts', async () => {
    const inventory = await readInputs(['fixtures/evidence/snapshot-org.json'], {cwd: repoRoot})
    expect(inventory.diagnostics).toEqual([])
    expect(inventory.trails.map((trail) => [trail.label, trail.account])).toEqual([
      ['org-audit (us-east-1)', MANAGEMENT],
      ['app-trail (eu-west-1)', ACCOUNT],
    ])
    const memberEurope = region(inventory, `${ACCOUNT}/eu-west-1`).document
    expect(memberEurope.Facts).toEqual({TrailCount: 2, ShadowTrailCount: 1, OrganizationTrailCount: 1})
    expect((memberEurope.Trails as TrailDocument[]).map((trail) => [trail.Name, trail.Facts.IsOtherAccount])).toEqual([
      ['app-trail', false],
      ['org-audit', true],
    ])
    expect(inventory.accounts.map((account) => [account.id, account.document.Facts.TrailCount])).toEqual([
      [ACCOUNT, 2],
      [MANAGEMENT, 1],
    ])
  })

  it('reads YAML, keeps unknown trail fields and turns collection errors into error diagnostics', async () => {
    const inventory = await readFolder({'snapshot.yaml': yamlSnapshot})
    const main = trailNamed(inventory, 'main')
    expect(main.document.ConfigurationVersion).toBe(7)
    expect(main.document.Facts.ManagementEvents).toBe('WriteOnly')
    expect(inventory.diagnostics).toEqual([
      expect.objectContaining({
        severity: 'error',
        code: 'collection-error',
        file: 'snapshot.yaml',
        line: 19,
        column: 9,
        message: `account ${ACCOUNT} in eu-west-1: GetInsightSelectors could not be read: AccessDeniedException: not authorized`,
      }),
    ])
  })

  it('points at a wrongly typed trail field by line and column, and makes the field unknown', async () => {
    const inventory = await readFolder({'snapshot.yaml': yamlSnapshot.replace('IsMultiRegionTrail: true', 'IsMultiRegionTrail: "yes"')})
    expect(inventory.diagnostics[0]).toMatchObject({
      severity: 'error',
      file: 'snapshot.yaml',
      line: 11,
      column: 29,
      message: 'trail main: IsMultiRegionTrail must be a boolean, found "yes"',
    })
    expect(trailNamed(inventory, 'main').document.IsMultiRegionTrail).toEqual({$unknown: 'IsMultiRegionTrail must be a boolean, found "yes"'})
  })

  it('fails a snapshot of the wrong version, naming the line and column', async () => {
    const inventory = await readFolder({'snapshot.yaml': yamlSnapshot.replace('version: 1', 'version: 3')})
    expect(inventory.inputs[0]).toMatchObject({fate: 'failed', detail: 'snapshot: snapshot: version must be one of 1, 2, found 3 (line 2, column 10)'})
    expect(inventory.diagnostics).toEqual([expect.objectContaining({severity: 'error', code: 'snapshot-schema', line: 2, column: 10, message: 'snapshot: version must be one of 1, 2, found 3'})])
    expect(inventory.trails).toEqual([])
  })

  it('leaves out an account without an accountId and keeps the others', async () => {
    const broken = yamlSnapshot.replace(`accounts:\n`, `accounts:\n  - regions: [us-east-1]\n    trails: []\n`)
    const inventory = await readFolder({'snapshot.yaml': broken})
    expect(inventory.diagnostics.map((diagnostic) => [diagnostic.line, diagnostic.column, diagnostic.message])).toEqual([
      [5, 5, 'snapshot: accounts[0] has no accountId'],
      [5, 5, 'snapshot: accounts[0] is left out'],
      [21, 9, `account ${ACCOUNT} in eu-west-1: GetInsightSelectors could not be read: AccessDeniedException: not authorized`],
    ])
    expect(inventory.trails.map((trail) => trail.document.Name)).toEqual(['main'])
  })

  it('reports a YAML syntax error at its line and column', async () => {
    const inventory = await readFolder({'snapshot.yaml': 'kind: trailgate-snapshot\nversion: 1\naccounts: [\n'})
    expect(inventory.inputs[0]).toMatchObject({path: 'snapshot.yaml', kind: 'trailgate/snapshot', fate: 'failed'})
    expect(inventory.diagnostics[0]).toMatchObject({severity: 'error', file: 'snapshot.yaml', line: 4})
  })

  it('uses the region listing a snapshot gives, and flags ARNs it lists that are not among the trails', async () => {
    const withListing = yamlSnapshot.replace('    errors:', `    regionTrails:\n      eu-west-1: [${trailArn('ghost')}]\n    errors:`)
    const inventory = await readFolder({'snapshot.yaml': withListing})
    expect(inventory.diagnostics[0]).toMatchObject({code: 'unknown-trail', line: 19, column: 19, message: `snapshot: regionTrails.eu-west-1 lists ${trailArn('ghost')}, which is not among account ${ACCOUNT}'s trails`})
    expect(region(inventory, `${ACCOUNT}/eu-west-1`).document.Facts.TrailCount).toBe(0)
    expect(region(inventory, `${ACCOUNT}/us-east-1`).document.Facts.TrailCount).toBe(1)
  })
})
