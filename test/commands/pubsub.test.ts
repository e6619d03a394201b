import {connect} from '@nats-io/transport-node'
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

describe('templates and headers', () => {
  it('expands templates in subject, body and header values per message', async () => {
    const sub = spawnCli(['sub', 'tpl.>', '--count', '3', '--json', '-s', server.url])
    await sub.waitFor('listening', 'stderr')
    const pub = await runCli(['pub', 'tpl.{{Count}}', '{{Count}}|{{Unix}}|{{TimeStamp}}|{{Random 5 5}}|{{ID}}|{{UnixNano}}|{{Time}}', '--count', '3', '-H', 'Seq:{{Count}}', '-s', server.url])
    expect(pub.code, pub.stderr).toBe(0)
    const recs = (await sub.done).ndjson<MessageRecord>()
    expect(recs.map((r) => r.subject)).toEqual(['tpl.1', 'tpl.2', 'tpl.3'])
    const ids = new Set<string>()
    for (const [i, r] of recs.entries()) {
      const [count, unix, ts, rnd, id, nano, time] = r.data.split('|')
      expect(count).toBe(String(i + 1))
      expect(Math.abs(Number(unix) - Date.now() / 1000)).toBeLessThan(60)
      expect(Number.isNaN(Date.parse(ts))).toBe(false)
      expect(rnd).toMatch(/^[A-Za-z0-9]{5}$/)
      expect(nano).toMatch(/^\d{19}$/)
      expect(time).toMatch(/^\d{1,2}:\d{2}(AM|PM)$/)
      ids.add(id)
      expect(r.headers).toEqual({Seq: [String(i + 1)]})
    }

    expect(ids.size).toBe(3)
  })

  it('reads the body from stdin when it is omitted', async () => {
    const sub = spawnCli(['sub', 'stdin.x', '--count', '1', '--json', '-s', server.url])
    await sub.waitFor('listening', 'stderr')
    const pub = await runCli(['pub', 'stdin.x', '-s', server.url], {input: 'from stdin\n'})
    expect(pub.code, pub.stderr).toBe(0)
    expect((await sub.done).ndjson<MessageRecord>()[0].data).toBe('from stdin\n')
  })

  it('carries binary bodies as base64', async () => {
    const sub = spawnCli(['sub', 'bin.x', '--count', '1', '--json', '-s', server.url])
    await sub.waitFor('listening', 'stderr')
    const bytes = Buffer.from([0xff, 0x00, 0xfe, 0x41])
    await runCli(['pub', 'bin.x', '-s', server.url], {input: bytes})
    const rec = (await sub.done).ndjson<MessageRecord>()[0]
    expect(rec.encoding).toBe('base64')
    expect(Buffer.from(rec.data, 'base64')).toEqual(bytes)
    expect(rec.size).toBe(4)
  })

  it('refuses unknown templates and bad headers with exit 2', async () => {
    const a = await runCli(['pub', 'x', '{{Nope}}', '-s', server.url])
    expect(a.code).toBe(2)
    expect(a.stderr).toMatch(/unknown template \{\{Nope\}\}/)
    const b = await runCli(['pub', 'x', 'y', '-H', 'novalue', '-s', server.url])
    expect(b.code).toBe(2)
    expect(b.stderr).toMatch(/not key:value/)
    expect(b.stderr.trim().split('\n')).toHaveLength(1)
  })

  it('--queue shares messages among subscribers; --wait ends an idle subscription', async () => {
    // --wait counts from the start and from each message; the messages come from this process, at once, so that no
    // process start-up on a busy machine can outlast it
    const a = spawnCli(['sub', 'q.x', '--queue', 'workers', '--wait', '4s', '--json', '-s', server.url])
    const b = spawnCli(['sub', 'q.x', '--queue', 'workers', '--wait', '4s', '--json', '-s', server.url])
    const nc = await connect({servers: server.url})
    try {
      await Promise.all([a.waitFor('listening', 'stderr'), b.waitFor('listening', 'stderr')])
      for (let i = 1; i <= 200; i++) nc.publish('q.x', `m${i}`)
      await nc.flush()
    } finally {
      await nc.close()
    }

    const [ra, rb] = await Promise.all([a.done, b.done])
    expect(ra.code).toBe(0)
    expect(rb.code).toBe(0)
    const got = [...ra.ndjson<MessageRecord>(), ...rb.ndjson<MessageRecord>()].map((r) => r.data).sort()
    expect(got).toHaveLength(200)
    expect(new Set(got).size).toBe(200)
  })

  it('--dump writes one JSON file per message', async () => {
    const {mkdtempSync, readFileSync, readdirSync} = await import('node:fs')
    const {tmpdir} = await import('node:os')
    const {join} = await import('node:path')
    const dir = mkdtempSync(join(tmpdir(), 'natsx-dump-'))
    const sub = spawnCli(['sub', 'dump.x', '--count', '2', '--dump', dir, '-s', server.url])
    await sub.waitFor('listening', 'stderr')
    await runCli(['pub', 'dump.x', 'd{{Count}}', '--count', '2', '-s', server.url])
    expect((await sub.done).code).toBe(0)
    expect(readdirSync(dir).sort()).toEqual(['1.json', '2.json'])
    expect(JSON.parse(readFileSync(join(dir, '2.json'), 'utf8'))).toMatchObject({data: 'd2', subject: 'dump.x'})
  })
})
