// s3rver in a process of its own: its ListObjects continuation tokens are DES-encrypted, which
// OpenSSL 3 allows only with the legacy provider (`node --openssl-legacy-provider`), a switch the
// test runner's own process should not need. Prints the port once listening.
import S3rver from 's3rver'

const [directory, bucket] = process.argv.slice(2)
const server = new S3rver({port: 0, address: '127.0.0.1', silent: true, directory, configureBuckets: [{name: bucket, configs: []}]})
const {port} = await server.run()
process.stdout.write(`${port}\n`)
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)))
