/**
 * The keys of the top-level JSON object and, for string values, the value, read from the start of a
 * text that may be cut short (a 64 KiB head), without parsing the whole of it.
 */
export function topLevelJsonKeys(head: string): Map<string, string | undefined> | undefined {
  const keys = new Map<string, string | undefined>()
  let index = 0
  while (index < head.length && /\s/.test(head[index] ?? '')) index++
  if (head[index] === '\ufeff') index++
  if (head[index] !== '{') return undefined
  let depth = 0
  let expectingKey = false
  let pendingKey: string | undefined
  const readString = (): string | undefined => {
    let result = ''
    index++
    while (index < head.length) {
      const char = head[index]
      if (char === '\\') {
        result += head[index + 1] ?? ''
        index += 2
        continue
      }
      if (char === '"') {
        index++
        return result
      }
      result += char
      index++
    }
    return undefined
  }
  while (index < head.length) {
    const char = head[index]
    if (char === '"') {
      const text = readString()
      if (text === undefined) break
      if (depth === 1 && expectingKey) {
        pendingKey = text
        keys.set(text, undefined)
        expectingKey = false
      } else if (depth === 1 && pendingKey !== undefined) {
        keys.set(pendingKey, text)
        pendingKey = undefined
      }
      continue
    }
    if (char === '{' || char === '[') {
      depth++
      if (depth === 1) expectingKey = true
      if (depth > 1) pendingKey = undefined
    } else if (char === '}' || char === ']') {
      depth--
      if (depth === 0) break
    } else if (char === ',' && depth === 1) {
      expectingKey = true
      pendingKey = undefined
    } else if (char === ':' && depth === 1) {
      // the value follows; a string value is recorded against pendingKey
    } else if (depth === 1 && !/\s/.test(char ?? '')) {
      pendingKey = undefined
    }
    index++
  }
  return keys
}
