import type {Limits} from '../model/limits.js'
import type {MonitoringEvidence} from '../model/monitoring.js'
import type {Diagnostic, InputKind, Provenance, SavedPublicKeys, TrailDocument} from '../model/types.js'

/** Options that change how evidence is read; every field is optional. */
export interface ReadOptions {
  /** The account whose evidence this is (`--account`); otherwise taken from a snapshot or inferred. */
  account?: string
  /** Regions to judge besides the trails' home regions (`--regions`). */
  regions?: string[]
  /** Base for the relative paths printed in reports (default: process.cwd()). */
  cwd?: string
  /** CloudFormation parameter values (`--cfn-param Name=Value`). */
  cfnParams?: Record<string, string>
  /** Terraform configuration folder (`--tf-dir`). */
  tfDir?: string
  /** `--baseline`: the account as it is today (snapshot or AWS CLI evidence), merged with planned trails for region and account policies. */
  baseline?: string[]
  /** Size limits (`--max-input-size`, `--max-record-size`); the defaults when not given. */
  limits?: Partial<Limits>
}

/** A trail as one input saw it, in AWS's field names, before facts and views are computed. */
export interface TrailEvidence {
  document: Omit<TrailDocument, 'Facts'>
  provenance: Provenance
  /** The account whose evidence this is, when the input says so (snapshot, IaC with --account). */
  account?: string
  /** The region whose listing showed this trail (describe-trails of one region), when known. */
  seenInRegion?: string
  /** True for IaC: the trail is planned, not deployed. */
  planned?: boolean
  /** True when it came from `--baseline`: it counts in region and account views, but is not itself judged. */
  baseline?: boolean
}

/** Pieces that AWS CLI outputs contribute to a trail named elsewhere; joined by the assembler. */
export type TrailFragment =
  | {kind: 'status'; trailName: string; status: Record<string, unknown>; provenance: Provenance}
  | {kind: 'event-selectors'; trailArn: string; eventSelectors?: unknown[]; advancedEventSelectors?: unknown[]; provenance: Provenance}
  | {kind: 'insight-selectors'; trailArn: string; insightSelectors: unknown[]; provenance: Provenance}
  | {kind: 'tags'; resourceId: string; tags: Record<string, string>; provenance: Provenance}

/** What one reader made of one file. `detail` is the one-line account of it for the inputs list. */
export interface ReaderOutput {
  kind: InputKind
  trails: TrailEvidence[]
  fragments: TrailFragment[]
  /** Accounts and regions the input says it covers (a snapshot lists its regions even when they have no trail). */
  coverage: {account: string; regions: string[]}[]
  diagnostics: Diagnostic[]
  notes: string[]
  detail: string
  /** The `Parameters` names of each CloudFormation template the input holds, one list per template. */
  declaredParameters?: string[][]
  /** Trails the input removes (a Terraform plan's deletes): with a baseline, they leave the account's views. */
  removedTrails?: {name?: string; arn?: string; address?: string}[]
  /** Metric filters, alarms and topics the input holds, and what it lists completely. */
  monitoring?: MonitoringEvidence
  /** CloudTrail public keys a snapshot carries. */
  publicKeys?: SavedPublicKeys
}

export function emptyReaderOutput(kind: InputKind, detail = ''): ReaderOutput {
  return {kind, trails: [], fragments: [], coverage: [], diagnostics: [], notes: [], detail}
}

/** One file handed to a reader. */
export interface InputFile {
  /** As printed in reports: relative to the working directory when inside it, with forward slashes. */
  path: string
  absolutePath: string
  bytes: Buffer
}

/**
 * A file another input names and owns (a stack template of a CDK manifest): it is judged only
 * through its owner, never as an input of its own, whether the owner read it or refused it.
 */
export interface ClaimedFile {
  /** Absolute, as the folder walk names it (links not followed). */
  absolutePath: string
  /** What it is to its owner: `template of stack AuditStack`. */
  role: string
  /** Why the owner did not read it; the owner's diagnostics say more. */
  refused?: string
}

/**
 * A reader for one input format. `detect.ts` offers each file to every reader in priority order and
 * gives it to the first whose `sniff` accepts it. A reader that owns other files too (a CDK
 * `manifest.json` and its stack templates) lists them in `claimedFiles`, so they are not read twice.
 */
export interface Reader {
  kind: InputKind
  /** Lower runs first; readers that claim other files (assemblies, plans with configuration) go first. */
  priority: number
  /** `head` is the first 64 KiB decoded as UTF-8 (gzip already inflated when the file is gzipped). */
  sniff(file: InputFile, head: string): boolean
  read(file: InputFile, options: ReadOptions): Promise<ReaderOutput & {claimedFiles?: ClaimedFile[]}>
}
