import {copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {afterEach, describe, expect, it} from 'vitest'

import {CONFIG_FILE_NAMES, loadConfig} from '../../src/policy/config.js'

const FIXTURES = fileURLToPath(new URL('../../fixtures/config/', import.meta.url))

const scratch: string[] = []
function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'trailgate-config-'))
  scratch.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, {recursive: true, force: true})
})

describe('loadConfig', () => {
  it('uses the defaults when there is no config file', () => {
    const {config, diagnostics} = loadConfig({cwd: workspace()})
    expect(diagnostics).toEqual([])
    expect(config).toEqual({policies: {paths: [], only: [], skip: [], severity: {}}, params: {}, waivers: []})
  })

  it('finds .trailgate.yaml in the working directory and reads every section', () => {
    const cwd = workspace()
    copyFileSync(join(FIXTURES, 'full.trailgate.yaml'), join(cwd, '.trailgate.yaml'))
    const {config, diagnostics} = loadConfig({cwd})
    expect(diagnostics).toEqual([])
    expect(config.file).toBe('.trailgate.yaml')
    expect(config.policies).toEqual({paths: [join(cwd, 'custom-policies')], only: [], skip: ['s3-data-events'], severity: {'log-file-validation': 'medium'}})
    expect(config.params).toEqual({'office-ip-allowlist': {allowedCidrs: ['198.51.100.0/24', '2001:db8::/32'], maxFailures: 5}})
    expect(config.failOn).toBe('high')
    expect(config.waivers).toEqual([
      {
        policy: 'kms-key-in-partition',
        subject: 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/legacy-*',
        reason: 'Legacy trail, replaced by the organization trail in Q3 (SEC-1234)',
        expires: '2026-09-30',
        approvedBy: 'secops@example.com',
        location: expect.objectContaining({file: '.trailgate.yaml', line: 13, column: 5}),
      },
    ])
  })

  it('reads .trailgate.yml too, and says which file wins when both exist', () => {
    const cwd = workspace()
    writeFileSync(join(cwd, '.trailgate.yml'), 'version: 1\nfailOn: low\n')
    expect(loadConfig({cwd}).config.failOn).toBe('low')
    writeFileSync(join(cwd, '.trailgate.yaml'), 'version: 1\nfailOn: critical\n')
    const {config, diagnostics} = loadConfig({cwd})
    expect(CONFIG_FILE_NAMES).toEqual(['.trailgate.yaml', '.trailgate.yml'])
    expect(config.failOn).toBe('critical')
    expect(diagnostics).toMatchObject([{severity: 'warning', file: '.trailgate.yml', message: 'ignored: .trailgate.yaml is used instead'}])
  })

  it('resolves policy paths against the folder of the config file, not the working directory', () => {
    const cwd = workspace()
    mkdirSync(join(cwd, 'ci'))
    writeFileSync(join(cwd, 'ci', 'trailgate.yaml'), 'version: 1\npolicies:\n  paths: [../policies, ./extra]\n')
    const {config, diagnostics} = loadConfig({file: 'ci/trailgate.yaml', cwd})
    expect(diagnostics).toEqual([])
    expect(config.file).toBe('ci/trailgate.yaml')
    expect(config.policies.paths).toEqual([join(cwd, 'policies'), join(cwd, 'ci', 'extra')])
  })

  it('fails clearly when the file given does not exist', () => {
    const {config, diagnostics} = loadConfig({file: 'missing.yaml', cwd: workspace()})
    expect(diagnostics).toEqual([{severity: 'error', code: 'config-missing', file: 'missing.yaml', message: "config file 'missing.yaml' does not exist"}])
    expect(config.waivers).toEqual([])
  })

  it('reports every mistake with its position and keeps the valid parts', () => {
    const cwd = workspace()
    copyFileSync(join(FIXTURES, 'bad.trailgate.yaml'), join(cwd, '.trailgate.yaml'))
    const {config, diagnostics} = loadConfig({cwd})
    expect(diagnostics.map(({message, line, column}) => ({message, line, column}))).toEqual(
      expect.arrayContaining([
        {message: 'version must be 1, found the number 2', line: 1, column: 10},
        {message: "policies.skip must be a list, found 's3-data-events'", line: 3, column: 9},
        {message: 'policies.severity.log-file-validation must be one of critical, high, medium, low, info, found \'urgent\'', line: 5, column: 26},
        {message: "waivers[0]: missing required property 'expires'", line: 10, column: 5},
        {message: "waivers[2].expires '2026-02-30' is not a date written YYYY-MM-DD", line: 20, column: 14},
        {message: "unknown property 'failon' (did you mean 'failOn'?)", line: 21, column: 1},
      ]),
    )
    expect(diagnostics).toHaveLength(6)
    expect(diagnostics.every((diagnostic) => diagnostic.severity === 'error' && diagnostic.file === '.trailgate.yaml')).toBe(true)
    // The one complete waiver still applies; the broken ones do not.
    expect(config.waivers.map((waiver) => waiver.subject)).toEqual(['other'])
    expect(config.params['office-ip-allowlist']).toEqual({maxFailures: 50})
  })

  it('reports YAML syntax errors at their position', () => {
    const cwd = workspace()
    writeFileSync(join(cwd, '.trailgate.yaml'), 'version: 1\npolicies: {skip: [a, b}\n')
    const {diagnostics} = loadConfig({cwd})
    expect(diagnostics.length).toBeGreaterThan(0)
    expect(diagnostics[0]).toMatchObject({severity: 'error', file: '.trailgate.yaml', line: 2})
  })

  it('accepts an empty file with a warning', () => {
    const cwd = workspace()
    writeFileSync(join(cwd, '.trailgate.yaml'), '')
    const {config, diagnostics} = loadConfig({cwd})
    expect(diagnostics).toMatchObject([{severity: 'warning', code: 'config-empty'}])
    expect(config.policies.paths).toEqual([])
  })
})
