import type {Environment} from './inputs.js'

/** Variables whose whole value is a credential, whatever it looks like. */
const SECRET_VARIABLES = ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN', 'AWS_ACCESS_KEY_ID', 'AWS_WEB_IDENTITY_TOKEN']

/** Long-term (AKIA) and temporary (ASIA) access key ids, wherever they turn up. */
const ACCESS_KEY_ID = /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g

/** Other variables that by their name hold a credential. */
const SECRET_NAME = /(?:^|_)(?:SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIALS?|PRIVATE_KEY)(?:_|$)/i

/** Names the runner itself sets and masks, or that name a place rather than hold a secret. */
const NOT_SECRET = /^(?:GITHUB_|RUNNER_|INPUT_|ACTIONS_(?!ID_TOKEN_REQUEST_TOKEN|RUNTIME_TOKEN))|_(?:FILE|PATH|DIR|URL|URI|ARN)$/

/**
 * Values from the environment that must never appear in the log: AWS credentials (an OIDC step such
 * as configure-aws-credentials exports them), any access key id, and variables named like secrets.
 * Short values are left alone: masking `1` or `true` would blank out half the log.
 */
export function secretsToMask(env: Environment): string[] {
  const found = new Set<string>()
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue
    const trimmed = value.trim()
    if (trimmed.length < 8) continue
    if (SECRET_VARIABLES.includes(name) || (SECRET_NAME.test(name) && !NOT_SECRET.test(name))) {
      // The runner masks line by line, so a multi-line secret (a PEM key) is masked one line at a time.
      for (const line of trimmed.split(/\r?\n/)) if (line.trim().length >= 8) found.add(line.trim())
    }
    for (const match of value.matchAll(ACCESS_KEY_ID)) found.add(match[0])
  }
  return [...found].sort()
}
