import {execFileSync} from 'node:child_process'
import {cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import type {Report} from '../../src/engine/report-types.js'
import {ROOT, trailgate} from './cli.js'

/** Tests that run the CLI more than once: each run is a fresh node process on a shared machine. */
const SEVERAL_RUNS = 90_000

const DESCRIBE_TRAILS = readFileSync(join(ROOT, 'fixtures/evidence/mixed-account/describe-trails.eu-west-1.json'))
const SNAPSHOT = readFileSync(join(ROOT, 'fixtures/evidence/snapshot-good.json'))
const CDK_OUT = join(ROOT, 'fixtures/iac/cdk-app/cdk.out')
const TF_PROJECT = join(ROOT, 'fixtures/iac/terraform/project')

const scratch = (): string => mkdtempSync(join(tmpdir(), 'trailgate-paths-'))

function jsonCheck(args: string[], cwd: string): {status: number; report: Report; seconds: number} {
  const started = Date.now()
  const run = trailgate(['check', ...args, '--format', 'json'], {cwd})
  const seconds = (Date.now() - started) / 1000
  expect(run.status, run.stderr).not.toBe(-1)
  return {status: run.status, report: JSON.parse(run.stdout) as Report, seconds}
}

const inputAt = (report: Report, path: string) => report.inputs.find((input) => input.path === path)

describe('folder walks stay inside the folder given', () => {
  it('a link to / or to another folder is listed as skipped, not walked; the rest is read', () => {
    const dir = scratch()
    mkdirSync(join(dir, 'evidence'))
    mkdirSync(join(dir, 'elsewhere'))
    writeFileSync(join(dir, 'evidence', 'snapshot.json'), SNAPSHOT)
    writeFileSync(join(dir, 'elsewhere', 'describe-trails.json'), DESCRIBE_TRAILS)
    symlinkSync('/', join(dir, 'evidence', 'root'))
    symlinkSync(join(dir, 'elsewhere'), join(dir, 'evidence', 'linked'))
    symlinkSync(join(dir, 'elsewhere', 'describe-trails.json'), join(dir, 'evidence', 'trails.json'))

    const {status, report, seconds} = jsonCheck(['evidence'], dir)
    expect(seconds).toBeLessThan(60)
    for (const link of ['evidence/root', 'evidence/linked', 'evidence/trails.json']) {
      expect(inputAt(report, link), link).toMatchObject({fate: 'skipped', detail: expect.stringMatching(/symbolic link to .* outside evidence; give that path itself/)})
    }
    expect(report.inputs.filter((input) => input.fate === 'read').map((input) => input.path)).toEqual(['evidence/snapshot.json'])
    const trails = new Set(report.results.filter((result) => result.subject.type === 'trail').map((result) => result.subject.id))
    expect([...trails]).toEqual(['arn:aws:cloudtrail:us-east-1:111122223333:trail/main'])
    expect(status).toBe(0)
  })

  it('a link given on the command line is read, and so is the folder it names', () => {
    const dir = scratch()
    mkdirSync(join(dir, 'elsewhere'))
    writeFileSync(join(dir, 'elsewhere', 'describe-trails.json'), DESCRIBE_TRAILS)
    symlinkSync(join(dir, 'elsewhere'), join(dir, 'folder-link'))
    symlinkSync(join(dir, 'elsewhere', 'describe-trails.json'), join(dir, 'file-link.json'))
    const folder = jsonCheck(['folder-link'], dir)
    expect(inputAt(folder.report, 'folder-link/describe-trails.json')).toMatchObject({fate: 'read', kind: 'aws-cli/describe-trails'})
    const file = jsonCheck(['file-link.json'], dir)
    expect(inputAt(file.report, 'file-link.json')).toMatchObject({fate: 'read', kind: 'aws-cli/describe-trails'})
  }, SEVERAL_RUNS)

  it('links inside the folder are followed once: a link to its own parent ends, a linked subfolder is read once, by its own name', () => {
    const dir = scratch()
    mkdirSync(join(dir, 'evidence', 'sub'), {recursive: true})
    writeFileSync(join(dir, 'evidence', 'sub', 'snapshot.json'), SNAPSHOT)
    symlinkSync('..', join(dir, 'evidence', 'sub', 'up'))
    symlinkSync('sub', join(dir, 'evidence', 'again'))
    symlinkSync('sub/snapshot.json', join(dir, 'evidence', 'a-copy.json'))

    const {status, report, seconds} = jsonCheck(['evidence'], dir)
    expect(seconds).toBeLessThan(60)
    expect(report.inputs.filter((input) => input.fate === 'read').map((input) => input.path)).toEqual(['evidence/sub/snapshot.json'])
    expect(inputAt(report, 'evidence/sub/up')).toMatchObject({fate: 'skipped', detail: expect.stringMatching(/already walked/)})
    expect(inputAt(report, 'evidence/again')).toMatchObject({fate: 'skipped', detail: expect.stringMatching(/evidence\/sub.*already walked/)})
    expect(inputAt(report, 'evidence/a-copy.json')).toMatchObject({fate: 'skipped', detail: expect.stringMatching(/evidence\/sub\/snapshot\.json.*already read/)})
    expect(status).toBe(0)
  })

  it('a dangling link, and a link out named like AWS CLI output, are failed inputs that say where they point', () => {
    const dir = scratch()
    mkdirSync(join(dir, 'evidence'))
    writeFileSync(join(dir, 'evidence', 'snapshot.json'), SNAPSHOT)
    writeFileSync(join(dir, 'status-elsewhere.json'), '{"IsLogging": true}\n')
    symlinkSync(join(dir, 'gone.json'), join(dir, 'evidence', 'status.json'))
    symlinkSync(join(dir, 'status-elsewhere.json'), join(dir, 'evidence', 'get-trail-status-main.json'))
    const {status, report} = jsonCheck(['evidence'], dir)
    expect(inputAt(report, 'evidence/status.json')).toMatchObject({fate: 'failed', detail: expect.stringMatching(/symbolic link to .*gone\.json, which does not exist/)})
    expect(inputAt(report, 'evidence/get-trail-status-main.json')).toMatchObject({fate: 'failed', detail: expect.stringMatching(/named like `aws cloudtrail get-trail-status` output, but a symbolic link to status-elsewhere\.json, outside evidence/)})
    expect(report.diagnostics.find((d) => d.file === 'evidence/status.json')?.severity).toBe('error')
    expect(status).toBe(2)
  })
})

const POLICY = (id: string): string => `id: ${id}
title: A custom policy
severity: low
subject: trail
description: A custom policy.
remediation: Nothing to do.
message: Trail {{Name}}.
require:
  Name: [{exists: true}]
`

describe('policy folders are walked by the same rule', () => {
  it('a linked folder outside is a warning and not loaded, a link to the folder itself ends, a dangling policy link is an error', () => {
    const dir = scratch()
    mkdirSync(join(dir, 'policies'))
    mkdirSync(join(dir, 'elsewhere'))
    writeFileSync(join(dir, 'policies', 'contained.yaml'), POLICY('contained'))
    writeFileSync(join(dir, 'elsewhere', 'escaped.yaml'), POLICY('escaped'))
    writeFileSync(join(dir, 'snapshot.json'), SNAPSHOT)
    symlinkSync(join(dir, 'elsewhere'), join(dir, 'policies', 'linked'))
    symlinkSync('.', join(dir, 'policies', 'loop'))
    symlinkSync(join(dir, 'gone.yaml'), join(dir, 'policies', 'gone.yaml'))

    const {status, report, seconds} = jsonCheck(['snapshot.json', '--policies', 'policies'], dir)
    expect(seconds).toBeLessThan(60)
    const ids = report.policies.map((policy) => policy.id)
    expect(ids).toContain('contained')
    expect(ids).not.toContain('escaped')
    expect(report.diagnostics.find((d) => d.file === 'policies/linked')).toMatchObject({severity: 'warning', message: expect.stringMatching(/symbolic link to .* outside policies/)})
    expect(report.diagnostics.find((d) => d.file === 'policies/gone.yaml')).toMatchObject({severity: 'error', message: expect.stringMatching(/which does not exist/)})
    expect(report.diagnostics.some((d) => d.file?.startsWith('policies/loop'))).toBe(false)
    expect(status).toBe(2)
  })
})

describe('files a cloud assembly names are judged only through its manifest', () => {
  function assemblyIn(dir: string): string {
    const out = join(dir, 'cdk.out')
    mkdirSync(out)
    cpSync(join(CDK_OUT, 'AuditStack.template.json'), join(out, 'Real.template.json'))
    const environment = 'aws://111122223333/us-east-1'
    const artifacts = {
      Linked: {type: 'aws:cloudformation:stack', environment, properties: {templateFile: 'Linked.template.json'}},
      Real: {type: 'aws:cloudformation:stack', environment, properties: {templateFile: 'Real.template.json'}},
    }
    writeFileSync(join(out, 'manifest.json'), JSON.stringify({version: '36.0.0', artifacts}, null, 2))
    return out
  }

  it.each([
    ['the folder holding cdk.out', (dir: string) => join(dir, 'outside.template.json'), '.'],
    ['cdk.out itself, linked to a template elsewhere', (dir: string) => join(dir, '..', `${dir.split('/').pop()}-outside.template.json`), 'cdk.out'],
  ])('given %s, a template linked out of cdk.out is refused by the manifest and not read as a template of its own', (_, outside, given) => {
    const dir = scratch()
    const out = assemblyIn(dir)
    cpSync(join(CDK_OUT, 'LegacyStack.template.json'), outside(dir))
    symlinkSync(outside(dir), join(out, 'Linked.template.json'))

    const {status, report} = jsonCheck([given], dir)
    expect(report.diagnostics.find((d) => d.code === 'cdk-path-outside')).toMatchObject({file: 'cdk.out/manifest.json', message: expect.stringMatching(/Artifact Linked names Linked\.template\.json/)})
    expect(inputAt(report, 'cdk.out/Linked.template.json')).toMatchObject({fate: 'skipped', kind: 'cdk/assembly', detail: expect.stringMatching(/stack Linked.*cdk\.out\/manifest\.json.*refused/)})
    expect(report.results.some((result) => result.location?.file === 'cdk.out/Linked.template.json')).toBe(false)
    expect(report.results.some((result) => result.location?.file === 'cdk.out/Real.template.json')).toBe(true)
    expect(status).toBe(2)
  }, SEVERAL_RUNS)
})

describe('every file of a cloud assembly has its own fate', () => {
  it('asset manifests, templates and nested manifests are listed as part of the assembly, with a kind and a detail', () => {
    const {report} = jsonCheck([CDK_OUT], ROOT)
    const assets = report.inputs.filter((input) => input.path.endsWith('.assets.json'))
    expect(assets).toHaveLength(3)
    for (const input of assets) expect(input).toMatchObject({fate: 'read', kind: 'cdk/assembly', detail: expect.stringMatching(/^asset manifest \S+ \(assets to publish, no trail\), read as part of fixtures\/iac\/cdk-app\/cdk\.out\/manifest\.json$/)})
    expect(inputAt(report, 'fixtures/iac/cdk-app/cdk.out/AuditStack.template.json')).toMatchObject({fate: 'read', kind: 'cdk/assembly', detail: 'template of stack AuditStack, read as part of fixtures/iac/cdk-app/cdk.out/manifest.json'})
    for (const input of report.inputs) {
      expect(typeof input.kind, input.path).toBe('string')
      expect(input.detail, input.path).toMatch(/\w/)
    }
    const text = trailgate(['check', CDK_OUT, '--verbose'])
    const inputs = text.stdout.slice(text.stdout.indexOf('\nInputs\n'))
    expect(inputs).toMatch(/asset manifest/)
    expect(inputs).not.toMatch(/undefined|null/)
  })
})

describe('--tf-dir sources stay inside the folder given', () => {
  it('a .tf that is a pipe or a link out, and a module folder linked out, are not read; results point at the plan', () => {
    const dir = scratch()
    const project = join(dir, 'project')
    mkdirSync(project)
    cpSync(join(TF_PROJECT, 'plan.json'), join(project, 'plan.json'))
    cpSync(join(TF_PROJECT, 'main.tf'), join(project, 'main.tf'))
    cpSync(join(TF_PROJECT, 'modules'), join(dir, 'modules-elsewhere'), {recursive: true})
    symlinkSync(join(dir, 'modules-elsewhere'), join(project, 'modules'))
    writeFileSync(join(dir, 'extra.tf'), 'resource "aws_cloudtrail" "main" {\n  name = "elsewhere"\n}\n')
    symlinkSync(join(dir, 'extra.tf'), join(project, 'extra.tf'))
    execFileSync('mkfifo', [join(project, 'pipe.tf')])

    const {report, seconds} = jsonCheck(['project/plan.json', '--tf-dir', 'project'], dir)
    expect(seconds).toBeLessThan(60)
    const messages = report.diagnostics.filter((d) => d.code === 'tf-path-outside').map((d) => `${d.severity} ${d.message}`)
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^error project\/extra\.tf is outside project/),
        expect.stringMatching(/^error project\/pipe\.tf is not a regular file/),
        expect.stringMatching(/^warning module folder project\/modules\/audit is outside project/),
      ]),
    )
    const located = report.results.filter((result) => result.subject.type === 'trail').map((result) => result.location?.file)
    expect(located).not.toContain('project/extra.tf')
    expect(located).not.toContain('project/modules/audit/main.tf')
    expect(located).toContain('project/main.tf')
    expect(located).toContain('project/plan.json')
  })

  it('a .tf larger than the input size limit is not read, and says so', () => {
    const dir = scratch()
    cpSync(join(TF_PROJECT, 'plan.json'), join(dir, 'plan.json'))
    const padding = `# ${'x'.repeat(99)}\n`.repeat(400)
    writeFileSync(join(dir, 'main.tf'), `${padding}${readFileSync(join(TF_PROJECT, 'main.tf'), 'utf8')}`)
    const {report} = jsonCheck(['plan.json', '--max-input-size', '30000'], dir)
    expect(report.diagnostics.find((d) => d.code === 'tf-source-too-large')).toMatchObject({severity: 'error', file: 'main.tf', message: expect.stringMatching(/larger than the input size limit .*--max-input-size/)})
    const located = report.results.filter((result) => result.subject.type === 'trail').map((result) => result.location?.file)
    expect(located).not.toContain('main.tf')
    expect(located).toContain('plan.json')
  })
})
