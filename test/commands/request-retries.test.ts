import {connect} from '@nats-io/transport-node'
import {describe, expect, it} from 'vitest'

import type {RequestResult} from '../../src/lib/publish/request.js'

import {runCli, spawnCli} from '../helpers/cli.js'
import {startServer, waitFor} from '../helpers/servers.js'

describe('request --retries', () => {
  it('sends a request once by default, and N more times with --retries N, to a subscriber that never answers', async () => {
    const server = await startServer({jetstream: false})
    const nc = await connect({servers: server.url})
    try {
      let seen = 0
      nc.subscribe('silent', {
        callback() {
          seen++
        },
      })
      await nc.flush()
      const once = await runCli(['request', 'silent', 'x', '--timeout', '300ms', '-s', server.url])
      expect(once.code, once.stderr).toBe(6)
      expect(once.stderr.trim().split('\n')).toHaveLength(1)
      await nc.flush()
      expect(seen).toBe(1)

      const thrice = await runCli(['request', 'silent', 'x', '--timeout', '300ms', '--retries', '2', '--retry-wait', '50ms', '-s', server.url])
      expect(thrice.code, thrice.stderr).toBe(6)
      expect(thrice.stderr.match(/sending again \(attempt \d of 3\)/g)).toHaveLength(2)
      await nc.flush()
      expect(seen).toBe(4)
    } finally {
      await nc.close()
      await server.destroy()
    }
  })

  it('a retry reaches a responder that started after the first attempt: exit 0, "attempts" in --json', async () => {
    const server = await startServer({jetstream: false})
    const nc = await connect({servers: server.url})
    try {
      const req = spawnCli(['request', 'late', 'ping', '--timeout', '500ms', '--retries', '100', '--retry-wait', '100ms', '--json', '-s', server.url])
      // the first request has reached the server (and met no responders)
      await waitFor(async () => ((await (await fetch(`${server.monitorUrl}/varz`)).json()) as {in_msgs: number}).in_msgs >= 1 || undefined)
      nc.subscribe('late', {
        callback(_err, m) {
          m.respond('pong')
        },
      })
      await nc.flush()
      const res = await req.done
      expect(res.code, res.stderr).toBe(0)
      const r = res.json<RequestResult>()
      expect(r.attempts).toBeGreaterThanOrEqual(2)
      expect(r.replies.map((x) => x.data)).toEqual(['pong'])
    } finally {
      await nc.close()
      await server.destroy()
    }
  })

  it('refuses a bad --retries with exit 2', async () => {
    const res = await runCli(['request', 'x', 'y', '--retries', '-1'])
    expect(res.code).toBe(2)
    expect(res.stderr.trim().split('\n')).toHaveLength(1)
  })
})
