/**
 * `trailgate init` as a user runs it in a fresh folder: the config it writes is the one `check`
 * then uses, the workflows are valid and call the action with inputs it has, and nothing a user
 * wrote is overwritten without --force.
 */
import {spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {ROOT, trailgate} from './cli.js'

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {version: string}).version
const ACTION_INPUTS = Object.keys((parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {inputs: Record<string, unknown>}).inputs)
const EXAMPLE_ARN = /arn:aws:iam::123456789012:role\//
const ROLE = 'arn:aws:iam::444455556666:role/ci-trailgate'
const FIXTURE = join(ROOT, 'fixtures', 'evidence', 'mixed-account')

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'trailgate-init-'))
})
afterEach(() => rmSync(dir, {recursive: true, force: true}))

/** oclif wraps an error message over lines that start with ` ›   `; the message, as one line. */
const unwrapped = (stderr: string) => stderr.replace(/\n › {3}/g, '')

function init(args: string[]) {
  const run = trailgate(['init', ...args], {cwd: dir})
  return {...run, stderr: unwrapped(run.stderr)}
}
const read = (path: string) => readFileSync(join(dir, path), 'utf8')

interface Step {
  uses?: string
  run?: string
  with?: Record<string, unknown>
}
interface Workflow {
  on: unknown
  jobs: Record<string, {'runs-on': string; steps: Step[]}>
}

function steps(path: string): Step[] {
  const workflow = parse(read(path)) as Workflow
  expect(workflow.on).toBeDefined()
  return Object.values(workflow.jobs).flatMap((job) => job.steps)
}

