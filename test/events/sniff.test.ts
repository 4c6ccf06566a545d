import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {gunzipSync} from 'node:zlib'

import {describe, expect, it} from 'vitest'

import {sniffEventFile} from '../../src/events/sniff.js'
import {FIXTURES} from './helpers.js'

function input(relative: string): {file: {path: string}; head: string} {
  const absolutePath = join(FIXTURES, relative)
  const bytes = readFileSync(absolutePath)
  const text = (bytes[0] === 0x1f ? gunzipSync(bytes) : bytes).toString('utf8').slice(0, 65536)
  return {file: {path: `fixtures/events/${relative}`}, head: text}
}

describe('event file sniffing', () => {
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
})
