/**
 * What an oclif user types first: help, the version and shell completion, all from oclif's own
 * plugins, run through bin/run.js.
 */
import {spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {ROOT, trailgate} from './cli.js'

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {version: string}).version
const VERSION_LINE = new RegExp(`^trailgate/${VERSION.replaceAll('.', '\\.')} \\S+ node-v\\d+\\.\\d+\\.\\d+\\n$`)

const cacheHome = mkdtempSync(join(tmpdir(), 'trailgate-completion-'))
afterAll(() => rmSync(cacheHome, {recursive: true, force: true}))

describe('the version', () => {
  it.each([['--version'], ['-v'], ['version']])('`trailgate %s` prints it and exits 0', (flag) => {
    const run = trailgate([flag])
    expect(run.stderr).toBe('')
    expect(run.stdout).toMatch(VERSION_LINE)
    expect(run.status).toBe(0)
  })

  it('`trailgate version --verbose --json` names the plugins that make the command set', () => {
    const run = trailgate(['version', '--verbose', '--json'])
    expect(run.status).toBe(0)
    const version = JSON.parse(run.stdout) as {cliVersion: string; pluginVersions: string[]}
    expect(version.cliVersion).toBe(`trailgate/${VERSION}`)
    expect(version.pluginVersions.map((plugin) => plugin.split(' ')[0])).toEqual(expect.arrayContaining(['trailgate', '@oclif/plugin-help', '@oclif/plugin-version', '@oclif/plugin-autocomplete']))
  })

  it('-v after a command is still that command\'s --verbose, not the version', () => {
    const run = trailgate(['check', 'fixtures/evidence/mixed-account', '-v'])
    expect(run.stdout).not.toMatch(/^trailgate\//)
    expect(run.stdout).toContain('Summary: 4 failed')
    // --verbose lists passing subjects too.
    expect(run.stdout.length).toBeGreaterThan(trailgate(['check', 'fixtures/evidence/mixed-account']).stdout.length)
    expect(run.status).toBe(1)
  })
})

describe('help', () => {
  it('`trailgate help` and -h list every command, plugins included', () => {
    const help = trailgate(['help'])
    expect(help.status).toBe(0)
    for (const command of ['audit', 'check', 'init', 'autocomplete', 'help', 'version']) expect(help.stdout).toMatch(new RegExp(`^  ${command}( |$)`, 'm'))
    expect(help.stdout).toMatch(/^ {2}policies +List, show, validate and test policies$/m)
    expect(trailgate(['-h']).stdout).toBe(help.stdout)
    expect(trailgate(['--help']).stdout).toBe(help.stdout)
  })

  it('`trailgate help check` is the help of check, as check --help and check -h print it', () => {
    const help = trailgate(['help', 'check'])
    expect(help.status).toBe(0)
    expect(help.stdout).toContain('$ trailgate check PATHS...')
    expect(help.stdout).toContain('--fail-on=<option>')
    expect(trailgate(['check', '--help']).stdout).toBe(help.stdout)
    expect(trailgate(['check', '-h']).stdout).toBe(help.stdout)
  })

  it('`trailgate help policies validate` reaches a command of a topic', () => {
    const help = trailgate(['help', 'policies', 'validate'])
    expect(help.status).toBe(0)
    expect(help.stdout).toContain('$ trailgate policies validate FILES...')
  })

  it('help of a command that does not exist fails', () => {
    const run = trailgate(['help', 'chekc'])
    expect(run.status).not.toBe(0)
    expect(run.stderr).toContain('chekc')
  })
})

describe('start-up', () => {
  // oclif's debug log names each plugin it looks for; trailgate's own commands need none of them.
  const pluginsLoaded = (args: string[]) => /oclif:find-root:@oclif\/plugin-/.test(trailgate(args, {env: {DEBUG: 'oclif:find-root:*'}}).stderr)

  // bin/run.js finds a command in the bundle entry of its family (dist/bundle/check.js, policies.js, …):
  // a command the manifest lists but no entry exports would be dead in the CLI.
  const manifest = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')) as {commands: Record<string, unknown>}
  // (--help is answered from the manifest alone; a flag is parsed by the command's own class.)
  it.each(Object.keys(manifest.commands))('`%s` runs from the bundled CLI', (id) => {
    const words = id.split(':')
    const run = trailgate([...words, '--no-such-flag'])
    expect(run.stderr).toContain('Nonexistent flag: --no-such-flag')
    expect(run.stderr).toContain(`$ trailgate ${words.join(' ')}`)
    expect(run.status).toBe(2)
  })

  it('a command family runs from its own bundle entry, every other run from the entry of all commands', () => {
    const entries = readdirSync(join(ROOT, 'dist', 'bundle')).filter((name) => name.endsWith('.js') && !name.startsWith('chunk-'))
    expect(entries.sort()).toEqual(['audit.js', 'check.js', 'commands.js', 'init.js', 'oclif.js', 'policies.js', 'scan-worker.js'])
    expect(new Set(Object.keys(manifest.commands).map((id) => id.split(':')[0]))).toEqual(new Set(['check', 'audit', 'init', 'policies']))
  })

  it('check, audit, init and policies start without loading the plugins; the rest loads them', () => {
    expect(pluginsLoaded(['check', 'fixtures/evidence/mixed-account'])).toBe(false)
    expect(pluginsLoaded(['policies', 'list'])).toBe(false)
    expect(pluginsLoaded(['help', 'check'])).toBe(true)
  })
})

describe('shell completion', () => {
  const env = {XDG_CACHE_HOME: cacheHome}

  it('`trailgate autocomplete bash` prints the setup and builds the completion cache', () => {
    const run = trailgate(['autocomplete', 'bash'], {env})
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('printf "$(trailgate autocomplete script bash)" >> ~/.bashrc')
    expect(existsSync(join(cacheHome, 'trailgate', 'autocomplete', 'bash_setup'))).toBe(true)
  })

  it('the line it tells bash users to add completes commands, topics and flags in a real bash', () => {
    const setup = trailgate(['autocomplete', 'script', 'bash'], {env})
    expect(setup.status).toBe(0)
    const complete = (words: string[]) => {
      const script = `${setup.stdout}\nCOMP_WORDS=(${words.map((word) => `'${word}'`).join(' ')}); COMP_CWORD=${words.length - 1}\n_trailgate_autocomplete\nprintf '%s\\n' "\${COMPREPLY[@]}"`
      const run = spawnSync('bash', ['-c', script], {encoding: 'utf8', env: {...process.env, ...env}})
      expect(run.stderr).toBe('')
      return run.stdout.split('\n').filter((line) => line !== '')
    }
    expect(complete(['trailgate', 'ch'])).toEqual(['check'])
    expect(complete(['trailgate', 'in'])).toEqual(['init'])
    expect(complete(['trailgate', 'policies', ''])).toEqual(['list', 'show', 'sql', 'test', 'validate'])
    expect(complete(['trailgate', 'check', '--fail-o'])).toEqual(['--fail-on', '--fail-on-unknown'])
    expect(complete(['trailgate', 'init', '--wo'])).toEqual(['--workflow'])
  })

  it('`trailgate autocomplete zsh` prints the zsh setup', () => {
    const run = trailgate(['autocomplete', 'zsh'], {env})
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('trailgate autocomplete script zsh')
  })
})
