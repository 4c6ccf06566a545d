/**
 * Appends the items of each list to `target`. `target.push(...items)` puts every item on the stack
 * and throws RangeError past about 125,000 of them; this never does.
 */
export function appendAll<T>(target: T[], ...lists: readonly (readonly T[])[]): T[] {
  for (const list of lists) {
    for (const item of list) target.push(item)
  }
  return target
}
