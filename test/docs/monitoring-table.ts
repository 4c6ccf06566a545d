/**
 * The side-by-side table of docs/monitoring.md: trailgate's verdict on a set of metric filters next
 * to what the text rules of Security Hub, Prowler and Trivy say about the same filter. The peers'
 * columns come from small re-implementations of their documented rules (below), not from running them.
 */
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {parse} from 'yaml'

import {compareFilterPatterns, type CoverageVerdict} from '../../src/policy/filter-coverage.js'
import {CIS_CONTROLS, ROUTE_TABLE_AUDIT_TEXT, SECURITY_HUB_VARIANTS} from '../policy/cis-patterns.js'

type Item = '4.1' | '4.3' | '4.5' | '4.6' | '4.13'

const cis = (item: string): {generationA: string; generationB: string} => CIS_CONTROLS.find((control) => control.item === item)!

// ---------------------------------------------------------------------------------------------
// Security Hub: "fails if the exact metric filters prescribed by CIS are not used". Read
// charitably: the CIS v1.4 text (generation A) or the variant its own user guide prints, with
// whitespace ignored.

const SECURITY_HUB_EXPECTED: Record<Item, string[]> = {
  '4.1': [cis('4.1').generationA, SECURITY_HUB_VARIANTS['CloudWatch.2']],
  '4.3': [cis('4.3').generationA, SECURITY_HUB_VARIANTS['CloudWatch.1']],
  '4.5': [cis('4.5').generationA, SECURITY_HUB_VARIANTS['CloudWatch.5']],
  '4.6': [cis('4.6').generationA],
  '4.13': [cis('4.13').generationA],
}

const squeeze = (text: string): string => text.replace(/\s+/g, '')

export function securityHubPasses(item: Item, filter: string): boolean {
  return SECURITY_HUB_EXPECTED[item].some((expected) => squeeze(expected) === squeeze(filter))
}

// ---------------------------------------------------------------------------------------------
// Prowler: one regular expression per required clause, in any order, quotes optional, event names
// matched whole. The route-table check also requires `$.eventSource = ec2.amazonaws.com`.

interface Clause {
  selector: string
  operator: '=' | '!=' | 'NOT EXISTS'
  value?: string
}

const names = (...eventNames: string[]): Clause[] => eventNames.map((value) => ({selector: 'eventName', operator: '=', value}))

