// s3rver in a process of its own: its ListObjects continuation tokens are DES-encrypted, which
// OpenSSL 3 allows only with the legacy provider (`node --openssl-legacy-provider`), a switch the
// test runner's own process should not need. Prints the port once listening.
import S3rver from 's3rver'

const [directory, bucket] = process.argv.slice(2)
const server = new S3rver({port: 0, address: '127.0.0.1', silent: true, directory, configureBuckets: [{name: bucket, configs: []}]})
// s3rver 3.7.1 finds common prefixes only one folder below the prefix: its walk of the directory
// tree stops at the first delimiter, so `AWSLogs/` listed with delimiter `/` shows no folders when
// the objects sit deeper, as CloudTrail's do. S3 groups every key under the prefix; so does this.
const listObjects = server.store.listObjects.bind(server.store)
server.store.listObjects = async (bucket, options) => {
  const {delimiter = '', prefix = '', maxKeys = Infinity, startAfter = ''} = options
  if (!delimiter) return listObjects(bucket, options)
  const all = await listObjects(bucket, {prefix, startAfter})
  const commonPrefixes = new Set()
  const objects = []
  for (const object of all.objects) {
    const at = object.key.slice(prefix.length).indexOf(delimiter)
    if (at === -1) objects.push(object)
    else commonPrefixes.add(object.key.slice(0, prefix.length + at + delimiter.length))
  }
  return {objects: objects.slice(0, maxKeys), commonPrefixes: [...commonPrefixes].sort(), isTruncated: objects.length > maxKeys}
}
const {port} = await server.run()
process.stdout.write(`${port}\n`)
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)))
