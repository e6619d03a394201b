import {jetstreamManager} from '@nats-io/jetstream'
import {connect, type NatsConnection} from '@nats-io/transport-node'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {PubResult} from '../../src/commands/pub.js'
import type {MessageRecord} from '../../src/lib/messages.js'

import {runCli, spawnCli} from '../helpers/cli.js'
import {type NatsServer, serverFacts, startServer} from '../helpers/servers.js'

let server: NatsServer
let nc: NatsConnection

beforeAll(async () => {
  server = await startServer()
  nc = await connect({servers: server.url})
  const jsm = await jetstreamManager(nc)
  await jsm.streams.add({name: 'ORDERS', subjects: ['orders.>']})
  await jsm.streams.add({name: 'REPLAY', subjects: ['replay.>']})
  // 10 messages over 3 subjects: replay.a gets 1,4,7,10; replay.b 2,5,8; replay.c 3,6,9
  for (let i = 1; i <= 10; i++) await nc.request(`replay.${'abc'[(i - 1) % 3]}`, `r${i}`)
})
afterAll(async () => {
  await nc?.close()
  await server?.destroy()
})

const replay = async (...args: string[]): Promise<MessageRecord[]> => {
  const res = await runCli(['sub', '--stream', 'REPLAY', '--json', '--wait', '500ms', '-s', server.url, ...args])
  expect(res.code, res.stderr).toBe(0)
  return res.ndjson<MessageRecord>()
}

