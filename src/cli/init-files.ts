import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {packagePath} from '../util/package-root.js'

export const WORKFLOWS = ['pr-gate', 'org-audit', 'evidence', 'trail-logs'] as const
export type Workflow = (typeof WORKFLOWS)[number]

export const IAC_KINDS = ['cdk', 'cloudformation', 'terraform'] as const
export type IacKind = (typeof IAC_KINDS)[number]

/** One file `trailgate init` writes: where (relative to the target folder) and what. */
export interface InitFile {
  path: string
  content: string
  /** 1-based lines that hold the example role ARN, when no --role-arn was given. */
  roleArnLines: number[]
}

/** The example ARN the shipped workflows carry (the same as the docs), replaced by --role-arn. */
const EXAMPLE_ROLE_ARN = /arn:aws:iam::123456789012:role\/[A-Za-z0-9+=,.@_/-]+/g

const ROLE_ARN = /^arn:aws(?:-[a-z]+)*:iam::\d{12}:role\/[A-Za-z0-9+=,.@_/-]{1,512}$/

/** Why `arn` is not an IAM role ARN, or undefined when it is one. */
export function roleArnProblem(arn: string): string | undefined {
  return ROLE_ARN.test(arn) ? undefined : `'${arn}' is not an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>)`
}

/**
 * The kind of IaC a folder holds, from the files its tools put at its top: `cdk.json` for a CDK app,
 * `.tf` files for Terraform. Undefined when neither or both are there: the caller must be told.
 */
export function detectIac(dir: string): IacKind | undefined {
  const cdk = existsSync(join(dir, 'cdk.json'))
  const terraform = readdirSync(dir).some((name) => name.endsWith('.tf'))
  if (cdk === terraform) return undefined
  return cdk ? 'cdk' : 'terraform'
}

function workflowTemplate(workflow: Workflow, iac: IacKind | undefined): string {
  if (workflow === 'org-audit') return 'trailgate-audit.yml'
  if (workflow === 'evidence') return 'trailgate-evidence.yml'
  if (workflow === 'trail-logs') return 'trailgate-logs.yml'
  return `trailgate-${iac ?? 'cdk'}.yml`
}

function fromTemplate(templatePath: string, target: string, roleArn: string | undefined): InitFile {
  const template = readFileSync(packagePath('templates', templatePath), 'utf8')
  if (roleArn !== undefined) return {path: target, content: template.replace(EXAMPLE_ROLE_ARN, roleArn), roleArnLines: []}
  const roleArnLines = template.split('\n').flatMap((line, index) => (line.match(EXAMPLE_ROLE_ARN) ? [index + 1] : []))
  return {path: target, content: template, roleArnLines}
}

/** The config and the workflows asked for, in the order they are written. */
export function initFiles(request: {workflows: readonly Workflow[]; iac?: IacKind; roleArn?: string}): InitFile[] {
  const files = [fromTemplate('trailgate.yaml', '.trailgate.yaml', undefined)]
  for (const workflow of new Set(request.workflows)) {
    const name = workflowTemplate(workflow, request.iac)
    files.push(fromTemplate(`workflows/${name}`, `.github/workflows/${name}`, request.roleArn))
  }
  return files
}
