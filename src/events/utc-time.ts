/**
 * CloudTrail writes every eventTime as `YYYY-MM-DDTHH:MM:SSZ`. Reading that one shape by character
 * codes is several times cheaper than a regular expression or `Date.parse`, and it runs once or twice
 * for every record of an archive.
 */

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
const DIGIT_POSITIONS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]
const ZERO = 48

let lastText: string | undefined
let lastMillis: number | undefined

function digitsAt(text: string): boolean {
  for (const position of DIGIT_POSITIONS) {
    const code = text.charCodeAt(position) - ZERO
    if (code < 0 || code > 9) return false
  }
  return true
}

const twoDigits = (text: string, at: number): number => (text.charCodeAt(at) - ZERO) * 10 + text.charCodeAt(at + 1) - ZERO

/**
 * The time of a `YYYY-MM-DDTHH:MM:SSZ` text naming a real calendar second (years 1000 to 9999, no
 * leap second), in milliseconds since the epoch: the same number `Date.parse` gives. Undefined for
 * any other text, which callers hand to the general parser.
 */
export function compactUtcMillis(text: string): number | undefined {
  // The schema check and the coverage tally read the same eventTime one after the other.
  if (text === lastText) return lastMillis
  lastText = text
  lastMillis = readCompact(text)
  return lastMillis
}

function readCompact(text: string): number | undefined {
  if (text.length !== 20) return undefined
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 84 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58 || text.charCodeAt(19) !== 90) return undefined
  if (!digitsAt(text)) return undefined
  const year = twoDigits(text, 0) * 100 + twoDigits(text, 2)
  const month = twoDigits(text, 5)
  const day = twoDigits(text, 8)
  const hour = twoDigits(text, 11)
  const minute = twoDigits(text, 14)
  const second = twoDigits(text, 17)
  if (year < 1000 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
  if (day > (month === 2 && leap ? 29 : DAYS_IN_MONTH[month]!)) return undefined
  return Date.UTC(year, month - 1, day, hour, minute, second)
}
