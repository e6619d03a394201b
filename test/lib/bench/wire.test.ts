import {connect, headers, type Msg, type NatsConnection} from '@nats-io/transport-node'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {protocolWriter, Wire} from '../../../src/lib/bench/wire.js'
import {type NatsServer, startServer, waitFor} from '../../helpers/servers.js'

let server: NatsServer
let pub: NatsConnection
let sub: NatsConnection
beforeAll(async () => {
  server = await startServer({jetstream: false})
  pub = await connect({servers: server.url})
  sub = await connect({servers: server.url})
})
afterAll(async () => {
  await pub?.close()
  await sub?.close()
  await server?.destroy()
})

interface Seen {
  data: string
  headers: Array<[string, string[]]>
  reply: string
  subject: string
}

const seen = (m: Msg): Seen => ({
  data: m.string(),
  headers: m.headers ? [...m.headers].map(([k, v]) => [k, [...v]]) : [],
  reply: m.reply ?? '',
  subject: m.subject,
})

/** Everything published on `prefix.>` by `send`, as the subscriber receives it, once `count` have arrived. */
async function received(prefix: string, count: number, send: () => void): Promise<Seen[]> {
  const got: Seen[] = []
  const s = sub.subscribe(`${prefix}.>`, {callback(_e, m) {
    got.push(seen(m))
  }})
  await sub.flush()
  send()
  await pub.flush()
  await waitFor(() => (got.length >= count ? true : undefined), 15_000, `${count} messages on ${prefix}`)
  s.unsubscribe()
  return got
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s)
const block = (pairs: Array<[string, string]>): string => `NATS/1.0\r\n${pairs.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`

/** The same four kinds of message, through the writer and through nc.publish: what arrives must not differ. */
const CASES: Array<{data: string; headers: Array<[string, string]>; reply: string; subject: string}> = [
  {data: 'plain', headers: [], reply: '', subject: 'a'},
  {data: 'with a reply', headers: [], reply: 'r.1', subject: 'b.c'},
  {data: 'headers and a reply', headers: [['Nats-Batch-Id', 'x1'], ['Nats-Batch-Sequence', '7'], ['Nats-Batch-Commit', '1']], reply: 'r.2.fail.3.$FI', subject: 'd'},
  {data: '', headers: [['Nats-Msg-Id', 'run-42']], reply: '', subject: 'ü.e'},
]

describe('bench wire writer', () => {
  it('nats.js has the protocol writer natsx uses (else the loops fall back to nc.publish, slower)', () => {
    expect(protocolWriter(pub)).toBeDefined()
    expect(new Wire(pub, headers).raw).toBe(true)
  })

  it('sends what nc.publish sends: subject, reply, headers and body', async () => {
    const wire = new Wire(pub, headers)
    const viaWire = await received('w1', CASES.length, () => {
      for (const c of CASES) wire.pub(`w1.${c.subject}`, c.reply, c.headers.length > 0 ? block(c.headers) : '', text(c.data))
      wire.flush()
    })
    const viaPublish = await received('w2', CASES.length, () => {
      for (const c of CASES) {
        const h = headers()
        for (const [k, v] of c.headers) h.set(k, v)
        pub.publish(`w2.${c.subject}`, text(c.data), {...(c.headers.length > 0 ? {headers: h} : {}), reply: c.reply})
      }
    })
    const strip = (xs: Seen[]): Seen[] => xs.map((x) => ({...x, subject: x.subject.slice(3)}))
    expect(strip(viaWire)).toEqual(strip(viaPublish))
    expect(viaWire[2].headers).toEqual([['Nats-Batch-Id', ['x1']], ['Nats-Batch-Sequence', ['7']], ['Nats-Batch-Commit', ['1']]])
  })

  it('many messages over several buffers arrive all and in order', async () => {
    const wire = new Wire(pub, headers)
    const body = new Uint8Array(128).fill(0x61)
    const got = await received('w3', 3000, () => {
      for (let i = 1; i <= 3000; i++) wire.pub('w3.x', `r.${i}`, block([['Nats-Batch-Sequence', String(i)]]), body)
      wire.flush()
    })
    expect(got).toHaveLength(3000)
    expect(got.map((m) => m.reply)).toEqual(Array.from({length: 3000}, (_, i) => `r.${i + 1}`))
    expect(got.every((m) => m.data.length === 128)).toBe(true)
  })

  it('without the protocol writer each message is an nc.publish, with the same result', async () => {
    const bare = {info: pub.info, isClosed: () => pub.isClosed(), publish: pub.publish.bind(pub)} as unknown as NatsConnection
    const wire = new Wire(bare, headers)
    expect(wire.raw).toBe(false)
    const got = await received('w4', 1, () => {
      wire.pub('w4.a', 'r.9', block([['Nats-Msg-Id', 'm1']]), text('fallback'))
      wire.flush()
    })
    expect(got).toEqual([{data: 'fallback', headers: [['Nats-Msg-Id', ['m1']]], reply: 'r.9', subject: 'w4.a'}])
  })

  it('refuses a subject with a wildcard or a space, and a message over max_payload', () => {
    const wire = new Wire(pub, headers)
    expect(() => wire.pub('a.*', '', '', text('x'))).toThrow(/not a subject to publish to/)
    expect(() => wire.pub('a b', '', '', text('x'))).toThrow(/not a subject to publish to/)
    const max = pub.info!.max_payload
    expect(() => wire.pub('a', '', '', new Uint8Array(max + 1))).toThrow(/larger than the server's max_payload/)
  })
})