describe('trailgate init', () => {
  it('writes a commented .trailgate.yaml that trailgate check in that folder then uses', () => {
    const run = init([])
    expect(run.stderr).toBe('')
    expect(run.stdout).toBe('wrote .trailgate.yaml\n')
    expect(run.status).toBe(0)
    expect(readdirSync(dir)).toEqual(['.trailgate.yaml'])
    expect(read('.trailgate.yaml').split('\n').filter((line) => line.startsWith('#')).length).toBeGreaterThan(20)

    const check = trailgate(['check', FIXTURE, '--format', 'json'], {cwd: dir})
    const report = JSON.parse(check.stdout) as {configFile?: string; diagnostics: Array<{code: string; message: string}>}
    expect(report.configFile).toBe('.trailgate.yaml')
    expect(report.diagnostics.filter((d) => d.code.startsWith('config'))).toEqual([])
    expect(check.status).toBe(1)
  })

  it('teaches only keys the config loader takes: the commented examples, switched on, are a valid config that is applied', () => {
    expect(init([]).status).toBe(0)
    // "#   key: value" and "# key:" lines are examples; prose comments are left as they are.
    const uncommented = read('.trailgate.yaml').replace(/^# (?=( *[A-Za-z-]+:( |$)| *- ))/gm, '')
    expect(uncommented).toMatch(/^waivers:$/m)
    writeFileSync(join(dir, '.trailgate.yaml'), uncommented)
    const check = trailgate(['check', FIXTURE, '--format', 'json'], {cwd: dir})
    const report = JSON.parse(check.stdout) as {diagnostics: Array<{severity: string; code: string; message: string}>; results: Array<{policy: string}>}
    // What the examples name does not exist here: the custom-policy folder, and a trail to waive.
    expect(report.diagnostics.filter((d) => d.severity !== 'info').map((d) => d.code).sort()).toEqual(['policy-path-missing', 'waiver-unused'])
    expect(report.results.some((result) => result.policy === 's3-data-events')).toBe(false)
    expect(report.results.some((result) => result.policy === 'kms-encryption')).toBe(true)
  })

  it('refuses to overwrite a file that exists (exit 2, nothing written) unless --force', () => {
    writeFileSync(join(dir, '.trailgate.yaml'), 'version: 1\n# mine\n')
    const refused = init(['--workflow', 'org-audit'])
    expect(refused.status).toBe(2)
    expect(refused.stderr).toContain('.trailgate.yaml already exists')
    expect(refused.stderr).toContain('--force')
    expect(read('.trailgate.yaml')).toBe('version: 1\n# mine\n')
    expect(existsSync(join(dir, '.github'))).toBe(false)

    const forced = init(['--workflow', 'org-audit', '--force'])
    expect(forced.status).toBe(0)
    expect(read('.trailgate.yaml')).not.toContain('# mine')
    expect(existsSync(join(dir, '.github', 'workflows', 'trailgate-audit.yml'))).toBe(true)
  })

  it('adds a workflow beside the config it wrote before, as the README runs it: an unchanged file is no conflict', () => {
    expect(init([]).status).toBe(0)
    const config = read('.trailgate.yaml')
    const run = init(['--workflow', 'org-audit'])
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('kept .trailgate.yaml (as init writes it)\n')
    expect(run.stdout).toContain('wrote .github/workflows/trailgate-audit.yml\n')
    expect(read('.trailgate.yaml')).toBe(config)
  })

  it.each([['without --force', []], ['with --force', ['--force']]])('never writes through a link, dangling or not (%s)', (_name, force) => {
    const outside = mkdtempSync(join(tmpdir(), 'trailgate-init-outside-'))
    try {
      symlinkSync(join(outside, 'planted.yaml'), join(dir, '.trailgate.yaml'))
      mkdirSync(join(outside, 'workflows'))
      mkdirSync(join(dir, '.github'))
      symlinkSync(join(outside, 'workflows'), join(dir, '.github', 'workflows'))
      const run = init(['--workflow', 'org-audit', ...force])
      expect(run.status).toBe(2)
      expect(run.stderr).toContain('.trailgate.yaml, .github/workflows are links: init never writes through a link')
      expect(readdirSync(outside).sort()).toEqual(['workflows'])
      expect(readdirSync(join(outside, 'workflows'))).toEqual([])
    } finally {
      rmSync(outside, {recursive: true, force: true})
    }
  })

  it('writes into --dir, and a --dir that is not a folder is exit 2', () => {
    mkdirSync(join(dir, 'infra'))
    const run = init(['--dir', 'infra'])
    expect(run.stdout).toBe('wrote infra/.trailgate.yaml\n')
    expect(existsSync(join(dir, 'infra', '.trailgate.yaml'))).toBe(true)
    expect(existsSync(join(dir, '.trailgate.yaml'))).toBe(false)
    const missing = init(['--dir', 'nowhere'])
    expect(missing.status).toBe(2)
    expect(missing.stderr).toContain('--dir nowhere: not a folder')
  })

  it.each([
    ['cdk.json', 'trailgate-cdk.yml', 'cdk.out'],
    ['main.tf', 'trailgate-terraform.yml', 'plan.json'],
  ])('--workflow pr-gate finds what the folder holds (%s) and writes its gate', (marker, workflow, paths) => {
    writeFileSync(join(dir, marker), '{}\n')
    const run = init(['--workflow', 'pr-gate'])
    expect(run.status).toBe(0)
    expect(run.stdout).toContain(`wrote .github/workflows/${workflow}\n`)
    const gate = steps(`.github/workflows/${workflow}`).find((step) => step.uses?.startsWith('trailgate/trailgate@'))
    expect(gate?.with?.paths).toBe(paths)
  })

  it('--workflow pr-gate in a folder that is neither CDK nor Terraform asks for --iac and writes nothing', () => {
    const run = init(['--workflow', 'pr-gate'])
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('--iac cdk|cloudformation|terraform')
    expect(readdirSync(dir)).toEqual([])
    expect(init(['--workflow', 'pr-gate', '--iac', 'cloudformation']).stdout).toContain('wrote .github/workflows/trailgate-cloudformation.yml\n')
  })

  const EVERY_WORKFLOW = [
    ['pr-gate', 'cdk', 'trailgate-cdk.yml'],
    ['pr-gate', 'cloudformation', 'trailgate-cloudformation.yml'],
    ['pr-gate', 'terraform', 'trailgate-terraform.yml'],
    ['org-audit', '', 'trailgate-audit.yml'],
    ['evidence', '', 'trailgate-evidence.yml'],
    ['trail-logs', '', 'trailgate-logs.yml'],
  ] as const

  it.each(EVERY_WORKFLOW)('--workflow %s %s is valid YAML calling this version of the action with inputs action.yml has, and the role given', (workflow, iac, file) => {
    const run = init(['--workflow', workflow, ...(iac ? ['--iac', iac] : []), '--role-arn', ROLE])
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    const path = `.github/workflows/${file}`
    const all = steps(path)
    const gates = all.filter((step) => step.uses?.startsWith('trailgate/trailgate@'))
    expect(gates).toHaveLength(1)
    expect(gates[0]!.uses).toBe(`trailgate/trailgate@v${VERSION}`)
    const keys = Object.keys(gates[0]!.with ?? {})
    expect(keys.length).toBeGreaterThan(0)
    expect(keys.filter((key) => !ACTION_INPUTS.includes(key))).toEqual([])
    expect(read(path)).not.toMatch(EXAMPLE_ARN)
    for (const step of all.filter((s) => s.with?.['role-to-assume'] !== undefined)) expect(step.with!['role-to-assume']).toBe(ROLE)
    // Every shell step parses in bash.
    for (const step of all.filter((s) => s.run !== undefined)) {
      const syntax = spawnSync('bash', ['-n', '-c', step.run!], {encoding: 'utf8'})
      expect(syntax.stderr).toBe('')
    }
  })

  it('without --role-arn names each line where the role ARN is to be filled in', () => {
    const run = init(['--workflow', 'org-audit', '--workflow', 'evidence'])
    expect(run.status).toBe(0)
    const lines = [...run.stdout.matchAll(/^fill in: (\S+):(\d+): the role ARN/gm)].map((match) => [match[1]!, Number(match[2])] as const)
    expect(lines.map(([file]) => file)).toEqual(['.github/workflows/trailgate-audit.yml', '.github/workflows/trailgate-evidence.yml'])
    for (const [file, line] of lines) expect(read(file).split('\n')[line - 1]).toMatch(EXAMPLE_ARN)
    // No other value is left to fill in.
    for (const [file] of lines) expect(read(file).match(new RegExp(EXAMPLE_ARN, 'g'))).toHaveLength(1)
  })

  it('a --role-arn that is not an IAM role ARN is exit 2 and writes nothing', () => {
    const run = init(['--workflow', 'org-audit', '--role-arn', 'trailgate-audit'])
    expect(run.status).toBe(2)
    expect(run.stderr).toContain("'trailgate-audit' is not an IAM role ARN")
    expect(readdirSync(dir)).toEqual([])
  })

  it('writes the workflows the README and docs/action.md show, word for word', () => {
    const documented = new Map<string, string>()
    for (const page of ['README.md', 'docs/action.md']) {
      for (const match of readFileSync(join(ROOT, page), 'utf8').matchAll(/```yaml\n(# \.github\/workflows\/(\S+)\n[\s\S]*?)```/g)) {
        const [, body, name] = match as unknown as [string, string, string]
        if (documented.has(name)) expect(body, `${page}: ${name}`).toBe(documented.get(name))
        documented.set(name, body)
      }
    }
    expect([...documented.keys()].sort()).toEqual(EVERY_WORKFLOW.map(([, , file]) => file).sort())
    for (const [workflow, iac, file] of EVERY_WORKFLOW) {
      const run = init(['--workflow', workflow, ...(iac ? ['--iac', iac] : []), '--force'])
      expect(run.status).toBe(0)
      expect(read(`.github/workflows/${file}`), file).toBe(documented.get(file))
    }
  })
})
