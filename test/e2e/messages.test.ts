import {spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'

import type {Report} from '../../src/engine/report-types.js'
import {startFakeAws, type FakeAws, type FakeWorld} from '../live/fake-aws/server.js'
import {ROOT, trailgate, trailgateAsync} from './cli.js'

const ACCOUNT = '111122223333'

const rootCall = {
  eventVersion: '1.09',
  userIdentity: {type: 'Root', principalId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT},
  eventTime: '2024-05-01T08:01:40Z',
  eventSource: 'iam.amazonaws.com',
  eventName: 'CreateAccessKey',
  awsRegion: 'us-east-1',
  sourceIPAddress: '203.0.113.10',
  userAgent: 'aws-cli/2.15.0',
  requestParameters: null,
  responseElements: null,
  eventID: '0b1c2d3e-1111-2222-3333-444455556666',
  eventType: 'AwsApiCall',
  recipientAccountId: ACCOUNT,
}

const stopLogging = {
  ...rootCall,
  userIdentity: {type: 'IAMUser', principalId: 'AIDAEXAMPLE', arn: `arn:aws:iam::${ACCOUNT}:user/mallory`, accountId: ACCOUNT, userName: 'mallory'},
  eventTime: '2024-05-01T09:15:00Z',
  eventSource: 'cloudtrail.amazonaws.com',
  eventName: 'StopLogging',
  sourceIPAddress: '198.51.100.7',
  requestParameters: {name: 'main'},
  eventID: '0b1c2d3e-7777-8888-9999-000011112222',
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'trailgate-messages-'))
}

/** A folder of CloudTrail records as JSON Lines, the way a user exports them. */
function recordsFolder(records: object[]): string {
  const dir = tempDir()
  writeFileSync(join(dir, 'records.jsonl'), `${records.map((record) => JSON.stringify(record)).join('\n')}\n`)
  return dir
}

function json(args: string[]): Report {
  const run = trailgate(['check', ...args, '--format', 'json'])
  if (!run.stdout.startsWith('{')) throw new Error(`no JSON report (exit ${run.status}): ${run.stderr}`)
  return JSON.parse(run.stdout) as Report
}

