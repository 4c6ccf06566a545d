import {readFileSync} from 'node:fs'

import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {crashLine, crashReport, TrailgateCommand} from '../cli/crash.js'
import {outputFlags, policyFlags, policyOptionsFrom} from '../cli/flags.js'
import {estimateLeft, ProgressLine, wantsProgress} from '../cli/progress.js'
import {outputRequest, reportOutputFailures, standardOutputConflict, writeOutputs, writeToStandardOutput} from '../cli/output.js'
import {EVENT_ENGINES, runCheck, type EventEngine} from '../engine/run.js'
import {regionNameProblem} from '../util/region-name.js'
import {dict} from '../util/dict.js'
import {readTimeWindow} from '../util/time.js'
import {parseDepth, parseSize, type Limits} from '../model/limits.js'
import type {ScanProgress} from '../events/scan.js'
import {publicKeysFromJson, type PublicKey} from '../archive/integrity/signature.js'

function readPublicKeys(file: string): PublicKey[] | {problem: string} {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    return {problem: `cannot read: ${(error as Error).message}`}
  }
  try {
    return publicKeysFromJson(JSON.parse(text))
  } catch (error) {
    return {problem: `not JSON: ${(error as Error).message}`}
  }
}

/** `reading CloudTrail logs: 3/40 files, 12,345 records, 18.2 MB · ETA 9s`, redrawn at most five times a second. */
function eventProgress(line: ProgressLine): (p: ScanProgress) => void {
  const startedAt = Date.now()
  return (p) => {
    const left = estimateLeft(p.files, p.totalFiles, Date.now() - startedAt)
    const text = `reading CloudTrail logs: ${p.files}/${p.totalFiles} files, ${p.records.toLocaleString('en-US')} record${p.records === 1 ? '' : 's'}, ${(p.bytes / 1e6).toFixed(1)} MB`
    line.show(left ? `${text} · ${left}` : text, p.files === p.totalFiles)
  }
}

export default class Check extends TrailgateCommand {
  static override summary = 'Check trail configurations, IaC and CloudTrail logs against policies.'

  static override description = `Reads every file and folder given, recognizing each by its content:
  AWS CLI JSON output (describe-trails, get-trail-status, get-event-selectors, get-insight-selectors, list-tags),
  trailgate snapshots, CloudFormation templates, CDK cloud assemblies (cdk.out), Terraform plan JSON
  and CloudTrail log files. Evaluates the built-in and custom policies and reports every result.

Every input is accounted for: read, skipped (and why) or failed (file:line:column).

Exit codes:
  0  no failure at or above --fail-on
  1  a failure at or above --fail-on (default: low)
  2  the run cannot be trusted: an input, a policy or the config could not be read, no input was
     read or no policy is left, or (--fail-on-unknown) a result at or above --fail-on is unknown`

  static override examples = [
    {description: 'Check AWS CLI evidence collected into a folder', command: '<%= config.bin %> <%= command.id %> ./evidence'},
    {description: 'Gate a pull request on a CDK app, writing SARIF for code scanning', command: '<%= config.bin %> <%= command.id %> cdk.out --sarif trailgate.sarif'},
    {description: 'Check a Terraform plan against the account as it is today', command: '<%= config.bin %> <%= command.id %> plan.json --baseline snapshot.json'},
    {description: 'Only the quota policies, failing only on high or critical', command: '<%= config.bin %> <%= command.id %> ./evidence --only "*-limit" --fail-on high'},
    {description: 'Check the log file integrity of a local copy of the trail bucket, signatures included', command: 'aws cloudtrail list-public-keys --start-time 2025-05-01 > keys.json && <%= config.bin %> <%= command.id %> ./bucket-copy --public-keys keys.json'},
    {description: 'Judge a day of a trail bucket\'s logs in one region, read straight from S3', command: '<%= config.bin %> <%= command.id %> s3://trail-bucket/AWSLogs/111122223333/CloudTrail/eu-west-1/2025/05/01/ --profile audit'},
    {description: 'Judge the last week of two accounts\' logs in an organization trail\'s bucket; nothing outside is listed or fetched', command: '<%= config.bin %> <%= command.id %> s3://org-trail-bucket/ --since 7d --accounts 111122223333,444455556666'},
    {description: 'Lower a parameter for one run', command: '<%= config.bin %> <%= command.id %> ./evidence --param trails-per-region-limit.max=4'},
    {description: 'Judge CloudTrail log files with DuckDB instead of the native scanner', command: '<%= config.bin %> <%= command.id %> ./AWSLogs --engine duckdb --format json'},
  ]

