import {execFileSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import type {Report} from '../../src/engine/report-types.js'
import {ROOT, trailgate} from './cli.js'

/** Tests that run the CLI more than once: each run is a fresh node process on a shared machine. */
const SEVERAL_RUNS = 90_000

function folder(files: Record<string, string | Buffer> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'trailgate-silent-'))
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), {recursive: true})
    writeFileSync(join(dir, name), content)
  }
  return dir
}

function jsonCheck(args: string[], cwd?: string): {status: number; report: Report} {
  const run = trailgate(['check', ...args, '--format', 'json'], cwd ? {cwd} : {})
  return {status: run.status, report: JSON.parse(run.stdout) as Report}
}

const resultsOf = (report: Report, policy: string) => report.results.filter((r) => r.policy === policy)

const SINGLE_REGION_TEMPLATE = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Logs:
    Type: AWS::S3::Bucket
  RegionalTrail:
    Type: AWS::CloudTrail::Trail
    Properties:
      TrailName: regional
      S3BucketName: !Ref Logs
      IsLogging: true
      EnableLogFileValidation: true
`

const APP_STACK = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Assets:
    Type: AWS::S3::Bucket
  Queue:
    Type: AWS::SQS::Queue
`

describe('every seed policy judges every input', () => {
  it('fails a CloudFormation template whose only trail is single-region on multi-region-trail, at the trail, without --account', () => {
    const dir = folder({'template.yaml': SINGLE_REGION_TEMPLATE})
    const {status, report} = jsonCheck(['template.yaml'], dir)
    const [multiRegion] = resultsOf(report, 'multi-region-trail')
    expect(multiRegion?.status).toBe('fail')
    expect(multiRegion?.subject.label).toBe('target account')
    expect(multiRegion?.location).toMatchObject({file: 'template.yaml', line: 5, column: 3})
    expect(resultsOf(report, 'global-service-events').map((r) => r.status)).toEqual(['pass'])
    expect(report.notes.join('\n')).toMatch(/no account: .*judged together as one target account/)
    expect(status).toBe(1)
  })

  it('says once in the text output that account verdicts on IaC judge the planned trails alone', () => {
    const dir = folder({'template.yaml': SINGLE_REGION_TEMPLATE})
    const run = trailgate(['check', 'template.yaml'], {cwd: dir})
    expect(run.stdout.match(/judge the planned trails alone/g)).toHaveLength(1)
    expect(run.stdout).not.toMatch(/account policies had nothing to judge/)
  })

  it('judges CDK stacks as the accounts of their environments, environment-agnostic ones as the target account', () => {
    const {report} = jsonCheck(['fixtures/iac/cdk-app/cdk.out'])
    const accounts = resultsOf(report, 'multi-region-trail').map((r) => r.subject.label).sort()
    expect(accounts).toEqual(['111122223333', '444455556666', 'target account'])
    // The stage's stack plans one single-region trail: its account has no multi-region trail.
    const stage = resultsOf(report, 'multi-region-trail').find((r) => r.subject.label === '444455556666')
    expect(stage?.status).toBe('fail')
    expect(stage?.location?.file).toBe('fixtures/iac/cdk-app/cdk.out/assembly-Prod/ProdRegionalStackC758E653.template.json')
  })

  it('judges a Terraform plan as the account its provider names', () => {
    const plan = {
      format_version: '1.2',
      terraform_version: '1.9.0',
      planned_values: {root_module: {resources: []}},
      resource_changes: [
        {
          address: 'aws_cloudtrail.regional',
          mode: 'managed',
          type: 'aws_cloudtrail',
          name: 'regional',
          change: {actions: ['create'], before: null, after: {name: 'regional', s3_bucket_name: 'logs', is_multi_region_trail: false, enable_logging: true}, after_unknown: {arn: true, id: true}},
        },
      ],
      configuration: {
        provider_config: {aws: {name: 'aws', expressions: {region: {constant_value: 'eu-west-1'}, allowed_account_ids: {constant_value: ['777788889999']}}}},
        root_module: {},
      },
    }
    const dir = folder({'plan.json': JSON.stringify(plan, null, 2)})
    const {report} = jsonCheck(['plan.json'], dir)
    const [multiRegion] = resultsOf(report, 'multi-region-trail')
    expect(multiRegion).toMatchObject({status: 'fail', subject: {label: '777788889999'}})
    expect(multiRegion?.location?.file).toBe('plan.json')
    expect(resultsOf(report, 'trails-per-region-limit').map((r) => r.subject.id)).toEqual(['777788889999/eu-west-1'])
  })

  it('gives an application stack that plans no trail no account verdict, says so once, and exits on the results', () => {
    const dir = folder({'app.yaml': APP_STACK})
    const run = trailgate(['check', 'app.yaml'], {cwd: dir})
    expect(run.stdout).toMatch(/no trail in these inputs/)
    expect(run.stdout.match(/account polic(y|ies) had nothing to judge/g)).toHaveLength(1)
    expect(run.status).toBe(0)
  })

  it('keeps merging planned trails with the account as it is when a baseline is given', () => {
    const dir = folder({'template.yaml': SINGLE_REGION_TEMPLATE})
    const mixed = join(import.meta.dirname, '..', '..', 'fixtures', 'evidence', 'mixed-account')
    const {report} = jsonCheck(['template.yaml', '--baseline', mixed, '--only', 'multi-region-trail'], dir)
    // The account already has a logging multi-region trail: the regional trail adds to it.
    expect(resultsOf(report, 'multi-region-trail').map((r) => `${r.subject.label} ${r.status}`)).toEqual(['111122223333 pass'])
  })

  it('fails multi-region-trail for an account with no trail, with or without --account', () => {
    const dir = folder({'describe-trails.json': '{"trailList": []}\n'})
    for (const extra of [[], ['--account', '111122223333']]) {
      const {status, report} = jsonCheck(['describe-trails.json', ...extra], dir)
      const [multiRegion] = resultsOf(report, 'multi-region-trail')
      expect(multiRegion?.status).toBe('fail')
      expect(multiRegion?.location?.file).toBe('describe-trails.json')
      expect(status).toBe(1)
    }
  }, SEVERAL_RUNS)
})

