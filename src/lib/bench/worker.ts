/**
 * The entry of a benchmark client's worker thread: one client (client.ts) on its own connection. The main thread
 * sends `go` once every client is ready, and stops the clients through the shared control array, never by
 * terminating them, so an interrupted client still reports the work it did.
 */
import {parentPort, workerData} from 'node:worker_threads'

import {type ClientInput, runClient} from './client.js'

const port = parentPort!
const go = new Promise<void>((resolve) => {
  port.once('message', () => resolve())
})
await runClient(workerData as ClientInput, (m) => port.postMessage(m), go)
