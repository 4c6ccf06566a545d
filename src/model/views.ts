import {emptyMonitoringEvidence, type MonitoringEvidence} from './monitoring.js'
import {joinMonitoring} from './monitoring-view.js'
import {isUnknown, unknown} from './types.js'
import type {
  AccountSubject,
  Provenance,
  RegionSubject,
  TrailDocument,
  TrailSubject,
} from './types.js'

/** The account of evidence that names none (IaC without an environment): judged as one account, never skipped. */
export const TARGET_ACCOUNT = 'target-account'

/**
 * The region of planned trails whose region is not known before deploy (a CloudFormation stack's
 * region, a Terraform "known after apply"): they deploy together, so they are judged together as one
 * region, as IaC that names no account is judged as one target account.
 */
export const TARGET_REGION = 'target-region'

const PLANNED_KINDS: ReadonlySet<string> = new Set(['cloudformation', 'cdk/assembly', 'terraform/plan'])

/**
 * The region a trail is homed in, for the views: its HomeRegion, or the target region for a planned
 * trail whose region is not known before deploy. A deployed trail's region is never guessed.
 */
function homeOf(trail: TrailSubject): string | undefined {
  const home = trail.document.HomeRegion
  if (typeof home === 'string') return home
  return isUnknown(home) && PLANNED_KINDS.has(trail.provenance.kind) ? TARGET_REGION : undefined
}

function regionLabel(region: string): string {
  return region === TARGET_REGION ? 'target region' : region
}

function accountLabel(account: string): string {
  return account === TARGET_ACCOUNT ? 'target account' : account
}

/** Accounts and regions the evidence covers, as readers report them. */
export interface Coverage {
  account: string
  regions: string[]
  /** Per region, the trail ARNs AWS listed there (snapshot `regionTrails`): used as is when given. */
  regionTrails?: Record<string, string[]>
  /** Where the evidence for these regions is (the listing or the snapshot account), for reports. */
  provenance?: Provenance
  /** `regions` is every region examined (a snapshot): no other region of the account is judged. */
  exhaustive?: boolean
  /** Regions examined whose listing could not be read, with why: judged unknown, never as empty. */
  unread?: Record<string, string>
}

/**
 * One region subject per account × region and one account subject per account.
 *
 * A region holds every trail that logs there, counted as `describe-trails --include-shadow-trails`
 * lists them: trails homed there, each multi-region trail of the account (a shadow copy outside its
 * home region) and organization trails (multi-region ones everywhere, others in their home region).
 * Organization trails are taken to belong to the organization of every account in the evidence.
 * Regions judged: those the coverage names, the visible trails' home regions and `regionTrails` keys.
 * Each account's `Monitoring` joins the monitoring evidence to the log groups its trails deliver to.
 */
export function buildViews(trails: TrailSubject[], coverage: Coverage[], monitoring: MonitoringEvidence = emptyMonitoringEvidence()): {regions: RegionSubject[]; accounts: AccountSubject[]} {
  const byAccount = mergeCoverage(coverage)
  for (const trail of trails) {
    if (trail.account && !isOrganizationTrail(trail) && !byAccount.has(trail.account)) byAccount.set(trail.account, emptyCoverage(trail.account))
  }
  const byId = new Map(trails.map((trail) => [trail.id, trail]))
  const regions: RegionSubject[] = []
  const accounts: AccountSubject[] = []
  for (const account of [...byAccount.keys()].sort()) {
    const covered = byAccount.get(account) as MergedCoverage
    // Nothing of this account was examined (its role could not be assumed): nothing to judge, no verdict.
    if (covered.exhaustive && covered.regions.size === 0) continue
    const visible = trails.filter((trail) => trail.account === account || isOrganizationTrail(trail))
    const regionNames = new Set([...covered.regions, ...Object.keys(covered.regionTrails)])
    for (const trail of visible) {
      const home = homeOf(trail)
      if (home !== undefined && !covered.exhaustive) regionNames.add(home)
    }
    const sortedRegions = [...regionNames].sort()
    for (const region of sortedRegions) {
      const why = covered.unread.get(region)
      if (why !== undefined && covered.regionTrails[region] === undefined) {
        regions.push(unreadRegion(account, region, why, covered.provenanceByRegion.get(region) ?? covered.provenance ?? {kind: 'aws-cli/describe-trails'}))
        continue
      }
      const listed = covered.regionTrails[region]
      const present = listed
        ? listed.map((arn) => byId.get(arn)).filter((trail): trail is TrailSubject => trail !== undefined)
        : visible.filter((trail) => homeOf(trail) === region || trail.document.IsMultiRegionTrail === true)
      const copies = present.map((trail) => copyFor(trail, account, region))
      regions.push({
        type: 'region',
        id: `${account}/${region}`,
        label: `${accountLabel(account)}/${regionLabel(region)}`,
        account,
        region,
        document: {
          AccountId: account,
          Region: region,
          Trails: copies,
          Facts: {
            TrailCount: copies.length,
            ShadowTrailCount: copies.filter((copy) => copy.Facts.IsShadow).length,
            OrganizationTrailCount: copies.filter((copy) => copy.IsOrganizationTrail === true).length,
          },
        },
        provenance: {...(covered.provenanceByRegion.get(region) ?? covered.provenance ?? firstProvenance(present) ?? {kind: 'aws-cli/describe-trails'}), trails: present.map((trail) => trail.id)},
      })
    }
    const accountTrails = visible.map((trail) => copyFor(trail, account, undefined))
    const unreadRegions = sortedRegions.filter((region) => covered.unread.has(region) && covered.regionTrails[region] === undefined)
    const noneRead = unreadRegions.length > 0 && accountTrails.length === 0 && unreadRegions.length === sortedRegions.length
    // A trail homed in a region that could not be listed is unseen, not absent: it stands in the list as unknown.
    const unseen = unreadRegions.map((region) => unknown(`not read: the trails homed in ${region} (${covered.unread.get(region)})`))
    const joined = joinMonitoring(
      visible.map((trail, position) => ({document: accountTrails[position] as TrailDocument, label: trail.label, ...(trail.provenance.logGroupKey ? {logGroupKey: trail.provenance.logGroupKey} : {})})),
      monitoring,
    )
    const base = covered.provenance ?? firstProvenance(visible) ?? {kind: 'aws-cli/describe-trails' as const}
    const fields = {...base.fields, ...joined.fields}
    accounts.push({
      type: 'account',
      id: account,
      label: accountLabel(account),
      account,
      document: {
        AccountId: account,
        Regions: sortedRegions,
        ...(noneRead
          ? {Trails: unknown(`not read: no region's trail listing could be read (${covered.unread.get(sortedRegions[0] as string)})`)}
          : {Trails: [...accountTrails, ...unseen]}),
        Facts: {
          TrailCount: accountTrails.length,
          MultiRegionTrailCount: accountTrails.filter((trail) => trail.IsMultiRegionTrail === true).length,
          LoggingTrailCount: accountTrails.filter((trail) => trail.Status?.IsLogging === true).length,
        },
        Monitoring: joined.view,
      },
      provenance: {...base, ...(Object.keys(fields).length > 0 ? {fields} : {}), trails: visible.map((trail) => trail.id)},
    })
  }
  return {regions, accounts}
}

