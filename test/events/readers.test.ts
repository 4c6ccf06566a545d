import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {gunzipSync} from 'node:zlib'

import {describe, expect, it} from 'vitest'

import {cloudTrailDigestReader, cloudTrailLogReader, lookupEventsReader, sniffEventFile} from '../../src/events/readers.js'
import type {InputFile} from '../../src/inputs/types.js'
import {FIXTURES} from './helpers.js'

function input(relative: string): {file: InputFile; head: string} {
  const absolutePath = join(FIXTURES, relative)
  const bytes = readFileSync(absolutePath)
  const text = (bytes[0] === 0x1f ? gunzipSync(bytes) : bytes).toString('utf8').slice(0, 65536)
  return {file: {path: `fixtures/events/${relative}`, absolutePath, bytes}, head: text}
}

describe('event readers', () => {
  it('sniff each input form', () => {
    const shapes = Object.fromEntries(
      ['AWSLogs/123456789012/CloudTrail/us-west-2/2016/05/20/123456789012_CloudTrail_us-west-2_20160520T0830Z_Ex4mpleRootTerm.json.gz', 'AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2016/05/20/123456789012_CloudTrail-Digest_us-east-1_main_us-east-1_20160520T090000Z.json.gz', 'lookup-events/lookup-events.json', 'eventbridge/events.json', 'jsonl/records.jsonl', 'samples/console-sign-in.json'].map((path) => {
        const {file, head} = input(path)
        return [path.split('/')[0] === 'AWSLogs' ? path.split('/')[2] : path.split('/')[0], sniffEventFile(file.path, head)]
      }),
    )
    expect(shapes).toEqual({CloudTrail: 'cloudtrail-log', 'CloudTrail-Digest': 'cloudtrail-digest', 'lookup-events': 'lookup-events', eventbridge: 'eventbridge', jsonl: 'json-lines', samples: 'cloudtrail-log'})
    expect(sniffEventFile('trails.json', '{"trailList": []}')).toBeUndefined()
  })

  it('read records into event subjects with their positions', async () => {
    const {file, head} = input('samples/console-sign-in.json')
    expect(cloudTrailLogReader.sniff(file, head)).toBe(true)
    const output = await cloudTrailLogReader.read(file, {})
    expect(output.events.map((event) => [event.id, event.provenance.location?.line])).toEqual([
      ['xxxxxxxxxxx/b31716e9-13e5-4fb5-9c60-1c723c59f5a6', 3],
      ['xxxxxxxxxxx/99dc0ee0-ec1d-4a14-bb74-10407b3b8ab1', 28],
    ])
    expect(output.diagnostics.every((d) => d.code === 'record-schema')).toBe(true)
  })

  it('read lookup-events output and recognize digests', async () => {
    const lookup = input('lookup-events/lookup-events.json')
    expect(lookupEventsReader.sniff(lookup.file, lookup.head)).toBe(true)
    expect((await lookupEventsReader.read(lookup.file, {})).events).toHaveLength(2)
    const digest = input('AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2016/05/20/123456789012_CloudTrail-Digest_us-east-1_main_us-east-1_20160520T090000Z.json.gz')
    expect(cloudTrailDigestReader.sniff(digest.file, digest.head)).toBe(true)
    expect((await cloudTrailDigestReader.read(digest.file, {})).detail).toMatch(/skipped/)
  })
})
