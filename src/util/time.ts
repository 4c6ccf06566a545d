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
