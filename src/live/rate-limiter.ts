/**
 * Client-side token buckets, one per account + region + operation class, so an audit never asks more
 * of a service than its documented limits, each per account and region:
 * - CloudTrail (AWS CloudTrail quotas): Get/Describe/List 10 per second, LookupEvents 2, every other call 1.
 * - CloudWatch Logs (CloudWatch Logs quotas): DescribeMetricFilters 5 per second.
 * - CloudWatch (CloudWatch service quotas): DescribeAlarms 9 per second, DescribeAlarmsForMetric 9.
 * - SNS (Amazon SNS API throttling quotas): ListSubscriptionsByTopic 30 per second.
 * In the adaptive retry mode (AWS_RETRY_MODE=adaptive) each bucket also passes the SDK's own adaptive
 * limiter, which slows the sending rate after throttles.
 */
import {DefaultRateLimiter} from '@smithy/core/retry'

/** CloudTrail's three classes, then one class per monitoring operation (each its own service quota). */
export type RateClass = 'describe' | 'lookup' | 'other' | 'metric-filters' | 'alarms' | 'subscriptions'

export const CLOUDTRAIL_RATE_LIMITS = {describe: 10, lookup: 2, other: 1} as const
export const MONITORING_RATE_LIMITS = {'metric-filters': 5, alarms: 9, subscriptions: 30} as const
const DEFAULT_RATE_LIMITS: Readonly<Record<RateClass, number>> = {...CLOUDTRAIL_RATE_LIMITS, ...MONITORING_RATE_LIMITS}

const MONITORING_CLASSES: Readonly<Record<string, RateClass>> = {
  DescribeMetricFilters: 'metric-filters',
  DescribeAlarms: 'alarms',
  DescribeAlarmsForMetric: 'alarms',
  ListSubscriptionsByTopic: 'subscriptions',
}

export function rateClassOf(operation: string): RateClass {
  const monitoring = MONITORING_CLASSES[operation]
  if (monitoring !== undefined) return monitoring
  if (operation === 'LookupEvents') return 'lookup'
  return /^(Get|Describe|List)/.test(operation) ? 'describe' : 'other'
}

/** Holds up to `rate` tokens (one second's worth of burst) and refills continuously at `rate` per second. */
export class TokenBucket {
  private tokens: number
  private updated: number
  private readonly waiting: (() => void)[] = []
  private timer: ReturnType<typeof setTimeout> | undefined

  constructor(private readonly rate: number) {
    this.tokens = rate
    this.updated = performance.now()
  }

  /** Resolves when a request may be sent; waiters are served in arrival order. */
  acquire(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve)
      this.serve()
    })
  }

  /** The service said "throttled": its bucket is empty, so ours is too. */
  drain(): void {
    this.refill()
    this.tokens = Math.min(this.tokens, 0)
  }

  private refill(): void {
    const now = performance.now()
    this.tokens = Math.min(this.rate, this.tokens + ((now - this.updated) / 1000) * this.rate)
    this.updated = now
  }

  private serve(): void {
    this.refill()
    while (this.waiting.length > 0 && this.tokens >= 1) {
      this.tokens -= 1
      this.waiting.shift()?.()
    }
    if (this.waiting.length > 0 && this.timer === undefined) {
      const waitMs = Math.ceil(((1 - this.tokens) / this.rate) * 1000)
      this.timer = setTimeout(() => {
        this.timer = undefined
        this.serve()
      }, waitMs)
    }
  }
}

export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucket>()
  private readonly adaptiveLimiters = new Map<string, DefaultRateLimiter>()
  private readonly limits: Record<RateClass, number>

  constructor(
    limits: Partial<Record<RateClass, number>> = {},
    private readonly options: {adaptive?: boolean} = {},
  ) {
    this.limits = {...DEFAULT_RATE_LIMITS, ...limits}
  }

  async acquire(account: string, region: string, operation: string): Promise<void> {
    await this.bucket(account, region, operation).acquire()
    await this.adaptive(account, region, operation)?.getSendToken()
  }

  drain(account: string, region: string, operation: string): void {
    this.bucket(account, region, operation).drain()
  }

  /** What one attempt met (an error, or an answer): the adaptive limiter learns the sending rate from it. */
  observe(account: string, region: string, operation: string, error?: unknown): void {
    this.adaptive(account, region, operation)?.updateClientSendingRate(error === undefined ? {} : {error})
  }

  private key(account: string, region: string, operation: string): string {
    return `${account}/${region}/${rateClassOf(operation)}`
  }

  private bucket(account: string, region: string, operation: string): TokenBucket {
    const key = this.key(account, region, operation)
    let bucket = this.buckets.get(key)
    if (bucket === undefined) {
      bucket = new TokenBucket(this.limits[rateClassOf(operation)])
      this.buckets.set(key, bucket)
    }
    return bucket
  }

  private adaptive(account: string, region: string, operation: string): DefaultRateLimiter | undefined {
    if (this.options.adaptive !== true) return undefined
    const key = this.key(account, region, operation)
    let limiter = this.adaptiveLimiters.get(key)
    if (limiter === undefined) {
      limiter = new DefaultRateLimiter()
      this.adaptiveLimiters.set(key, limiter)
    }
    return limiter
  }
}
