/**
 * The package as a user gets it: `npm pack`, installed into a fresh project, imported by name, and
 * installed globally (`npm install -g`) into a temporary prefix whose bin folder is all the PATH has.
 * For the project, the repository's node_modules are linked in first so that the install resolves
 * every dependency without downloading it; npm still installs the tarball itself, its bin and its
 * entry points. The global install downloads its dependencies from a registry on the loopback
 * address that serves the repository's node_modules (local-registry.ts), with an empty npm cache.
 */
import {execFileSync, spawn, spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {ROOT} from './cli.js'
import {startLocalRegistry} from './local-registry.js'

const NPM_ENV = {...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false'}

let work: string
let app: string
let packedFiles: string[]
let tarball: string

function npm(args: string[], cwd: string): string {
  return execFileSync('npm', args, {cwd, env: NPM_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 240_000})
}

/** Links every package of the repository's node_modules into `target`, so an offline install finds them. */
function linkDependencies(target: string): void {
  const source = join(ROOT, 'node_modules')
  mkdirSync(target, {recursive: true})
  for (const entry of readdirSync(source)) {
    if (entry.startsWith('.') || entry === 'trailgate') continue
    if (entry.startsWith('@')) {
      mkdirSync(join(target, entry))
      for (const scoped of readdirSync(join(source, entry))) symlinkSync(join(source, entry, scoped), join(target, entry, scoped))
    } else {
      symlinkSync(join(source, entry), join(target, entry))
    }
  }
}

function node(args: string[]): {status: number; stdout: string; stderr: string} {
  const run = spawnSync(process.execPath, args, {cwd: app, encoding: 'utf8', timeout: 120_000, env: {...process.env, NO_COLOR: '1'}})
  return {status: run.status ?? -1, stdout: run.stdout, stderr: run.stderr}
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'trailgate-pack-'))
  // The build is current (the global setup saw to it); prepare would rebuild dist/ under other tests.
  const packed = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], ROOT)) as Array<{filename: string; files: Array<{path: string}>}>
  packedFiles = packed[0]!.files.map((file) => file.path)
  app = join(work, 'app')
  mkdirSync(app)
  writeFileSync(join(app, 'package.json'), `${JSON.stringify({name: 'consumer', version: '1.0.0', private: true, type: 'module'}, null, 2)}\n`)
  linkDependencies(join(app, 'node_modules'))
  tarball = join(work, packed[0]!.filename)
  npm(['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball], app)
}, 300_000)

afterAll(() => {
  if (work) rmSync(work, {recursive: true, force: true})
})

