import type {CallCounters} from './call.js'

export interface LiveProgress {
  accountsDone: number
  accountsTotal: number
  regionsDone: number
  regionsTotal: number
  calls: number
  throttles: number
  /** HTTP 5xx answers (retried). */
  serverErrors?: number
}

/** Keeps the running totals of a collection and tells the caller whenever they move. */
export class ProgressTracker {
  private accountsDone = 0
  private accountsTotal = 0
  private regionsDone = 0
  private regionsTotal = 0

  constructor(
    private readonly counters: CallCounters,
    private readonly listener?: (progress: LiveProgress) => void,
  ) {}

  plan(accounts: number, regionsPerAccount: number): void {
    this.accountsTotal += accounts
    this.regionsTotal += accounts * regionsPerAccount
    this.emit()
  }

  regionDone(): void {
    this.regionsDone++
    this.emit()
  }

  /** An account finished; `regionsLeft` are the regions it will never reach (it could not be entered). */
  accountDone(regionsLeft = 0): void {
    this.accountsDone++
    this.regionsDone += regionsLeft
    this.emit()
  }

  snapshot(): LiveProgress {
    return {
      accountsDone: this.accountsDone,
      accountsTotal: this.accountsTotal,
      regionsDone: this.regionsDone,
      regionsTotal: this.regionsTotal,
      calls: this.counters.calls,
      throttles: this.counters.throttles,
      serverErrors: this.counters.serverErrors,
    }
  }

  emit(): void {
    this.listener?.(this.snapshot())
  }
}

/** One status line for a terminal, e.g. `accounts 3/20 · regions 51/340 · 412 calls · 2 throttled (retried)`. */
export function formatProgress(progress: LiveProgress): string {
  const parts = [
    `accounts ${progress.accountsDone}/${progress.accountsTotal}`,
    `regions ${progress.regionsDone}/${progress.regionsTotal}`,
    `${progress.calls} calls`,
  ]
  if (progress.throttles > 0) parts.push(`${progress.throttles} throttled (retried)`)
  const serverErrors = progress.serverErrors ?? 0
  if (serverErrors > 0) parts.push(`${serverErrors} server error${serverErrors === 1 ? '' : 's'} (retried)`)
  return parts.join(' · ')
}
