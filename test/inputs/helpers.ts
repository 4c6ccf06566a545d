import {mkdir, mkdtemp, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'

import {readInputs} from '../../src/inputs/index.js'
import type {Inventory} from '../../src/model/types.js'

export const ACCOUNT = '111122223333'
export const MANAGEMENT = '999988887777'

export function trailArn(name: string, region = 'us-east-1', account = ACCOUNT): string {
  return `arn:aws:cloudtrail:${region}:${account}:trail/${name}`
}

/** A DescribeTrails trail object as the AWS CLI prints it. */
export function cliTrail(name: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const home = (overrides.HomeRegion as string | undefined) ?? 'us-east-1'
  const account = (overrides.account as string | undefined) ?? ACCOUNT
  const trail: Record<string, unknown> = {
    Name: name,
    S3BucketName: `logs-${account}`,
    IncludeGlobalServiceEvents: true,
    IsMultiRegionTrail: false,
    HomeRegion: home,
    TrailARN: trailArn(name, home, account),
    LogFileValidationEnabled: true,
    KmsKeyId: `arn:aws:kms:${home}:${account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
    HasCustomEventSelectors: false,
    HasInsightSelectors: false,
    IsOrganizationTrail: false,
    ...overrides,
  }
  delete trail.account
  return trail
}

export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 4)}\n`
}

/** Writes `files` (relative path → text) into a fresh folder and returns its path. */
export async function folderWith(files: Record<string, string | Buffer>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'trailgate-inputs-'))
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), {recursive: true})
    await writeFile(join(root, path), content)
  }
  return root
}

/** Reads the files of a fresh folder, as `trailgate check .` would inside it. */
export async function readFolder(files: Record<string, string | Buffer>, options: {account?: string; regions?: string[]} = {}): Promise<Inventory> {
  const root = await folderWith(files)
  return readInputs(['.'], {...options, cwd: root})
}

export function trailNamed(inventory: Inventory, name: string) {
  const trail = inventory.trails.find((candidate) => candidate.document.Name === name)
  if (!trail) throw new Error(`no trail ${name}; trails: ${inventory.trails.map((t) => t.label).join(', ')}`)
  return trail
}

export function region(inventory: Inventory, id: string) {
  const found = inventory.regions.find((candidate) => candidate.id === id)
  if (!found) throw new Error(`no region ${id}; regions: ${inventory.regions.map((r) => r.id).join(', ')}`)
  return found
}
