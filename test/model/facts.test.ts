import {describe, expect, it} from 'vitest'

import {trailFacts} from '../../src/model/facts.js'
import {unknown, type TrailDocument} from '../../src/model/types.js'

const own = {isShadow: false, isOtherAccount: false}
const facts = (trail: Omit<TrailDocument, 'Facts'>) => trailFacts(trail, own)
const basic = (overrides: Record<string, unknown> = {}) => ({ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [], ...overrides})
const advanced = (...conditions: {Field: string; [operator: string]: unknown}[]) => ({Name: 'selector', FieldSelectors: conditions})
const management = {Field: 'eventCategory', Equals: ['Management']}

describe('ManagementEvents', () => {
  it('is ReadWrite for a trail with no selectors at all (CloudTrail logs all management events by default)', () => {
    expect(facts({Name: 't'}).ManagementEvents).toBe('ReadWrite')
    expect(facts({Name: 't', EventSelectors: [], AdvancedEventSelectors: []}).ManagementEvents).toBe('ReadWrite')
  })

  it('follows the ReadWriteType of basic selectors', () => {
    expect(facts({EventSelectors: [basic()]}).ManagementEvents).toBe('ReadWrite')
    expect(facts({EventSelectors: [basic({ReadWriteType: 'ReadOnly'})]}).ManagementEvents).toBe('ReadOnly')
    expect(facts({EventSelectors: [basic({ReadWriteType: 'WriteOnly'})]}).ManagementEvents).toBe('WriteOnly')
  })

  it('is None when no basic selector includes management events', () => {
    expect(facts({EventSelectors: [basic({IncludeManagementEvents: false})]}).ManagementEvents).toBe('None')
  })

  it('adds a read-only and a write-only selector up to ReadWrite, as CloudTrail applies them', () => {
    const trail = {EventSelectors: [basic({ReadWriteType: 'ReadOnly'}), basic({ReadWriteType: 'WriteOnly'})]} as Omit<TrailDocument, 'Facts'>
    expect(facts(trail).ManagementEvents).toBe('ReadWrite')
    const writesWithoutManagement = {EventSelectors: [basic({ReadWriteType: 'ReadOnly'}), basic({ReadWriteType: 'WriteOnly', IncludeManagementEvents: false})]} as Omit<TrailDocument, 'Facts'>
    expect(facts(writesWithoutManagement).ManagementEvents).toBe('ReadOnly')
  })

  it('is ReadWrite when any single selector logs both', () => {
    const trail = {EventSelectors: [basic({ReadWriteType: 'ReadOnly'}), basic({IncludeManagementEvents: false}), basic()]} as Omit<TrailDocument, 'Facts'>
    expect(facts(trail).ManagementEvents).toBe('ReadWrite')
  })

  it('reads advanced selectors: the eventCategory Management selector and its readOnly condition', () => {
    expect(facts({AdvancedEventSelectors: [advanced(management)]}).ManagementEvents).toBe('ReadWrite')
    expect(facts({AdvancedEventSelectors: [advanced(management, {Field: 'readOnly', Equals: ['true']})]}).ManagementEvents).toBe('ReadOnly')
    expect(facts({AdvancedEventSelectors: [advanced(management, {Field: 'readOnly', Equals: ['false']})]}).ManagementEvents).toBe('WriteOnly')
    expect(facts({AdvancedEventSelectors: [advanced(management, {Field: 'readOnly', NotEquals: ['true']})]}).ManagementEvents).toBe('WriteOnly')
  })

  it('is None when the advanced selectors log only data events', () => {
    const data = advanced({Field: 'eventCategory', Equals: ['Data']}, {Field: 'resources.type', Equals: ['AWS::S3::Object']})
    expect(facts({AdvancedEventSelectors: [data]}).ManagementEvents).toBe('None')
  })

  it('is unknown when the selectors are unknown, or any of them is', () => {
    expect(facts({EventSelectors: unknown('no get-event-selectors output')}).ManagementEvents).toEqual({$unknown: 'no get-event-selectors output'})
    const partly = {EventSelectors: [basic(), basic({ReadWriteType: unknown('!Ref Mode')})]} as Omit<TrailDocument, 'Facts'>
    expect(facts(partly).ManagementEvents).toEqual({$unknown: 'EventSelectors[1].ReadWriteType: !Ref Mode'})
  })

  it('is unknown for a readOnly condition it cannot interpret', () => {
    const odd = facts({AdvancedEventSelectors: [advanced(management, {Field: 'readOnly', StartsWith: ['t']})]})
    expect(odd.ManagementEvents).toEqual({$unknown: 'the readOnly condition of advanced selector "selector" is not one trailgate understands'})
  })
})

