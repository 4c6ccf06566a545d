/** Progress only where a person watches, unless asked: a terminal that can redraw a line, outside CI. */
export function wantsProgress(flag: boolean | undefined, stream: NodeJS.WriteStream = process.stderr): boolean {
  if (flag !== undefined) return flag
  return Boolean(stream.isTTY) && !process.env.CI && process.env.TERM !== 'dumb'
}

/**
 * The time left, once there is something to go by: the pace so far over what remains. Undefined
 * before the first unit is done and after the last.
 */
export function estimateLeft(done: number, total: number, elapsedMs: number): string | undefined {
  if (done <= 0 || done >= total || elapsedMs <= 0) return undefined
  const seconds = Math.max(1, Math.ceil(((elapsedMs / done) * (total - done)) / 1000))
  if (seconds < 60) return `ETA ${seconds}s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `ETA ${minutes}m ${String(seconds % 60).padStart(2, '0')}s`
  return `ETA ${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`
}

/**
 * One progress line on standard error: redrawn in place on a terminal, one line each elsewhere (a
 * log keeps every line). A line equal to the last is not written again; `minIntervalMs` skips lines
 * that come faster than a person reads, except the last one.
 */
export class ProgressLine {
  private last = ''
  private lastAt = 0

  constructor(
    private readonly minIntervalMs = 0,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  show(line: string, final = false): void {
    const now = Date.now()
    if (line === this.last) return
    if (!final && this.lastAt !== 0 && now - this.lastAt < this.minIntervalMs) return
    this.last = line
    this.lastAt = now
    this.stream.write(this.stream.isTTY ? `\r\u001b[2K${line}` : `${line}\n`)
  }

  /** Clears the line on a terminal, so the report starts on a clean line. */
  done(): void {
    if (this.stream.isTTY && this.last !== '') this.stream.write('\r\u001b[2K')
  }
}
