import {join} from 'node:path'

import {ROOT} from '../e2e/cli.js'

/** How a fixture's bytes are laid out, which decides how a mutation reaches its values. */
export type Layout = 'json' | 'yaml' | 'jsonl' | 'gzip-json'

/** Where the mutated file goes: an input to check, a custom policy, or the config file. */
export type Role = 'input' | 'policy' | 'config'

export interface FuzzFixture {
  /** Stable name, used in recipes and counterexamples. */
  id: string
  /** The reader this fixture exercises, for the figures. */
  reader: string
  role: Role
  layout: Layout
  /** The file mutated, relative to fixtures/. */
  file: string
  /**
   * A folder (relative to fixtures/) copied whole and passed as the input, with `file` mutated inside
   * it: CDK assemblies and evidence folders are read as a set, so their joins are fuzzed too.
   */
  folder?: string
}

export const FIXTURES_DIR = join(ROOT, 'fixtures')

/** The valid fixtures every reader is fuzzed from: one or more per reader, each a real document. */
export const FUZZ_FIXTURES: readonly FuzzFixture[] = [
  {id: 'describe-trails', reader: 'aws-cli', role: 'input', layout: 'json', file: 'evidence/mixed-account/describe-trails.us-east-1.json'},
  {id: 'get-trail-status', reader: 'aws-cli', role: 'input', layout: 'json', file: 'evidence/mixed-account/get-trail-status-main.json'},
  {id: 'get-event-selectors', reader: 'aws-cli', role: 'input', layout: 'json', file: 'evidence/mixed-account/get-event-selectors-advanced-trail.json'},
  {id: 'get-insight-selectors', reader: 'aws-cli', role: 'input', layout: 'json', file: 'evidence/mixed-account/get-insight-selectors-main.json'},
  {id: 'list-tags', reader: 'aws-cli', role: 'input', layout: 'json', file: 'evidence/mixed-account/list-tags.json'},
  {id: 'evidence-folder', reader: 'aws-cli', role: 'input', layout: 'json', folder: 'evidence/mixed-account', file: 'evidence/mixed-account/describe-trails.eu-west-1.json'},
  {id: 'describe-metric-filters', reader: 'aws-cli', role: 'input', layout: 'json', file: 'iac/monitoring/aws-cli/describe-metric-filters.us-east-1.json'},
  {id: 'describe-alarms', reader: 'aws-cli', role: 'input', layout: 'json', file: 'iac/monitoring-mistakes/aws-cli/describe-alarms.us-east-1.json'},
  {id: 'list-subscriptions-by-topic', reader: 'aws-cli', role: 'input', layout: 'json', file: 'iac/monitoring-mistakes/aws-cli/list-subscriptions-by-topic-unwatched-alerts.json'},
  {id: 'snapshot', reader: 'snapshot', role: 'input', layout: 'json', file: 'evidence/snapshot-good.json'},
  {id: 'snapshot-org', reader: 'snapshot', role: 'input', layout: 'json', file: 'evidence/snapshot-org.json'},
  {id: 'cloudformation-yaml', reader: 'cloudformation', role: 'input', layout: 'yaml', file: 'iac/cloudformation/trails.yaml'},
  {id: 'cloudformation-intrinsics', reader: 'cloudformation', role: 'input', layout: 'yaml', file: 'iac/cloudformation/intrinsics.yaml'},
  {id: 'cloudformation-monitoring', reader: 'cloudformation', role: 'input', layout: 'yaml', file: 'iac/monitoring-mistakes/cloudformation/template.yaml'},
  {id: 'cloudformation-json', reader: 'cloudformation', role: 'input', layout: 'json', file: 'iac/cloudformation/trails.json'},
  {id: 'cdk-manifest', reader: 'cdk', role: 'input', layout: 'json', folder: 'iac/cdk-app/cdk.out', file: 'iac/cdk-app/cdk.out/manifest.json'},
  {id: 'cdk-nested-manifest', reader: 'cdk', role: 'input', layout: 'json', folder: 'iac/cdk-app/cdk.out', file: 'iac/cdk-app/cdk.out/assembly-Prod/manifest.json'},
  {id: 'cdk-template', reader: 'cdk', role: 'input', layout: 'json', folder: 'iac/cdk-app/cdk.out', file: 'iac/cdk-app/cdk.out/AuditStack.template.json'},
  {id: 'cdk-assets', reader: 'cdk', role: 'input', layout: 'json', folder: 'iac/cdk-app/cdk.out', file: 'iac/cdk-app/cdk.out/AuditStack.assets.json'},
  {id: 'terraform-plan', reader: 'terraform', role: 'input', layout: 'json', file: 'iac/terraform/project/plan.json'},
  {id: 'terraform-monitoring', reader: 'terraform', role: 'input', layout: 'json', file: 'iac/monitoring-unknown/terraform/plan.json'},
  {id: 'terraform-remove', reader: 'terraform', role: 'input', layout: 'json', file: 'iac/terraform/remove-main/plan.json'},
  {id: 'cloudtrail-json', reader: 'cloudtrail', role: 'input', layout: 'json', file: 'events/samples/console-sign-in.json'},
  {id: 'cloudtrail-gzip', reader: 'cloudtrail', role: 'input', layout: 'gzip-json', file: 'events/AWSLogs/123456789012/CloudTrail/us-west-2/2016/05/20/123456789012_CloudTrail_us-west-2_20160520T0830Z_Ex4mpleRootTerm.json.gz'},
  {id: 'cloudtrail-jsonl', reader: 'cloudtrail', role: 'input', layout: 'jsonl', file: 'events/jsonl/records.jsonl'},
  {id: 'policy-event', reader: 'policy', role: 'policy', layout: 'yaml', file: 'policies/good/office-ip-allowlist.yaml'},
  {id: 'policy-trail', reader: 'policy', role: 'policy', layout: 'yaml', file: 'policies/good/kms-key-in-partition.yaml'},
  {id: 'config', reader: 'config', role: 'config', layout: 'yaml', file: 'config/full.trailgate.yaml'},
]

export function fixtureById(id: string): FuzzFixture {
  const fixture = FUZZ_FIXTURES.find((f) => f.id === id)
  if (!fixture) throw new Error(`no fuzz fixture ${id}`)
  return fixture
}
