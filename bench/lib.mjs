// Shared by the bench scripts: free loopback ports and a nats-server started on one, ready when it says so.
import {spawn} from 'node:child_process'
import {createServer} from 'node:net'

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const {port} = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

/** Start nats-server with `args` on 127.0.0.1:`port`; resolves with the child once it logs "Server is ready". */
export async function startNatsServer(bin, port, args = []) {
  const child = spawn(bin, ['-a', '127.0.0.1', '-p', String(port), ...args], {stdio: ['ignore', 'pipe', 'pipe']})
  await new Promise((resolve, reject) => {
    let log = ''
    const onData = (b) => {
      log += b.toString()
      if (log.includes('Server is ready')) resolve()
    }

    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.once('exit', (code) => reject(new Error(`nats-server exited (${code}):\n${log}`)))
  })
  // keep draining so the server never blocks on a full pipe
  child.stdout.resume()
  child.stderr.resume()
  return child
}
