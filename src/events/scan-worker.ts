import {parentPort, workerData} from 'node:worker_threads'

import {compileForWorker, type WorkerReply, type WorkerRequest, type WorkerSetup} from './scan.js'
import {scanFile} from './scan-file.js'

// One file at a time: the pool hands out the next file only after this one's outcome is back.
const setup = workerData as WorkerSetup
const policies = compileForWorker(setup)
const port = parentPort
if (port) {
  port.on('message', (request: WorkerRequest) => {
    scanFile(request.file, policies, setup).then(
      (outcome) => port.postMessage({index: request.index, outcome} satisfies WorkerReply),
      (error: unknown) => port.postMessage({index: request.index, crash: (error as Error).message} satisfies WorkerReply),
    )
  })
}
