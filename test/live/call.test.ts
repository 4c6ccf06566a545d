import {describe, expect, it} from 'vitest'
import {CallFailure, CallRunner} from '../../src/live/call.js'
import {describeError, isRegionNotEnabled, isRetryable, isThrottle} from '../../src/live/errors.js'
import {InFlightLimiter} from '../../src/live/in-flight.js'
import {RateLimiter} from '../../src/live/rate-limiter.js'

function awsError(name: string, status: number, message = 'boom'): Error {
  return Object.assign(new Error(message), {name, $metadata: {httpStatusCode: status}})
}

function runner(maxAttempts = 4, timeoutMs = 1_000): CallRunner {
  return new CallRunner(new RateLimiter(), new InFlightLimiter({total: 8, perRegion: 4}), {maxAttempts, baseDelayMs: 1, maxDelayMs: 5, timeoutMs})
}

describe('error classification', () => {
  it('knows throttling by code or by HTTP 429', () => {
    expect(isThrottle(awsError('ThrottlingException', 400))).toBe(true)
    expect(isThrottle(awsError('TooManyRequestsException', 400))).toBe(true)
    expect(isThrottle(awsError('SomethingElse', 429))).toBe(true)
    expect(isThrottle(awsError('AccessDeniedException', 400))).toBe(false)
  })

  it('retries server errors and dropped connections but not refusals', () => {
    expect(isRetryable(awsError('InternalFailure', 500))).toBe(true)
    expect(isRetryable(Object.assign(new Error('socket hang up'), {code: 'ECONNRESET'}))).toBe(true)
    expect(isRetryable(awsError('AccessDeniedException', 400))).toBe(false)
    expect(isRetryable(awsError('TrailNotFoundException', 400))).toBe(false)
  })

  it('turns an unreadable 5xx body into a plain statement', () => {
    const htmlFailure = Object.assign(new SyntaxError("Unexpected token '<' … Deserialization error"), {$metadata: {httpStatusCode: 503}})
    expect(describeError(htmlFailure)).toEqual({code: 'HTTP503', message: 'the service answered HTTP 503 with a body that is not an AWS answer', status: 503})
  })

  it('recognizes the answers of a region that is not enabled', () => {
    expect(isRegionNotEnabled(awsError('UnrecognizedClientException', 400))).toBe(true)
    expect(isRegionNotEnabled(awsError('AccessDeniedException', 400))).toBe(false)
  })
})

describe('CallRunner', () => {
  it('retries throttling until an answer comes, and counts both', async () => {
    const calls = runner()
    let attempts = 0
    const answer = await calls.run({operation: 'DescribeTrails', account: '111122223333', region: 'us-east-1', rateLimited: true}, async () => {
      attempts++
      if (attempts < 3) throw awsError('ThrottlingException', 400, 'Rate exceeded')
      return 'trails'
    })
    expect(answer).toBe('trails')
    expect(calls.counters).toEqual({calls: 3, callsByOperation: {DescribeTrails: 3}, throttles: 2, serverErrors: 0, renewals: 0, retries: 2})
  })

  it('gives up after the last attempt and says how many there were', async () => {
    const calls = runner(3)
    const failure = await calls.run({operation: 'GetTrailStatus', region: 'eu-west-1'}, async () => {
      throw awsError('ThrottlingException', 400, 'Rate exceeded')
    }).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(CallFailure)
    expect(failure).toMatchObject({code: 'ThrottlingException', operation: 'GetTrailStatus', region: 'eu-west-1', message: 'Rate exceeded (after 3 attempts)'})
    expect(calls.counters.throttles).toBe(3)
  })

  it('does not retry a refusal', async () => {
    const calls = runner()
    const failure = await calls.run({operation: 'DescribeTrails'}, async () => {
      throw awsError('AccessDeniedException', 400, 'not authorized')
    }).catch((error: unknown) => error)
    expect(failure).toMatchObject({code: 'AccessDeniedException', message: 'not authorized'})
    expect(calls.counters.calls).toBe(1)
  })

  it('abandons an attempt that outlives the call timeout', async () => {
    const calls = runner(4, 20)
    const failure = await calls.run({operation: 'DescribeTrails', region: 'ap-south-1'}, (signal) =>
      new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('socket closed')))),
    ).catch((error: unknown) => error)
    expect(failure).toMatchObject({code: 'Timeout', message: 'no answer within 20 ms', region: 'ap-south-1'})
    expect(calls.counters.calls).toBe(1)
  })
})

describe('CallRunner and expired credentials', () => {
  it('renews the credentials once and sends the call again; a second expiry is the call’s failure', async () => {
    const calls = runner()
    const renewals: number[] = []
    let attempts = 0
    const target = {operation: 'GetTrailStatus', renewCredentials: (since: number) => renewals.push(since)}
    const answer = await calls.run(target, async () => {
      if (++attempts === 1) throw awsError('ExpiredTokenException', 400, 'The security token included in the request is expired')
      return 'status'
    })
    expect(answer).toBe('status')
    expect(renewals).toHaveLength(1)
    expect(calls.counters).toMatchObject({calls: 2, renewals: 1, retries: 0})

    const failure = await calls
      .run(target, async () => {
        throw awsError('ExpiredTokenException', 400, 'The security token included in the request is expired')
      })
      .catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(CallFailure)
    expect((failure as CallFailure).code).toBe('ExpiredTokenException')
    expect(renewals).toHaveLength(2)
  })

  it('counts server errors apart from throttles', async () => {
    const calls = runner()
    let attempts = 0
    await calls.run({operation: 'ListTags'}, async () => {
      if (++attempts < 3) throw awsError('InternalFailure', 500)
      return 'tags'
    })
    expect(calls.counters).toMatchObject({calls: 3, serverErrors: 2, throttles: 0, retries: 2})
  })
})
