import {describe, expect, it} from 'vitest'

import {spawnCli} from '../helpers/cli.js'
import {startServer, waitFor} from '../helpers/servers.js'

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

describe('sub --graph when the server dies', () => {
  interface Sample {
    disconnected?: true
    total: number
  }
  const samples = (stdout: string): Sample[] => stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Sample)

  it('marks the samples taken while the connection was down, says so on stderr, and counts again once it is back', async () => {
    const server = await startServer({jetstream: false})
    const ports = {client: server.port, monitor: server.monitorPort}
    let again: Awaited<ReturnType<typeof startServer>> | undefined
    try {
      const sub = spawnCli(['sub', 'gr.>', '--graph', '--iterations', '100000', '--interval', '0.2', '--json', '-s', server.url], {timeoutMs: 60_000})
      await sub.waitFor(/"total":0/)
      process.kill(server.pid!, 'SIGKILL')
      await sub.waitFor('"warning":"the connection to the server was lost', 'stderr')
      await sub.waitFor(/"disconnected":true/)
      again = await startServer({jetstream: false, ports})
      await sub.waitFor('reconnected to', 'stderr')
      // once back, a sample without the mark: the one after the reconnect was noticed
      const marked = samples(sub.stdout()).length
      await waitFor(() => (samples(sub.stdout()).length > marked + 1 ? true : undefined), 20_000, 'a sample after the reconnect')
      sub.child.kill('SIGTERM')
      const res = await sub.done
      expect(res.code, res.stderr).toBe(130)
      const all = samples(res.stdout)
      const first = all.findIndex((s) => s.disconnected)
      expect(first).toBeGreaterThan(0)
      expect(all.at(-1)!.disconnected).toBeUndefined()
      // the marked samples are one run: from the drop to the reconnect
      const last = all.findLastIndex((s) => s.disconnected)
      expect(all.slice(first, last + 1).every((s) => s.disconnected)).toBe(true)
    } finally {
      await again?.destroy()
      await server.destroy()
    }
  })

  it('an end with the connection still down is exit 6 with one line, after the samples it printed', async () => {
    const server = await startServer({jetstream: false})
    try {
      const sub = spawnCli(['sub', 'gr.>', '--graph', '--iterations', '12', '--interval', '0.25', '--json', '-s', server.url], {timeoutMs: 60_000})
      await sub.waitFor(/"total":0/)
      process.kill(server.pid!, 'SIGKILL')
      const res = await sub.done
      expect(res.code, res.stderr).toBe(6)
      expect(samples(res.stdout)).toHaveLength(12)
      expect(samples(res.stdout).at(-1)!.disconnected).toBe(true)
      const lines = res.stderr.trim().split('\n')
      expect(JSON.parse(lines.at(-1)!)).toMatchObject({error: {kind: 'connection', message: 'the connection to the server was down when the sampling ended: the last samples undercount'}})
      expect(lines.filter((l) => l.startsWith('{"error"'))).toHaveLength(1)
      expect(res.stderr).not.toMatch(/\n\s+at /)
    } finally {
      await server.destroy()
    }
  })
})
