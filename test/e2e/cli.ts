import {spawn, spawnSync} from 'node:child_process'
import {join} from 'node:path'

export const ROOT = join(import.meta.dirname, '..', '..')

/**
 * The environment a user's shell gives the CLI: vitest's NODE_ENV=test would make oclif map compiled
 * paths back to the TypeScript sources, and hide a build that only works under the test runner.
 */
function userEnv(extra: Record<string, string> | undefined): NodeJS.ProcessEnv {
  const {NODE_ENV: _testEnv, ...env} = process.env
  return {...env, NO_COLOR: '1', FORCE_COLOR: '0', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...extra}
}

export interface CliRun {
  status: number
  stdout: string
  stderr: string
}

/** Runs the built CLI as a user would, in a child process. */
export function trailgate(args: string[], options: {cwd?: string; env?: Record<string, string>; maxBuffer?: number} = {}): CliRun {
  const run = spawnSync(process.execPath, [join(ROOT, 'bin', 'run.js'), ...args], {
    cwd: options.cwd ?? ROOT,
    encoding: 'utf8',
    env: userEnv(options.env),
    timeout: 120_000,
    ...(options.maxBuffer ? {maxBuffer: options.maxBuffer} : {}),
  })
  return {status: run.status ?? -1, stdout: run.stdout, stderr: run.stderr}
}

/**
 * The same, without blocking this process: needed when the test itself serves the CLI's requests
 * (the fake AWS endpoint runs in the test process).
 */
export function trailgateAsync(args: string[], options: {cwd?: string; env?: Record<string, string>} = {}): Promise<CliRun> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'run.js'), ...args], {
      cwd: options.cwd ?? ROOT,
      env: userEnv(options.env),
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('close', (status) => resolvePromise({status: status ?? -1, stdout, stderr}))
  })
}
