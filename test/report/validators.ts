import {spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {Ajv2020, type ValidateFunction} from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import {validateXML} from 'xmllint-wasm'

const schemaDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'schemas')

let sarifValidator: ValidateFunction | undefined

/** Errors against the official SARIF 2.1.0 schema (vendored); empty when valid. */
export function sarifSchemaErrors(text: string): string[] {
  if (sarifValidator === undefined) {
    // unicodeRegExp: false because the official schema's `language` pattern is not a valid unicode regex.
    const ajv = new Ajv2020({allErrors: true, strict: false, unicodeRegExp: false})
    addFormatsModule.default(ajv)
    sarifValidator = ajv.compile(JSON.parse(readFileSync(join(schemaDir, 'sarif-2.1.0.json'), 'utf8')) as object)
  }
  const valid = sarifValidator(JSON.parse(text))
  return valid ? [] : (sarifValidator.errors ?? []).map((error) => `${error.instancePath} ${error.message ?? ''}`)
}

/** The Linux build of Microsoft's SARIF multitool, installed with the `@microsoft/sarif-multitool` dev dependency. */
export function sarifMultitoolPath(): string | undefined {
  try {
    const packageJson = createRequire(import.meta.url).resolve('@microsoft/sarif-multitool-linux/package.json')
    const binary = join(dirname(packageJson), 'Sarif.Multitool')
    return existsSync(binary) ? binary : undefined
  } catch {
    return undefined
  }
}

interface MultitoolFinding {
  level: string
  ruleId: string
  text: string
}

/**
 * Runs `Sarif.Multitool validate --rule-kind Gh` (GitHub's ingestion rules). It exits 0 whatever it
 * finds, so the findings are read from its output file.
 */
export function runSarifMultitool(binary: string, text: string): MultitoolFinding[] {
  const folder = mkdtempSync(join(tmpdir(), 'trailgate-sarif-'))
  try {
    const input = join(folder, 'report.sarif')
    const output = join(folder, 'validation.sarif')
    writeFileSync(input, text)
    const run = spawnSync(binary, ['validate', input, '--rule-kind', 'Gh', '-o', output, '--log', 'ForceOverwrite'], {encoding: 'utf8'})
    if (!existsSync(output)) throw new Error(`sarif-multitool wrote no output (exit ${run.status}): ${run.stdout}${run.stderr}`)
    const log = JSON.parse(readFileSync(output, 'utf8')) as {
      runs: {results?: {level?: string; ruleId?: string; message: {text?: string; id?: string; arguments?: string[]}}[]}[]
    }
    return log.runs.flatMap((run) =>
      (run.results ?? []).map((result) => ({
        level: result.level ?? 'warning',
        ruleId: result.ruleId ?? '',
        text: result.message.text ?? `${result.message.id ?? ''} ${(result.message.arguments ?? []).join(' ')}`,
      })),
    )
  } finally {
    rmSync(folder, {recursive: true, force: true})
  }
}

/** Validation errors against the Jenkins JUnit XSD (vendored); empty when valid. */
export async function junitSchemaErrors(xml: string): Promise<string[]> {
  const result = await validateXML({
    xml: [{fileName: 'report.xml', contents: xml}],
    schema: [{fileName: 'jenkins-junit.xsd', contents: readFileSync(join(schemaDir, 'jenkins-junit.xsd'), 'utf8')}],
  })
  return result.valid ? [] : result.errors.map((error) => error.rawMessage)
}