describe('the packed package', () => {
  it('ships the library entry and its types, and no tests or sources', () => {
    expect(packedFiles).toEqual(expect.arrayContaining(['dist/index.js', 'dist/index.d.ts', 'bin/run.js', 'oclif.manifest.json', 'policies/trail/kms-encryption.yaml', 'schemas/policy.schema.json', 'templates/trailgate.yaml', 'templates/workflows/trailgate-evidence.yml']))
    expect(packedFiles.filter((file) => file.startsWith('test/') || file.startsWith('src/') || file.startsWith('fixtures/'))).toEqual([])
  })

  it('is installed as a real copy, not a link to the checkout', () => {
    expect(existsSync(join(app, 'node_modules', 'trailgate', 'dist', 'index.js'))).toBe(true)
    expect(existsSync(join(app, 'node_modules', 'trailgate', 'src'))).toBe(false)
  })

  it("imports by name and runCheck judges a fixture as the CLI does, with every renderer", () => {
    const script = `
      import * as trailgate from 'trailgate'
      const report = await trailgate.runCheck({cwd: ${JSON.stringify(ROOT)}, paths: ['fixtures/evidence/mixed-account']})
      const failures = report.results.filter((r) => r.status === 'fail').map((r) => r.policy + ' ' + r.subject.label).sort()
      const rendered = {
        text: trailgate.renderText(report, {color: false}).includes('Summary: 4 failed'),
        json: JSON.parse(trailgate.renderJson(report)).summary.counts.fail,
        sarif: JSON.parse(trailgate.renderSarif(report)).runs[0].results.length,
        junit: trailgate.renderJunit(report).startsWith('<?xml'),
        markdown: trailgate.renderMarkdown(report).includes('kms-encryption'),
      }
      const loaded = trailgate.loadPolicies({builtin: true, paths: []})
      console.log(JSON.stringify({exitCode: report.exitCode, failures, rendered, policies: loaded.policies.length, runAudit: typeof trailgate.runAudit, version: trailgate.VERSION}))
    `
    const run = node(['--input-type=module', '--eval', script])
    expect(run.stderr).toBe('')
    expect(JSON.parse(run.stdout)).toEqual({
      exitCode: 1,
      failures: ['data-resources-limit data-heavy (eu-west-1)', 'kms-encryption unencrypted-trail (eu-west-1)', 'logging-enabled stopped-trail (eu-west-1)', 'trails-per-region-limit 111122223333/eu-west-1'],
      rendered: {text: true, json: 4, sarif: 4, junit: true, markdown: true},
      policies: readdirSync(join(ROOT, 'policies', 'trail')).concat(readdirSync(join(ROOT, 'policies', 'events'))).filter((f) => f.endsWith('.yaml') && !f.endsWith('.tests.yaml')).length,
      runAudit: 'function',
      version: '0.1.0',
    })
  }, 120_000)

  it('scans CloudTrail records with scanEvents to the same findings as the installed command', () => {
    const fixture = join(ROOT, 'fixtures', 'events', 'lookup-events')
    const script = `
      import {loadPolicies, scanEvents} from 'trailgate'
      // What check runs by default: the event policies that are not opt-in.
      const policies = loadPolicies({builtin: true, paths: []}).policies.filter((policy) => policy.subject === 'event' && !policy.disabled)
      const scan = await scanEvents([${JSON.stringify(fixture)}], {policies, params: {}, workers: 0})
      console.log(JSON.stringify(scan.results.map((r) => r.policy + ' ' + r.status + ' ' + r.subject.id).sort()))
    `
    const library = node(['--input-type=module', '--eval', script])
    expect(library.stderr).toBe('')
    const cli = spawnSync(join(app, 'node_modules', '.bin', 'trailgate'), ['check', fixture, '--format', 'json'], {cwd: app, encoding: 'utf8', timeout: 60_000})
    const fromCli = (JSON.parse(cli.stdout) as {results: Array<{policy: string; status: string; subject: {id: string}}>}).results.map((r) => `${r.policy} ${r.status} ${r.subject.id}`).sort()
    expect(fromCli.length).toBeGreaterThan(0)
    expect(JSON.parse(library.stdout)).toEqual(fromCli)
  }, 120_000)

  it('gives TypeScript users the types through the package exports', () => {
    writeFileSync(
      join(app, 'use.ts'),
      [
        "import {runCheck, type Report, type Result} from 'trailgate'",
        "const report: Report = await runCheck({cwd: '.', paths: ['x']})",
        'const first: Result | undefined = report.results[0]',
        'export const label: string | undefined = first?.subject.label',
        '',
      ].join('\n'),
    )
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({compilerOptions: {target: 'ES2022', module: 'Node16', moduleResolution: 'Node16', strict: true, noEmit: true, skipLibCheck: true, types: []}, files: ['use.ts']}))
    const run = node([join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', app])
    expect(run.stdout + run.stderr).toBe('')
    expect(run.status).toBe(0)
  }, 120_000)

  it('installs the trailgate command, which prints its version', () => {
    const run = spawnSync(join(app, 'node_modules', '.bin', 'trailgate'), ['--version'], {cwd: app, encoding: 'utf8', timeout: 60_000})
    expect(run.stdout).toMatch(/^trailgate\/0\.1\.0 /)
    expect(run.status).toBe(0)
  })
})

describe('the package installed globally', () => {
  let prefix: string
  let elsewhere: string
  let installLog: string

  /** What a user's shell runs: `trailgate` found on a PATH that has the prefix's bin folder first. */
  function globalTrailgate(args: string[], cwd = elsewhere): {status: number; stdout: string; stderr: string} {
    const {NODE_ENV: _testEnv, ...env} = process.env
    const run = spawnSync('trailgate', args, {
      cwd,
      encoding: 'utf8',
      timeout: 120_000,
      env: {...env, PATH: `${join(prefix, 'bin')}:${dirname(process.execPath)}:/usr/bin:/bin`, NO_COLOR: '1', XDG_CACHE_HOME: join(work, 'xdg-cache')},
    })
    return {status: run.status ?? -1, stdout: run.stdout, stderr: run.stderr}
  }

  beforeAll(async () => {
    prefix = join(work, 'prefix')
    elsewhere = join(work, 'elsewhere')
    mkdirSync(elsewhere)
    const registry = await startLocalRegistry(join(ROOT, 'node_modules'))
    try {
      installLog = await new Promise<string>((resolveInstall, rejectInstall) => {
        const child = spawn('npm', ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', tarball], {
          cwd: elsewhere,
          env: {...NPM_ENV, CI: 'true', npm_config_registry: registry.url, npm_config_cache: join(work, 'npm-cache'), npm_config_offline: 'false', npm_config_prefer_online: 'true'},
        })
        let output = ''
        child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
        child.on('close', (status) => (status === 0 ? resolveInstall(output) : rejectInstall(new Error(`npm install -g exited ${status}:\n${output}`))))
      })
    } finally {
      await registry.close()
    }
    // Every dependency came through npm, not from a link to the checkout.
    expect(registry.served.has('@oclif/core')).toBe(true)
  }, 300_000)

  it('puts trailgate on the PATH as a real copy with its own dependencies', () => {
    expect(installLog).toMatch(/added \d+ packages/)
    const installed = join(prefix, 'lib', 'node_modules', 'trailgate')
    expect(realpathSync(join(prefix, 'bin', 'trailgate'))).toBe(join(installed, 'bin', 'run.js'))
    for (const dependency of ['@oclif/core', '@oclif/plugin-help', '@oclif/plugin-version', '@oclif/plugin-autocomplete', 'yaml']) {
      expect(realpathSync(join(installed, 'node_modules', dependency)).startsWith(prefix)).toBe(true)
    }
  })

  it('`trailgate check` judges a folder given from another working directory', () => {
    const run = globalTrailgate(['check', join(ROOT, 'fixtures', 'evidence', 'mixed-account')])
    expect(run.stderr).toBe('')
    expect(run.stdout).toContain('Summary: 4 failed')
    expect(run.status).toBe(1)
  }, 120_000)

  it('`trailgate audit --help`, `help check`, -v and autocomplete work from the installed plugins', () => {
    const audit = globalTrailgate(['audit', '--help'])
    expect(audit.status).toBe(0)
    expect(audit.stdout).toContain('$ trailgate audit')
    expect(globalTrailgate(['help', 'check']).stdout).toContain('$ trailgate check PATHS...')
    expect(globalTrailgate(['-v']).stdout).toMatch(/^trailgate\/0\.1\.0 /)
    const completion = globalTrailgate(['autocomplete', 'bash'])
    expect(completion.status).toBe(0)
    expect(completion.stdout).toContain('trailgate autocomplete script bash')
  }, 120_000)

  it('`trailgate init` writes the shipped templates, and check then reads the config', () => {
    const project = join(elsewhere, 'project')
    mkdirSync(project)
    const init = globalTrailgate(['init', '--workflow', 'org-audit'], project)
    expect(init.stderr).toBe('')
    expect(init.stdout).toContain('wrote .github/workflows/trailgate-audit.yml')
    const check = globalTrailgate(['check', join(ROOT, 'fixtures', 'evidence', 'mixed-account'), '--format', 'json'], project)
    expect((JSON.parse(check.stdout) as {configFile?: string}).configFile).toBe('.trailgate.yaml')
  }, 120_000)
})
