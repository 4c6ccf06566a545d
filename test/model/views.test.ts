import {describe, expect, it} from 'vitest'

import {trailFacts} from '../../src/model/facts.js'
import {isUnknown, type TrailDocument, type TrailSubject, type UnknownValue} from '../../src/model/types.js'
import {buildViews} from '../../src/model/views.js'

const ACCOUNT = '111122223333'
const MANAGEMENT = '999988887777'

function subject(name: string, home: string, options: {multi?: boolean; org?: boolean; account?: string; logging?: boolean} = {}): TrailSubject {
  const account = options.account ?? ACCOUNT
  const body: Omit<TrailDocument, 'Facts'> = {
    Name: name,
    HomeRegion: home,
    TrailARN: `arn:aws:cloudtrail:${home}:${account}:trail/${name}`,
    IsMultiRegionTrail: options.multi ?? false,
    IsOrganizationTrail: options.org ?? false,
    Status: {IsLogging: options.logging ?? true},
  }
  return {
    type: 'trail',
    id: body.TrailARN as string,
    label: `${name} (${home})`,
    account,
    region: home,
    document: {...body, Facts: trailFacts(body, {isShadow: false, isOtherAccount: account !== ACCOUNT})},
    provenance: {kind: 'aws-cli/describe-trails'},
  }
}

/** Trail names of a view; an unread view (unknown trails) has none to name. */
const names = (trails: (TrailDocument | UnknownValue)[] | UnknownValue) => (isUnknown(trails) ? [] : trails.filter((trail): trail is TrailDocument => !isUnknown(trail))).map((trail) => `${String(trail.Name)}${trail.Facts.IsShadow ? ' (shadow)' : ''}${trail.Facts.IsOtherAccount ? ' (other account)' : ''}`)

describe('region views', () => {
  it('count home trails, shadow copies of multi-region trails and organization trails, as AWS counts them', () => {
    const trails = [
      subject('a', 'eu-west-1'),
      subject('b', 'eu-west-1'),
      subject('c', 'eu-west-1'),
      subject('d', 'eu-west-1'),
      subject('main', 'us-east-1', {multi: true}),
      subject('org', 'us-east-1', {multi: true, org: true, account: MANAGEMENT}),
      subject('local', 'us-east-1'),
    ]
    const {regions} = buildViews(trails, [{account: ACCOUNT, regions: ['eu-west-1', 'us-east-1']}])
    expect(regions.map((view) => view.id)).toEqual([`${ACCOUNT}/eu-west-1`, `${ACCOUNT}/us-east-1`])
    const euWest = regions[0]?.document
    expect(names(euWest?.Trails ?? [])).toEqual(['a', 'b', 'c', 'd', 'main (shadow)', 'org (shadow) (other account)'])
    expect(euWest?.Facts).toEqual({TrailCount: 6, ShadowTrailCount: 2, OrganizationTrailCount: 1})
    const usEast = regions[1]?.document
    expect(names(usEast?.Trails ?? [])).toEqual(['main', 'org (other account)', 'local'])
    expect(usEast?.Facts).toEqual({TrailCount: 3, ShadowTrailCount: 0, OrganizationTrailCount: 1})
  })

  it('keeps a single-region organization trail in its home region only', () => {
    const trails = [subject('org-local', 'us-east-1', {org: true, account: MANAGEMENT})]
    const {regions} = buildViews(trails, [{account: ACCOUNT, regions: ['eu-west-1']}])
    expect(regions.map((view) => [view.id, view.document.Facts.TrailCount])).toEqual([
      [`${ACCOUNT}/eu-west-1`, 0],
      [`${ACCOUNT}/us-east-1`, 1],
    ])
  })

  it('uses exactly the listing a snapshot gives for a region', () => {
    const main = subject('main', 'us-east-1', {multi: true})
    const {regions} = buildViews([main, subject('x', 'eu-west-1')], [{account: ACCOUNT, regions: ['eu-west-1'], regionTrails: {'eu-west-1': [main.id]}}])
    expect(names(regions.find((view) => view.region === 'eu-west-1')?.document.Trails ?? [])).toEqual(['main (shadow)'])
  })

  it('makes a view for a region the evidence names even when no trail logs there', () => {
    const {regions} = buildViews([], [{account: ACCOUNT, regions: ['ap-south-1']}])
    expect(regions).toHaveLength(1)
    expect(regions[0]).toMatchObject({id: `${ACCOUNT}/ap-south-1`, label: `${ACCOUNT}/ap-south-1`, account: ACCOUNT, region: 'ap-south-1'})
    expect(regions[0]?.document.Facts.TrailCount).toBe(0)
  })
})

describe('account views', () => {
  it('hold each trail once, with the account counts', () => {
    const trails = [
      subject('main', 'us-east-1', {multi: true}),
      subject('stopped', 'eu-west-1', {logging: false}),
      subject('org', 'us-east-1', {multi: true, org: true, account: MANAGEMENT}),
    ]
    const {accounts} = buildViews(trails, [{account: ACCOUNT, regions: ['eu-west-1']}])
    expect(accounts.map((view) => view.id)).toEqual([ACCOUNT])
    expect(accounts[0]?.document.Regions).toEqual(['eu-west-1', 'us-east-1'])
    expect(names(accounts[0]?.document.Trails ?? [])).toEqual(['main', 'stopped', 'org (other account)'])
    expect(accounts[0]?.document.Facts).toEqual({TrailCount: 3, MultiRegionTrailCount: 2, LoggingTrailCount: 2})
  })

  it('gives no views to an account that only owns organization trails the evidence shows', () => {
    const {accounts} = buildViews([subject('org', 'us-east-1', {multi: true, org: true, account: MANAGEMENT})], [{account: ACCOUNT, regions: []}])
    expect(accounts.map((view) => view.id)).toEqual([ACCOUNT])
  })
})

describe('views of evidence that could not be read', () => {
  const denied = 'DescribeTrails failed in eu-west-1: AccessDeniedException: not authorized'

  it('make a region whose listing failed unknown, with why, and keep its unseen trails unknown in the account', () => {
    const trails = [subject('main', 'us-east-1', {multi: true})]
    const coverage = {account: ACCOUNT, regions: ['us-east-1', 'eu-west-1'], exhaustive: true, regionTrails: {'us-east-1': [trails[0]!.id]}, unread: {'eu-west-1': denied}}
    const {regions, accounts} = buildViews(trails, [coverage])
    const europe = regions.find((view) => view.region === 'eu-west-1')?.document
    expect(europe?.Facts.TrailCount).toEqual({$unknown: `not read: ${denied}`})
    expect(europe?.Trails).toEqual({$unknown: `not read: ${denied}`})
    const listed = accounts[0]?.document.Trails
    expect(Array.isArray(listed) ? listed.filter(isUnknown) : listed).toEqual([{$unknown: `not read: the trails homed in eu-west-1 (${denied})`}])
  })

  it('judge no region a complete list of regions leaves out, and no account with no region examined', () => {
    const trails = [subject('mumbai', 'ap-south-1', {multi: true}), subject('org', 'us-east-1', {multi: true, org: true, account: MANAGEMENT})]
    const {regions, accounts} = buildViews(trails, [
      {account: ACCOUNT, regions: ['us-east-1'], exhaustive: true},
      {account: '444455556666', regions: [], exhaustive: true},
    ])
    expect(regions.map((view) => view.id)).toEqual([`${ACCOUNT}/us-east-1`])
    expect(accounts.map((view) => view.id)).toEqual([ACCOUNT])
  })
})
