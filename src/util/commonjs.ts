/**
 * The exports of a CommonJS package loaded with `await import()`. Node gives its named exports and,
 * as `default`, the whole `module.exports`; the CLI bundle, split into chunks (dist/bundle), gives
 * only `default`. `default` holds every export either way. Only for CommonJS packages: an ES module's
 * `default` is just one of its exports.
 */
export async function importCommonJs<T extends object>(loading: Promise<T>): Promise<T> {
  const loaded = await loading
  return (loaded as {default?: T}).default ?? loaded
}
