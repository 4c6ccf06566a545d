import * as Flags from '@oclif/core/flags'

import {crashLine, crashReport, TrailgateCommand} from '../cli/crash.js'
import {outputFlags, policyFlags, policyOptionsFrom} from '../cli/flags.js'
import {estimateLeft, ProgressLine, wantsProgress} from '../cli/progress.js'
import {outputRequest, reportOutputFailures, standardOutputConflict, writeOutputs, writeToStandardOutput} from '../cli/output.js'
import {runAudit} from '../engine/audit.js'
import {regionNameProblem} from '../util/region-name.js'
import {parseSince, parseTime} from '../util/time.js'

const list = {delimiter: ',' as const, multiple: true as const, multipleNonGreedy: true as const}

export default class Audit extends TrailgateCommand {
  static override summary = 'Audit a live AWS account, or every account of an AWS Organization.'

  static override description = `Collects every trail the account can see in each region — with its status, event selectors,
insight selectors and tags, asked of the trail's home region — using the standard AWS credential chain
(environment, --profile, SSO, web identity for GitHub OIDC). Then evaluates and reports exactly as
\`check\` does. CloudTrail's rate limits are honoured per account and region; throttled calls are retried.

An account or region that cannot be read is reported (exit 2) and the rest is audited.
--save-snapshot keeps what was collected, to replay it offline with \`trailgate check\`.

Exit codes: as for \`check\` (0 clean, 1 failures at or above --fail-on, 2 something could not be read).`

  static override examples = [
    {description: 'Audit the current account in every region', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'Audit two regions with a named profile', command: '<%= config.bin %> <%= command.id %> --profile security --regions us-east-1,eu-west-1'},
    {description: 'Also judge the last day of management events with the event detections', command: '<%= config.bin %> <%= command.id %> --events-since 24h'},
    {description: 'Judge the last week of every trail\'s log files, read from the trails\' own buckets', command: '<%= config.bin %> <%= command.id %> --org --events-from-bucket --events-since 7d'},
    {description: 'Audit a whole organization from the management account, keeping evidence', command: '<%= config.bin %> <%= command.id %> --org --role-name SecurityAudit --save-snapshot audit.json --junit audit.xml'},
    {description: 'Later, prove a copy of the trail bucket offline with the keys the snapshot saved', command: 'aws s3 sync s3://trail-bucket ./bucket-copy && <%= config.bin %> check audit.json ./bucket-copy'},
  ]

  static override flags = {
    ...policyFlags,
    ...outputFlags,
    profile: Flags.string({summary: 'AWS profile of the shared config and credentials files, exactly as AWS_PROFILE (default: AWS_PROFILE, else the standard credential chain).', helpGroup: 'AWS'}),
    region: Flags.string({summary: 'The AWS region, as the AWS CLI\'s --region: overrides AWS_REGION and the profile\'s region; STS and Organizations are asked there. It does not choose what is audited: see --regions.', helpGroup: 'AWS'}),
    regions: Flags.string({summary: 'Regions to audit; comma-separated (default: every region of the partition the account has enabled). Not the AWS CLI\'s --region.', ...list, helpGroup: 'AWS'}),
    'endpoint-url': Flags.string({summary: 'Send every AWS call to this endpoint (an AWS-compatible service), the credential chain\'s own STS calls included (default: AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, the profile\'s endpoint_url).', helpGroup: 'AWS'}),
    org: Flags.boolean({summary: 'Audit every active account of the organization (from the management or a delegated administrator account).', helpGroup: 'AWS'}),
    'role-name': Flags.string({summary: 'Role to assume in each audited account.', default: 'OrganizationAccountAccessRole', helpGroup: 'AWS'}),
    'external-id': Flags.string({summary: 'External id for assuming the role.', helpGroup: 'AWS'}),
    accounts: Flags.string({summary: 'Only these account ids; comma-separated.', ...list, helpGroup: 'AWS'}),
    'exclude-accounts': Flags.string({summary: 'Leave out these account ids; comma-separated.', ...list, helpGroup: 'AWS'}),
    concurrency: Flags.integer({summary: 'AWS requests in flight at once, across accounts and regions; at most half of them to any one region, so a slow region holds up only itself. Each account and region also keeps to CloudTrail\'s documented rate limits.', default: 64, min: 1, max: 512, helpGroup: 'AWS'}),
    'call-timeout': Flags.integer({summary: 'Longest wait for one AWS answer, in seconds.', default: 30, min: 1, helpGroup: 'AWS'}),
    'events-since': Flags.string({summary: 'Also judge recent management events (LookupEvents, caller account): a duration such as 24h, 7d, 90m, or an ISO time.', helpGroup: 'EVENTS'}),
    'events-start': Flags.string({summary: 'Judge management events from this ISO time (with --events-end).', exclusive: ['events-since'], helpGroup: 'EVENTS'}),
    'events-end': Flags.string({summary: 'Judge management events until this ISO time (default: now).', helpGroup: 'EVENTS'}),
    'events-from-bucket': Flags.boolean({summary: 'Judge the window\'s log files in each audited trail\'s own S3 bucket (walked down to the audited accounts, --regions and the window\'s days) instead of LookupEvents; needs --events-since or --events-start.', helpGroup: 'EVENTS'}),
    'save-snapshot': Flags.string({summary: 'Write the collected snapshot to this file (replay it with `trailgate check FILE`), with the CloudTrail public keys that prove a copy of the trail bucket offline.', helpGroup: 'OUTPUT'}),
    'public-keys-since': Flags.string({summary: 'With --save-snapshot: the public keys saved are those CloudTrail signed digests with since this time: a duration such as 90d, or an ISO time.', default: '365d', helpGroup: 'OUTPUT'}),
  }

