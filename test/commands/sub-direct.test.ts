/**
 * `sub --stream S --direct`: a stream read by batched direct get (2.11+) without a consumer, printed as a replay
 * prints it; exit 8 on servers without batched direct get (nothing made on the server), exit 2 on a stream that does
 * not allow direct get and on flags a direct read cannot honour.
 */
import {jetstream, jetstreamManager, type JetStreamManager} from '@nats-io/jetstream'
import {connect, headers, type NatsConnection} from '@nats-io/transport-node'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {MessageRecord} from '../../src/lib/messages.js'

import {runCli} from '../helpers/cli.js'
import {type NatsServer, serverFacts, startServer} from '../helpers/servers.js'

let server: NatsServer
let nc: NatsConnection
let jsm: JetStreamManager
/** more than one batch (256) of messages on dir.a, and a few on dir.b in between */
const A = 600
beforeAll(async () => {
  server = await startServer({jetstream: true})
  nc = await connect({servers: server.url})
  jsm = await jetstreamManager(nc)
  await jsm.streams.add({allow_direct: true, name: 'DIR', subjects: ['dir.>']})
  await jsm.streams.add({allow_direct: false, name: 'NODIR', subjects: ['nodir']})
  const js = jetstream(nc)
  for (let i = 1; i <= A; i++) {
    await js.publish('dir.a', `a${i}`)
    if (i % 200 === 0) {
      const h = headers()
      h.set('X-Which', `b${i / 200}`)
      await js.publish('dir.b', `b${i / 200}`, {headers: h})
    }
  }
})
afterAll(async () => {
  await nc?.close()
  await server?.destroy()
})

/** consumers on the server, all streams together: a direct read makes none */
async function consumers(): Promise<number> {
  let n = 0
  for await (const si of jsm.streams.list()) n += si.state.consumer_count
  return n
}

describe('sub --direct', () => {
  it('reads a stream by direct get, without a consumer, where the server has batched direct get; exit 8 where not', async () => {
    const facts = await serverFacts(server)
    if (!facts.caps.has('direct-get-batch')) {
      const r = await runCli(['sub', '--stream', 'DIR', '--direct', '--json', '-s', server.url])
      expect(r.code, r.stderr).toBe(8)
      expect(r.stdout).toBe('')
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(r.stderr).toMatch(/direct get.*requires nats-server 2\.11\.0; connected server is /)
      expect(await consumers()).toBe(0)
      return
    }

    // every message on dir.a, across batches, in order, as a replay prints them
    const all = await runCli(['sub', '--stream', 'DIR', '--direct', 'dir.a', '--json', '-s', server.url])
    expect(all.code, all.stderr).toBe(0)
    const recs = all.ndjson<MessageRecord>()
    expect(recs.map((r) => r.data)).toEqual(Array.from({length: A}, (_, i) => `a${i + 1}`))
    expect(recs.every((r) => r.subject === 'dir.a' && r.jetstream?.stream === 'DIR' && typeof r.jetstream?.time === 'string')).toBe(true)
    const seqs = recs.map((r) => r.jetstream!.sequence)
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
    expect(new Set(seqs).size).toBe(A)

    // the other subject, with its headers and without the direct-get ones
    const b = await runCli(['sub', '--stream', 'DIR', '--direct', 'dir.b', '--json', '-s', server.url])
    expect(b.code, b.stderr).toBe(0)
    const bs = b.ndjson<MessageRecord>()
    expect(bs.map((r) => [r.data, r.headers])).toEqual([1, 2, 3].map((i) => [`b${i}`, {'X-Which': [`b${i}`]}]))

    // a start sequence and a count; the human view as `sub --stream` shows it
    const from = bs[1].jetstream!.sequence
    const some = await runCli(['sub', '--stream', 'DIR', '--direct', '--start-sequence', String(from), '--count', '3', '-s', server.url])
    expect(some.code, some.stderr).toBe(0)
    expect(some.stdout).toContain(`[#1] Received JetStream message: stream: DIR seq ${from} / subject: dir.b`)
    expect(some.stdout).toContain(`[#3] Received JetStream message: stream: DIR seq ${from + 2} / subject: dir.a`)
    expect(some.stderr).toMatch(/3 messages received \(count\)/)

    // ignored subjects are not counted; a filter that matches nothing is an empty read that ends
    const raw = await runCli(['sub', '--stream', 'DIR', '--direct', '--all', '-I', 'dir.a', '--raw', '-s', server.url])
    expect(raw.code, raw.stderr).toBe(0)
    expect(raw.stdout).toBe('b1\nb2\nb3\n')
    const none = await runCli(['sub', '--stream', 'DIR', '--direct', 'dir.none', '--json', '-s', server.url])
    expect(none.code, none.stderr).toBe(0)
    expect(none.stdout).toBe('')

    expect(await consumers()).toBe(0)

    // a stream that does not allow direct get
    const refused = await runCli(['sub', '--stream', 'NODIR', '--direct', '-s', server.url])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toMatch(/stream "NODIR" does not allow direct get.*--allow-direct/)
    expect(await consumers()).toBe(0)
  })

  it.each([
    [['--direct', 'dir.a'], /--direct needs --stream/],
    [['--stream', 'DIR', '--direct', '--new'], /--new cannot be used with --direct/],
    [['--stream', 'DIR', '--direct', '--last-per-subject'], /--last-per-subject cannot be used with --direct/],
    [['--stream', 'DIR', '--direct', 'dir.a', 'dir.b'], /--direct reads one subject filter/],
    [['--stream', 'DIR', '--direct', '--wait', '1s'], /--wait cannot be used with --direct/],
  ])('sub %j is exit 2 before connecting', async (args, message) => {
    const r = await runCli(['sub', ...args, '-s', 'nats://127.0.0.1:1'])
    expect(r.code, r.stderr).toBe(2)
    expect(r.stderr).toMatch(message)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
  })
})
