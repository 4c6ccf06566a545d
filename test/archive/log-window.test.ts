import {describe, expect, it} from 'vitest'

import {deliveryTime, excludedBy} from '../../src/archive/log-window.js'

const key = (account: string, region: string, stamp: string): string =>
  `AWSLogs/${account}/CloudTrail/${region}/${stamp.slice(0, 4)}/${stamp.slice(4, 6)}/${stamp.slice(6, 8)}/${account}_CloudTrail_${region}_${stamp}Z_abc.json.gz`

describe('which log files a window keeps, from their keys', () => {
  it('reads the delivery time in the file name', () => {
    expect(deliveryTime(key('123456789012', 'us-east-1', '20250501T2355'))?.toISOString()).toBe('2025-05-01T23:55:00.000Z')
    expect(deliveryTime('notes/readme.json')).toBeUndefined()
  })

  it('keeps a file delivered up to an hour after --until, since its records are older than its name', () => {
    const until = new Date('2025-05-01T12:00:00Z')
    expect(excludedBy(key('123456789012', 'us-east-1', '20250501T1255'), {until})).toBeUndefined()
    expect(excludedBy(key('123456789012', 'us-east-1', '20250501T1305'), {until})).toBe('time')
  })

  it('drops a file delivered before --since: it holds nothing newer than its name', () => {
    const since = new Date('2025-05-01T12:00:00Z')
    expect(excludedBy(key('123456789012', 'us-east-1', '20250501T1155'), {since})).toBe('time')
    expect(excludedBy(key('123456789012', 'us-east-1', '20250501T1200'), {since})).toBeUndefined()
  })

  it('drops other accounts and regions, and keeps what its key does not place', () => {
    expect(excludedBy(key('123456789012', 'us-east-1', '20250501T1200'), {accounts: ['210987654321']})).toBe('account')
    expect(excludedBy(key('123456789012', 'us-east-1', '20250501T1200'), {regions: ['eu-west-1']})).toBe('region')
    expect(excludedBy('exports/events.json', {since: new Date('2030-01-01'), accounts: ['210987654321']})).toBeUndefined()
  })
})
