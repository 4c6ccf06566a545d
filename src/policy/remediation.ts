import type {InputKind, Subject} from '../model/types.js'
import {templateDocument} from './judge.js'
import {renderGeneric, renderTemplate} from './template.js'
import type {Policy, TemplateKind} from './types.js'

const TEMPLATE_KIND_OF: Partial<Record<InputKind, TemplateKind>> = {
  cloudformation: 'cloudformation',
  'cdk/assembly': 'cdk',
  'terraform/plan': 'terraform',
}

/**
 * The fix for one failing subject, filled in: a planned trail is fixed in its template (a property, a
 * construct prop, an argument), a deployed one with the CLI. In a template's fix `{{Name}}` is the resource as the
 * template names it (a CloudFormation logical ID, a Terraform address): that is what the user looks
 * for in the file, and a trail name may be computed or shared by several `for_each` instances.
 */
export function subjectRemediation(policy: Pick<Policy, 'remediation' | 'templateRemediation'>, subject: Subject<object>, params: Record<string, unknown>): string {
  const templateKind = TEMPLATE_KIND_OF[subject.provenance.kind]
  const inTemplate = templateKind !== undefined ? policy.templateRemediation?.[templateKind] : undefined
  const document = templateDocument(subject)
  if (inTemplate === undefined) return renderTemplate(policy.remediation, document, params)
  const resourceName = subject.provenance.address ?? subject.provenance.logicalId
  return renderTemplate(inTemplate, resourceName === undefined ? document : {...document, Name: resourceName}, params)
}

/** Every fix of a policy for no subject in particular (rule help, the policy list): params filled, `<Path>` for the rest. */
export function genericRemediation(policy: Pick<Policy, 'remediation' | 'templateRemediation'>, params: Record<string, unknown>): {remediation: string; templateRemediation?: Partial<Record<TemplateKind, string>>} {
  const remediation = renderGeneric(policy.remediation, params)
  const entries = Object.entries(policy.templateRemediation ?? {}).map(([kind, text]) => [kind, renderGeneric(text, params)])
  return entries.length > 0 ? {remediation, templateRemediation: Object.fromEntries(entries) as Partial<Record<TemplateKind, string>>} : {remediation}
}
