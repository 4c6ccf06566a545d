import {describe, expect, it} from 'vitest'

import {assemble} from '../../src/inputs/index.js'
import {emptyReaderOutput} from '../../src/inputs/types.js'
import {ACCOUNT, MANAGEMENT, cliTrail, json, readFolder, region, trailArn, trailNamed} from './helpers.js'

const status = (isLogging: boolean) => json({IsLogging: isLogging, LatestDeliveryTime: '2025-06-03T07:55:02.114000+00:00'})

describe('joining AWS CLI outputs into trails', () => {
  it('joins selectors, insight selectors and tags by TrailARN, and points fields at the files they came from', async () => {
    const inventory = await readFolder({
      'describe-trails.json': json({trailList: [cliTrail('main', {HasCustomEventSelectors: true, HasInsightSelectors: true})]}),
      'selectors.json': json({TrailARN: trailArn('main'), EventSelectors: [{ReadWriteType: 'ReadOnly', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: []}]}),
      'insights.json': json({TrailARN: trailArn('main'), InsightSelectors: [{InsightType: 'ApiErrorRateInsight'}]}),
      'tags.json': json({ResourceTagList: [{ResourceId: trailArn('main'), TagsList: [{Key: 'team', Value: 'security'}, {Key: 'cost-center', Value: '42'}]}]}),
    })
    const main = trailNamed(inventory, 'main')
    expect(main.document.Tags).toEqual({team: 'security', 'cost-center': '42'})
    expect(main.document.InsightSelectors).toEqual([{InsightType: 'ApiErrorRateInsight'}])
    expect(main.document.Facts.ManagementEvents).toBe('ReadOnly')
    expect(main.provenance.location).toMatchObject({file: 'describe-trails.json', line: 3, column: 9})
    expect(main.provenance.fields?.KmsKeyId).toMatchObject({file: 'describe-trails.json', line: 11})
    expect(main.provenance.fields?.['EventSelectors.0.ReadWriteType']).toMatchObject({file: 'selectors.json', line: 5})
    expect(main.provenance.fields?.['Tags.team']).toMatchObject({file: 'tags.json'})
    expect(main.provenance.files).toEqual(['insights.json', 'selectors.json', 'tags.json'])
    expect(inventory.diagnostics).toEqual([])
  })

  it('joins get-trail-status to its trail by either file name form', async () => {
    const inventory = await readFolder({
      'trails.json': json({trailList: [cliTrail('main'), cliTrail('second'), cliTrail('third')]}),
      'get-trail-status-main.json': status(true),
      'second.status.json': status(false),
    })
    expect(trailNamed(inventory, 'main').document.Status?.IsLogging).toBe(true)
    expect(trailNamed(inventory, 'second').document.Status?.IsLogging).toBe(false)
    expect(trailNamed(inventory, 'main').provenance.fields?.['Status.IsLogging']).toMatchObject({file: 'get-trail-status-main.json', line: 2, column: 18})
    expect(trailNamed(inventory, 'third').document.Status).toEqual({IsLogging: {$unknown: 'no get-trail-status output was given for this trail'}})
  })

  it('makes the selectors unknown when a trail has custom selectors but none were given', async () => {
    const inventory = await readFolder({'trails.json': json({trailList: [cliTrail('main', {HasCustomEventSelectors: true})]})})
    const facts = trailNamed(inventory, 'main').document.Facts
    expect(facts.ManagementEvents).toEqual({$unknown: 'the trail has custom event selectors, but no get-event-selectors output was given for it'})
    expect(facts.DataResourceCount).toEqual(facts.ManagementEvents)
  })

  it('deduplicates a trail listed in several regions into one subject with its home-region details', async () => {
    const main = cliTrail('main', {IsMultiRegionTrail: true})
    const inventory = await readFolder({
      'eu-west-1/describe-trails.json': json({trailList: [main]}),
      'us-east-1/describe-trails.json': json({trailList: [main, cliTrail('local')]}),
    })
    expect(inventory.trails.map((trail) => trail.label)).toEqual(['main (us-east-1)', 'local (us-east-1)'])
    const subject = trailNamed(inventory, 'main')
    expect(subject.provenance.location?.file).toBe('us-east-1/describe-trails.json')
    expect(subject.provenance.files).toEqual(['eu-west-1/describe-trails.json'])
    expect(region(inventory, `${ACCOUNT}/eu-west-1`).document.Facts).toEqual({TrailCount: 1, ShadowTrailCount: 1, OrganizationTrailCount: 0})
    expect(region(inventory, `${ACCOUNT}/us-east-1`).document.Facts.TrailCount).toBe(2)
  })

  it('reports conflicting evidence about one trail and keeps the home-region value', async () => {
    const inventory = await readFolder({
      'describe-trails.eu-west-1.json': json({trailList: [cliTrail('main', {IsMultiRegionTrail: true, LogFileValidationEnabled: false})]}),
      'describe-trails.us-east-1.json': json({trailList: [cliTrail('main', {IsMultiRegionTrail: true})]}),
    })
    expect(trailNamed(inventory, 'main').document.LogFileValidationEnabled).toBe(true)
    expect(inventory.diagnostics).toEqual([
      expect.objectContaining({
        severity: 'error',
        code: 'conflicting-evidence',
        file: 'describe-trails.eu-west-1.json',
        line: 10,
        column: 41,
        message: 'conflicting evidence for trail main: LogFileValidationEnabled is false here but true at describe-trails.us-east-1.json:10:41, which is used',
      }),
    ])
  })

  it('reports two different status files for one trail', async () => {
    const inventory = await readFolder({
      'trails.json': json({trailList: [cliTrail('main')]}),
      'get-trail-status-main.json': status(true),
      'main.status.json': status(false),
    })
    expect(inventory.diagnostics).toEqual([expect.objectContaining({code: 'conflicting-evidence', file: 'main.status.json', line: 1, column: 1})])
    expect(trailNamed(inventory, 'main').document.Status?.IsLogging).toBe(true)
  })

  it('uses a region folder to tell apart status files for trails that share a name', async () => {
    const inventory = await readFolder({
      'trails.json': json({trailList: [cliTrail('audit'), cliTrail('audit', {HomeRegion: 'eu-west-1'})]}),
      'eu-west-1/get-trail-status-audit.json': status(false),
      'us-east-1/get-trail-status-audit.json': status(true),
    })
    expect(inventory.trails.map((trail) => [trail.label, trail.document.Status?.IsLogging])).toEqual([
      ['audit (us-east-1)', true],
      ['audit (eu-west-1)', false],
    ])
  })
})

