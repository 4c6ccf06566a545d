import {gzipSync} from 'node:zlib'

import {describe, expect, it} from 'vitest'

import {ACCOUNT, cliTrail, json, readFolder, trailArn} from './helpers.js'

describe('recognizing AWS CLI output by its shape', () => {
  it('recognizes every CLI shape whatever the file is called', async () => {
    const inventory = await readFolder({
      'a.json': json({trailList: [cliTrail('main', {HasCustomEventSelectors: true, HasInsightSelectors: true})]}),
      'b.json': json({TrailARN: trailArn('main'), EventSelectors: [{ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: []}]}),
      'c.json': json({TrailARN: trailArn('main'), InsightSelectors: [{InsightType: 'ApiCallRateInsight'}]}),
      'd.json': json({ResourceTagList: [{ResourceId: trailArn('main'), TagsList: [{Key: 'team', Value: 'security'}]}]}),
      'main.status.json': json({IsLogging: true, LatestDeliveryTime: '2025-06-03T07:55:02.114000+00:00'}),
    })
    expect(inventory.inputs.map((input) => [input.path, input.kind, input.fate])).toEqual([
      ['a.json', 'aws-cli/describe-trails', 'read'],
      ['b.json', 'aws-cli/get-event-selectors', 'read'],
      ['c.json', 'aws-cli/get-insight-selectors', 'read'],
      ['d.json', 'aws-cli/list-tags', 'read'],
      ['main.status.json', 'aws-cli/get-trail-status', 'read'],
    ])
    expect(inventory.diagnostics).toEqual([])
  })

  it('recognizes advanced event selectors output', async () => {
    const inventory = await readFolder({
      'trails.json': json({trailList: [cliTrail('main', {HasCustomEventSelectors: true})]}),
      'selectors.json': json({TrailARN: trailArn('main'), AdvancedEventSelectors: [{Name: 'm', FieldSelectors: [{Field: 'eventCategory', Equals: ['Management']}]}]}),
    })
    expect(inventory.inputs[0]?.kind).toBe('aws-cli/get-event-selectors')
    expect(inventory.trails[0]?.document.AdvancedEventSelectors).toHaveLength(1)
  })

  it('inflates gzipped files before recognizing them', async () => {
    const inventory = await readFolder({'trails.json.gz': gzipSync(json({trailList: [cliTrail('zipped')]}))})
    expect(inventory.inputs).toEqual([{path: 'trails.json.gz', kind: 'aws-cli/describe-trails', fate: 'read', detail: 'describe-trails: 1 trail'}])
    expect(inventory.trails[0]?.id).toBe(trailArn('zipped'))
  })

  it('fails a corrupt gzip file with a reason and reads the rest', async () => {
    const broken = gzipSync(json({trailList: []})).subarray(0, 20)
    const inventory = await readFolder({'a.json.gz': broken, 'b.json': json({trailList: [cliTrail('main')]})})
    expect(inventory.inputs[0]).toMatchObject({path: 'a.json.gz', fate: 'failed'})
    expect(inventory.inputs[0]?.detail).toMatch(/^corrupt gzip data: /)
    expect(inventory.diagnostics[0]).toMatchObject({severity: 'error', file: 'a.json.gz'})
    expect(inventory.inputs[1]).toMatchObject({path: 'b.json', fate: 'read'})
  })

  it('skips files that are not a recognized input, saying why', async () => {
    const inventory = await readFolder({
      'notes.txt': 'collected on Tuesday\n',
      'other.json': json({ImageId: 'ami-12345678', InstanceType: 't3.micro'}),
      'empty.json': '',
      'list.json': '[1, 2]',
    })
    expect(inventory.inputs).toEqual([
      {path: 'empty.json', fate: 'skipped', detail: 'empty file'},
      {path: 'list.json', fate: 'skipped', detail: 'JSON array: not a recognized input'},
      {path: 'notes.txt', fate: 'skipped', detail: 'not JSON or YAML of a recognized shape'},
      {path: 'other.json', fate: 'skipped', detail: 'JSON object with keys ImageId, InstanceType: not a recognized input'},
    ])
    expect(inventory.diagnostics).toEqual([])
  })

  it('walks folders recursively in sorted order and skips hidden folders and node_modules, saying so', async () => {
    const inventory = await readFolder({
      'z/trails.json': json({trailList: [cliTrail('z')]}),
      'a/b/trails.json': json({trailList: [cliTrail('b')]}),
      '.git/config.json': json({trailList: []}),
      'node_modules/x/trails.json': json({trailList: []}),
    })
    expect(inventory.inputs).toEqual([
      {path: '.git', fate: 'skipped', detail: 'hidden file or folder; name it as an argument to read it'},
      {path: 'a/b/trails.json', kind: 'aws-cli/describe-trails', fate: 'read', detail: 'describe-trails: 1 trail'},
      {path: 'node_modules', fate: 'skipped', detail: 'node_modules folder; name it as an argument to read it'},
      {path: 'z/trails.json', kind: 'aws-cli/describe-trails', fate: 'read', detail: 'describe-trails: 1 trail'},
    ])
    expect(inventory.trails.map((trail) => trail.document.Name)).toEqual(['b', 'z'])
  })

  it('fails a path that does not exist with an error and still reads the others', async () => {
    const {readInputs} = await import('../../src/inputs/index.js')
    const {folderWith} = await import('./helpers.js')
    const root = await folderWith({'trails.json': json({trailList: [cliTrail('main')]})})
    const inventory = await readInputs(['missing.json', 'trails.json'], {cwd: root})
    expect(inventory.inputs[0]).toEqual({path: 'missing.json', fate: 'failed', detail: 'no such file or folder'})
    expect(inventory.diagnostics).toContainEqual(expect.objectContaining({severity: 'error', file: 'missing.json', message: 'cannot read missing.json: no such file or folder'}))
    expect(inventory.trails.map((trail) => trail.account)).toEqual([ACCOUNT])
  })
})