  static override strict = false

  static override args = {
    paths: Args.string({description: 'Files or folders to check (folders are read recursively), or s3://bucket/prefix of CloudTrail log objects.', required: true}),
  }

  static override flags = {
    ...policyFlags,
    ...outputFlags,
    account: Flags.string({summary: 'The account whose evidence this is (default: from a snapshot, or inferred from the trails\' ARNs).', helpGroup: 'INPUT'}),
    regions: Flags.string({summary: 'Regions to judge besides the trails\' home regions; comma-separated.', delimiter: ',', multiple: true, multipleNonGreedy: true, helpGroup: 'INPUT'}),
    since: Flags.string({summary: 'Only records from this time: a duration such as 24h, 7d, 90m, or an ISO time. Prunes S3 listings by key and local files in the CloudTrail layout by path; each record read is held to it by its eventTime.', helpGroup: 'INPUT'}),
    until: Flags.string({summary: 'Only records until this ISO time (default: now), pruned as --since is.', helpGroup: 'INPUT'}),
    accounts: Flags.string({summary: 'Only log files of these account ids (from their key in the CloudTrail layout); comma-separated.', delimiter: ',', multiple: true, multipleNonGreedy: true, helpGroup: 'INPUT'}),
    'cfn-param': Flags.string({summary: 'CloudFormation parameter value: Name=Value. Repeatable.', multiple: true, multipleNonGreedy: true, helpGroup: 'INPUT'}),
    baseline: Flags.string({summary: 'The account as it is today (a snapshot or AWS CLI evidence): merged with planned trails for region and account policies. Repeatable.', multiple: true, multipleNonGreedy: true, helpGroup: 'INPUT'}),
    profile: Flags.string({summary: 'AWS profile that s3:// paths are read with, exactly as AWS_PROFILE (default: the standard credential chain).', helpGroup: 'S3'}),
    region: Flags.string({summary: 'The AWS region S3 is asked in, as the AWS CLI\'s --region (default: AWS_REGION, the profile\'s, else us-east-1).', helpGroup: 'S3'}),
    'endpoint-url': Flags.string({summary: 'Read s3:// paths from this S3-compatible endpoint, with path-style addressing.', helpGroup: 'S3'}),
    'public-keys': Flags.string({summary: 'CloudTrail public keys that digest signatures are checked with: the output of `aws cloudtrail list-public-keys` (JSON).', helpGroup: 'INPUT'}),
    'tf-dir': Flags.string({summary: 'Terraform configuration folder, so results point at the .tf source.', helpGroup: 'INPUT'}),
    engine: Flags.string({summary: 'Who judges CloudTrail log files: native (default) or duckdb (the event policies as SQL; see docs/events.md).', options: [...EVENT_ENGINES], default: 'native', helpGroup: 'INPUT'}),
    'max-input-size': Flags.string({summary: 'Largest input file once inflated, e.g. 2GiB (default 1GiB).', helpGroup: 'LIMITS'}),
    'max-record-size': Flags.string({summary: 'Largest CloudTrail record in a streamed log, e.g. 64MiB (default 16MiB).', helpGroup: 'LIMITS'}),
    'max-member-size': Flags.string({summary: 'Largest gzip member once inflated; each member of a multi-member file counts alone, e.g. 2GiB (default 1GiB).', helpGroup: 'LIMITS'}),
    'max-depth': Flags.string({summary: 'Deepest nesting of arrays and objects in one input document or CloudTrail record (default 256).', helpGroup: 'LIMITS'}),
  }