describe('a run that judged nothing fails', () => {
  const nothingRead = (args: string[], cwd?: string, why?: RegExp) => {
    const run = trailgate(['check', ...args], cwd ? {cwd} : {})
    expect(run.status).toBe(2)
    expect(run.stdout).toMatch(/exit 2: no input was read, so nothing was judged/)
    if (why) expect(run.stdout).toMatch(why)
    return run
  }

  it('exits 2 for an empty file', () => {
    nothingRead(['empty.json'], folder({'empty.json': ''}), /empty\.json: empty file/)
  })

  it('exits 2 for an empty folder', () => {
    const dir = folder()
    mkdirSync(join(dir, 'evidence'))
    nothingRead(['evidence'], dir, /evidence holds no file/)
  })

  it('exits 2 for a FIFO and for /dev/zero, without hanging', () => {
    const dir = folder()
    execFileSync('mkfifo', [join(dir, 'pipe')])
    nothingRead(['pipe'], dir, /not a regular file/)
    const started = Date.now()
    nothingRead(['/dev/zero'], dir)
    expect(Date.now() - started).toBeLessThan(30_000)
  }, SEVERAL_RUNS)

  it('fails, not skips, a device named like AWS CLI output beside a good input', () => {
    const dir = folder({'evidence/trails.json': readFileSync(join(ROOT, 'fixtures/evidence/mixed-account/describe-trails.eu-west-1.json'), 'utf8')})
    symlinkSync('/dev/zero', join(dir, 'evidence', 'describe-trails.json'))
    const {status, report} = jsonCheck(['evidence'], dir)
    expect(report.inputs.find((input) => input.path.endsWith('describe-trails.json'))).toMatchObject({fate: 'failed', detail: expect.stringMatching(/describe-trails.*not a regular file.*save the command's output/)})
    expect(status).toBe(2)
  })

  it('exits 2 for a cdk.out that was never synthesized', () => {
    const dir = folder({'cdk.out/cdk.context.json': '{}\n'})
    const run = trailgate(['check', 'cdk.out'], {cwd: dir})
    expect(run.status).toBe(2)
    expect(run.stdout).toMatch(/cdk\.out.*no manifest\.json.*cdk synth/)
  })

  it('fails a plan whose resource_changes is not an array, at the value', () => {
    const dir = folder({'plan.json': '{\n  "format_version": "1.2",\n  "planned_values": {},\n  "resource_changes": {}\n}\n'})
    const {status, report} = jsonCheck(['plan.json'], dir)
    expect(status).toBe(2)
    expect(report.inputs[0]).toMatchObject({path: 'plan.json', fate: 'failed'})
    expect(report.diagnostics.find((d) => /resource_changes must be an array/.test(d.message))).toMatchObject({file: 'plan.json', line: 4})
  })

  it('exits 2 when no policy is left: --no-builtin, or --only X --skip X', () => {
    const evidence = join(import.meta.dirname, '..', '..', 'fixtures', 'evidence', 'mixed-account')
    for (const flags of [['--no-builtin'], ['--only', 'kms-encryption', '--skip', 'kms-encryption']]) {
      const run = trailgate(['check', evidence, ...flags])
      expect(run.status).toBe(2)
      expect(run.stdout).toMatch(/exit 2: no policy is left to run/)
    }
  }, SEVERAL_RUNS)
})

const TEXT_OUTPUT = 'TRAILLIST\tarn:aws:cloudtrail:us-east-1:111122223333:trail/audit\tTrue\tus-east-1\tTrue\tTrue\tFalse\taudit\taudit-logs\n'
const TABLE_OUTPUT = `-------------------------------------------------------------------
|                         DescribeTrails                          |
+-----------------------------------------------------------------+
||                           trailList                           ||
|+--------------------------------+------------------------------+|
||  HomeRegion                    |  us-east-1                   ||
||  Name                          |  audit                       ||
|+--------------------------------+------------------------------+|
`
const DESCRIBE = JSON.stringify({
  trailList: [{Name: 'audit', TrailARN: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/audit', HomeRegion: 'us-east-1', IsMultiRegionTrail: true, IncludeGlobalServiceEvents: true, S3BucketName: 'audit-logs'}],
})

describe('AWS CLI output that cannot be read fails, with what to do', () => {
  it('fails --output text and --output table output, whatever its name', () => {
    const dir = folder({'trails.txt': TEXT_OUTPUT, 'describe-trails.json': TABLE_OUTPUT})
    const {status, report} = jsonCheck(['.'], dir)
    expect(report.inputs.find((i) => i.path === 'trails.txt')).toMatchObject({fate: 'failed', detail: expect.stringMatching(/`--output text` output; run the command with `--output json`/)})
    expect(report.inputs.find((i) => i.path === 'describe-trails.json')).toMatchObject({fate: 'failed', detail: expect.stringMatching(/`--output table` output; run the command with `--output json`/)})
    expect(status).toBe(2)
  })

  it('fails a file named like AWS CLI output that is not of its shape', () => {
    const dir = folder({'get-trail-status-audit.json': '{"Trails": 1}\n', 'describe-trails.us-east-1.json': ''})
    const {report} = jsonCheck(['.'], dir)
    expect(report.inputs.map((i) => `${i.path} ${i.fate}`).sort()).toEqual(['describe-trails.us-east-1.json failed', 'get-trail-status-audit.json failed'])
    expect(report.inputs.find((i) => i.path === 'get-trail-status-audit.json')?.detail).toMatch(/get-trail-status/)
  })

  it('reads UTF-16 (PowerShell) and UTF-8 with BOM, and says which encoding it read', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(DESCRIBE, 'utf16le')])
    const dir = folder({'describe-trails.json': utf16, 'get-trail-status-audit.json': `\uFEFF${JSON.stringify({IsLogging: true})}`})
    const {status, report} = jsonCheck(['.'], dir)
    expect(report.inputs.find((i) => i.path === 'describe-trails.json')).toMatchObject({fate: 'read', detail: expect.stringMatching(/UTF-16LE/)})
    expect(report.inputs.find((i) => i.path === 'get-trail-status-audit.json')).toMatchObject({fate: 'read', detail: expect.stringMatching(/UTF-8 with BOM/)})
    expect(resultsOf(report, 'logging-enabled').map((r) => r.status)).toEqual(['pass'])
    expect(status).toBe(1)
  })

  it('fails a UTF-16 file that is not valid once decoded', () => {
    const broken = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"trailList": [', 'utf16le')])
    const {status, report} = jsonCheck(['trails.json'], folder({'trails.json': broken}))
    expect(report.inputs[0]).toMatchObject({fate: 'failed'})
    expect(report.inputs[0]?.detail).toMatch(/UTF-16LE/)
    expect(status).toBe(2)
  })
})

describe('what an unknown does to the exit code', () => {
  const TEMPLATE = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties:
      TrailName: audit
      S3BucketName: logs
      IsLogging: true
      IsMultiRegionTrail: true
      EnableLogFileValidation: true
      KMSKeyId: key
      CloudWatchLogsLogGroupArn: arn:aws:logs:us-east-1:111122223333:log-group:audit
      CloudWatchLogsRoleArn: arn:aws:iam::111122223333:role/logs
      EventSelectors:
        - ReadWriteType: !ImportValue SharedReadWriteType
`
  it('leaves the exit code to the failures by default, and makes an unknown at or above --fail-on exit 2 with --fail-on-unknown', () => {
    const dir = folder({'template.yaml': TEMPLATE})
    const plain = jsonCheck(['template.yaml', '--only', 'management-events-read-write'], dir)
    expect(resultsOf(plain.report, 'management-events-read-write').map((r) => r.status)).toEqual(['unknown'])
    expect(plain.status).toBe(0)
    const strict = trailgate(['check', 'template.yaml', '--only', 'management-events-read-write', '--fail-on-unknown'], {cwd: dir})
    expect(strict.status).toBe(2)
    expect(strict.stdout).toMatch(/exit 2: 1 result could not be decided \(--fail-on-unknown\)/)
    // Below the threshold an unknown does not count, as a failure would not.
    expect(trailgate(['check', 'template.yaml', '--only', 'management-events-read-write', '--fail-on-unknown', '--fail-on', 'high'], {cwd: dir}).status).toBe(0)
  }, SEVERAL_RUNS)

  it('takes failOnUnknown from the config file', () => {
    const dir = folder({'template.yaml': TEMPLATE, '.trailgate.yaml': 'version: 1\nfailOnUnknown: true\n'})
    expect(trailgate(['check', 'template.yaml', '--only', 'management-events-read-write'], {cwd: dir}).status).toBe(2)
    expect(trailgate(['check', 'template.yaml', '--only', 'management-events-read-write', '--no-fail-on-unknown'], {cwd: dir}).status).toBe(0)
  }, SEVERAL_RUNS)
})
