/** How a failed AWS call is understood: retried, reported, or taken as "this region is not enabled". */

export interface ErrorFacts {
  code: string
  message: string
  status?: number
}

const THROTTLE_CODES = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'PriorRequestNotComplete',
])

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'ECONNABORTED', 'EHOSTUNREACH'])

/** What a disabled opt-in region answers: the account's credentials mean nothing there. */
const REGION_NOT_ENABLED_CODES = new Set(['UnrecognizedClientException', 'InvalidClientTokenId', 'OptInRequired', 'AuthFailure', 'ENOTFOUND'])

interface ErrorShape {
  name?: unknown
  code?: unknown
  Code?: unknown
  message?: unknown
  $metadata?: {httpStatusCode?: unknown}
  $response?: {statusCode?: unknown}
}

function shape(error: unknown): ErrorShape {
  return typeof error === 'object' && error !== null ? (error as ErrorShape) : {}
}

export function httpStatusOf(error: unknown): number | undefined {
  const {$metadata, $response} = shape(error)
  const status = $metadata?.httpStatusCode ?? $response?.statusCode
  return typeof status === 'number' ? status : undefined
}

export function describeError(error: unknown): ErrorFacts {
  const facts = shape(error)
  const status = httpStatusOf(error)
  const named = [facts.code, facts.Code, facts.name].find((value): value is string => typeof value === 'string' && value !== 'Error')
  let message = typeof facts.message === 'string' ? facts.message : String(error)
  // A 5xx with an HTML body reaches us as a JSON parse failure; say what it was, not how it broke.
  if (status !== undefined && status >= 500 && (named === 'SyntaxError' || /Deserialization error/i.test(message))) {
    return {code: `HTTP${status}`, message: `the service answered HTTP ${status} with a body that is not an AWS answer`, status}
  }
  if (message === '' || message === 'UnknownError') message = status === undefined ? 'unknown error' : `HTTP ${status}`
  return {code: named ?? (status === undefined ? 'Error' : `HTTP${status}`), message, status}
}

export function isThrottle(error: unknown): boolean {
  const {code, status} = describeError(error)
  return THROTTLE_CODES.has(code) || status === 429
}

/** An answer of 5xx: the service failed, not the request. */
export function isServerError(error: unknown): boolean {
  const {status} = describeError(error)
  return status !== undefined && status >= 500
}

const EXPIRED_CODES = new Set(['ExpiredTokenException', 'ExpiredToken', 'RequestExpired', 'TokenRefreshRequired'])

/** The service no longer honours the credentials the call was signed with. */
export function isExpiredCredentials(error: unknown): boolean {
  return EXPIRED_CODES.has(describeError(error).code)
}

/**
 * The call's time ran out. The SDK's HTTP handler also names a reset or broken connection
 * `TimeoutError`; that is a dropped connection (retried), not a call left unanswered.
 */
export function isTimeout(error: unknown): boolean {
  const {name, code} = shape(error)
  if (name === 'AbortError') return true
  return name === 'TimeoutError' && !(typeof code === 'string' && NETWORK_CODES.has(code))
}

/** Worth another attempt: throttling, a server-side failure, a dropped connection. */
export function isRetryable(error: unknown): boolean {
  if (isThrottle(error)) return true
  if (isTimeout(error)) return false
  const {code, status} = describeError(error)
  if (status !== undefined && status >= 500) return true
  return NETWORK_CODES.has(code) && code !== 'ENOTFOUND'
}

export function isRegionNotEnabled(error: unknown): boolean {
  return REGION_NOT_ENABLED_CODES.has(describeError(error).code)
}