describe('the other trail facts', () => {
  it('says when management event sources are excluded, by basic or advanced selectors', () => {
    expect(facts({EventSelectors: [basic()]}).ExcludesManagementEventSources).toBe(false)
    expect(facts({EventSelectors: [basic({ExcludeManagementEventSources: ['kms.amazonaws.com']})]}).ExcludesManagementEventSources).toBe(true)
    const notKms = advanced(management, {Field: 'eventSource', NotEquals: ['kms.amazonaws.com']})
    expect(facts({AdvancedEventSelectors: [notKms]}).ExcludesManagementEventSources).toBe(true)
    expect(facts({AdvancedEventSelectors: [advanced(management)]}).ExcludesManagementEventSources).toBe(false)
  })

  it('counts selectors, data resources and advanced condition values', () => {
    const trail = {
      EventSelectors: [
        basic({DataResources: [{Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::a/', 'arn:aws:s3:::b/']}, {Type: 'AWS::Lambda::Function', Values: ['arn:aws:lambda']}]}),
        basic({IncludeManagementEvents: false, DataResources: [{Type: 'AWS::DynamoDB::Table', Values: ['arn:aws:dynamodb']}]}),
      ],
    } as Omit<TrailDocument, 'Facts'>
    const result = facts(trail)
    expect(result.EventSelectorCount).toBe(2)
    // The all-resources values (arn:aws:lambda, arn:aws:dynamodb) do not count toward the quota.
    expect(result.DataResourceCount).toBe(2)
    expect(result.LogsDataEvents).toEqual({S3: true, Lambda: true, DynamoDB: true, Other: false})
    const withAdvanced = facts({
      AdvancedEventSelectors: [
        advanced(management),
        advanced({Field: 'eventCategory', Equals: ['Data']}, {Field: 'resources.type', Equals: ['AWS::S3::Object']}, {Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::a/', 'arn:aws:s3:::b/']}),
      ],
    })
    expect(withAdvanced.AdvancedSelectorValueCount).toBe(5)
    expect(withAdvanced.EventSelectorCount).toBe(0)
    expect(withAdvanced.LogsDataEvents).toEqual({S3: true, Lambda: false, DynamoDB: false, Other: false})
  })

  it('makes the counts unknown when a resource list is unknown', () => {
    const trail = {EventSelectors: [basic({DataResources: [{Type: 'AWS::S3::Object', Values: unknown('!GetAtt Bucket.Arn')}]})]} as Omit<TrailDocument, 'Facts'>
    expect(facts(trail).DataResourceCount).toEqual({$unknown: 'EventSelectors[0].DataResources[0].Values: !GetAtt Bucket.Arn'})
    expect(facts(trail).EventSelectorCount).toEqual(facts(trail).DataResourceCount)
  })

  it('carries the shadow and other-account context through', () => {
    expect(trailFacts({}, {isShadow: true, isOtherAccount: true})).toMatchObject({IsShadow: true, IsOtherAccount: true})
    expect(trailFacts({}, own)).toMatchObject({IsShadow: false, IsOtherAccount: false})
  })
})
