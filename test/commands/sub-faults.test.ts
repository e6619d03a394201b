import {describe, expect, it} from 'vitest'

import {spawnCli} from '../helpers/cli.js'
import {startServer} from '../helpers/servers.js'

describe('sub --wait when the server dies', () => {
  it('ends at its --wait with exit 6 and one line: the server was not back, so what it did not deliver is lost', async () => {
    const server = await startServer({jetstream: false})
    try {
      const sub = spawnCli(['sub', 'gone.>', '--wait', '4s', '--json', '-s', server.url])
      await sub.waitFor('listening on', 'stderr')
      process.kill(server.pid!, 'SIGKILL')
      const res = await sub.done
      expect(res.code, res.stderr).toBe(6)
      const error = JSON.parse(res.stderr.trim().split('\n').at(-1)!) as {error: {kind: string; message: string}}
      expect(error.error).toMatchObject({kind: 'connection', message: 'the server went away and was not back when the subscription ended: messages published meanwhile are lost'})
    } finally {
      await server.destroy()
    }
  })

  it('a server that comes back in time: exit 0, the disconnect counted in the summary', async () => {
    const server = await startServer({jetstream: false})
    const ports = {client: server.port, monitor: server.monitorPort}
    let again: Awaited<ReturnType<typeof startServer>> | undefined
    try {
      const sub = spawnCli(['sub', 'back.>', '--wait', '8s', '-s', server.url])
      await sub.waitFor('listening on', 'stderr')
      process.kill(server.pid!, 'SIGKILL')
      await sub.waitFor('dropped the connection', 'stderr')
      again = await startServer({jetstream: false, ports})
      await sub.waitFor('reconnected to', 'stderr')
      const res = await sub.done
      expect(res.code, res.stderr).toBe(0)
      expect(res.stderr).toMatch(/0 messages received \(.*1 disconnect by the server/)
    } finally {
      await again?.destroy()
      await server.destroy()
    }
  })
})
