import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest'
import {RateLimiter, rateClassOf, TokenBucket} from '../../src/live/rate-limiter.js'

describe('rateClassOf', () => {
  it('puts CloudTrail operations in their documented limit classes', () => {
    expect(['DescribeTrails', 'GetTrailStatus', 'GetEventSelectors', 'GetInsightSelectors', 'ListTags', 'ListTrails'].map(rateClassOf)).toEqual(
      Array(6).fill('describe'),
    )
    expect(rateClassOf('LookupEvents')).toBe('lookup')
    expect(rateClassOf('StartLogging')).toBe('other')
    expect(rateClassOf('PutEventSelectors')).toBe('other')
    expect(['DescribeMetricFilters', 'DescribeAlarms', 'DescribeAlarmsForMetric', 'ListSubscriptionsByTopic'].map(rateClassOf)).toEqual(['metric-filters', 'alarms', 'alarms', 'subscriptions'])
  })
})

describe('TokenBucket and RateLimiter', () => {
  beforeEach(() => {
    vi.useFakeTimers({toFake: ['setTimeout', 'clearTimeout', 'performance']})
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  async function granted(count: number, acquire: () => Promise<void>): Promise<() => number> {
    let done = 0
    for (let index = 0; index < count; index++) void acquire().then(() => done++)
    await vi.advanceTimersByTimeAsync(0)
    return () => done
  }

  it('lets a second’s worth of calls through at once, then one per 1/rate seconds', async () => {
    const bucket = new TokenBucket(10)
    const done = await granted(13, () => bucket.acquire())
    expect(done()).toBe(10)
    await vi.advanceTimersByTimeAsync(100)
    expect(done()).toBe(11)
    await vi.advanceTimersByTimeAsync(200)
    expect(done()).toBe(13)
  })

  it('waits a full interval after the service has throttled', async () => {
    const bucket = new TokenBucket(2)
    const done = await granted(1, () => bucket.acquire())
    expect(done()).toBe(1)
    bucket.drain()
    const later = await granted(1, () => bucket.acquire())
    await vi.advanceTimersByTimeAsync(499)
    expect(later()).toBe(0)
    await vi.advanceTimersByTimeAsync(1)
    expect(later()).toBe(1)
  })

  it('keeps separate limits per account, region and class', async () => {
    const limiter = new RateLimiter({lookup: 2})
    const lookups = await granted(3, () => limiter.acquire('111122223333', 'us-east-1', 'LookupEvents'))
    const describes = await granted(10, () => limiter.acquire('111122223333', 'us-east-1', 'DescribeTrails'))
    const otherRegion = await granted(2, () => limiter.acquire('111122223333', 'eu-west-1', 'LookupEvents'))
    const otherAccount = await granted(2, () => limiter.acquire('444455556666', 'us-east-1', 'LookupEvents'))
    expect([lookups(), describes(), otherRegion(), otherAccount()]).toEqual([2, 10, 2, 2])
    await vi.advanceTimersByTimeAsync(500)
    expect(lookups()).toBe(3)
  })

  it('honours a lower limit given by the caller', async () => {
    const limiter = new RateLimiter({describe: 2})
    const done = await granted(5, () => limiter.acquire('111122223333', 'us-east-1', 'GetTrailStatus'))
    expect(done()).toBe(2)
  })
})
