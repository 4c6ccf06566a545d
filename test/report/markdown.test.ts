import {describe, expect, it} from 'vitest'

import type {Result} from '../../src/model/types.js'
import {MARKDOWN_LIMITS, renderMarkdown} from '../../src/report/markdown.js'
import {fixtureReport, result} from './fixture-report.js'
import {appendAll} from '../../src/util/arrays.js'

function tableRows(markdown: string): string[] {
  const start = markdown.indexOf('| Severity | Policy |')
  return markdown
    .slice(start)
    .split('\n')
    .slice(2)
    .filter((line, index, lines) => line.startsWith('|') && lines.slice(0, index).every((previous) => previous.startsWith('|')))
}

describe('markdown job summary', () => {
  it('opens with a heading and a verdict line without emoji', () => {
    const report = fixtureReport()
    report.exitCode = 1
    const markdown = renderMarkdown(report)
    expect(markdown.startsWith('## trailgate check: failed\n\n**Failed:** 2 failures at or above `high`. 2 failures below the threshold.\n')).toBe(true)
    expect(markdown).not.toMatch(/\p{Extended_Pictographic}/u)
  })

  it('says when the run cannot be trusted, and when it passed', () => {
    expect(renderMarkdown(fixtureReport())).toContain('## trailgate check: incomplete\n\n**Incomplete:** the run cannot be trusted (2 errors')
    const clean = fixtureReport()
    clean.exitCode = 0
    clean.failOn = 'critical'
    clean.results = clean.results.filter((item) => item.severity !== 'critical')
    expect(renderMarkdown(clean)).toContain('**Passed:** no failures at or above `critical`. 3 failures below the threshold.')
  })

  it('counts failures by severity and results by status', () => {
    const markdown = renderMarkdown(fixtureReport())
    expect(markdown).toContain('| critical | 1 |')
    expect(markdown).toContain('| info | 0 |')
    expect(markdown).toContain('| suppressed | 2 |')
    expect(markdown).toContain('| error | 1 |')
  })

  it('lists failures most severe first, with repository locations as path:line and live subjects by account and region', () => {
    const rows = tableRows(renderMarkdown(fixtureReport()))
    expect(rows).toHaveLength(4)
    expect(rows.map((row) => row.split(' | ')[0])).toEqual(['| critical', '| high', '| medium', '| low'])
    expect(rows[1]).toContain('`templates/trail.yaml:12`')
    expect(rows[2]).toContain('account 111122223333, us-east-1')
    expect(rows[3]).toContain('Trail "dev" &lt;legacy&gt; &amp; \'old\'')
  })

  it('escapes pipes and line breaks in cells', () => {
    const report = fixtureReport()
    report.results[0]!.message = 'KmsKeyId is a|b\nand more'
    const row = tableRows(renderMarkdown(report)).find((line) => line.includes('KmsKeyId is'))!
    expect(row).toContain('KmsKeyId is a\\|b and more')
    expect(row.split(/(?<!\\)\|/)).toHaveLength(7)
  })

  it('gives the remediation of each failing policy once', () => {
    const markdown = renderMarkdown(fixtureReport())
    const section = markdown.slice(markdown.indexOf('### Remediation'))
    // Filled in with the failing trail's own name, not the policy's generic text.
    expect(section).toContain('**`kms-encryption`**: Trail log files are encrypted with a KMS key\n\naws cloudtrail update-trail --name AuditTrail --kms-key-id &lt;key&gt;')
    expect(section.match(/\*\*`log-file-validation`\*\*/g)).toHaveLength(1)
    expect(section).not.toContain('insights-enabled')
  })

  it('collapses suppressed, unknown, failed inputs and diagnostics into details', () => {
    const markdown = renderMarkdown(fixtureReport())
    expect(markdown).toContain('<details><summary>2 suppressed results, 1 unknown result</summary>')
    expect(markdown).toContain('`kms-encryption` on main: waiver until 2026-12-31: Bucket-level SSE-KMS enforced by SCP')
    expect(markdown).toContain('<details><summary>Inputs: 1 failed, 1 skipped; diagnostics: 1 error, 1 warning</summary>')
    expect(markdown).toContain('- failed `evidence/broken.json`: JSON syntax error at 3:14')
    expect(markdown).toContain('- error `evidence/broken.json:3:14` Unexpected token } in JSON (json-syntax)')
    expect(markdown).toContain('### Could not evaluate')
  })

  it('truncates the table with an "and N more" line', () => {
    const markdown = renderMarkdown(fixtureReport(), {limits: {maxTableRows: 2}})
    expect(tableRows(markdown)).toHaveLength(2)
    expect(markdown).toContain('… and 2 more failures not shown here')
  })

  it('stays under GitHub\'s 1 MiB step summary limit for a huge report', () => {
    const report = fixtureReport()
    const failures: Result[] = Array.from({length: 30_000}, (_, index) =>
      result({
        policy: 'log-file-validation',
        message: `Trail t${index} does not validate log files: ${'LogFileValidationEnabled is false. '.repeat(5)}`,
        subject: {type: 'trail', id: `arn:aws:cloudtrail:us-east-1:111122223333:trail/t${index}`, label: `t${index}`},
      }),
    )
    appendAll(report.results, failures)
    const markdown = renderMarkdown(report)
    expect(Buffer.byteLength(markdown)).toBeLessThan(1024 * 1024)
    expect(Buffer.byteLength(markdown)).toBeLessThanOrEqual(MARKDOWN_LIMITS.maxBytes)
    expect(markdown).toMatch(/… and \d+ more failures not shown here/)
    expect(markdown).toContain('### Remediation')
  })
})