const PROWLER_CLAUSES: Record<Item, Clause[]> = {
  '4.1': [
    {selector: 'errorCode', operator: '=', value: '*UnauthorizedOperation'},
    {selector: 'errorCode', operator: '=', value: 'AccessDenied*'},
  ],
  '4.3': [
    {selector: 'userIdentity.type', operator: '=', value: 'Root'},
    {selector: 'userIdentity.invokedBy', operator: 'NOT EXISTS'},
    {selector: 'eventType', operator: '!=', value: 'AwsServiceEvent'},
  ],
  '4.5': names('CreateTrail', 'UpdateTrail', 'DeleteTrail', 'StartLogging', 'StopLogging'),
  '4.6': [...names('ConsoleLogin'), {selector: 'errorMessage', operator: '=', value: 'Failed authentication'}],
  '4.13': [{selector: 'eventSource', operator: '=', value: 'ec2.amazonaws.com'}, ...names('CreateRoute', 'CreateRouteTable', 'ReplaceRoute', 'ReplaceRouteTableAssociation', 'DeleteRouteTable', 'DeleteRoute', 'DisassociateRouteTable')],
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

function clauseRegex(clause: Clause): RegExp {
  const selector = `\\$\\.${escape(clause.selector)}`
  if (clause.operator === 'NOT EXISTS') return new RegExp(`${selector}\\s+NOT\\s+EXISTS`)
  return new RegExp(`${selector}\\s*${escape(clause.operator)}\\s*"?${escape(clause.value!)}"?(?![A-Za-z0-9])`)
}

export function prowlerPasses(item: Item, filter: string): boolean {
  return PROWLER_CLAUSES[item].every((clause) => clauseRegex(clause).test(filter))
}

// ---------------------------------------------------------------------------------------------
// Trivy: the filter, whitespace removed, must contain its expected text, whitespace removed. The
// expected texts are Trivy's own, including the `&.eventType` typo of the root-usage check.

const TRIVY_EXPECTED: Record<Item, string> = {
  '4.1': '($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")',
  '4.3': '$.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && &.eventType != "AwsServiceEvent"',
  '4.5': '{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) \n|| ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLogging)}',
  '4.6': '{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}',
  '4.13': '{($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable)}',
}

export function trivyPasses(item: Item, filter: string): boolean {
  return squeeze(filter).includes(squeeze(TRIVY_EXPECTED[item]))
}

// ---------------------------------------------------------------------------------------------
// The rows

interface Row {
  item: Item
  label: string
  filter: string
}

const trailChanges = cis('4.5').generationB
const trailChangesInner = trailChanges.trim().slice(1, -1).trim()

export const ROWS: readonly Row[] = [
  {item: '4.1', label: 'CIS v1.4–v3.0 text (generation A, all `||`)', filter: cis('4.1').generationA},
  {item: '4.1', label: 'CIS v4.0+ text (generation B)', filter: cis('4.1').generationB},
  {item: '4.1', label: "Security Hub's CloudWatch.2 pattern", filter: SECURITY_HUB_VARIANTS['CloudWatch.2']},
  {item: '4.1', label: 'CloudWatch.2 with `&& ($.userIdentity.type = IAMUser)` added', filter: '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && ($.userIdentity.type = IAMUser) }'},
  {item: '4.3', label: 'CIS v4.0+ text (generation B)', filter: cis('4.3').generationB},
  {item: '4.3', label: "Security Hub's CloudWatch.1 pattern", filter: SECURITY_HUB_VARIANTS['CloudWatch.1']},
  {item: '4.5', label: 'CIS text (both generations)', filter: trailChanges},
  {item: '4.5', label: 'CIS text, clauses reordered', filter: '{ ($.eventName = StopLogging) || ($.eventName = StartLogging) || ($.eventName = DeleteTrail) || ($.eventName = UpdateTrail) || ($.eventName = CreateTrail) }'},
  {item: '4.5', label: 'CIS text without StopLogging', filter: '{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) }'},
  {item: '4.5', label: 'CIS text with `&&` for `||`', filter: trailChanges.replaceAll('||', '&&')},
  {item: '4.5', label: 'CIS text with `$.userIdentity.type = IAMUser` added', filter: `{ ($.userIdentity.type = IAMUser) && (${trailChangesInner}) }`},
  {item: '4.6', label: 'CIS v4.0+ text (generation B, unquoted)', filter: cis('4.6').generationB},
  {item: '4.6', label: 'CIS v1.4 text with the whitespace removed', filter: squeezeOutsideQuotes(cis('4.6').generationA)},
  {item: '4.13', label: 'CIS remediation text', filter: cis('4.13').generationB},
  {item: '4.13', label: 'CIS audit text (`$.eventSource = ec2.amazonaws.com &&` first)', filter: ROUTE_TABLE_AUDIT_TEXT},
]

function squeezeOutsideQuotes(text: string): string {
  return text.split('"').map((part, index) => (index % 2 === 0 ? part.replace(/\s+/g, '') : part)).join('"')
}

export function trailgateVerdict(verdict: CoverageVerdict): string {
  switch (verdict.relation) {
    case 'equivalent':
      return 'pass (equivalent)'
    case 'broader':
      return `pass (broader: ${verdict.extra.count} more of ${verdict.corpusSize})`
    case 'narrower':
      if (verdict.matchesNothing) return 'fail (matches nothing)'
      if (verdict.missed.eventNames.length > 0) return `fail (add ${verdict.missed.clauses.map((clause) => `\`${clause}\``).join(', ')})`
      return `fail (misses ${verdict.missed.clauses.map((clause) => `\`${clause.replace(/^records with /, '')}\``).join(', ')})`
  }
}

const passFail = (pass: boolean): string => (pass ? 'pass' : 'fail')
/** A `|` inside a table cell, code spans included, is written `\|` in GitHub markdown. */
const cell = (text: string): string => text.replaceAll('|', '\\|')

/** The markdown of the side-by-side table and the filters it numbers. */
export function renderComparisonTable(): string {
  const lines = ['| # | CIS | Filter | trailgate | Security Hub | Prowler | Trivy |', '| --- | --- | --- | --- | --- | --- | --- |']
  ROWS.forEach((row, index) => {
    const verdict = compareFilterPatterns(cis(row.item).generationB, [row.filter])
    lines.push(`| ${index + 1} | ${row.item} | ${cell(row.label)} | ${cell(trailgateVerdict(verdict))} | ${passFail(securityHubPasses(row.item, row.filter))} | ${passFail(prowlerPasses(row.item, row.filter))} | ${passFail(trivyPasses(row.item, row.filter))} |`)
  })
  lines.push('', 'The filters, numbered as in the table:', '')
  ROWS.forEach((row, index) => lines.push(`${index + 1}. \`${row.filter.replace(/\n/g, ' ')}\``))
  return lines.join('\n')
}

/** The markdown of the corpus size per control, for the fifteen default references. */
/** The default reference pattern of each built-in monitoring policy, by its CIS v5.0 item (`4.2`). */
function shippedReferences(): Map<string, string> {
  const folder = join(import.meta.dirname, '..', '..', 'policies', 'trail')
  const references = new Map<string, string>()
  for (const file of readdirSync(folder).filter((name) => /^cis-monitoring-.*(?<!\.tests)\.yaml$/.test(name))) {
    const policy = parse(readFileSync(join(folder, file), 'utf8')) as {references: {cis: string[]}; params: {pattern: {default: string}}}
    const item = policy.references.cis.map((ref) => /^AWS Foundations v5\.0\.0 (4\.\d+)$/.exec(ref)?.[1]).find(Boolean)
    if (item) references.set(item, policy.params.pattern.default)
  }
  return references
}

export function renderCorpusSizes(): string {
  const lines = ['| CIS v1.4–v5.0 / v6.0+ | Control | Records in the corpus | Matched by the reference |', '| --- | --- | --- | --- |']
  const shipped = shippedReferences()
  for (const control of CIS_CONTROLS) {
    const reference = shipped.get(control.item)
    if (reference === undefined) throw new Error(`no built-in monitoring policy names CIS v5.0.0 ${control.item}`)
    const verdict = compareFilterPatterns(reference, [reference])
    lines.push(`| ${control.item} / ${control.item.replace(/^4\./, '5.')} | ${control.topic} | ${verdict.corpusSize} | ${verdict.referenceMatches} |`)
  }
  return lines.join('\n')
}
