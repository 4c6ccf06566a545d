/** `*` matches any run of characters, `?` one character; everything else is literal. Case-sensitive, as ARNs are. */
export function globToRegExp(glob: string): RegExp {
  const source = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')
  return new RegExp(`^${source}$`)
}

export function matchesGlob(value: string, glob: string): boolean {
  return glob.includes('*') || glob.includes('?') ? globToRegExp(glob).test(value) : value === glob
}
