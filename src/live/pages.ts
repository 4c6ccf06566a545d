/**
 * Reads a paginated AWS listing to its end. `fetchPage` gets the token of the page to read
 * (undefined for the first) and returns that page's items and the next token; an absent or empty
 * token ends the listing, as the SDKs' own paginators end it.
 */
export async function readAllPages<T>(fetchPage: (token: string | undefined) => Promise<{items: readonly T[] | undefined; next: string | undefined}>): Promise<T[]> {
  const items: T[] = []
  let token: string | undefined
  do {
    const page = await fetchPage(token)
    for (const item of page.items ?? []) items.push(item)
    token = page.next
  } while (token !== undefined && token !== '')
  return items
}
