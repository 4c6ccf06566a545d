import {existsSync, lstatSync, mkdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'

import * as Flags from '@oclif/core/flags'

import {TrailgateCommand} from '../cli/crash.js'
import {detectIac, IAC_KINDS, initFiles, roleArnProblem, WORKFLOWS, type IacKind, type Workflow} from '../cli/init-files.js'
import {displayPath} from '../util/paths.js'

export default class Init extends TrailgateCommand {
  static override summary = 'Write a commented .trailgate.yaml and, on request, ready GitHub workflows.'

  static override description = `Writes .trailgate.yaml into the working directory (or --dir) with every key explained, and
for each --workflow a workflow under .github/workflows/ that runs the trailgate GitHub Action:

  pr-gate    a pull-request gate on a CDK app, CloudFormation templates or a Terraform plan
             (--iac; by default found from cdk.json or .tf files in the folder), with SARIF
  org-audit  a nightly audit of every account of the AWS Organization, as a JUnit report
  evidence   a weekly review of the account's trails and last day of events, read with the
             AWS CLI and kept as an artifact with the reports
  trail-logs a daily check of the last day of log files in the trail's S3 bucket, with SARIF

The workflows are those of the documentation. The only value to fill in is the role ARN: give it
with --role-arn, or edit the lines init names.

Nothing is overwritten unless --force is given: when a file exists, init writes nothing and exits 2.`

  static override examples = [
    {description: 'A commented config in the working directory', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'The config and a pull-request gate for the CDK app in this folder', command: '<%= config.bin %> <%= command.id %> --workflow pr-gate'},
    {
      description: 'A Terraform gate and a nightly organization audit, with the audit role filled in',
      command: '<%= config.bin %> <%= command.id %> --workflow pr-gate --iac terraform --workflow org-audit --role-arn arn:aws:iam::111122223333:role/trailgate-audit',
    },
  ]

  static override flags = {
    workflow: Flags.option({char: 'w', summary: 'Also write this GitHub workflow; repeatable.', options: WORKFLOWS, multiple: true})(),
    iac: Flags.option({summary: 'What the pr-gate workflow checks (default: cdk with cdk.json, terraform with .tf files).', options: IAC_KINDS})(),
    'role-arn': Flags.string({summary: 'The IAM role the workflows assume, written in place of the example ARN.'}),
    dir: Flags.string({char: 'd', summary: 'The folder to write into (default: the working directory).'}),
    force: Flags.boolean({summary: 'Overwrite files that exist.'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Init)
    const dir = resolve(flags.dir ?? '.')
    if (!existsSync(dir) || !statSync(dir).isDirectory()) this.error(`--dir ${flags.dir}: not a folder`, {exit: 2})
    if (flags['role-arn'] !== undefined) {
      const problem = roleArnProblem(flags['role-arn'])
      if (problem) this.error(`--role-arn: ${problem}`, {exit: 2})
    }
    const workflows: Workflow[] = flags.workflow ?? []
    const iac = workflows.includes('pr-gate') ? this.iacOf(flags.iac, dir) : undefined
    const files = initFiles({workflows, iac, roleArn: flags['role-arn']})

    const shown = (path: string) => displayPath(join(dir, path), process.cwd())
    const links = linksOnTheWay(dir, files.map((file) => file.path))
    if (links.length > 0) {
      this.error(`${links.map(shown).join(', ')} ${links.length === 1 ? 'is a link' : 'are links'}: init never writes through a link, --force or not; nothing written`, {exit: 2})
    }
    const unchanged = new Set(files.filter((file) => contentOf(join(dir, file.path)) === file.content).map((file) => file.path))
    const existing = files.filter((file) => !unchanged.has(file.path) && existsSync(join(dir, file.path)))
    if (existing.length > 0 && !flags.force) {
      this.error(`${existing.map((file) => shown(file.path)).join(', ')} already exist${existing.length === 1 ? 's' : ''}: nothing written (--force overwrites)`, {exit: 2})
    }
    for (const file of files) {
      if (unchanged.has(file.path)) {
        process.stdout.write(`kept ${shown(file.path)} (as init writes it)\n`)
        continue
      }
      const target = join(dir, file.path)
      mkdirSync(dirname(target), {recursive: true})
      writeFileSync(target, file.content)
      process.stdout.write(`wrote ${shown(file.path)}\n`)
    }
    for (const file of files) {
      for (const line of file.roleArnLines) process.stdout.write(`fill in: ${shown(file.path)}:${line}: the role ARN (or run again with --role-arn --force)\n`)
    }
  }

  private iacOf(given: IacKind | undefined, dir: string): IacKind {
    if (given !== undefined) return given
    const found = detectIac(dir)
    if (found === undefined) this.error(`--workflow pr-gate: say what it checks with --iac ${IAC_KINDS.join('|')} (${dir === process.cwd() ? 'this folder' : displayPath(dir, process.cwd())} has neither or both of cdk.json and .tf files)`, {exit: 2})
    return found
  }
}

/**
 * The paths below `dir` (its own files and the folders on their way) that are symbolic links: writing
 * through one would put a file wherever it points, outside the repository or over a file of the user's.
 */
function linksOnTheWay(dir: string, paths: string[]): string[] {
  const links = new Set<string>()
  for (const path of paths) {
    const parts = path.split('/')
    for (let end = 1; end <= parts.length; end++) {
      const prefix = parts.slice(0, end).join('/')
      if (lstatSync(join(dir, prefix), {throwIfNoEntry: false})?.isSymbolicLink()) links.add(prefix)
    }
  }
  return [...links]
}

/** A regular file's text, or undefined when there is none. */
function contentOf(path: string): string | undefined {
  return lstatSync(path, {throwIfNoEntry: false})?.isFile() ? readFileSync(path, 'utf8') : undefined
}
