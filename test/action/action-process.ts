import {spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

export const ROOT = join(import.meta.dirname, '..', '..')
export const BUNDLE = join(ROOT, 'action', 'dist', 'index.js')

export interface ActionRun {
  status: number
  stdout: string
  stderr: string
  /** Parsed from the GITHUB_OUTPUT file. */
  outputs: Record<string, string>
  /** The GITHUB_STEP_SUMMARY file's content ('' when nothing was written). */
  summary: string
  /** Lines of standard output that are workflow commands. */
  commands: string[]
  /** A folder for report files, removed by the OS with the rest of tmp. */
  dir: string
}

/** Reads `name<<DELIM`, value lines, `DELIM` blocks, as the runner does. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const header = /^([^<]+)<<(.+)$/.exec(lines[i]!)
    if (!header) continue
    const [, name, delimiter] = header
    const value: string[] = []
    for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]!)
    if (i >= lines.length) throw new Error(`output ${name}: no closing delimiter`)
    outputs[name!] = value.join('\n')
  }
  return outputs
}

/**
 * Runs the bundled action the way GitHub's runner does: `node action/dist/index.js` with the inputs
 * as INPUT_<NAME> variables, and GITHUB_OUTPUT / GITHUB_STEP_SUMMARY pointing at files.
 */
export function runBundledAction(inputs: Record<string, string>, options: {cwd?: string; node?: string; env?: Record<string, string>; dir?: string} = {}): ActionRun {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'trailgate-action-'))
  const outputFile = join(dir, 'github-output')
  const summaryFile = join(dir, 'step-summary.md')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  const inputEnv = Object.fromEntries(Object.entries(inputs).map(([name, value]) => [`INPUT_${name.replace(/ /g, '_').toUpperCase()}`, value]))
  // A clean environment, as on a runner: nothing of this machine's AWS or INPUT_ settings leaks in.
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('INPUT_') && !name.startsWith('AWS_') && !name.startsWith('GITHUB_')))
  const cwd = options.cwd ?? ROOT
  const run = spawnSync(options.node ?? process.execPath, [BUNDLE], {
    cwd,
    encoding: 'utf8',
    env: {...base, GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile, GITHUB_WORKSPACE: cwd, GITHUB_ACTIONS: 'true', CI: 'true', ...inputEnv, ...options.env},
    timeout: 120_000,
  })
  if (run.error) throw run.error
  return {
    status: run.status ?? -1,
    stdout: run.stdout,
    stderr: run.stderr,
    outputs: parseOutputFile(readFileSync(outputFile, 'utf8')),
    summary: existsSync(summaryFile) ? readFileSync(summaryFile, 'utf8') : '',
    commands: run.stdout.split('\n').filter((line) => line.startsWith('::')),
    dir,
  }
}
