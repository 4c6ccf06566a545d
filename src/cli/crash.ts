import {Command} from '@oclif/core/command'
import * as Flags from '@oclif/core/flags'

export {crashReport} from './crash-report.js'

/** Errors oclif raises on purpose (bad flags, `this.error`, help and version) carry their own exit code. */
function isOclifExit(error: unknown): boolean {
  return typeof error === 'object' && error !== null && typeof (error as {oclif?: {exit?: unknown}}).oclif?.exit === 'number'
}

/** Stack traces are for whoever debugs trailgate: DEBUG in the environment or --debug on the command line. */
export function wantsDebug(argv: readonly string[] = process.argv): boolean {
  return Boolean(process.env.DEBUG) || argv.includes('--debug')
}

/** One line naming what failed; the stack only when debugging. */
export function crashLine(what: string, error: unknown, debug = wantsDebug()): string {
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error)
  const stack = debug && error instanceof Error && error.stack ? `\n${error.stack}` : ''
  return `error: ${what}: ${message}${stack}\n`
}

/**
 * The base of trailgate's commands: an unexpected error becomes exit 2 — "the run cannot be trusted" —
 * with one line on standard error, never exit 1, which means only "failures at or above --fail-on".
 */
export abstract class TrailgateCommand extends Command {
  static override baseFlags = {
    debug: Flags.boolean({summary: 'On an unexpected error, also print its stack trace (as does DEBUG=1).', helpGroup: 'GLOBAL'}),
  }

  public override async init(): Promise<void> {
    await super.init()
    // oclif rethrows any standard output error but EPIPE, which would crash with a stack trace when
    // standard output is a full disk; it is one line and exit 2 instead (EPIPE, `| head`, stays quiet).
    process.stdout.removeAllListeners('error')
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') return
      if (process.exitCode !== 2) process.stderr.write(crashLine('cannot write to standard output', error, false))
      process.exitCode = 2
    })
  }

  protected override async catch(error: Error & {exitCode?: number}): Promise<unknown> {
    if (isOclifExit(error)) return super.catch(error)
    process.stderr.write(crashLine(`trailgate ${this.id ?? 'command'} failed`, error, wantsDebug(this.argv)))
    process.exitCode = 2
    return undefined
  }
}

