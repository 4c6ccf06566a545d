import * as Flags from '@oclif/core/flags'

import {TrailgateCommand} from '../../cli/crash.js'
import {printDiagnostics} from '../../cli/diagnostics.js'
import {policyFlags, policySourceFlags, policyOptionsFrom} from '../../cli/flags.js'
import {preparePolicies} from '../../engine/run.js'
import {athenaTableDdl} from '../../sql/athena-ddl.js'
import {DIALECTS, SqlCompileError, type DialectName} from '../../sql/dialect.js'
import {policyQuery, unionQuery} from '../../sql/policy-sql.js'

export default class PoliciesSql extends TrailgateCommand {
  static override summary = 'Print the event policies as SQL for Athena, CloudTrail Lake or DuckDB.'
  static override description = `Each selected event policy becomes one query returning its findings (policy, eventID, eventTime,
account, region, who, what); --union joins them into one. A construct a dialect cannot express is an error
naming the policy and the construct, never a looser query. See docs/events.md.`
  static override examples = [
    {description: 'The Athena table for a bucket, with partition projection', command: '<%= config.bin %> <%= command.id %> --dialect athena --ddl --bucket my-trail-bucket --accounts 111122223333 --regions us-east-1,eu-west-1 --start-date 2024/01/01'},
    {description: 'One Athena query per event policy', command: '<%= config.bin %> <%= command.id %> --dialect athena --table cloudtrail_logs'},
    {description: 'All findings in one CloudTrail Lake query', command: '<%= config.bin %> <%= command.id %> --dialect cloudtrail-lake --table EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE --union'},
    {description: 'A DuckDB query over local log files', command: "<%= config.bin %> <%= command.id %> --dialect duckdb --only trail-tampering --path 'AWSLogs/*/CloudTrail/*/*/*/*/*.json.gz'"},
  ]

  static override flags = {
    ...policySourceFlags,
    only: policyFlags.only,
    skip: policyFlags.skip,
    param: policyFlags.param,
    dialect: Flags.string({summary: 'The SQL dialect: athena, cloudtrail-lake or duckdb.', options: [...DIALECTS], required: true}),
    union: Flags.boolean({summary: 'One UNION ALL query for all the selected policies instead of one query each.'}),
    table: Flags.string({summary: 'Athena: the table (default cloudtrail_logs); CloudTrail Lake: the event data store ID.'}),
    path: Flags.string({summary: 'DuckDB: a file, glob or s3:// URL to read (default AWSLogs/**/*.json.gz). Repeatable.', multiple: true}),
    ddl: Flags.boolean({summary: 'Athena: print the CREATE TABLE with partition projection instead of queries (needs --bucket, --accounts, --regions, --start-date).'}),
    bucket: Flags.string({summary: 'With --ddl: the trail\'s S3 bucket.'}),
    prefix: Flags.string({summary: 'With --ddl: the key prefix before AWSLogs/.'}),
    accounts: Flags.string({summary: 'With --ddl: account IDs whose logs the table projects; comma-separated.', delimiter: ',', multiple: true}),
    regions: Flags.string({summary: 'With --ddl: regions the table projects; comma-separated.', delimiter: ',', multiple: true}),
    'start-date': Flags.string({summary: 'With --ddl: first day of the projected range, YYYY/MM/DD.'}),
    'organization-id': Flags.string({summary: 'With --ddl: the organization ID, for an organization trail\'s AWSLogs/<org-id>/ layout.'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(PoliciesSql)
    const dialect = flags.dialect as DialectName
    try {
      if (flags.ddl) {
        if (dialect !== 'athena') this.error('--ddl prints the Athena table; use it with --dialect athena', {exit: 2})
        if (!flags.bucket || !flags['start-date']) this.error('--ddl needs --bucket, --accounts, --regions and --start-date', {exit: 2})
        process.stdout.write(athenaTableDdl({bucket: flags.bucket, prefix: flags.prefix, accounts: flags.accounts ?? [], regions: flags.regions ?? [], startDate: flags['start-date'], ...(flags.table ? {table: flags.table} : {}), ...(flags['organization-id'] ? {organizationId: flags['organization-id']} : {})}))
        return
      }
      const prepared = preparePolicies(policyOptionsFrom(flags))
      printDiagnostics(prepared.diagnostics)
      if (prepared.diagnostics.some((d) => d.severity === 'error')) {
        process.exitCode = 2
        return
      }
      const events = prepared.policies.filter((policy) => policy.subject === 'event')
      if (events.length === 0) this.error('no event policy is selected, so there is no query to print', {exit: 2})
      const options = {dialect, ...(flags.table ? {table: flags.table} : {}), ...(flags.path ? {paths: flags.path} : {})}
      if (flags.union) {
        process.stdout.write(`${unionQuery(events, prepared.params, options)}\n`)
        return
      }
      const errors: string[] = []
      for (const policy of events) {
        try {
          process.stdout.write(`-- ${policy.id}: ${policy.title}\n${policyQuery(policy, prepared.params[policy.id], options)}\n\n`)
        } catch (error) {
          if (!(error instanceof SqlCompileError)) throw error
          errors.push(error.message)
        }
      }
      for (const message of errors) process.stderr.write(`error: ${message}\n`)
      if (errors.length > 0) process.exitCode = 2
    } catch (error) {
      if (error instanceof SqlCompileError) this.error(error.message, {exit: 2})
      throw error
    }
  }
}
