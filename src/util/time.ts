/** `24h`, `7d`, `90m` before `now`, or an ISO time; null when it is neither. */
export function parseSince(text: string, now = new Date()): Date | null {
  const duration = /^(\d+)\s*([mhd])$/.exec(text.trim())
  if (duration) return new Date(now.getTime() - Number(duration[1]) * {m: 60_000, h: 3_600_000, d: 86_400_000}[duration[2] as 'm' | 'h' | 'd'])
  return parseTime(text)
}

/** An ISO time, or null. */
export function parseTime(text: string): Date | null {
  const time = new Date(text)
  return Number.isNaN(time.getTime()) ? null : time
}

export interface TimeWindow {
  since?: Date
  until?: Date
}

/**
 * `--since` (a duration or an ISO time) and `--until` (an ISO time) read together, as `check` and
 * the Action read them: the window, and what is wrong with it (each part that cannot be read, or
 * `order` when since is after until).
 */
export function readTimeWindow(since: string | undefined, until: string | undefined, now = new Date()): {window: TimeWindow; wrong: ('since' | 'until' | 'order')[]} {
  const start = since === undefined ? undefined : parseSince(since, now)
  const end = until === undefined ? undefined : parseTime(until)
  const wrong: ('since' | 'until' | 'order')[] = []
  if (start === null) wrong.push('since')
  if (end === null) wrong.push('until')
  if (start && end && start.getTime() > end.getTime()) wrong.push('order')
  return {window: {...(start ? {since: start} : {}), ...(end ? {until: end} : {})}, wrong}
}
