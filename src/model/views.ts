import type {
  AccountSubject,
  Provenance,
  RegionSubject,
  TrailDocument,
  TrailSubject,
} from './types.js'

/** The account of evidence that names none (IaC without an environment): judged as one account, never skipped. */
export const TARGET_ACCOUNT = 'target-account'

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
}

/**
 * One region subject per account × region and one account subject per account.
 *
 * A region holds every trail that logs there, counted as `describe-trails --include-shadow-trails`
 * lists them: trails homed there, each multi-region trail of the account (a shadow copy outside its
 * home region) and organization trails (multi-region ones everywhere, others in their home region).
 * Organization trails are taken to belong to the organization of every account in the evidence.
 * Regions judged: those the coverage names, the visible trails' home regions and `regionTrails` keys.
 */
export function buildViews(trails: TrailSubject[], coverage: Coverage[]): {regions: RegionSubject[]; accounts: AccountSubject[]} {
  const byAccount = mergeCoverage(coverage)
  for (const trail of trails) {
    if (trail.account && !isOrganizationTrail(trail) && !byAccount.has(trail.account)) byAccount.set(trail.account, emptyCoverage(trail.account))
  }
  const byId = new Map(trails.map((trail) => [trail.id, trail]))
  const regions: RegionSubject[] = []
  const accounts: AccountSubject[] = []
  for (const account of [...byAccount.keys()].sort()) {
    const covered = byAccount.get(account) as MergedCoverage
    const visible = trails.filter((trail) => trail.account === account || isOrganizationTrail(trail))
    const regionNames = new Set([...covered.regions, ...Object.keys(covered.regionTrails)])
    for (const trail of visible) {
      if (typeof trail.document.HomeRegion === 'string') regionNames.add(trail.document.HomeRegion)
    }
    const sortedRegions = [...regionNames].sort()
    for (const region of sortedRegions) {
      const listed = covered.regionTrails[region]
      const present = listed
        ? listed.map((arn) => byId.get(arn)).filter((trail): trail is TrailSubject => trail !== undefined)
        : visible.filter((trail) => trail.document.HomeRegion === region || trail.document.IsMultiRegionTrail === true)
      const copies = present.map((trail) => copyFor(trail, account, region))
      regions.push({
        type: 'region',
        id: `${account}/${region}`,
        label: `${accountLabel(account)}/${region}`,
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
    accounts.push({
      type: 'account',
      id: account,
      label: accountLabel(account),
      account,
      document: {
        AccountId: account,
        Regions: sortedRegions,
        Trails: accountTrails,
        Facts: {
          TrailCount: accountTrails.length,
          MultiRegionTrailCount: accountTrails.filter((trail) => trail.IsMultiRegionTrail === true).length,
          LoggingTrailCount: accountTrails.filter((trail) => trail.Status?.IsLogging === true).length,
        },
      },
      provenance: {...(covered.provenance ?? firstProvenance(visible) ?? {kind: 'aws-cli/describe-trails'}), trails: visible.map((trail) => trail.id)},
    })
  }
  return {regions, accounts}
}

interface MergedCoverage {
  regions: Set<string>
  regionTrails: Record<string, string[]>
  provenance?: Provenance
  provenanceByRegion: Map<string, Provenance>
}

function emptyCoverage(_account: string): MergedCoverage {
  return {regions: new Set(), regionTrails: {}, provenanceByRegion: new Map()}
}

function mergeCoverage(coverage: Coverage[]): Map<string, MergedCoverage> {
  const merged = new Map<string, MergedCoverage>()
  for (const entry of coverage) {
    if (entry.account === '') continue
    const target = merged.get(entry.account) ?? emptyCoverage(entry.account)
    merged.set(entry.account, target)
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
