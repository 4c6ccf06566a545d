import {describe, expect, it} from 'vitest'
import {lookupRecentEvents} from '../../src/live/index.js'
import {startFakeAws} from './fake-aws/server.js'
import './helpers.js'

const ACCOUNT = '111122223333'

function event(index: number, region: string) {
  return {
    eventVersion: '1.09',
    eventID: `${region}-${index}`,
    eventName: index % 10 === 0 ? 'StopLogging' : 'DescribeTrails',
    eventSource: 'cloudtrail.amazonaws.com',
    eventTime: new Date(Date.UTC(2024, 4, 1, 0, index)).toISOString(),
    awsRegion: region,
    recipientAccountId: ACCOUNT,
  }
}

describe('lookupRecentEvents', () => {
  it('pages through every region’s events and parses the records, within 2 requests per second', async () => {
    const fake = await startFakeAws({
      accounts: {
        [ACCOUNT]: {
          accessKeyIds: ['AKIAEVENTS'],
          events: {
            'us-east-1': Array.from({length: 120}, (_, index) => event(index, 'us-east-1')),
            'eu-west-1': Array.from({length: 7}, (_, index) => event(index, 'eu-west-1')),
          },
          faults: {accessDenied: {regions: ['ap-south-1']}},
        },
      },
    })
    try {
      const {events, diagnostics, stats} = await lookupRecentEvents({
        endpointUrl: fake.url,
        region: 'us-east-1',
        credentials: {accessKeyId: 'AKIAEVENTS', secretAccessKey: 'fake-secret'},
        retry: {baseDelayMs: 1},
        since: new Date('2024-05-01T00:00:00Z'),
        regions: ['us-east-1', 'eu-west-1', 'ap-south-1'],
      })
      expect(events.filter((found) => found.region === 'us-east-1')).toHaveLength(120)
      expect(events.filter((found) => found.region === 'eu-west-1')).toHaveLength(7)
      expect(events.find((found) => found.record.eventID === 'us-east-1-10')).toEqual({
        account: ACCOUNT,
        region: 'us-east-1',
        record: event(10, 'us-east-1'),
      })
      // Pacing on both sides of a network can still disagree by a hair; such a throttle is retried, never reported.
      expect(stats.retries).toBe(stats.throttles)
      expect(fake.requests.filter((request) => request.operation === 'LookupEvents' && request.region === 'us-east-1' && request.status === 200)).toHaveLength(3)
      expect(diagnostics).toEqual([
        expect.objectContaining({severity: 'error', message: expect.stringContaining(`account ${ACCOUNT}, ap-south-1: LookupEvents failed after 0 events: AccessDeniedException`)}),
      ])
    } finally {
      await fake.close()
    }
  })

  it('says so when it stops before the last page (maxEventsPerRegion)', async () => {
    const fake = await startFakeAws({
      accounts: {[ACCOUNT]: {accessKeyIds: ['AKIAEVENTS'], events: {'us-east-1': Array.from({length: 120}, (_, index) => event(index, 'us-east-1'))}}},
    })
    try {
      const {events, diagnostics} = await lookupRecentEvents({
        endpointUrl: fake.url,
        region: 'us-east-1',
        credentials: {accessKeyId: 'AKIAEVENTS', secretAccessKey: 'fake-secret'},
        retry: {baseDelayMs: 1},
        since: new Date('2024-05-01T00:00:00Z'),
        regions: ['us-east-1'],
        maxEventsPerRegion: 50,
      })
      expect(events).toHaveLength(50)
      expect(diagnostics).toEqual([
        expect.objectContaining({severity: 'warning', code: 'live-events-truncated', message: `account ${ACCOUNT}, us-east-1: stopped after 50 events (maxEventsPerRegion); later events were not judged`}),
      ])
    } finally {
      await fake.close()
    }
  })
})