  async run(): Promise<void> {
    const {flags, metadata} = await this.parse(Audit)
    const outputConflict = standardOutputConflict(flags, metadata.flags.format?.setFromDefault !== true)
    if (outputConflict !== undefined) this.error(outputConflict, {exit: 2})
    const since = flags['events-since'] ? parseSince(flags['events-since']) : flags['events-start'] ? parseTime(flags['events-start']) : undefined
    const until = flags['events-end'] ? parseTime(flags['events-end']) : undefined
    if (since === null || until === null) this.error('--events-since takes a duration (24h, 7d, 90m) or an ISO time; --events-start/--events-end take ISO times', {exit: 2})
    if (flags['events-from-bucket'] && since === undefined) this.error('--events-from-bucket reads a window of log files: give --events-since (e.g. 24h) or --events-start', {exit: 2})
    const keysSince = parseSince(flags['public-keys-since'])
    if (keysSince === null) this.error(`--public-keys-since ${flags['public-keys-since']}: expected a duration such as 90d, or an ISO time`, {exit: 2})
    if (!flags['save-snapshot'] && metadata.flags['public-keys-since']?.setFromDefault !== true) this.error('--public-keys-since says which keys --save-snapshot saves: give --save-snapshot too', {exit: 2})
    const named: [string, string][] = [...(flags.regions ?? []).map((region): [string, string] => ['--regions', region]), ...(flags.region === undefined ? [] : [['--region', flags.region] as [string, string]])]
    for (const [flag, region] of named) {
      const problem = regionNameProblem(region)
      if (problem !== undefined) this.error(`${flag}: ${problem}`, {exit: 2})
    }
    const showProgress = wantsProgress(flags.progress)
    const {formatProgress} = await import('../live/index.js')
    const progressLine = new ProgressLine()
    const startedAt = new Date()
    const {report} = await runAudit({
      ...policyOptionsFrom(flags),
      failOn: flags['fail-on'],
      failOnUnknown: flags['fail-on-unknown'],
      profile: flags.profile,
      region: flags.region,
      regions: flags.regions,
      endpointUrl: flags['endpoint-url'],
      org: flags.org,
      roleName: flags['role-name'],
      externalId: flags['external-id'],
      accounts: flags.accounts,
      excludeAccounts: flags['exclude-accounts'],
      concurrency: flags.concurrency,
      callTimeoutMs: flags['call-timeout'] * 1000,
      saveSnapshot: flags['save-snapshot'],
      ...(flags['save-snapshot'] ? {publicKeySpan: {since: keysSince, until: startedAt}} : {}),
      ...(since ? {eventsSince: since} : {}),
      ...(flags['events-from-bucket'] ? {eventsFromBucket: true} : {}),
      ...(until ? {eventsUntil: until} : {}),
      ...(showProgress
        ? {
            onProgress: (progress) => {
              const left = estimateLeft(progress.regionsDone, progress.regionsTotal, Date.now() - startedAt.getTime())
              progressLine.show(left ? `${formatProgress(progress)} · ${left}` : formatProgress(progress))
            },
          }
        : {}),
    }).catch((error: unknown) => {
      process.stderr.write(crashLine('trailgate audit failed', error))
      return {report: crashReport('audit', error, startedAt, flags['fail-on'])}
    })
    progressLine.done()
    const failed = reportOutputFailures(writeOutputs(report, outputRequest(flags), writeToStandardOutput))
    process.exitCode = failed ? 2 : report.exitCode
  }
}