describe('pub --jetstream', () => {
  it('reports stream and sequence, and duplicates with --msg-id', async () => {
    const first = await runCli(['pub', 'orders.new', 'one', '--jetstream', '--msg-id', 'order-1', '--json', '-s', server.url])
    expect(first.code, first.stderr).toBe(0)
    expect(first.json<PubResult>().jetstream).toEqual([{duplicate: false, seq: 1, stream: 'ORDERS', subject: 'orders.new'}])
    const again = await runCli(['pub', 'orders.new', 'one', '--jetstream', '--msg-id', 'order-1', '--json', '-s', server.url])
    expect(again.json<PubResult>().jetstream).toEqual([{duplicate: true, seq: 1, stream: 'ORDERS', subject: 'orders.new'}])
    const human = await runCli(['pub', 'orders.new', 'one', '--jetstream', '--msg-id', 'order-1', '-s', server.url])
    expect(human.stdout).toMatch(/Stored in stream ORDERS sequence 1 \(duplicate/)
    const info = await (await jetstreamManager(nc)).streams.info('ORDERS')
    expect(info.state.messages).toBe(1)
  })

  it('templated msg ids de-duplicate per message', async () => {
    const res = await runCli(['pub', 'orders.batch', 'b{{Count}}', '--count', '5', '--jetstream', '--msg-id', 'batch-{{Count}}', '--json', '-s', server.url])
    expect(res.json<PubResult>().jetstream!.map((a) => a.seq)).toEqual([2, 3, 4, 5, 6])
    const again = await runCli(['pub', 'orders.batch', 'b{{Count}}', '--count', '5', '--jetstream', '--msg-id', 'batch-{{Count}}', '--json', '-s', server.url])
    expect(again.json<PubResult>().jetstream!.every((a) => a.duplicate)).toBe(true)
  })

  it('no stream for the subject exits 6 (no responders)', async () => {
    const res = await runCli(['pub', 'nostream.x', 'v', '--jetstream', '-s', server.url])
    expect(res.code).toBe(6)
    expect(res.stderr).toMatch(/no responders/)
  })
})

describe('sub --stream replay', () => {
  it('--all replays every message with JetStream metadata', async () => {
    const recs = await replay('--all')
    expect(recs.map((r) => r.data)).toEqual(Array.from({length: 10}, (_, i) => `r${i + 1}`))
    expect(recs[0].jetstream).toMatchObject({sequence: 1, stream: 'REPLAY'})
    expect(Number.isNaN(Date.parse(recs[0].jetstream!.time!))).toBe(false)
  })

  it('--last gives the last message only', async () => {
    expect((await replay('--last')).map((r) => r.data)).toEqual(['r10'])
  })

  it('--last-per-subject gives the last message of each subject', async () => {
    expect((await replay('--last-per-subject')).map((r) => r.data).sort()).toEqual(['r10', 'r8', 'r9'])
  })

  it('--start-sequence starts there', async () => {
    expect((await replay('--start-sequence', '8')).map((r) => r.jetstream!.sequence)).toEqual([8, 9, 10])
  })

  it('--since takes what was stored in that window', async () => {
    expect(await replay('--since', '1h')).toHaveLength(10)
  })

  it('a subject argument filters the replay', async () => {
    expect((await replay('--all', 'replay.b')).map((r) => r.data)).toEqual(['r2', 'r5', 'r8'])
  })

  it('--new gets only what is published after it starts, and --count ends it', async () => {
    const sub = spawnCli(['sub', '--stream', 'REPLAY', '--new', '--count', '2', '--json', '-s', server.url])
    await sub.waitFor('listening', 'stderr')
    await runCli(['pub', 'replay.n', 'n{{Count}}', '--count', '2', '--jetstream', '-s', server.url])
    const res = await sub.done
    expect(res.code, res.stderr).toBe(0)
    expect(res.ndjson<MessageRecord>().map((r) => r.data)).toEqual(['n1', 'n2'])
  })

  it('leaves no consumer behind', async () => {
    const jsm = await jetstreamManager(nc)
    const list = await jsm.consumers.list('REPLAY').next()
    expect(list).toHaveLength(0)
  })

  it('an unknown stream exits 3; start options without --stream on a subject no stream holds exit 3', async () => {
    const a = await runCli(['sub', '--stream', 'NOPE', '--all', '-s', server.url])
    expect(a.code).toBe(3)
    const b = await runCli(['sub', 'x', '--all', '-s', server.url])
    expect(b.code).toBe(3)
    expect(b.stderr).toMatch(/no stream holds subject "x"/)
  })
})

describe('server capabilities and --trace', () => {
  it('replays several subjects where the server has multiple filters; refuses them with exit 8 where it lacks them, before anything is sent', async () => {
    const facts = await serverFacts(server)
    const res = await runCli(['sub', '--stream', 'REPLAY', '--all', 'replay.a', 'replay.b', '--json', '--wait', '500ms', '-s', server.url])
    if (facts.caps.has('multi-filter')) {
      expect(res.code, res.stderr).toBe(0)
      expect(res.ndjson<MessageRecord>().map((r) => r.data)).toEqual(['r1', 'r2', 'r4', 'r5', 'r7', 'r8', 'r10'])
    } else {
      expect(res.code).toBe(8)
      // under --json the one-line error is JSON on stderr
      expect(res.stderr.trim().split('\n')).toHaveLength(1)
      const {error} = JSON.parse(res.stderr) as {error: {code: number; kind: string; message: string}}
      expect(error).toMatchObject({code: 8, kind: 'unsupported'})
      expect(error.message).toBe(`replaying several subjects at once (multiple filter subjects) requires nats-server 2.10.0; connected server is ${facts.version}`)
      expect(res.stdout).toBe('')
    }

    // nothing was left behind either way
    const jsm = await jetstreamManager(nc)
    expect(await jsm.consumers.list('REPLAY').next()).toHaveLength(0)
  })

  it('--trace prints JetStream API requests and replies on stderr, with secrets masked', async () => {
    const res = await runCli(['sub', '--stream', 'REPLAY', '--last', '--count', '1', '--json', '--trace', '--user', 'nobody', '--password', 'hunter2', '-s', server.url])
    // the server has no auth: user/password are ignored by it, and must still never be printed
    expect(res.code, res.stderr).toBe(0)
    expect(res.stderr).toContain('>>> $JS.API.STREAM.INFO.REPLAY')
    expect(res.stderr).toMatch(/<<< \$JS\.API\.STREAM\.INFO\.REPLAY \(\d+\.\d+ms\)\n\{/)
    expect(res.stderr).toContain('password=********')
    expect(res.stderr).not.toContain('hunter2')
    expect(res.ndjson()).toHaveLength(1)
  })
})

