import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {render, type Format, type OutputRequest} from '../../src/cli/output.js'
import {preparePolicies, runCheck} from '../../src/engine/run.js'
import {ROOT} from '../e2e/cli.js'
import {cliArgs, type FuzzCase} from './cases.js'
import {CASE_MAX_SECONDS, IN_PROCESS_MAX_RSS_MB, childViolations, prototypePollution, reportViolations} from './invariants.js'
import {appendAll} from '../../src/util/arrays.js'

export interface Verdict {
  violations: string[]
  seconds: number
  exitCode?: number
  /** Peak RSS of the `bin/run.js` child, when the case ran in one and the figure could be read. */
  childPeakRssMb?: number
}

const FORMATS: Format[] = ['json', 'text', 'sarif', 'junit', 'markdown']
const REQUEST: OutputRequest = {format: 'json', files: {}, color: false, verbose: true, sarifIncludeUnknown: true, sarifIncludeSuppressed: true}

let builtinCount: number | undefined
/** How many policies a run has with no custom ones: a mutated policy that loaded makes one more. */
export function builtinPolicyCount(): number {
  builtinCount ??= preparePolicies({cwd: ROOT}).policies.length
  return builtinCount
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message.slice(0, 300)}` : String(error)
}

/**
 * The command entry the CLI calls (`runCheck`), then every renderer: what `check` does short of
 * spawning a process, so most cases run fast. A throw here is what the user sees as a crash.
 */
export async function runInProcess(fuzzCase: FuzzCase): Promise<Verdict> {
  const started = performance.now()
  const violations: string[] = []
  let exitCode: number | undefined
  try {
    const report = await runCheck({
      cwd: fuzzCase.dir,
      paths: fuzzCase.paths,
      policyPaths: fuzzCase.policyPaths,
      ...(fuzzCase.config ? {config: fuzzCase.config} : {}),
    })
    exitCode = report.exitCode
    appendAll(violations, reportViolations(report, fuzzCase, builtinPolicyCount()))
    for (const format of FORMATS) {
      try {
        render(report, format, {...REQUEST, format})
      } catch (error) {
        violations.push(`${format} renderer threw ${describeError(error)}`)
      }
    }
  } catch (error) {
    violations.push(`runCheck threw ${describeError(error)}`)
  }
  appendAll(violations, prototypePollution())
  const seconds = (performance.now() - started) / 1000
  if (seconds > CASE_MAX_SECONDS) violations.push(`took ${seconds.toFixed(1)} s > ${CASE_MAX_SECONDS} s`)
  const rssMb = process.memoryUsage().rss / 2 ** 20
  if (rssMb > IN_PROCESS_MAX_RSS_MB) violations.push(`RSS ${rssMb.toFixed(0)} MB > ${IN_PROCESS_MAX_RSS_MB} MB`)
  return {violations, seconds, ...(exitCode !== undefined ? {exitCode} : {})}
}

/** Writes the child's peak RSS (KiB) where TRAILGATE_FUZZ_RSS_FILE says, as it exits: `bin/run.js` itself is unchanged. */
const RSS_PROBE = 'data:text/javascript,import {writeFileSync} from "node:fs"; process.on("exit", () => { if (process.env.TRAILGATE_FUZZ_RSS_FILE) writeFileSync(process.env.TRAILGATE_FUZZ_RSS_FILE, String(process.resourceUsage().maxRSS)) })'

/** The built CLI in a child process, exactly as a user runs it, with its peak memory measured. */
export function runChild(fuzzCase: FuzzCase): Verdict {
  const probeDir = mkdtempSync(join(tmpdir(), 'trailgate-fuzz-rss-'))
  const rssFile = join(probeDir, 'rss')
  const started = performance.now()
  const run = spawnSync(process.execPath, ['--import', RSS_PROBE, join(ROOT, 'bin', 'run.js'), ...cliArgs(fuzzCase)], {
    cwd: fuzzCase.dir,
    encoding: 'utf8',
    maxBuffer: 512 * 2 ** 20,
    timeout: CASE_MAX_SECONDS * 1000,
    env: {...process.env, NO_COLOR: '1', FORCE_COLOR: '0', CI: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', TRAILGATE_FUZZ_RSS_FILE: rssFile},
  })
  const seconds = (performance.now() - started) / 1000
  let maxRssMb: number | undefined
  try {
    maxRssMb = Number(readFileSync(rssFile, 'utf8')) / 1024
  } catch {
    // No figure: the process died before its exit handlers ran; the signal or status says so.
  }
  rmSync(probeDir, {recursive: true, force: true})
  const {violations, report} = childViolations({status: run.status, signal: run.signal, stdout: run.stdout ?? '', stderr: run.stderr ?? '', maxRssMb, seconds})
  if (report) appendAll(violations, reportViolations(report, fuzzCase, builtinPolicyCount()))
  return {violations, seconds, ...(run.status !== null ? {exitCode: run.status} : {}), ...(maxRssMb !== undefined ? {childPeakRssMb: maxRssMb} : {})}
}
