#!/usr/bin/env node
// Times the IaC readers on generated inputs: a CloudFormation template of 10,000 resources (YAML and
// JSON) and a Terraform plan of 2,000 resources. Run `npm run build` first; it imports from dist/.
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {pathToFileURL} from 'node:url'

const dist = process.env.TRAILGATE_DIST ? pathToFileURL(path.resolve(process.env.TRAILGATE_DIST) + '/') : new URL('../dist/', import.meta.url)
const {cloudFormationReader} = await import(new URL('inputs/cloudformation/index.js', dist).href)
const {terraformPlanReader} = await import(new URL('inputs/terraform/index.js', dist).href)

const RESOURCES = 10_000
const PLAN_RESOURCES = 2_000
const TRAIL_EVERY = 10

function template() {
  const resources = {}
  for (let i = 0; i < RESOURCES; i++) {
    resources[`Resource${i}`] = i % TRAIL_EVERY === 0
      ? {Type: 'AWS::CloudTrail::Trail', Properties: {TrailName: {'Fn::Sub': `trail-${i}-\${AWS::Region}`}, S3BucketName: {Ref: 'Resource1'}, IsLogging: true, IsMultiRegionTrail: true, KMSKeyId: {'Fn::GetAtt': ['Key', 'Arn']}, Tags: [{Key: 'team', Value: 'security'}]}}
      : {Type: 'AWS::S3::Bucket', Properties: {BucketName: {'Fn::Sub': `bucket-${i}`}, Tags: [{Key: 'n', Value: String(i)}]}}
  }
  return {AWSTemplateFormatVersion: '2010-09-09', Resources: resources}
}

function yaml(value) {
  let text = 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n'
  for (const [id, resource] of Object.entries(value.Resources)) {
    const p = resource.Properties
    text += resource.Type === 'AWS::CloudTrail::Trail'
      ? `  ${id}:\n    Type: ${resource.Type}\n    Properties:\n      TrailName: !Sub "${p.TrailName['Fn::Sub']}"\n      S3BucketName: !Ref Resource1\n      IsLogging: true\n      IsMultiRegionTrail: true\n      KMSKeyId: !GetAtt Key.Arn\n      Tags:\n        - Key: team\n          Value: security\n`
      : `  ${id}:\n    Type: ${resource.Type}\n    Properties:\n      BucketName: !Sub "${p.BucketName['Fn::Sub']}"\n      Tags:\n        - Key: n\n          Value: "${p.Tags[0].Value}"\n`
  }
  return text
}

function plan() {
  const changes = []
  for (let i = 0; i < PLAN_RESOURCES; i++) {
    const type = i % TRAIL_EVERY === 0 ? 'aws_cloudtrail' : 'aws_s3_bucket'
    const after = type === 'aws_cloudtrail'
      ? {name: `trail-${i}`, s3_bucket_name: 'logs', enable_logging: true, is_multi_region_trail: true, enable_log_file_validation: true, event_selector: [{read_write_type: 'All', include_management_events: true, data_resource: [], exclude_management_event_sources: []}], tags: {team: 'security'}}
      : {bucket: `bucket-${i}`, force_destroy: false, tags: {n: String(i)}}
    changes.push({address: `${type}.r[${i}]`, mode: 'managed', type, name: 'r', index: i, change: {actions: ['create'], before: null, after, after_unknown: {arn: true, id: true, kms_key_id: true}}})
  }
  return {format_version: '1.2', terraform_version: '1.9.5', planned_values: {root_module: {resources: []}}, resource_changes: changes}
}

async function time(label, reader, file, bytes) {
  const input = {path: path.basename(file), absolutePath: file, bytes}
  const runs = []
  let output
  for (let run = 0; run < 5; run++) {
    const start = performance.now()
    output = await reader.read(input, {regions: ['us-east-1'], account: '111122223333'})
    runs.push(performance.now() - start)
  }
  runs.sort((a, b) => a - b)
  const size = (bytes.length / 1024 / 1024).toFixed(2)
  console.log(`${label.padEnd(34)} ${size.padStart(6)} MB  slowest ${Math.round(runs[runs.length - 1])} ms  median ${Math.round(runs[2])} ms  best ${Math.round(runs[0])} ms  (${output.detail})`)
}

const folder = mkdtempSync(path.join(tmpdir(), 'trailgate-bench-iac-'))
try {
  const value = template()
  const files = {
    yaml: [path.join(folder, 'big.yaml'), yaml(value)],
    json: [path.join(folder, 'big.template.json'), JSON.stringify(value, null, 2)],
    plan: [path.join(folder, 'plan.json'), JSON.stringify(plan(), null, 2)],
  }
  for (const [file, text] of Object.values(files)) writeFileSync(file, text)
  console.log(`node ${process.version}, ${RESOURCES} template resources (1 in ${TRAIL_EVERY} a trail), ${PLAN_RESOURCES} plan resources; 5 runs each`)
  await time('CloudFormation YAML, 10,000 res.', cloudFormationReader, files.yaml[0], readFileSync(files.yaml[0]))
  await time('CloudFormation JSON, 10,000 res.', cloudFormationReader, files.json[0], readFileSync(files.json[0]))
  await time('Terraform plan, 2,000 res.', terraformPlanReader, files.plan[0], readFileSync(files.plan[0]))
} finally {
  rmSync(folder, {recursive: true, force: true})
}
