/**
 * A package registry on the loopback address that serves the packages of the repository's own
 * node_modules, so that `npm install -g` resolves and downloads trailgate's dependencies as it does
 * from the public registry, with no network and nothing taken from the machine's npm cache.
 * Tarballs are made from the installed folders when first asked for.
 */
import {execFileSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {join} from 'node:path'

interface Installed {
  dir: string
  manifest: Record<string, unknown> & {name: string; version: string}
}

/** Every package folder under node_modules, nested ones included, by name and version. */
function installedPackages(nodeModules: string, found = new Map<string, Map<string, Installed>>()): Map<string, Map<string, Installed>> {
  if (!existsSync(nodeModules)) return found
  for (const entry of readdirSync(nodeModules)) {
    if (entry.startsWith('.')) continue
    const folders = entry.startsWith('@') ? readdirSync(join(nodeModules, entry)).map((scoped) => join(nodeModules, entry, scoped)) : [join(nodeModules, entry)]
    for (const dir of folders) {
      const manifestPath = join(dir, 'package.json')
      if (!existsSync(manifestPath)) continue
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Installed['manifest']
      if (typeof manifest.name !== 'string' || typeof manifest.version !== 'string') continue
      if (!found.has(manifest.name)) found.set(manifest.name, new Map())
      found.get(manifest.name)!.set(manifest.version, {dir, manifest})
      installedPackages(join(dir, 'node_modules'), found)
    }
  }
  return found
}

const MANIFEST_FIELDS = ['name', 'version', 'dependencies', 'optionalDependencies', 'peerDependencies', 'peerDependenciesMeta', 'bin', 'engines', 'os', 'cpu', 'type']

export interface LocalRegistry {
  url: string
  /** Names of the packages npm asked for. */
  served: Set<string>
  close(): Promise<void>
}

export async function startLocalRegistry(nodeModules: string): Promise<LocalRegistry> {
  const packages = installedPackages(nodeModules)
  const tarballs = new Map<string, Buffer>()
  const served = new Set<string>()
  const tarball = (name: string, version: string): Buffer => {
    const key = `${name}@${version}`
    let bytes = tarballs.get(key)
    if (!bytes) {
      const {dir} = packages.get(name)!.get(version)!
      bytes = execFileSync('tar', ['-czf', '-', '-C', dir, '--exclude=./node_modules', '--transform', 's,^\\.,package,', '.'], {maxBuffer: 1 << 30})
      tarballs.set(key, bytes)
    }
    return bytes
  }
  let base = ''
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent((request.url ?? '/').split('?')[0]!)
    const tarballMatch = /^\/(.+)\/-\/(.+)\.tgz$/.exec(path)
    if (tarballMatch) {
      const [, name, file] = tarballMatch as unknown as [string, string, string]
      const version = file.slice(file.lastIndexOf('@') + 1)
      if (packages.get(name)?.has(version)) {
        response.writeHead(200, {'content-type': 'application/octet-stream'}).end(tarball(name, version))
        return
      }
    }
    const name = path.slice(1)
    const versions = packages.get(name)
    if (!versions) {
      response.writeHead(404, {'content-type': 'application/json'}).end('{"error":"not found"}')
      return
    }
    served.add(name)
    const document = {
      name,
      'dist-tags': {latest: [...versions.keys()].at(-1)},
      versions: Object.fromEntries(
        [...versions].map(([version, {manifest}]) => {
          const bytes = tarball(name, version)
          const fields = Object.fromEntries(MANIFEST_FIELDS.filter((field) => manifest[field] !== undefined).map((field) => [field, manifest[field]]))
          const dist = {tarball: `${base}/${name}/-/${name}@${version}.tgz`, integrity: `sha512-${createHash('sha512').update(bytes).digest('base64')}`}
          return [version, {...fields, dist}]
        }),
      ),
    }
    response.writeHead(200, {'content-type': 'application/json'}).end(JSON.stringify(document))
  })
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {url: `${base}/`, served, close: () => new Promise((resolveClose) => server.close(() => resolveClose()))}
}
