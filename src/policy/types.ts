import type {Limits} from '../model/limits.js'
import type {Location, Severity, SubjectType} from '../model/types.js'

/** An EventBridge event pattern, as written in YAML (a JSON object). */
export type Pattern = {[key: string]: unknown}

/** A clause is one pattern or several. For event policies a string is a CloudWatch Logs filter pattern. */
export type Clause = Pattern | string

export interface ParamSpec {
  type: 'string' | 'integer' | 'number' | 'boolean' | 'array'
  default?: unknown
  description?: string
  enum?: unknown[]
  minimum?: number
  maximum?: number
  items?: {type: 'string' | 'integer' | 'number' | 'boolean'; format?: string}
  format?: string
}

export interface References {
  cis?: string[]
  securityHub?: string[]
  awsConfig?: string[]
  urls?: string[]
}

export interface PolicySource {
  file: string
  builtin: boolean
  /** Locations of top-level keys and of each clause, for diagnostics and for the policy tests. */
  locations: Record<string, Location>
}

/** The kinds of template a fix can be written for: the property to set, not a command against a trail not yet deployed. */
export type TemplateKind = 'cloudformation' | 'cdk' | 'terraform'
export const TEMPLATE_KINDS: readonly TemplateKind[] = ['cloudformation', 'cdk', 'terraform']

export interface Policy {
  id: string
  title: string
  severity: Severity
  subject: SubjectType
  description: string
  /** The fix for deployed trails (the `cli` one of a remediation object), or the one text given. */
  remediation: string
  /** The fix per kind of template, when the policy gives one: filled for subjects planned in that kind. */
  templateRemediation?: Partial<Record<TemplateKind, string>>
  references: References
  tags: string[]
  precision: 'very-high' | 'high' | 'medium' | 'low'
  params: Record<string, ParamSpec>
  when: Clause[]
  unless: Clause[]
  require: Clause[]
  forbid: Clause[]
  /** Account policies: the filter pattern (or `${param}`) the trails' CloudWatch monitoring must alert on. */
  monitor?: string
  message?: string
  disabled: boolean
  source: PolicySource
}

/** One case of a `<id>.tests.yaml` file beside a policy. */
export interface PolicyTestCase {
  name: string
  subject: Record<string, unknown>
  params?: Record<string, unknown>
  expect: 'pass' | 'fail' | 'unknown' | 'not-applicable'
  /** A substring, or `/regex/`, the failure message must contain. */
  message?: string
  /** The account whose evidence the subject is, as `--account` says it (trail cases). */
  account?: string
  location: Location
}

export interface Waiver {
  policy: string
  /** A trail ARN or name, an `account/region`, an account id, or a glob over any of these. */
  subject: string
  reason: string
  expires: string
  approvedBy?: string
  location?: Location
}

export interface TrailgateConfig {
  file?: string
  policies: {
    paths: string[]
    only: string[]
    skip: string[]
    severity: Record<string, Severity>
  }
  params: Record<string, Record<string, unknown>>
  waivers: Waiver[]
  failOn?: Severity
  /** Unknown results at or above failOn make the run exit 2. */
  failOnUnknown?: boolean
  /** `limits` raised or lowered by the file; flags override them. */
  limits?: Partial<Limits>
}
