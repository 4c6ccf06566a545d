import {basename} from 'node:path'

/** File names the AWS CLI collection recipes use (docs/inputs.md): such a file is meant to be read. */
const CLI_OUTPUT_NAMES: {pattern: RegExp; command: string}[] = [
  {pattern: /^describe-trails\b.*\.json(\.gz)?$/i, command: 'cloudtrail describe-trails'},
  {pattern: /^get-trail-status\b.*\.json(\.gz)?$/i, command: 'cloudtrail get-trail-status'},
  {pattern: /\.status\.json(\.gz)?$/i, command: 'cloudtrail get-trail-status'},
  {pattern: /^get-event-selectors\b.*\.json(\.gz)?$/i, command: 'cloudtrail get-event-selectors'},
  {pattern: /^get-insight-selectors\b.*\.json(\.gz)?$/i, command: 'cloudtrail get-insight-selectors'},
  {pattern: /^list-tags\b.*\.json(\.gz)?$/i, command: 'cloudtrail list-tags'},
  {pattern: /^describe-metric-filters\b.*\.json(\.gz)?$/i, command: 'logs describe-metric-filters'},
  {pattern: /^describe-alarms\b.*\.json(\.gz)?$/i, command: 'cloudwatch describe-alarms'},
  {pattern: /^list-subscriptions(-by-topic)?\b.*\.json(\.gz)?$/i, command: 'sns list-subscriptions-by-topic'},
]

/** The AWS CLI command a file is named after (`cloudtrail describe-trails`, …), if it is. */
export function cliCommandNamed(path: string): string | undefined {
  return CLI_OUTPUT_NAMES.find(({pattern}) => pattern.test(basename(path)))?.command
}

/** `aws ... --output text`: lines of an upper-case key (`TRAILLIST`, `EVENTSELECTORS`) and tab-separated values. */
function looksLikeTextOutput(head: string): boolean {
  const first = head.split('\n').find((line) => line.trim() !== '')
  return first !== undefined && /^[A-Z][A-Z0-9_]*\t/.test(first)
}

/** `aws ... --output table`: a dashed rule, then the operation's name framed in `|`. */
function looksLikeTableOutput(head: string): boolean {
  const [first, second] = head.split('\n').filter((line) => line.trim() !== '')
  return first !== undefined && second !== undefined && /^-{5,}\s*$/.test(first) && /^\|\s+\w[\w ]*\s+\|\s*$/.test(second)
}

/**
 * Why a file that no reader took is a failure rather than a skip: it is AWS CLI output by its look
 * (text or table output) or by its name, so the user meant it to be read. Undefined for other files.
 */
export function cliOutputRefusal(path: string, head: string, unrecognized: string, encoding: string | undefined): string | undefined {
  if (looksLikeTextOutput(head)) return 'this is AWS CLI `--output text` output; run the command with `--output json`'
  if (looksLikeTableOutput(head)) return 'this is AWS CLI `--output table` output; run the command with `--output json`'
  const decoded = encoding ? ` (read as ${encoding})` : ''
  const named = CLI_OUTPUT_NAMES.find(({pattern}) => pattern.test(basename(path)))
  if (named) return `named like \`aws ${named.command}\` output, but ${unrecognized}${decoded}: save the command's \`--output json\` output`
  if (encoding && encoding !== 'UTF-8 with BOM') return `${encoding} text, but ${unrecognized} once decoded`
  return undefined
}
