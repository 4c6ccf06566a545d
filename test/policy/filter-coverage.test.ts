import {describe, expect, it} from 'vitest'

import {compareFilterPatterns, MAX_CROSS_PRODUCT, MAX_NEIGHBOURHOOD} from '../../src/policy/filter-coverage.js'
import {compileFilterPattern, FilterPatternError, type FilterNode} from '../../src/policy/filter-pattern.js'
import {CIS_CONTROLS, MFA_VARIANT, ROUTE_TABLE_AUDIT_TEXT, SECURITY_GROUP_V4, SECURITY_HUB_VARIANTS} from './cis-patterns.js'

type Comparison = Extract<FilterNode, {kind: 'comparison'}>

/** Prints a parsed pattern back as text: operands reversed, every value quoted, one comparison optionally left out. */
function rewrite(pattern: string, options: {reverse?: boolean; omit?: (comparison: Comparison) => boolean} = {}): string {
  const print = (node: FilterNode): string | undefined => {
    if (node.kind === 'comparison') return options.omit?.(node) ? undefined : printComparison(node)
    const operands = node.operands.map(print).filter((text): text is string => text !== undefined)
    if (options.reverse) operands.reverse()
    return operands.length === 1 ? operands[0] : `(${operands.join(node.kind === 'and' ? ' && ' : ' || ')})`
  }
  return `{ ${print(compileFilterPattern(pattern).tree)} }`
}

function printComparison(node: Comparison): string {
  const selector = `$.${node.selector}`
  const {operand} = node
  switch (operand.kind) {
    case 'null':
      return `${selector} IS NULL`
    case 'true':
      return `${selector} IS TRUE`
    case 'false':
      return `${selector} IS FALSE`
    case 'missing':
      return `${selector} NOT EXISTS`
    case 'number':
      return `${selector} ${node.operator} ${operand.value}`
    case 'regex':
      return `${selector} ${node.operator} %${operand.source}%`
    case 'literal':
    case 'wildcard':
      return `${selector} ${node.operator} "${operand.text}"`
  }
}

function eventNames(pattern: string): string[] {
  return [...pattern.matchAll(/\$\.eventName\s*=\s*"?([A-Za-z]+)"?/g)].map((match) => match[1]!)
}

const NAME_LISTS = CIS_CONTROLS.filter((control) => eventNames(control.generationB).length > 1)

