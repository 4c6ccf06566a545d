import {parseCidr} from '../policy/pattern/cidr.js'
import {SqlCompileError, type JsonFunctions} from './dialect.js'

const OCTET = '([01]?[0-9]?[0-9]|2[0-4][0-9]|25[0-5])'
const IPV4 = `${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}`
const HEX = '[0-9a-fA-F]{1,4}'

/**
 * Every spelling `parseIpv6` accepts, as one regular expression: eight groups, or `::` standing for
 * at least one zero group between a head and a tail, an IPv4 address as the last two groups.
 */
export function ipv6Regex(): string {
  const alternatives = [`(${HEX}:){7}${HEX}`, `(${HEX}:){6}${IPV4}`]
  for (let head = 0; head <= 7; head++) {
    const headText = head === 0 ? '' : `(${HEX}:){${head - 1}}${HEX}`
    const room = 7 - head
    const tails = [room >= 1 ? `((${HEX}:){0,${room - 1}}${HEX})?` : '']
    if (room >= 2) tails.push(`(${HEX}:){0,${room - 2}}${IPV4}`)
    for (const tail of tails) alternatives.push(`${headText}::${tail}`)
  }
  return `(${alternatives.join('|')})`
}

/**
 * A CIDR test on a string expression, exact to `cidrContains`: IPv4 ranges by the address as an
 * integer, IPv6 `::/0` by the address being a valid IPv6 spelling. Other IPv6 ranges would need
 * 128-bit group arithmetic in SQL; they are refused rather than approximated.
 */
export function cidrSql(text: string, range: string, functions: JsonFunctions, policy: string): string {
  const parsed = parseCidr(range)
  if ('error' in parsed) throw new SqlCompileError(`cidr ${range}`, policy, parsed.error)
  if (parsed.version === 6) {
    const bits = parsed.masks.reduce((sum, mask) => sum + popcount(mask), 0)
    if (bits !== 0) throw new SqlCompileError(`cidr ${range}`, policy, 'an IPv6 range narrower than ::/0 has no SQL form yet (only IPv4 ranges and ::/0 do)')
    return functions.regexpLike(text, ipv6Regex())
  }
  const [high, low] = parsed.network as [number, number]
  const network = high * 65536 + low
  const size = 2 ** (32 - parsed.masks.reduce((sum, mask) => sum + popcount(mask), 0))
  const octet = (index: number): string => `TRY_CAST(split_part(${text}, '.', ${index}) AS BIGINT)`
  const value = `(${octet(1)} * 16777216 + ${octet(2)} * 65536 + ${octet(3)} * 256 + ${octet(4)})`
  const valid = functions.regexpLike(text, IPV4)
  if (size === 2 ** 32) return valid
  return `(${valid} AND ${value} BETWEEN ${network} AND ${network + size - 1})`
}

function popcount(value: number): number {
  let count = 0
  for (let bits = value; bits !== 0; bits >>>= 1) count += bits & 1
  return count
}
