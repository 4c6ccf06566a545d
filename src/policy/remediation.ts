import type {InputKind} from '../model/types.js'
import {renderGeneric} from './template.js'
import type {Policy, TemplateKind} from './types.js'

const TEMPLATE_KIND_OF: Partial<Record<InputKind, TemplateKind>> = {
  cloudformation: 'cloudformation',
  'cdk/assembly': 'cdk',
  'terraform/plan': 'terraform',
}

/**
 * The remediation template for a subject read from this kind of input: a planned trail is fixed in
 * its template (a property, a construct prop, an argument), a deployed one with the CLI.
 */
export function remediationTemplate(policy: Pick<Policy, 'remediation' | 'templateRemediation'>, kind: InputKind): string {
  const templateKind = TEMPLATE_KIND_OF[kind]
  return (templateKind !== undefined ? policy.templateRemediation?.[templateKind] : undefined) ?? policy.remediation
}

/** Every fix of a policy for no subject in particular (rule help, the policy list): params filled, `<Path>` for the rest. */
export function genericRemediation(policy: Pick<Policy, 'remediation' | 'templateRemediation'>, params: Record<string, unknown>): {remediation: string; templateRemediation?: Partial<Record<TemplateKind, string>>} {
  const remediation = renderGeneric(policy.remediation, params)
  const entries = Object.entries(policy.templateRemediation ?? {}).map(([kind, text]) => [kind, renderGeneric(text, params)])
  return entries.length > 0 ? {remediation, templateRemediation: Object.fromEntries(entries) as Partial<Record<TemplateKind, string>>} : {remediation}
}
