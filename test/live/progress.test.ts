import {describe, expect, it} from 'vitest'
import {formatProgress} from '../../src/live/index.js'

describe('formatProgress', () => {
  it('prints one line, and mentions throttles only when there were some', () => {
    const progress = {accountsDone: 3, accountsTotal: 20, regionsDone: 51, regionsTotal: 340, calls: 412, throttles: 0}
    expect(formatProgress(progress)).toBe('accounts 3/20 · regions 51/340 · 412 calls')
    expect(formatProgress({...progress, throttles: 2})).toBe('accounts 3/20 · regions 51/340 · 412 calls · 2 throttled (retried)')
    expect(formatProgress({...progress, serverErrors: 1})).toBe('accounts 3/20 · regions 51/340 · 412 calls · 1 server error (retried)')
  })
})
