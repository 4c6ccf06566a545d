import {unknown, type Diagnostic, type UnknownValue} from '../../model/types.js'
import {didYouMean} from '../../policy/schema-errors.js'
import {dict, own} from '../../util/dict.js'
import {entry, type PNode, type SourceIndex} from './nodes.js'

/**
 * The `--cfn-param` values one template is judged with. A value outside the parameter's
 * `AllowedValues` would make CloudFormation refuse the stack, so it is an error at the parameter and
 * the parameter is unknown: judging with the default instead would be judging another stack.
 */
export function givenParameterValues(
  given: Readonly<Record<string, string>>,
  parameters: Record<string, unknown>,
  parametersNode: PNode | undefined,
  index: SourceIndex,
): {values: Record<string, string | UnknownValue>; diagnostics: Diagnostic[]} {
  const values = dict<string | UnknownValue>()
  const diagnostics: Diagnostic[] = []
  for (const [name, value] of Object.entries(given)) {
    const declaration = own(parameters, name)
    if (typeof declaration !== 'object' || declaration === null) continue
    const {Type: type, AllowedValues: allowed} = declaration as {Type?: unknown; AllowedValues?: unknown}
    if (!Array.isArray(allowed)) {
      values[name] = value
      continue
    }
    const allowedText = allowed.map(String)
    const isList = typeof type === 'string' && (type.startsWith('List<') || type === 'CommaDelimitedList')
    const items = isList ? value.split(',').map((item) => item.trim()) : [value]
    const refused = items.filter((item) => !allowedText.includes(item))
    if (refused.length === 0) {
      values[name] = value
      continue
    }
    const shown = refused.map((item) => JSON.stringify(item)).join(', ')
    const declared = entry(parametersNode, name)
    const at = entry(declared?.value, 'AllowedValues')?.keyStart ?? declared?.keyStart
    diagnostics.push({
      severity: 'error',
      code: 'cfn-param-not-allowed',
      file: index.file,
      ...(at !== undefined ? index.position(at) : {}),
      message: `--cfn-param ${name}=${value}: ${shown} is not one of the AllowedValues of parameter ${name} (${allowedText.join(', ')}); CloudFormation would refuse it, so ${name} is unknown`,
    })
    values[name] = unknown(`Ref ${name} (--cfn-param value not in AllowedValues)`)
  }
  return {values, diagnostics}
}

/**
 * `--cfn-param` names that no template read declares. CloudFormation refuses a parameter its
 * template does not declare, and a misspelt name would otherwise leave the default judged in silence.
 */
export function undeclaredParameterDiagnostics(given: Readonly<Record<string, string>> | undefined, declaredByTemplates: readonly (readonly string[])[]): Diagnostic[] {
  if (given === undefined) return []
  const declared = [...new Set(declaredByTemplates.flat())].sort()
  return Object.keys(given)
    .filter((name) => !declared.includes(name))
    .map((name) => {
      const suggestion = didYouMean(name, declared)
      const why =
        declaredByTemplates.length === 0
          ? 'no CloudFormation template was read, so it was not used'
          : `no CloudFormation template read declares it (declared: ${declared.length > 0 ? declared.join(', ') : 'none'})${suggestion !== undefined ? `; did you mean '${suggestion}'?` : ''}`
      return {severity: 'error', code: 'cfn-param-undeclared', message: `--cfn-param ${name}: ${why}`}
    })
}
