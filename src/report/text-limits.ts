/** Cuts text to at most `max` characters, ending with an ellipsis when it was cut. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text
  return `${text.slice(0, Math.max(0, max - 1)).trimEnd()}…`
}

/** Ensures a sentence ends with punctuation before another sentence is appended to it. */
export function asSentence(text: string): string {
  const trimmed = text.trim()
  if (trimmed === '') return trimmed
  return /[.!?:]$/.test(trimmed) ? trimmed : `${trimmed}.`
}

/** `kms-encryption` → `KmsEncryption`: the rule name GitHub shows and filters on. */
export function pascalCase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== '')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('')
}
