import {describe, expect, it} from 'vitest'
import {InFlightLimiter, type Release} from '../../src/live/in-flight.js'

/** Records the order slots are granted in; nothing is released until the test says so. */
function recorder(limiter: InFlightLimiter) {
  const granted: string[] = []
  const releases = new Map<string, Release>()
  const ask = (name: string, region?: string, background = false) =>
    void limiter.acquire(region, {background}).then((release) => {
      granted.push(name)
      releases.set(name, release)
    })
  const settle = () => new Promise((resolve) => setImmediate(resolve))
  return {granted, releases, ask, settle}
}

describe('requests in flight', () => {
  it('a region at its share holds back only its own calls: the other regions still get slots', async () => {
    const {granted, ask, settle} = recorder(new InFlightLimiter({total: 4, perRegion: 2}))
    for (let i = 1; i <= 4; i++) ask(`slow-${i}`, 'ap-southeast-2')
    ask('fast-1', 'eu-west-1')
    ask('fast-2', 'us-east-1')
    await settle()
    expect(granted).toEqual(['slow-1', 'slow-2', 'fast-1', 'fast-2'])
  })

  it('never grants more than the total, and a released slot goes to the earliest waiter it admits', async () => {
    const {granted, releases, ask, settle} = recorder(new InFlightLimiter({total: 2, perRegion: 1}))
    ask('a1', 'a')
    ask('a2', 'a')
    ask('b1', 'b')
    ask('c1', 'c')
    await settle()
    expect(granted).toEqual(['a1', 'b1'])
    releases.get('b1')?.()
    await settle()
    // a2 is first in line but region a is at its share; c1 is the earliest waiter the slot admits.
    expect(granted).toEqual(['a1', 'b1', 'c1'])
    releases.get('a1')?.()
    await settle()
    expect(granted).toEqual(['a1', 'b1', 'c1', 'a2'])
  })

  it('starts another account only when no call of a started one can use the slot', async () => {
    const {granted, releases, ask, settle} = recorder(new InFlightLimiter({total: 1, perRegion: 1}))
    ask('call-1', 'eu-west-1')
    ask('next-account', undefined, true)
    ask('call-2', 'us-east-1')
    await settle()
    expect(granted).toEqual(['call-1'])
    releases.get('call-1')?.()
    await settle()
    expect(granted).toEqual(['call-1', 'call-2'])
    releases.get('call-2')?.()
    await settle()
    expect(granted).toEqual(['call-1', 'call-2', 'next-account'])
  })

  it('a release given twice frees one slot, not two', async () => {
    const {granted, releases, ask, settle} = recorder(new InFlightLimiter({total: 1, perRegion: 1}))
    ask('first', 'a')
    ask('second', 'b')
    ask('third', 'c')
    await settle()
    releases.get('first')?.()
    releases.get('first')?.()
    await settle()
    expect(granted).toEqual(['first', 'second'])
  })
})
