import {tooDeep} from '../model/limits.js'

/**
 * Why a parsed record cannot be judged as it stands, or undefined: arrays and objects nested past
 * the depth limit (the record itself is level 1), or a number too large to be one, which
 * `JSON.parse` reads as Infinity and every report would show as null. One walk over the record,
 * stopping at the limit, so it stays cheap and its recursion bounded whatever the record holds.
 */
export function recordValueProblem(record: unknown, maxDepth: number): string | undefined {
  // Nearly every record is sound: a walk that allocates nothing says so, and only a record that is
  // not is walked again, keeping the path, to say where.
  return isSound(record, 1, maxDepth) ? undefined : locateProblem(record, maxDepth)
}

function isSound(value: unknown, level: number, maxDepth: number): boolean {
  if (typeof value === 'number') return Number.isFinite(value)
  if (typeof value !== 'object' || value === null) return true
  if (level > maxDepth) return false
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) if (!isSound(value[index], level + 1, maxDepth)) return false
    return true
  }
  for (const key in value) if (!isSound((value as Record<string, unknown>)[key], level + 1, maxDepth)) return false
  return true
}

function locateProblem(record: unknown, maxDepth: number): string | undefined {
  const path: (string | number)[] = []
  let problem: string | undefined
  const walk = (value: unknown, level: number): boolean => {
    if (typeof value === 'number') {
      if (Number.isFinite(value)) return false
      problem = `number out of range at ${shown(path)}: it is too large for a number (it would be read as infinity)`
      return true
    }
    if (typeof value !== 'object' || value === null) return false
    if (level > maxDepth) {
      problem = `the value at ${shown(path)} is ${tooDeep(maxDepth)}`
      return true
    }
    if (Array.isArray(value)) {
      for (let index = 0; index < value.length; index++) {
        path.push(index)
        if (walk(value[index], level + 1)) return true
        path.pop()
      }
      return false
    }
    for (const key in value) {
      path.push(key)
      if (walk((value as Record<string, unknown>)[key], level + 1)) return true
      path.pop()
    }
    return false
  }
  walk(record, 1)
  return problem
}

/** `requestParameters.items[0].size`, the first and last parts only when it is very long. */
function shown(path: (string | number)[]): string {
  const parts = path.map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${part}`))
  if (parts.length === 0) return 'the record'
  return parts.length > 12 ? `${parts.slice(0, 6).join('')}…(${parts.length - 10} more levels)…${parts.slice(-4).join('')}` : parts.join('')
}