describe('whose evidence it is', () => {
  it('infers the account from the ARNs of the trails that are not organization trails, and says so', async () => {
    const inventory = await readFolder({
      'trails.json': json({trailList: [cliTrail('org', {account: MANAGEMENT, IsOrganizationTrail: true, IsMultiRegionTrail: true}), cliTrail('main')]}),
    })
    expect(inventory.notes).toEqual([`account ${ACCOUNT} inferred from the trails' ARNs`])
    expect(trailNamed(inventory, 'org').document.Facts.IsOtherAccount).toBe(true)
    expect(trailNamed(inventory, 'main').document.Facts.IsOtherAccount).toBe(false)
    expect(inventory.accounts.map((account) => account.id)).toEqual([ACCOUNT])
  })

  it('picks the most frequent account when the trails disagree, with a warning', async () => {
    const inventory = await readFolder({
      'trails.json': json({trailList: [cliTrail('a'), cliTrail('b'), cliTrail('c', {account: '444455556666'})]}),
    })
    expect(inventory.notes).toEqual([`account ${ACCOUNT} inferred from the trails' ARNs`])
    expect(inventory.diagnostics).toEqual([
      {
        severity: 'warning',
        code: 'account-ambiguous',
        message: `the trails belong to several accounts (${ACCOUNT}: 2, 444455556666: 1); the evidence is judged as account ${ACCOUNT}'s, the most frequent. Pass --account to say which`,
      },
    ])
  })

  it('takes --account over the ARNs', async () => {
    const inventory = await readFolder({'describe-trails.eu-west-1.json': json({trailList: [cliTrail('main')]})}, {account: '444455556666', regions: ['ap-south-1']})
    expect(inventory.notes).toEqual(['account 444455556666 from --account'])
    expect(inventory.accounts.map((view) => view.id)).toEqual([ACCOUNT, '444455556666'])
    expect(inventory.regions.filter((view) => view.account === '444455556666').map((view) => view.id)).toEqual(['444455556666/ap-south-1', '444455556666/eu-west-1'])
    expect(trailNamed(inventory, 'main').document.Facts.IsOtherAccount).toBe(true)
  })

  it('judges the regions of empty listings for the inferred account', async () => {
    const inventory = await readFolder({
      'describe-trails.us-east-1.json': json({trailList: [cliTrail('main', {IsMultiRegionTrail: true})]}),
      'describe-trails.sa-east-1.json': json({trailList: []}),
    })
    expect(region(inventory, `${ACCOUNT}/sa-east-1`).document.Facts).toEqual({TrailCount: 1, ShadowTrailCount: 1, OrganizationTrailCount: 0})
    expect(region(inventory, `${ACCOUNT}/sa-east-1`).provenance.location?.file).toBe('describe-trails.sa-east-1.json')
  })
})

describe('assemble', () => {
  it('joins reader outputs given directly, in order, with an inputs entry for each', () => {
    const listing = emptyReaderOutput('aws-cli/describe-trails', 'describe-trails: 1 trail')
    listing.trails.push({document: {Name: 'main', TrailARN: trailArn('main'), HomeRegion: 'us-east-1'}, provenance: {kind: 'aws-cli/describe-trails'}})
    const tags = emptyReaderOutput('aws-cli/list-tags', 'list-tags: tags of 1 resource')
    tags.fragments.push({kind: 'tags', resourceId: trailArn('main'), tags: {team: 'a'}, provenance: {kind: 'aws-cli/list-tags', location: {file: 'tags.json', line: 1, column: 1}}})
    const inventory = assemble([{file: 'trails.json', output: listing}, {file: 'tags.json', output: tags}], {})
    expect(inventory.inputs.map((input) => input.fate)).toEqual(['read', 'read'])
    expect(inventory.trails[0]?.document.Tags).toEqual({team: 'a'})
    expect(inventory.trails[0]?.document.Facts.ManagementEvents).toBe('ReadWrite')
  })
})
