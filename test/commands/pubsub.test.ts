import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {MessageRecord} from '../../src/lib/messages.js'

import {runCli, spawnCli} from '../helpers/cli.js'
import {type NatsServer, startServer} from '../helpers/servers.js'

let server: NatsServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(async () => {
  await server?.destroy()
})

describe('pub and sub', () => {
  it('round-trips 1,000 messages as NDJSON, field by field', async () => {
    const sub = spawnCli(['sub', 'rt.>', '--count', '1000', '--json', '-s', server.url])
    await sub.waitFor('listening', 'stderr')
    const pub = await runCli(['pub', 'rt.{{Count}}', 'msg {{Count}}', '--count', '1000', '-H', 'X-N:{{Count}}', '-H', 'Origin:test', '-s', server.url, '--json'])
    expect(pub.code, pub.stderr).toBe(0)
    expect(pub.json<{bytes: number; messages: number}>()).toMatchObject({messages: 1000})
    const res = await sub.done
    expect(res.code, res.stderr).toBe(0)
    const recs = res.ndjson<MessageRecord>()
    expect(recs).toHaveLength(1000)
    for (const [i, r] of recs.entries()) {
      const n = i + 1
      expect(r.subject).toBe(`rt.${n}`)
      expect(r.data).toBe(`msg ${n}`)
      expect(r.encoding).toBe('utf8')
      expect(r.size).toBe(`msg ${n}`.length)
      expect(r.headers).toEqual({Origin: ['test'], 'X-N': [String(n)]})
      expect(Number.isNaN(Date.parse(r.received))).toBe(false)
      expect(r.jetstream).toBeUndefined()
    }
  })
})
