import {describeError, isExpiredCredentials, isRetryable, isServerError, isThrottle, isTimeout, type ErrorFacts} from './errors.js'
import type {InFlightLimiter, Release} from './in-flight.js'
import type {RateLimiter} from './rate-limiter.js'

export interface RetryPolicy {
  /** Attempts per call, the first included. */
  maxAttempts: number
  /** Backoff before retry n is a random delay up to baseDelayMs × 2^(n-1), capped at maxDelayMs. */
  baseDelayMs: number
  maxDelayMs: number
  /** Abandon one attempt that has not been answered in this time. */
  timeoutMs: number
}

export interface CallCounters {
  calls: number
  callsByOperation: Record<string, number>
  throttles: number
  /** HTTP 5xx answers received (each was retried while attempts remained). */
  serverErrors: number
  /** Calls sent again with renewed credentials after the service said they had expired. */
  renewals: number
  retries: number
}

/** Which call this is: CloudTrail calls carry their account and region and pass the rate limiter. */
export interface CallTarget {
  operation: string
  account?: string
  region?: string
  rateLimited?: boolean
  /** Renews the credentials the call is signed with (assumed roles) unless renewed since `since`: once per call, when the service says they expired. */
  renewCredentials?: (since: number) => void
}

/** A call that failed for good: retries exhausted, or an answer no retry can change. */
export class CallFailure extends Error {
  readonly code: string
  readonly operation: string
  readonly region: string | undefined

  constructor(target: CallTarget, facts: ErrorFacts, cause: unknown) {
    super(facts.message, {cause})
    this.name = 'CallFailure'
    this.code = facts.code
    this.operation = target.operation
    this.region = target.region
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/**
 * Sends every AWS call of a run: waits for the rate limiter and for a slot among the requests in
 * flight (calls to an account and region; STS and Organizations calls are few, and a credential
 * renewal made while a slot is held must never wait for one), bounds each attempt by the call
 * timeout, retries throttling and transient failures with jittered exponential backoff, and counts
 * it all. Throttles are expected and absorbed here; only a call that still fails comes out.
 */
export class CallRunner {
  readonly counters: CallCounters = {calls: 0, callsByOperation: {}, throttles: 0, serverErrors: 0, renewals: 0, retries: 0}

  constructor(
    private readonly limiter: RateLimiter,
    private readonly inFlight: InFlightLimiter,
    private readonly policy: RetryPolicy,
    private readonly onActivity: () => void = () => {},
  ) {}

  async run<T>(target: CallTarget, send: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
    let renewed = false
    for (let attempt = 1; ; attempt++) {
      const limited = target.rateLimited === true && target.account !== undefined && target.region !== undefined
      if (limited) await this.limiter.acquire(target.account as string, target.region as string, target.operation)
      const release = limited ? await this.inFlight.acquire(target.region) : undefined
      this.count(target.operation)
      const sentAt = Date.now()
      try {
        const answer = await this.attempt(send)
        if (limited) this.limiter.observe(target.account as string, target.region as string, target.operation)
        return answer
      } catch (error) {
        release?.()
        if (limited) this.limiter.observe(target.account as string, target.region as string, target.operation, error)
        if (isThrottle(error)) {
          this.counters.throttles++
          if (limited) this.limiter.drain(target.account as string, target.region as string, target.operation)
        }
        if (isServerError(error)) this.counters.serverErrors++
        // Credentials can lapse before their stated expiry (clock skew, a shortened session): renew once, send again.
        if (!renewed && target.renewCredentials !== undefined && isExpiredCredentials(error)) {
          renewed = true
          target.renewCredentials(sentAt)
          this.counters.renewals++
          this.onActivity()
          continue
        }
        if (isTimeout(error)) {
          throw new CallFailure(target, {code: 'Timeout', message: `no answer within ${this.policy.timeoutMs} ms`}, error)
        }
        if (!isRetryable(error) || attempt >= this.policy.maxAttempts) {
          const facts = describeError(error)
          const tried = attempt > 1 ? ` (after ${attempt} attempts)` : ''
          throw new CallFailure(target, {...facts, message: facts.message + tried}, error)
        }
        this.counters.retries++
        this.onActivity()
        await sleep(this.backoff(attempt))
      } finally {
        release?.()
      }
    }
  }

  /**
   * A slot to start another account in (its AssumeRole): given only when no call of an account
   * already started is waiting for one, so started accounts finish first.
   */
  admit(): Promise<Release> {
    return this.inFlight.acquire(undefined, {background: true})
  }

  private async attempt<T>(send: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(), this.policy.timeoutMs)
    try {
      return await send(controller.signal)
    } catch (error) {
      // The SDK reports an aborted request in several ways; what matters is that the time ran out.
      if (controller.signal.aborted) throw Object.assign(new Error('aborted'), {name: 'AbortError'})
      throw error
    } finally {
      clearTimeout(timer)
    }
  }

  private backoff(attempt: number): number {
    const ceiling = Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** (attempt - 1))
    return Math.random() * ceiling
  }

  private count(operation: string): void {
    this.counters.calls++
    this.counters.callsByOperation[operation] = (this.counters.callsByOperation[operation] ?? 0) + 1
  }
}