describe('event findings say what happened', () => {
  it('words a root-user detection as what matched, the same in text, SARIF, JUnit and markdown', () => {
    const dir = recordsFolder([stopLogging, rootCall])
    const out = tempDir()
    const sentence = 'Root user called CreateAccessKey from 203.0.113.10 at 2024-05-01T08:01:40Z (not invoked by an AWS service).'
    // Run from the records' folder, as in a repository: code scanning takes only results with a file in it.
    const run = trailgate(['check', 'records.jsonl', '--sarif', join(out, 'r.sarif'), '--junit', join(out, 'r.xml'), '--markdown', join(out, 'r.md')], {cwd: dir})
    expect(run.status).toBe(1)
    expect(run.stdout).toContain(sentence)
    expect(run.stdout).not.toMatch(/expected not|does not meet/)
    // Records are counted from 1, as a person counts them.
    expect(run.stdout).toContain('record 2 of')
    const sarif = JSON.parse(readFileSync(join(out, 'r.sarif'), 'utf8')) as {runs: {results: {ruleId: string; message: {text: string}}[]}[]}
    const sarifRoot = sarif.runs[0]!.results.find((result) => result.ruleId === 'root-account-usage')
    expect(sarifRoot?.message.text).toContain(sentence)
    expect(readFileSync(join(out, 'r.xml'), 'utf8')).toContain(sentence)
    expect(readFileSync(join(out, 'r.md'), 'utf8')).toContain(sentence)
    expect(run.stdout).toContain('arn:aws:iam::111122223333:user/mallory called StopLogging on trail main from 198.51.100.7 at 2024-05-01T09:15:00Z.')
  })

  it('gives a custom detection without a message a sentence of what matched, not the negated pattern', () => {
    const dir = recordsFolder([rootCall])
    const policies = tempDir()
    writeFileSync(
      join(policies, 'root-without-message.yaml'),
      [
        'id: root-without-message',
        'title: Root activity (custom)',
        'severity: high',
        'subject: event',
        'description: Root did something.',
        'remediation: Look into it.',
        'forbid:',
        '  userIdentity:',
        '    type: [Root]',
        '    invokedBy: [{exists: false}]',
        '  eventType: [{anything-but: AwsServiceEvent}]',
        '',
      ].join('\n'),
    )
    const report = json([dir, '--policies', policies, '--only', 'root-without-message'])
    const finding = report.results.find((result) => result.policy === 'root-without-message')
    expect(finding?.status).toBe('fail')
    expect(finding?.message).toContain(`Root activity (custom): arn:aws:iam::${ACCOUNT}:root called CreateAccessKey from 203.0.113.10 at 2024-05-01T08:01:40Z`)
    expect(finding?.message).toContain('userIdentity.type is Root; userIdentity.invokedBy is missing; eventType is AwsApiCall')
    expect(finding?.message).not.toMatch(/expected|not anything but|not absent/)
  })

  it('numbers records from 1 in findings and diagnostics', () => {
    const run = trailgate(['check', 'fixtures/events/samples/console-sign-in.json'])
    expect(run.stdout).toContain('record 1 of fixtures/events/samples/console-sign-in.json')
    expect(run.stdout).toContain('record 2 of fixtures/events/samples/console-sign-in.json')
    expect(run.stdout).not.toContain('record 0')
    expect(run.stdout).toMatch(/console-sign-in\.json:3:5 {2}record 1 \(eventID b31716e9/)
  })
})

describe('unknown results say why in a sentence', () => {
  it('names the field that is not known and why, without gluing the reason after "is"', () => {
    const run = trailgate(['check', 'fixtures/evidence/mixed-account/describe-trails.eu-west-1.json'])
    expect(run.stdout).toContain('? Trail stopped-trail (eu-west-1): "The trail is logging" cannot be decided: Status.IsLogging is not known (no get-trail-status output was given for this trail).')
    expect(run.stdout).not.toMatch(/ is no get-trail-status| is the trail has/)
  })
})

describe('every failing subject gets its own fix', () => {
  it('fills the CLI fix with each failing trail, in text, markdown and SARIF, with no raw placeholder left', () => {
    const out = tempDir()
    const run = trailgate(['check', 'fixtures/evidence/mixed-account', '--only', 'logging-enabled,kms-encryption', '--markdown', join(out, 'r.md'), '--sarif', join(out, 'r.sarif')])
    expect(run.stdout).toContain('fix: aws cloudtrail start-logging --name stopped-trail')
    expect(run.stdout).toContain('fix: aws cloudtrail update-trail --name unencrypted-trail --kms-key-id <key-arn-or-alias>')
    const markdown = readFileSync(join(out, 'r.md'), 'utf8')
    expect(markdown).toContain('aws cloudtrail start-logging --name stopped-trail')
    expect(markdown).not.toContain('{{')
    const sarif = readFileSync(join(out, 'r.sarif'), 'utf8')
    expect(sarif).not.toContain('{{')
    expect(sarif).toContain('aws cloudtrail start-logging --name <Name>')
  })

  it('gives one fix per failing trail, not one per policy', () => {
    const dir = tempDir()
    const trail = (name: string) => ({
      Name: name,
      TrailARN: `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/${name}`,
      HomeRegion: 'us-east-1',
      S3BucketName: 'logs',
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      LogFileValidationEnabled: false,
    })
    writeFileSync(join(dir, 'describe-trails.json'), JSON.stringify({trailList: [trail('alpha'), trail('beta')]}))
    const run = trailgate(['check', dir, '--only', 'log-file-validation'])
    expect(run.stdout).toContain('fix: aws cloudtrail update-trail --name alpha --enable-log-file-validation')
    expect(run.stdout).toContain('fix: aws cloudtrail update-trail --name beta --enable-log-file-validation')
  })

  it('tells IaC what to set in the template: CloudFormation property, CDK prop, Terraform argument', () => {
    const cfn = json(['fixtures/iac/cloudformation/trails.yaml', '--account', ACCOUNT, '--only', 'log-file-validation'])
    const cfnFix = cfn.results.find((result) => result.status === 'fail')?.remediation ?? ''
    expect(cfnFix).toContain('EnableLogFileValidation: true')
    expect(cfnFix).toContain('AWS::CloudTrail::Trail')
    expect(cfnFix).not.toContain('aws cloudtrail')

    const cdk = json(['fixtures/iac/cdk-app/cdk.out', '--only', 'log-file-validation'])
    const cdkFix = cdk.results.find((result) => result.status === 'fail')?.remediation ?? ''
    expect(cdkFix).toContain('enableFileValidation: true')
    expect(cdkFix).not.toContain('aws cloudtrail')

    const tf = json(['fixtures/iac/terraform/project/plan.json', '--account', ACCOUNT, '--only', 'log-file-validation'])
    const tfFix = tf.results.find((result) => result.status === 'fail')?.remediation ?? ''
    expect(tfFix).toContain('enable_log_file_validation = true')
    expect(tfFix).not.toContain('aws cloudtrail')

    const text = trailgate(['check', 'fixtures/iac/terraform/project/plan.json', '--account', ACCOUNT, '--only', 'kms-encryption'])
    expect(text.stdout).toContain('fix: Set `kms_key_id`')
    expect(text.stdout).not.toContain('update-trail')
  })

  it('names the resource as the template names it: the logical ID, the Terraform address, not the trail name', () => {
    const cfn = json(['fixtures/iac/cloudformation/trails.yaml', '--account', ACCOUNT, '--only', 'logging-enabled'])
    const cfnFixes = cfn.results.filter((result) => result.status === 'fail').map((result) => result.remediation)
    expect(cfnFixes).toEqual(['Set `IsLogging: true` on the AWS::CloudTrail::Trail resource DefaultsTrail.'])

    const tf = trailgate(['check', 'fixtures/iac/terraform/project/plan.json', '--account', ACCOUNT, '--only', 'logging-enabled'])
    expect(tf.stdout).toContain('fix: Set `enable_logging = true` (the default) on the aws_cloudtrail resource aws_cloudtrail.regional["eu-west-1"].')
    expect(tf.stdout).not.toContain('resource regional-eu-west-1')
  })

  it('refuses a remediation object with an unknown input kind, at its line and column', () => {
    const policies = tempDir()
    writeFileSync(
      join(policies, 'bad-fix.yaml'),
      ['id: bad-fix', 'title: Bad fix', 'severity: low', 'subject: trail', 'description: x', 'remediation:', '  cli: aws cloudtrail update-trail --name {{Name}}', '  pulumi: no', 'require:', '  LogFileValidationEnabled: [true]', ''].join('\n'),
    )
    const run = trailgate(['policies', 'validate', join(policies, 'bad-fix.yaml')])
    expect(run.status).not.toBe(0)
    expect(`${run.stdout}${run.stderr}`).toMatch(/bad-fix\.yaml:8:3: error: .*pulumi/)
  })
})

/** Runs the CLI under a pseudo-terminal, as a person at a terminal runs it. */
function underTerminal(args: string[], env: Record<string, string>): string {
  const command = [process.execPath, join(ROOT, 'bin', 'run.js'), ...args].map((part) => `'${part.replace(/'/g, `'\\''`)}'`).join(' ')
  const {NODE_ENV: _test, NO_COLOR: _noColor, FORCE_COLOR: _forceColor, CI: _ci, GITHUB_ACTIONS: _actions, ...base} = process.env
  const run = spawnSync('script', ['-qec', command, '/dev/null'], {cwd: ROOT, encoding: 'utf8', env: {...base, TERM: 'xterm-256color', ...env}, timeout: 120_000})
  return run.stdout
}

describe('colour and progress', () => {
  const ESC = '\u001b['

  it('colours a terminal, but not TERM=dumb, not CI, not NO_COLOR', () => {
    const args = ['check', 'fixtures/evidence/mixed-account']
    expect(underTerminal(args, {})).toContain(`${ESC}31m`)
    expect(underTerminal(args, {TERM: 'dumb'})).not.toContain(`${ESC}31m`)
    expect(underTerminal(args, {CI: 'true'})).not.toContain(`${ESC}31m`)
    expect(underTerminal(args, {NO_COLOR: '1'})).not.toContain(`${ESC}31m`)
  })

  it('shows the total and an ETA while reading CloudTrail logs', () => {
    const dir = tempDir()
    for (let index = 0; index < 6; index++) {
      const folder = join(dir, `part-${index}`)
      mkdirSync(folder)
      writeFileSync(join(folder, 'records.jsonl'), `${JSON.stringify({...rootCall, eventID: `id-${index}`})}\n`)
    }
    const run = trailgate(['check', dir, '--progress'])
    expect(run.stderr).toMatch(/reading CloudTrail logs: 1\/6 files, 1 record, .*ETA \d+s/)
    expect(run.stderr).toMatch(/reading CloudTrail logs: 6\/6 files, 6 records/)
  })
})

describe('audit text names the account and region of every failing subject', () => {
  let fake: FakeAws | undefined
  afterEach(async () => {
    await fake?.close()
    fake = undefined
  })

  const world: FakeWorld = {
    regions: ['us-east-1', 'eu-west-1'],
    accounts: {
      [ACCOUNT]: {
        accessKeyIds: ['AKIAMESSAGES'],
        trails: [
          {Name: 'legacy', HomeRegion: 'eu-west-1', S3BucketName: 'legacy-logs', LogFileValidationEnabled: false, status: {IsLogging: false}},
          {Name: 'other', HomeRegion: 'us-east-1', S3BucketName: 'other-logs', LogFileValidationEnabled: false, status: {IsLogging: true}},
        ],
      },
    },
  }

  it('prints account and region under each failure, and progress with a total and an ETA', async () => {
    fake = await startFakeAws(world)
    const nowhere = join(tmpdir(), 'trailgate-no-aws-config')
    const run = await trailgateAsync(['audit', '--endpoint-url', fake.url, '--regions', 'us-east-1,eu-west-1', '--only', 'log-file-validation,logging-enabled', '--progress'], {
      env: {
        AWS_ACCESS_KEY_ID: 'AKIAMESSAGES',
        AWS_SECRET_ACCESS_KEY: 'fake-secret',
        AWS_REGION: 'us-east-1',
        AWS_CONFIG_FILE: nowhere,
        AWS_SHARED_CREDENTIALS_FILE: nowhere,
        AWS_EC2_METADATA_DISABLED: 'true',
      },
    })
    expect(run.status).toBe(1)
    const lines = run.stdout.split('\n')
    const after = (pattern: RegExp): string => lines[lines.findIndex((line) => pattern.test(line)) + 1] ?? ''
    expect(after(/✗ Trail legacy is not logging/)).toContain(`account ${ACCOUNT} · region eu-west-1`)
    expect(after(/✗ Trail other does not validate/)).toContain(`account ${ACCOUNT} · region us-east-1`)
    expect(run.stderr).toMatch(/regions 1\/2 .*ETA \d+s/)
  })
})
