import {appendAll} from '../../util/arrays.js'
/**
 * IPv4 and IPv6 addresses as arrays of 16-bit groups (2 for IPv4, 8 for IPv6), so that a CIDR test is
 * a few integer comparisons and never allocates a BigInt.
 */
export interface IpAddress {
  version: 4 | 6
  groups: number[]
}

export interface CidrRange {
  version: 4 | 6
  /** Network groups with the host bits cleared. */
  network: number[]
  /** Per-group masks. */
  masks: number[]
}

const IPV6_GROUP = /^[0-9a-fA-F]{1,4}$/

/** `a.b.c.d`, each part one to three ASCII digits worth at most 255 (leading zeros allowed). */
export function parseIpv4(text: string): number[] | undefined {
  // Char codes instead of split and a regex: this runs for every record a CIDR pattern sees.
  let high = 0
  let part = 0
  let digits = 0
  let value = 0
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index)
    if (code >= 48 && code <= 57) {
      if (++digits > 3) return undefined
      value = value * 10 + (code - 48)
    } else if (code === 46) {
      if (digits === 0 || value > 255 || part === 3) return undefined
      // Parts 0 and 2 are the high bytes of the two 16-bit groups.
      if (part === 1) high = (high << 8) | value
      else high = part === 0 ? value : (high << 16) | value
      part++
      digits = 0
      value = 0
    } else {
      return undefined
    }
  }
  if (part !== 3 || digits === 0 || value > 255) return undefined
  return [high >>> 16, ((high & 0xff) << 8) | value]
}

export function parseIpv6(text: string): number[] | undefined {
  if (text.length === 0 || text.includes(':::')) return undefined
  const halves = text.split('::')
  if (halves.length > 2) return undefined
  const head = halves[0] === '' ? [] : halves[0]!.split(':')
  const tail = halves.length === 2 ? (halves[1] === '' ? [] : halves[1]!.split(':')) : []
  const groups: number[] = []
  const readPart = (parts: string[], isLast: boolean): number[] | undefined => {
    const out: number[] = []
    for (const [index, part] of parts.entries()) {
      if (isLast && index === parts.length - 1 && part.includes('.')) {
        const v4 = parseIpv4(part)
        if (!v4) return undefined
        appendAll(out, v4)
        continue
      }
      if (!IPV6_GROUP.test(part)) return undefined
      out.push(parseInt(part, 16))
    }
    return out
  }
  const headGroups = readPart(head, halves.length === 1)
  const tailGroups = readPart(tail, true)
  if (!headGroups || !tailGroups) return undefined
  if (halves.length === 1) {
    if (headGroups.length !== 8) return undefined
    return headGroups
  }
  const missing = 8 - headGroups.length - tailGroups.length
  if (missing < 1) return undefined
  appendAll(groups, headGroups, new Array<number>(missing).fill(0), tailGroups)
  return groups
}

export function parseIp(text: string): IpAddress | undefined {
  if (text.includes(':')) {
    const groups = parseIpv6(text)
    return groups ? {version: 6, groups} : undefined
  }
  const groups = parseIpv4(text)
  return groups ? {version: 4, groups} : undefined
}

/** Parses `address/bits`; the error texts are EventBridge's. */
export function parseCidr(text: string): CidrRange | {error: string} {
  const parts = text.split('/')
  if (parts.length !== 2) return {error: "Malformed CIDR, one '/' required"}
  const [address, bitsText] = parts as [string, string]
  if (!/^\d+$/.test(bitsText)) return {error: 'Malformed CIDR, mask bits must be an integer'}
  const ip = parseIp(address)
  if (!ip) return {error: `Nonstandard IP address: ${address}`}
  const width = ip.version === 4 ? 32 : 128
  const bits = Number(bitsText)
  if (bits > width) return {error: `Malformed CIDR, mask bits must be an integer between 0 and ${width}`}
  const masks = ip.groups.map((_, index) => {
    const covered = Math.min(16, Math.max(0, bits - index * 16))
    return covered === 0 ? 0 : (0xffff << (16 - covered)) & 0xffff
  })
  return {version: ip.version, network: ip.groups.map((group, index) => group & masks[index]!), masks}
}

// Several CIDR matchers usually test the same address one after another (one record, many ranges);
// the last address parsed is kept so each record's address is read once.
let lastText: string | undefined
let lastIp: IpAddress | undefined

function parseIpOnce(text: string): IpAddress | undefined {
  if (text !== lastText) {
    lastIp = parseIp(text)
    lastText = text
  }
  return lastIp
}

export function cidrContains(range: CidrRange, text: string): boolean {
  const ip = parseIpOnce(text)
  if (!ip || ip.version !== range.version) return false
  for (let index = 0; index < range.network.length; index++) {
    if ((ip.groups[index]! & range.masks[index]!) !== range.network[index]) return false
  }
  return true
}