interface MergedCoverage {
  regions: Set<string>
  regionTrails: Record<string, string[]>
  exhaustive: boolean
  unread: Map<string, string>
  provenance?: Provenance
  provenanceByRegion: Map<string, Provenance>
}

function emptyCoverage(_account: string): MergedCoverage {
  return {regions: new Set(), regionTrails: {}, exhaustive: false, unread: new Map(), provenanceByRegion: new Map()}
}

function mergeCoverage(coverage: Coverage[]): Map<string, MergedCoverage> {
  const merged = new Map<string, MergedCoverage>()
  for (const entry of coverage) {
    if (entry.account === '') continue
    const known = merged.get(entry.account)
    const target = known ?? {...emptyCoverage(entry.account), exhaustive: entry.exhaustive === true}
    merged.set(entry.account, target)
    // Only when every piece of evidence for the account is a complete list of its regions is that list the whole account.
    if (known !== undefined && entry.exhaustive !== true) target.exhaustive = false
    for (const [region, why] of Object.entries(entry.unread ?? {})) if (!target.unread.has(region)) target.unread.set(region, why)
    for (const region of entry.regions) {
      target.regions.add(region)
      if (entry.provenance && !target.provenanceByRegion.has(region)) target.provenanceByRegion.set(region, entry.provenance)
    }
    for (const [region, arns] of Object.entries(entry.regionTrails ?? {})) {
      target.regionTrails[region] = [...new Set([...(target.regionTrails[region] ?? []), ...arns])]
    }
    // A snapshot account (many regions at once) stands for the whole account; a listing only for its region.
    if (entry.provenance && entry.regions.length !== 1) target.provenance ??= entry.provenance
  }
  return merged
}

/** A region whose listing failed: every value a region policy reads is unknown, with why. */
function unreadRegion(account: string, region: string, why: string, provenance: Provenance): RegionSubject {
  const reason = `not read: ${why}`
  return {
    type: 'region',
    id: `${account}/${region}`,
    label: `${account}/${region}`,
    account,
    region,
    document: {
      AccountId: account,
      Region: region,
      Trails: unknown(reason),
      Facts: {TrailCount: unknown(reason), ShadowTrailCount: unknown(reason), OrganizationTrailCount: unknown(reason)},
    },
    provenance,
  }
}

function isOrganizationTrail(trail: TrailSubject): boolean {
  return trail.document.IsOrganizationTrail === true
}

/** The trail as seen from one account (and region): same document, facts saying whose and which copy. */
function copyFor(trail: TrailSubject, account: string, region: string | undefined): TrailDocument {
  const home = trail.document.HomeRegion
  const isShadow = region !== undefined && typeof home === 'string' && home !== region
  const isOtherAccount = trail.account !== undefined && trail.account !== account
  return {...trail.document, Facts: {...trail.document.Facts, IsShadow: isShadow, IsOtherAccount: isOtherAccount}}
}

function firstProvenance(trails: TrailSubject[]): Provenance | undefined {
  const first = trails[0]
  if (!first) return undefined
  return {kind: first.provenance.kind, ...(first.provenance.location ? {location: first.provenance.location} : {})}
}
