import type {Result} from '../../src/model/types.js'
import type {PolicySummary, Report} from '../../src/engine/report-types.js'

export const MAIN_TRAIL_ARN = 'arn:aws:cloudtrail:us-east-1:111122223333:trail/main'

export function policy(overrides: Partial<PolicySummary> & Pick<PolicySummary, 'id'>): PolicySummary {
  return {
    title: `Policy ${overrides.id}`,
    severity: 'medium',
    subject: 'trail',
    description: `What ${overrides.id} checks.`,
    remediation: `Fix ${overrides.id}.`,
    references: {},
    tags: [],
    precision: 'high',
    notApplicable: 0,
    builtin: true,
    ...overrides,
  }
}

export function result(overrides: Partial<Result> & Pick<Result, 'policy'>): Result {
  return {
    title: `Policy ${overrides.policy}`,
    severity: 'medium',
    status: 'fail',
    message: `Trail main fails ${overrides.policy}.`,
    subject: {type: 'trail', id: MAIN_TRAIL_ARN, label: 'main', account: '111122223333', region: 'us-east-1'},
    ...overrides,
  }
}

/** A report with every kind of thing a renderer meets: IaC and fileless findings, suppressions, unknowns, errors, failed inputs. */
export function fixtureReport(): Report {
  const policies: PolicySummary[] = [
    policy({
      id: 'kms-encryption',
      title: 'Trail log files are encrypted with a KMS key',
      severity: 'high',
      description: 'CloudTrail log files should be encrypted at rest with a customer managed KMS key.',
      remediation: 'aws cloudtrail update-trail --name <trail> --kms-key-id <key>',
      references: {
        cis: ['AWS Foundations v3.0.0 3.5'],
        securityHub: ['CloudTrail.2'],
        awsConfig: ['cloud-trail-encryption-enabled'],
        urls: ['https://docs.aws.amazon.com/awscloudtrail/latest/userguide/encrypting-cloudtrail-log-files-with-aws-kms.html'],
      },
      tags: ['encryption'],
      precision: 'very-high',
    }),
    policy({
      id: 'log-file-validation',
      title: 'Trail validates its log files',
      severity: 'medium',
      description: 'Log file integrity validation lets you prove that log files were not changed after delivery.',
      remediation: 'Set LogFileValidationEnabled (CloudFormation: EnableLogFileValidation) to true.',
      references: {cis: ['AWS Foundations v3.0.0 3.2']},
      tags: ['integrity'],
    }),
    policy({
      id: 'multi-region-trail',
      title: 'The account has a multi-region trail that logs management events',
      severity: 'critical',
      subject: 'account',
      description: 'At least one multi-region trail must log read and write management events.',
      remediation: 'Create a multi-region trail.',
    }),
    policy({
      id: 'cloudwatch-logs',
      title: 'Trail delivers to CloudWatch Logs',
      severity: 'low',
      description: 'Delivery to CloudWatch Logs enables metric filters and alarms.',
      remediation: 'Set CloudWatchLogsLogGroupArn and CloudWatchLogsRoleArn.',
      precision: 'medium',
    }),
    policy({
      id: 'insights-enabled',
      title: 'Trail has CloudTrail Insights enabled',
      severity: 'info',
      description: 'Insights spots unusual API activity.',
      remediation: 'Enable ApiCallRateInsight.',
      notApplicable: 2,
      builtin: false,
      precision: 'low',
    }),
  ]
  const auditTrail = {type: 'trail' as const, id: 'templates/trail.yaml#AuditTrail', label: 'AuditTrail'}
  const results: Result[] = [
    result({
      policy: 'kms-encryption',
      title: policies[0]!.title,
      severity: 'high',
      message: 'Trail AuditTrail is not encrypted: KmsKeyId is missing, expected it to exist.',
      subject: auditTrail,
      location: {file: 'templates/trail.yaml', line: 12, column: 7, endLine: 12, endColumn: 27},
      logical: {logicalId: 'AuditTrail'},
      details: [{path: 'KmsKeyId', expected: 'exists', actual: 'missing'}],
      remediation: 'aws cloudtrail update-trail --name AuditTrail --kms-key-id <key>',
    }),
    result({
      policy: 'log-file-validation',
      title: policies[1]!.title,
      status: 'pass',
      message: 'Trail AuditTrail validates its log files.',
      subject: auditTrail,
      location: {file: 'templates/trail.yaml', line: 14, column: 7},
    }),
    result({
      policy: 'log-file-validation',
      title: policies[1]!.title,
      message: 'Trail main (us-east-1) does not validate log files: LogFileValidationEnabled is false, expected true.',
      details: [{path: 'LogFileValidationEnabled', expected: 'true', actual: 'false'}],
      remediation: 'aws cloudtrail update-trail --name main --enable-log-file-validation',
    }),
    result({
      policy: 'multi-region-trail',
      title: policies[2]!.title,
      severity: 'critical',
      message: 'Account 111122223333 has no multi-region trail that logs management events.',
      subject: {type: 'account', id: '111122223333', label: '111122223333', account: '111122223333'},
    }),
    result({
      policy: 'kms-encryption',
      title: policies[0]!.title,
      severity: 'high',
      status: 'suppressed',
      message: 'Trail main (us-east-1) is not encrypted: KmsKeyId is missing, expected it to exist.',
      suppression: {
        kind: 'waiver',
        reason: 'Bucket-level SSE-KMS enforced by SCP',
        expires: '2026-12-31',
        approvedBy: 'security@example.com',
        source: {file: '.trailgate.yaml', line: 8, column: 5},
      },
    }),
    result({
      policy: 'cloudwatch-logs',
      title: policies[3]!.title,
      severity: 'low',
      status: 'suppressed',
      message: 'Trail AuditTrail does not deliver to CloudWatch Logs.',
      subject: auditTrail,
      location: {file: 'templates/trail.yaml', line: 10, column: 5},
      suppression: {kind: 'inline', reason: 'Logs go to the SIEM', source: {file: 'templates/trail.yaml', line: 20, column: 9}},
    }),
    result({
      policy: 'cloudwatch-logs',
      title: policies[3]!.title,
      severity: 'low',
      status: 'unknown',
      message: 'unknown: CloudWatchLogsLogGroupArn is !GetAtt LogGroup.Arn',
      subject: {type: 'trail', id: 'cdk.out/Stack.template.json#Trail', label: 'Stack/Trail'},
      location: {file: 'cdk.out/Stack.template.json', line: 40, column: 9},
      logical: {logicalId: 'Trail', constructPath: 'Stack/Audit/Trail'},
    }),
    result({
      policy: 'cloudwatch-logs',
      title: policies[3]!.title,
      severity: 'low',
      message: 'Trail "dev" <legacy> & \'old\' does not deliver to CloudWatch Logs\u0007.',
      subject: {type: 'trail', id: 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/dev', label: 'dev', account: '111122223333', region: 'eu-west-1'},
    }),
    result({
      policy: 'log-file-validation',
      title: policies[1]!.title,
      status: 'error',
      message: 'Evaluation failed: pattern refers to ${missing}',
      subject: {type: 'trail', id: 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/dev', label: 'dev', account: '111122223333', region: 'eu-west-1'},
    }),
  ]
  return {
    schemaVersion: 1,
    tool: {name: 'trailgate', version: '0.1.0', informationUri: 'https://github.com/trailgate/trailgate'},
    command: 'check',
    category: 'trailgate/check/',
    startedAt: '2026-03-01T10:00:00.000Z',
    finishedAt: '2026-03-01T10:00:02.500Z',
    workingDirectory: '/srv/checkout/infra',
    configFile: '.trailgate.yaml',
    failOn: 'high',
    exitCode: 2,
    summary: {
      results: results.length,
      counts: {pass: 1, fail: 4, unknown: 1, suppressed: 2, error: 1},
      failuresBySeverity: {critical: 1, high: 1, medium: 1, low: 1, info: 0},
      inputs: {read: 3, skipped: 1, failed: 1},
      diagnostics: {errors: 1, warnings: 1},
    },
    policies,
    results,
    inputs: [
      {path: 'templates/trail.yaml', kind: 'cloudformation', fate: 'read', detail: '1 trail'},
      {path: 'evidence/describe-trails.json', kind: 'aws-cli/describe-trails', fate: 'read', detail: '2 trails'},
      {path: 'evidence/broken.json', fate: 'failed', detail: 'JSON syntax error at 3:14'},
      {path: 'evidence/notes.txt', fate: 'skipped', detail: 'not a recognised input format'},
      {path: 'cdk.out/Stack.template.json', kind: 'cdk/assembly', fate: 'read', detail: '1 trail'},
    ],
    diagnostics: [
      {severity: 'error', message: 'Unexpected token } in JSON', file: 'evidence/broken.json', line: 3, column: 14, code: 'json-syntax'},
      {severity: 'warning', message: 'Property EnableLogFileValidation is not a boolean', file: 'templates/trail.yaml', line: 30, column: 3, code: 'cfn-type'},
    ],
    notes: ['account 111122223333 inferred from the trails\' ARNs'],
  }
}