  async run(): Promise<void> {
    const {argv, flags, metadata} = await this.parse(Check)
    const outputConflict = standardOutputConflict(flags, metadata.flags.format?.setFromDefault !== true)
    if (outputConflict !== undefined) this.error(outputConflict, {exit: 2})
    const cfnParams = dict<string>()
    for (const pair of flags['cfn-param'] ?? []) {
      const at = pair.indexOf('=')
      if (at < 1) this.error(`--cfn-param ${pair}: expected Name=Value`, {exit: 2})
      cfnParams[pair.slice(0, at)] = pair.slice(at + 1)
    }
    for (const region of flags.regions ?? []) {
      const problem = regionNameProblem(region)
      if (problem !== undefined) this.error(`--regions: ${problem}`, {exit: 2})
    }
    const {window: {since, until}, wrong} = readTimeWindow(flags.since, flags.until)
    if (wrong.includes('since')) this.error(`--since ${flags.since}: expected a duration such as 24h, 7d, 90m, or an ISO time`, {exit: 2})
    if (wrong.includes('until')) this.error(`--until ${flags.until}: expected an ISO time such as 2025-05-01T12:00:00Z`, {exit: 2})
    if (wrong.includes('order')) this.error(`--since ${flags.since} is after --until ${flags.until}`, {exit: 2})
    for (const account of flags.accounts ?? []) {
      if (!/^\d{12}$/.test(account)) this.error(`--accounts ${account}: expected a 12-digit account id`, {exit: 2})
    }
    const publicKeys = flags['public-keys'] === undefined ? undefined : readPublicKeys(flags['public-keys'])
    if (publicKeys !== undefined && 'problem' in publicKeys) this.error(`--public-keys ${flags['public-keys']}: ${publicKeys.problem}`, {exit: 2})
    const startedAt = new Date()
    const progressLine = new ProgressLine(200)
    const limits: Partial<Limits> = {}
    for (const [flag, name] of [['max-input-size', 'maxInputBytes'], ['max-record-size', 'maxRecordBytes'], ['max-member-size', 'maxMemberBytes']] as const) {
      const text = flags[flag]
      if (text === undefined) continue
      const bytes = parseSize(text)
      if (bytes === undefined) this.error(`--${flag} ${text}: expected a size such as 512MiB, 2GiB or 1048576`, {exit: 2})
      limits[name] = bytes
    }
    if (flags['max-depth'] !== undefined) {
      const depth = parseDepth(flags['max-depth'])
      if (depth === undefined) this.error(`--max-depth ${flags['max-depth']}: expected a whole number of levels such as 512`, {exit: 2})
      limits.maxDepth = depth
    }
    const report = await runCheck({
      limits,
      paths: argv as string[],
      ...policyOptionsFrom(flags),
      failOn: flags['fail-on'],
      failOnUnknown: flags['fail-on-unknown'],
      account: flags.account,
      regions: flags.regions,
      ...(Object.keys(cfnParams).length > 0 ? {cfnParams} : {}),
      tfDir: flags['tf-dir'],
      baseline: flags.baseline,
      engine: flags.engine as EventEngine,
      s3: {profile: flags.profile, region: flags.region, endpointUrl: flags['endpoint-url']},
      ...(since || until || flags.accounts ? {window: {since, until, accounts: flags.accounts}} : {}),
      ...(publicKeys !== undefined ? {publicKeys} : {}),
      ...(wantsProgress(flags.progress) ? {onEventProgress: eventProgress(progressLine)} : {}),
    }).catch((error: unknown) => {
      process.stderr.write(crashLine('trailgate check failed', error))
      return crashReport('check', error, startedAt, flags['fail-on'])
    })
    progressLine.done()
    const failed = reportOutputFailures(writeOutputs(report, outputRequest(flags), writeToStandardOutput))
    process.exitCode = failed ? 2 : report.exitCode
  }
}
