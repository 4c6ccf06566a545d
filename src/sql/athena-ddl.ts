import {SqlCompileError} from './dialect.js'

export interface AthenaTableOptions {
  table?: string
  bucket: string
  /** Key prefix before `AWSLogs/`, without slashes at the ends. */
  prefix?: string
  accounts: string[]
  regions: string[]
  /** First day of the projected range, YYYY/MM/DD. */
  startDate: string
  /** Set when the trail is an organization trail: its logs sit under `AWSLogs/<org-id>/`. */
  organizationId?: string
}

const ACCOUNT = /^\d{12}$/
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/
const DATE = /^\d{4}\/\d{2}\/\d{2}$/
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/

/**
 * The CloudTrail table of the Athena user guide ("Creating the table for CloudTrail logs in Athena
 * using partition projection"), partitioned by account, region and day so a query reads only the
 * folders its WHERE names.
 */
export function athenaTableDdl(options: AthenaTableOptions): string {
  if (!BUCKET.test(options.bucket)) throw new SqlCompileError('--bucket', undefined, `${options.bucket} is not an S3 bucket name`)
  if (options.accounts.length === 0 || !options.accounts.every((account) => ACCOUNT.test(account))) throw new SqlCompileError('--accounts', undefined, 'give one or more 12-digit account IDs')
  if (options.regions.length === 0 || !options.regions.every((region) => REGION.test(region))) throw new SqlCompileError('--regions', undefined, 'give one or more region names such as us-east-1')
  if (!DATE.test(options.startDate)) throw new SqlCompileError('--start-date', undefined, `${options.startDate} is not YYYY/MM/DD`)
  const prefix = (options.prefix ?? '').replace(/^\/+|\/+$/g, '')
  const root = `s3://${options.bucket}/${prefix === '' ? '' : `${prefix}/`}AWSLogs/${options.organizationId ? `${options.organizationId}/` : ''}`
  const table = options.table ?? 'cloudtrail_logs'
  return `CREATE EXTERNAL TABLE ${table} (
    eventversion STRING,
    useridentity STRUCT<
        type: STRING,
        principalid: STRING,
        arn: STRING,
        accountid: STRING,
        invokedby: STRING,
        accesskeyid: STRING,
        username: STRING,
        onbehalfof: STRUCT<
             userid: STRING,
             identitystorearn: STRING>,
        sessioncontext: STRUCT<
            attributes: STRUCT<
                mfaauthenticated: STRING,
                creationdate: STRING>,
            sessionissuer: STRUCT<
                type: STRING,
                principalid: STRING,
                arn: STRING,
                accountid: STRING,
                username: STRING>,
            ec2roledelivery: STRING,
            webidfederationdata: STRUCT<
                federatedprovider: STRING,
                attributes: MAP<STRING,STRING>>
        >
    >,
    eventtime STRING,
    eventsource STRING,
    eventname STRING,
    awsregion STRING,
    sourceipaddress STRING,
    useragent STRING,
    errorcode STRING,
    errormessage STRING,
    requestparameters STRING,
    responseelements STRING,
    additionaleventdata STRING,
    requestid STRING,
    eventid STRING,
    readonly STRING,
    resources ARRAY<STRUCT<
        arn: STRING,
        accountid: STRING,
        type: STRING>>,
    eventtype STRING,
    apiversion STRING,
    recipientaccountid STRING,
    serviceeventdetails STRING,
    sharedeventid STRING,
    vpcendpointid STRING,
    vpcendpointaccountid STRING,
    eventcategory STRING,
    addendum STRUCT<
      reason: STRING,
      updatedfields: STRING,
      originalrequestid: STRING,
      originaleventid: STRING>,
    sessioncredentialfromconsole STRING,
    edgedevicedetails STRING,
    tlsdetails STRUCT<
      tlsversion: STRING,
      ciphersuite: STRING,
      clientprovidedhostheader: STRING>
  )
PARTITIONED BY (
   \`account\` STRING,
   \`region\` STRING,
   \`timestamp\` STRING)
ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'
STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'
LOCATION '${root}'
TBLPROPERTIES (
  'projection.enabled'='true',
  'projection.account.type'='enum',
  'projection.account.values'='${options.accounts.join(',')}',
  'projection.region.type'='enum',
  'projection.region.values'='${options.regions.join(',')}',
  'projection.timestamp.format'='yyyy/MM/dd',
  'projection.timestamp.interval'='1',
  'projection.timestamp.interval.unit'='DAYS',
  'projection.timestamp.range'='${options.startDate},NOW',
  'projection.timestamp.type'='date',
  'storage.location.template'='${root}\${account}/CloudTrail/\${region}/\${timestamp}');
`
}
