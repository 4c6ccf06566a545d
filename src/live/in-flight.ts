/**
 * Bounds the AWS requests in flight: at most `total` across the run, and at most `perRegion` to any
 * one region, so a region that is slow to answer ties up only its own share and every other region
 * goes on. Waiters are served in arrival order among those their region's share admits; a
 * background waiter (starting another account) is served only when no foreground waiter can be,
 * so accounts already started finish first and the work in progress stays bounded.
 */
export interface InFlightLimits {
  total: number
  perRegion: number
}

interface Waiter {
  region: string | undefined
  background: boolean
  admit: () => void
}

export type Release = () => void

export class InFlightLimiter {
  private inFlight = 0
  private readonly byRegion = new Map<string, number>()
  private readonly waiting: Waiter[] = []

  constructor(private readonly limits: InFlightLimits) {}

  /** Resolves with the slot's release once a request to `region` (or to no region) may be sent. */
  acquire(region?: string, options: {background?: boolean} = {}): Promise<Release> {
    return new Promise((resolve) => {
      this.waiting.push({region, background: options.background === true, admit: () => resolve(this.releaser(region))})
      this.serve()
    })
  }

  private admissible(waiter: Waiter): boolean {
    if (this.inFlight >= this.limits.total) return false
    return waiter.region === undefined || (this.byRegion.get(waiter.region) ?? 0) < this.limits.perRegion
  }

  private serve(): void {
    for (const background of [false, true]) {
      for (let index = 0; index < this.waiting.length && this.inFlight < this.limits.total; ) {
        const waiter = this.waiting[index] as Waiter
        if (waiter.background !== background || !this.admissible(waiter)) {
          index++
          continue
        }
        this.waiting.splice(index, 1)
        this.inFlight++
        if (waiter.region !== undefined) this.byRegion.set(waiter.region, (this.byRegion.get(waiter.region) ?? 0) + 1)
        waiter.admit()
      }
    }
  }

  private releaser(region: string | undefined): Release {
    let released = false
    return () => {
      if (released) return
      released = true
      this.inFlight--
      if (region !== undefined) this.byRegion.set(region, (this.byRegion.get(region) ?? 1) - 1)
      this.serve()
    }
  }
}