describe('compareFilterPatterns', () => {
  describe('every CIS pattern is equivalent to itself', () => {
    for (const control of CIS_CONTROLS) {
      for (const [generation, pattern] of [['A', control.generationA], ['B', control.generationB]] as const) {
        it(`${control.item} generation ${generation}`, () => {
          const verdict = compareFilterPatterns(pattern, [pattern])
          expect(verdict.relation).toBe('equivalent')
          expect(verdict.referenceMatches).toBeGreaterThan(0)
          expect(verdict.referenceMatches).toBeLessThan(verdict.corpusSize)
          expect(verdict.matchesNothing).toBe(false)
          expect(verdict.missed).toEqual({count: 0, eventNames: [], clauses: []})
          expect(verdict.extra).toEqual({count: 0})
        })
      }
    }
  })

  describe('generation A against the generation B reference', () => {
    for (const control of CIS_CONTROLS) {
      it(`${control.item}`, () => {
        const verdict = compareFilterPatterns(control.generationB, [control.generationA])
        if (control.item === '4.1') {
          // Generation A joins the exclusions with ||, so it matches nearly every record.
          expect(verdict.relation).toBe('broader')
          expect(verdict.extra.count).toBeGreaterThan(verdict.referenceMatches)
        } else if (control.item === '4.10') {
          expect(verdict.relation).toBe('narrower')
          expect(verdict.missed.eventNames).toEqual(['ModifySecurityGroupRules'])
          expect(verdict.missed.clauses).toEqual(['($.eventName = ModifySecurityGroupRules)'])
          expect(verdict.missed.sample).toMatchObject({eventName: 'ModifySecurityGroupRules', eventSource: 'ec2.amazonaws.com'})
        } else {
          // Only the quotes differ.
          expect(verdict.relation).toBe('equivalent')
        }
      })
    }

    it('4.10 as of CIS v4.0 is the generation A text', () => {
      expect(compareFilterPatterns(CIS_CONTROLS.find((control) => control.item === '4.10')!.generationB, [SECURITY_GROUP_V4]).missed.eventNames).toEqual(['ModifySecurityGroupRules'])
    })
  })

  describe('rewritten the same: operands reordered, every value quoted, whitespace removed', () => {
    for (const control of CIS_CONTROLS) {
      it(`${control.item}`, () => {
        const reordered = rewrite(control.generationB, {reverse: true})
        expect(reordered).not.toBe(control.generationB)
        expect(compareFilterPatterns(control.generationB, [reordered]).relation).toBe('equivalent')
        const squeezed = control.generationA.replace(/\s*(\|\||&&|\(|\)|\{|\}|!=|=)\s*/g, '$1')
        expect(compareFilterPatterns(control.generationB, [squeezed]).relation).toBe(control.item === '4.1' ? 'broader' : control.item === '4.10' ? 'narrower' : 'equivalent')
      })
    }
  })

  describe('one event name left out is narrower, naming it and the clause to add', () => {
    for (const control of NAME_LISTS) {
      const names = eventNames(control.generationB)
      const left = names[Math.floor(names.length / 2)]!
      it(`${control.item} without ${left}`, () => {
        const deployed = rewrite(control.generationB, {omit: (comparison) => comparison.selector === 'eventName' && comparison.operand.kind === 'literal' && comparison.operand.text === left})
        const verdict = compareFilterPatterns(control.generationB, [deployed])
        expect(verdict.relation).toBe('narrower')
        expect(verdict.missed.eventNames).toEqual([left])
        expect(verdict.missed.clauses).toEqual([`($.eventName = ${left})`])
        expect(verdict.missed.sample).toMatchObject({eventName: left})
        expect(verdict.extra.count).toBe(0)
        expect(verdict.matchesNothing).toBe(false)
      })
    }
  })

  describe('an added event name is broader, with a sample of what it adds', () => {
    for (const control of CIS_CONTROLS) {
      it(`${control.item} with ConsoleLogout`, () => {
        const inner = control.generationB.trim().slice(1, -1)
        const verdict = compareFilterPatterns(control.generationB, [`{ (${inner}) || ($.eventName = ConsoleLogout) }`])
        expect(verdict.relation).toBe('broader')
        expect(verdict.extra.count).toBeGreaterThan(0)
        expect(verdict.extra.sample).toMatchObject({eventName: 'ConsoleLogout'})
        expect(verdict.missed.count).toBe(0)
      })
    }
  })

  describe('&& in place of || matches nothing', () => {
    for (const control of NAME_LISTS) {
      it(`${control.item}`, () => {
        const verdict = compareFilterPatterns(control.generationB, [control.generationB.replaceAll('||', '&&')])
        expect(verdict.relation).toBe('narrower')
        expect(verdict.matchesNothing).toBe(true)
        expect(verdict.missed.count).toBe(verdict.referenceMatches)
        expect(verdict.missed.eventNames).toEqual(eventNames(control.generationB))
      })
    }
  })

  it('the 4.13 audit text, which adds $.eventSource = ec2.amazonaws.com, is equivalent to the remediation: route-table events come only from EC2', () => {
    const remediation = CIS_CONTROLS.find((control) => control.item === '4.13')!.generationB
    expect(compareFilterPatterns(remediation, [ROUTE_TABLE_AUDIT_TEXT]).relation).toBe('equivalent')
    expect(compareFilterPatterns(ROUTE_TABLE_AUDIT_TEXT, [remediation]).relation).toBe('equivalent')
    // The source is still judged: a service that never emits these names loses them all.
    const wrongService = compareFilterPatterns(remediation, [`{ ($.eventSource = kms.amazonaws.com) && (${remediation.trim().slice(1, -1)}) }`])
    expect(wrongService.relation).toBe('narrower')
    expect(wrongService.matchesNothing).toBe(true)
  })

  it('keeping one of the services that emit a name is narrower: 4.4 limited to IAM misses Auto Scaling DeletePolicy', () => {
    const reference = CIS_CONTROLS.find((control) => control.item === '4.4')!.generationB
    const verdict = compareFilterPatterns(reference, [`{ ($.eventSource = iam.amazonaws.com) && (${reference.trim().slice(1, -1)}) }`])
    expect(verdict.relation).toBe('narrower')
    expect(verdict.missed.eventNames).toEqual([])
    const sources = new Set<unknown>()
    for (const name of ['DeletePolicy', 'CreatePolicy']) {
      const one = compareFilterPatterns(`{ $.eventName = ${name} }`, [`{ $.eventSource = iam.amazonaws.com && $.eventName = ${name} }`])
      sources.add(one.missed.sample?.eventSource)
      expect(one.missed.clauses.join(' ')).toMatch(/\$\.eventSource = [a-z]+\.amazonaws\.com/)
    }
    expect(sources.has('iam.amazonaws.com')).toBe(false)
    expect(verdict.missed.clauses.some((clause) => clause.includes('$.eventSource = '))).toBe(true)
  })

  it('a union of two filters that split the names is equivalent', () => {
    for (const control of NAME_LISTS) {
      const names = eventNames(control.generationB)
      const firstHalf = new Set(names.slice(0, Math.ceil(names.length / 2)))
      const isName = (comparison: Comparison, inHalf: boolean): boolean => comparison.selector === 'eventName' && comparison.operand.kind === 'literal' && firstHalf.has(comparison.operand.text) === inHalf
      const one = rewrite(control.generationB, {omit: (comparison) => isName(comparison, true)})
      const two = rewrite(control.generationB, {omit: (comparison) => isName(comparison, false)})
      expect(compareFilterPatterns(control.generationB, [one]).relation, control.item).toBe('narrower')
      expect(compareFilterPatterns(control.generationB, [one, two]).relation, control.item).toBe('equivalent')
    }
  })

  it("Security Hub's CloudWatch.2 is broader than generation B 4.1: it also counts denied HeadBucket and log delivery", () => {
    const verdict = compareFilterPatterns(CIS_CONTROLS[0]!.generationB, [SECURITY_HUB_VARIANTS['CloudWatch.2']])
    expect(verdict.relation).toBe('broader')
    expect(verdict.missed.count).toBe(0)
    const sample = verdict.extra.sample!
    expect(String(sample.errorCode)).toMatch(/^AccessDenied/)
    expect(sample.eventName === 'HeadBucket' || sample.sourceIPAddress === 'delivery.logs.amazonaws.com').toBe(true)
  })

  it("Security Hub's CloudWatch.1, 4 and 5 are equivalent to CIS; CloudWatch.3 is the SSO-tolerant 4.2 variant, narrower than plain 4.2", () => {
    const item = (id: string): string => CIS_CONTROLS.find((control) => control.item === id)!.generationB
    expect(compareFilterPatterns(item('4.3'), [SECURITY_HUB_VARIANTS['CloudWatch.1']]).relation).toBe('equivalent')
    expect(compareFilterPatterns(item('4.4'), [SECURITY_HUB_VARIANTS['CloudWatch.4']]).relation).toBe('equivalent')
    expect(compareFilterPatterns(item('4.5'), [SECURITY_HUB_VARIANTS['CloudWatch.5']]).relation).toBe('equivalent')
    expect(compareFilterPatterns(MFA_VARIANT.generationB, [SECURITY_HUB_VARIANTS['CloudWatch.3']]).relation).toBe('equivalent')
    expect(compareFilterPatterns(MFA_VARIANT.generationA, [MFA_VARIANT.generationB]).relation).toBe('equivalent')
    expect(compareFilterPatterns(item('4.2'), [SECURITY_HUB_VARIANTS['CloudWatch.3']]).relation).toBe('narrower')
  })

  it('a condition on a field the reference never reads is narrower, and says which values it loses', () => {
    const trailChanges = CIS_CONTROLS.find((control) => control.item === '4.5')!.generationB
    const onlyUsers = compareFilterPatterns(trailChanges, [`{ ($.userIdentity.type = IAMUser) && ${trailChanges.trim().slice(1, -1)} }`])
    expect(onlyUsers.relation).toBe('narrower')
    expect(onlyUsers.missed.eventNames).toEqual([])
    expect(onlyUsers.missed.clauses).toEqual(['records with $.userIdentity.type = Root, AssumedRole, FederatedUser, AWSService, AWSAccount or IdentityCenterUser'])
    expect((onlyUsers.missed.sample!.userIdentity as {type: string}).type).not.toBe('IAMUser')

    const notRoles = compareFilterPatterns(trailChanges, [`{ ($.userIdentity.type != AssumedRole) && ${trailChanges.trim().slice(1, -1)} }`])
    expect(notRoles.relation).toBe('narrower')
    expect(notRoles.missed.clauses).toEqual(['records with $.userIdentity.type = AssumedRole'])
  })

  it('gives samples that are realistic CloudTrail records, which the caller may change', () => {
    const reference = CIS_CONTROLS.find((control) => control.item === '4.7')!.generationB
    // Without the source: only KMS emits these names.
    expect(compareFilterPatterns(reference, ['{ $.eventName = DisableKey || $.eventName = ScheduleKeyDeletion }']).relation).toBe('equivalent')
    const verdict = compareFilterPatterns(reference, ['{ $.eventSource = kms.amazonaws.com && $.eventName = DisableKey }'])
    expect(verdict.missed.sample).toMatchObject({eventVersion: '1.09', eventSource: 'kms.amazonaws.com', eventName: 'ScheduleKeyDeletion', userIdentity: {type: 'IAMUser'}})
    ;(verdict.missed.sample!.userIdentity as {type: string}).type = 'Changed'
    verdict.missed.sample!.eventSource = 'changed'
    expect(compareFilterPatterns(reference, ['{ $.eventSource = kms.amazonaws.com && $.eventName = DisableKey }']).missed.sample).toMatchObject({eventSource: 'kms.amazonaws.com', userIdentity: {type: 'IAMUser'}})
  })

  it('judges several deployed filters as one union, and an empty list as matching nothing', () => {
    const verdict = compareFilterPatterns('{ $.eventName = CreateTrail }', [])
    expect(verdict).toMatchObject({relation: 'narrower', matchesNothing: true, missed: {eventNames: ['CreateTrail']}})
  })

  it('throws FilterPatternError with the column when either pattern does not parse', () => {
    expect(() => compareFilterPatterns('{ $.eventName = CreateTrail }', ['{ $.eventName == CreateTrail }'])).toThrow(FilterPatternError)
    expect(() => compareFilterPatterns('{ $.eventName = ', ['{ $.eventName = CreateTrail }'])).toThrow(/column/)
  })

  it(`past ${MAX_CROSS_PRODUCT} records the neighbourhood of each pattern's terms still finds the missing name`, () => {
    const reference = CIS_CONTROLS.find((control) => control.item === '4.4')!.generationB
    const conditions = Array.from({length: 8}, (_, i) => `($.requestParameters.field${i} != value${i} || $.requestParameters.field${i} NOT EXISTS)`).join(' && ')
    const withoutOne = rewrite(reference, {omit: (comparison) => comparison.operand.kind === 'literal' && comparison.operand.text === 'DeletePolicyVersion'})
    const verdict = compareFilterPatterns(reference, [`{ ${conditions} && ${withoutOne.trim().slice(1, -1)} }`])
    expect(verdict.corpusSize).toBeLessThanOrEqual(MAX_NEIGHBOURHOOD)
    expect(verdict.relation).toBe('narrower')
    expect(verdict.missed.eventNames).toEqual(['DeletePolicyVersion'])
    expect(verdict.missed.clauses[0]).toBe('($.eventName = DeletePolicyVersion)')
  })

  it(`past ${MAX_CROSS_PRODUCT} records each pattern's terms seed the corpus, so a reference several fields away from the base record is still exercised`, () => {
    // Each condition holds on every record, but adds a selector with three values.
    const conditions = Array.from({length: 8}, (_, i) => `($.requestParameters.field${i} != value${i} || $.requestParameters.field${i} = value${i} || $.requestParameters.field${i} NOT EXISTS)`).join(' && ')
    const inner = MFA_VARIANT.generationB.trim().slice(1, -1)
    const same = compareFilterPatterns(MFA_VARIANT.generationB, [`{ ${conditions} && ${inner} }`])
    expect(same.referenceMatches).toBeGreaterThan(0)
    expect(same.relation).toBe('equivalent')
    const onlyNo = compareFilterPatterns(MFA_VARIANT.generationB, [`{ ${conditions} && ${inner} && ($.additionalEventData.MFAUsed = No) }`])
    expect(onlyNo.relation).toBe('narrower')
    expect(onlyNo.missed.clauses).toEqual(['records with $.additionalEventData.MFAUsed = OtherValue'])
  })

  it('a value no comparison names is in the corpus: `!= Yes` is wider than `= No`', () => {
    const plain = CIS_CONTROLS.find((control) => control.item === '4.2')!.generationB
    const verdict = compareFilterPatterns(plain, ['{ ($.eventName = ConsoleLogin) && ($.additionalEventData.MFAUsed = No) }'])
    expect(verdict.relation).toBe('narrower')
    expect(verdict.missed.sample).toMatchObject({eventName: 'ConsoleLogin', additionalEventData: {MFAUsed: 'OtherValue'}})
  })

  it('separates numeric bounds: a value between two bounds is in the corpus', () => {
    const verdict = compareFilterPatterns('{ $.requestParameters.count > 5 }', ['{ $.requestParameters.count >= 6 }'])
    expect(verdict.relation).toBe('narrower')
    expect(verdict.missed.clauses).toEqual(['records with $.requestParameters.count = 5.5'])
    expect(compareFilterPatterns('{ $.requestParameters.count > 5 }', ['{ $.requestParameters.count > 5.0 }']).relation).toBe('equivalent')
  })

  it('writes a missed condition on an array element as a filter pattern writes it', () => {
    const verdict = compareFilterPatterns('{ $.resources[0].type = "AWS::S3::Bucket" }', ['{ $.resources[1].type = AWS::S3::Bucket }'])
    expect(verdict.relation).toBe('narrower')
    expect(verdict.missed.clauses).toEqual(['records with $.resources[1].type NOT EXISTS or $.resources[1].type = OtherValue'])
    expect(compareFilterPatterns('{ $.resources[0].type = "AWS::S3::Bucket" }', ['{ $.resources[0].type = AWS::S3::Bucket }']).relation).toBe('equivalent')
  })

  describe('returns in bounded time and memory on hostile 1,024-character patterns', () => {
    const fill = (head: string, clause: (i: number) => string, limit = 1000): string => {
      let text = head
      for (let i = 0; text.length + clause(i).length < limit; i++) text += clause(i)
      return `${text}}`
    }
    let deep = ''
    let depth = 0
    while (deep.length < 850) deep += `($.k${depth++} = v && (`
    const shapes: Record<string, string> = {
      'many selectors and two regexes': fill('{ $.a = %ab+c% && $.b = %x.*y% ', (i) => `${i % 2 ? '||' : '&&'} ($.f${i} = v*${i} || $.g${i} != w${i}) `),
      'an && of many ||': fill('{ ($.a = x || $.b = y) ', (i) => `&& ($.a${i} = x || $.b${i} = y) `),
      'many literals on few selectors': fill('{ $.f = v ', (i) => `|| $.f${i % 6} = v${i} `),
      'deep nesting': `{ ${deep}$.z = 1${'))'.repeat(depth)} }`,
      'many numeric bounds': fill('{ $.n < 0 ', (i) => `&& $.n${i % 10} ${['<', '>', '<=', '>='][i % 4]} ${i} `),
    }
    for (const [shape, hostile] of Object.entries(shapes)) {
      it(shape, () => {
        expect(hostile.length).toBeLessThanOrEqual(1024)
        const heapBefore = process.memoryUsage().heapUsed
        const started = performance.now()
        const verdict = compareFilterPatterns(hostile, [hostile, CIS_CONTROLS[0]!.generationB])
        const elapsed = performance.now() - started
        expect(verdict.corpusSize).toBeLessThanOrEqual(Math.max(MAX_CROSS_PRODUCT, MAX_NEIGHBOURHOOD))
        expect(verdict.relation).not.toBe('narrower')
        expect(elapsed).toBeLessThan(10_000)
        expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(512 * 1024 * 1024)
      })
    }
  })
})
