import {parentPort, workerData} from 'node:worker_threads'

import {compileForWorker, type WorkerReply, type WorkerRequest, type WorkerSetup} from './scan.js'
import {scanFile} from './scan-file.js'

// The pool may queue a file while one is being scanned; files are scanned one after the other, so
// only one file's records are held at a time.
const setup = workerData as WorkerSetup
const policies = compileForWorker(setup)
const port = parentPort
const queue: WorkerRequest[] = []
let busy = false

async function drain(): Promise<void> {
  if (busy || !port) return
  busy = true
  for (let request = queue.shift(); request; request = queue.shift()) {
    let reply: WorkerReply
    try {
      reply = {index: request.index, outcome: await scanFile(request.file, policies, setup)}
    } catch (error) {
      reply = {index: request.index, crash: (error as Error).message}
    }
    port.postMessage(reply)
  }
  busy = false
}

port?.on('message', (request: WorkerRequest) => {
  queue.push(request)
  void drain()
})
