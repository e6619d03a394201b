import {jetstreamManager, type JetStreamManager} from '@nats-io/jetstream'
import {connect, type NatsConnection} from '@nats-io/transport-node'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {BenchResult} from '../../../src/lib/bench/types.js'

import {FEATURES} from '../../../src/lib/capabilities.js'
import {runCli} from '../../helpers/cli.js'
import {type NatsServer, serverFacts, type ServerFacts, startServer} from '../../helpers/servers.js'

let server: NatsServer
let nc: NatsConnection
let jsm: JetStreamManager
let facts: ServerFacts
beforeAll(async () => {
  server = await startServer()
  nc = await connect({servers: server.url})
  jsm = await jetstreamManager(nc)
  facts = await serverFacts(server)
})
afterAll(async () => {
  await nc?.close()
  await server?.destroy()
})

const bench = async (args: string[]): Promise<BenchResult> => {
  const res = await runCli(['bench', ...args, '--json', '-s', server.url])
  expect(res.code, res.stderr).toBe(0)
  return res.json<BenchResult>()
}

const streamNames = async (): Promise<string[]> => {
  const names: string[] = []
  for await (const s of jsm.streams.list()) names.push(s.config.name)
  return names
}

/** The refusal: exit 8, one line naming what the mode needs and the server's version, no stream made. */
async function expectRefused(args: string[], feature: keyof typeof FEATURES, stream: string): Promise<void> {
  const before = await streamNames()
  const res = await runCli(['bench', ...args, '-s', server.url])
  expect(res.code, res.stderr).toBe(8)
  const lines = res.stderr.trim().split('\n')
  expect(lines).toHaveLength(1)
  expect(lines[0]).toContain(`requires nats-server ${FEATURES[feature].version}`)
  expect(lines[0]).toContain(facts.version)
  expect(await streamNames()).toEqual(before)
  expect(before).not.toContain(stream)
}

describe('bench js pub --batch-mode', () => {
  it('atomic: batches of --batch-size, each acknowledged at its commit; refused where the server has no atomic batch', async () => {
    const args = ['js', 'pub', 'bb.atomic', '--stream', 'BBATOMIC', '--create', '--batch-mode', 'atomic', '--batch-size', '400', '--msgs', '1000', '--size', '64B']
    if (!facts.caps.has('stream-atomic-batch')) {
      await expectRefused(args, 'stream-atomic-batch', 'BBATOMIC')
      return
    }

    const r = await bench(args)
    expect(r.total).toMatchObject({bytes: 64_000, msgs: 1000})
    expect(r.options).toMatchObject({batch_mode: 'atomic', batch_size: 400, max_outstanding_acks: 2})
    // three batches (400, 400, 200), each timed from its first publish to its commit's ack
    expect(r.latency?.count).toBe(3)
    expect(r.latency_op).toContain('commit ack')
    const si = await jsm.streams.info('BBATOMIC')
    expect(si.state.messages).toBe(1000)
    expect((si.config as {allow_atomic?: boolean}).allow_atomic).toBe(true)
    // the last message of each batch carries the commit header: messages 400, 800 and 1000
    for (const seq of [400, 800, 1000]) {
      const m = await jsm.streams.getMessage('BBATOMIC', {seq})
      expect(m?.header?.get('Nats-Batch-Commit'), `seq ${seq}`).toBe('1')
    }
  })

  it('fast: one batch per --batch-size, flow acknowledged; refused where the server has no fast batch', async () => {
    const args = ['js', 'pub', 'bb.fast', '--stream', 'BBFAST', '--create', '--batch-mode', 'fast', '--batch-size', '700', '--batch', '100', '--clients', '2', '--msgs', '3000']
    if (!facts.caps.has('fast-batch')) {
      await expectRefused(args, 'fast-batch', 'BBFAST')
      return
    }

    const r = await bench(args)
    expect(r.total.msgs).toBe(3000)
    expect(r.clients.map((c) => c.msgs)).toEqual([1500, 1500])
    expect(r.options).toMatchObject({batch: 100, batch_mode: 'fast', batch_size: 700})
    expect(r.latency?.count).toBeGreaterThan(0)
    expect(r.latency_op).toContain('flow ack')
    const si = await jsm.streams.info('BBFAST')
    expect(si.state.messages).toBe(3000)
    expect((si.config as {allow_batched?: boolean}).allow_batched).toBe(true)
  })

  it('fast for a --duration ends its open batch with an end-of-batch commit: every message sent is stored', async () => {
    const args = ['js', 'pub', 'bb.fastd', '--stream', 'BBFASTD', '--create', '--batch-mode', 'fast', '--duration', '1s']
    if (!facts.caps.has('fast-batch')) {
      await expectRefused(args, 'fast-batch', 'BBFASTD')
      return
    }

    const r = await bench(args)
    expect(r.total.msgs).toBeGreaterThan(0)
    expect((await jsm.streams.info('BBFASTD')).state.messages).toBe(r.total.msgs)
  })

  it('a stream that does not allow the batch mode is exit 2, nothing sent', async () => {
    const feature = facts.caps.has('stream-atomic-batch') ? 'atomic' : undefined
    await jsm.streams.add({name: 'BBPLAIN', subjects: ['bb.plain']})
    if (!feature) {
      // the refusal comes first, whatever the stream
      await expectRefused(['js', 'pub', 'bb.plain', '--stream', 'BBPLAIN', '--batch-mode', 'atomic', '--msgs', '10'], 'stream-atomic-batch', 'NONE')
      return
    }

    const res = await runCli(['bench', 'js', 'pub', 'bb.plain', '--stream', 'BBPLAIN', '--batch-mode', 'atomic', '--msgs', '10', '-s', server.url])
    expect(res.code, res.stderr).toBe(2)
    expect(res.stderr).toContain('does not allow atomic batch publish (allow_atomic is not set)')
    expect((await jsm.streams.info('BBPLAIN')).state.messages).toBe(0)
  })

  it('flags that do not go together are exit 2', async () => {
    for (const [args, text] of [
      [['--batch-size', '10'], '--batch-size needs --batch-mode'],
      [['--batch-mode', 'atomic', '--mode', 'sync'], '--batch-mode and --mode sync'],
      [['--batch-mode', 'atomic', '--batch', '10'], '--batch does not apply to --batch-mode atomic'],
    ] as const) {
      const res = await runCli(['bench', 'js', 'pub', 'bb.x', '--stream', 'BBX', '--create', ...args, '-s', server.url])
      expect(res.code, res.stderr).toBe(2)
      expect(res.stderr).toContain(text)
    }

    expect(await streamNames()).not.toContain('BBX')
  })
})

describe('bench js pub async latency', () => {
  it('times every message from its publish to its acknowledgement', async () => {
    const r = await bench(['js', 'pub', 'bb.async', '--stream', 'BBASYNC', '--create', '--msgs', '2000', '--batch', '64'])
    expect(r.latency?.count).toBe(2000)
    expect(r.latency!.p50).toBeGreaterThan(0)
    expect(r.latency!.p99).toBeGreaterThanOrEqual(r.latency!.p50)
    expect(r.latency_op).toBe('message: publish → ack')
    expect((await jsm.streams.info('BBASYNC')).state.messages).toBe(2000)
    const human = await runCli(['bench', 'js', 'pub', 'bb.async', '--stream', 'BBASYNC', '--msgs', '500', '-s', server.url])
    expect(human.code, human.stderr).toBe(0)
    expect(human.stdout).toMatch(/latency \(message: publish → ack\) µs: min [\d,.]+ .* p50 [\d,.]+ \| p90 [\d,.]+ \| p99 [\d,.]+/)
  })
})

describe('bench js get', () => {
  beforeAll(async () => {
    await bench(['js', 'pub', 'bb.get', '--stream', 'BBGET', '--create', '--msgs', '300', '--size', '40B'])
  })

  it('sync: one direct get per message, in sequence order, wrapping round the stream', async () => {
    const r = await bench(['js', 'get', '--stream', 'BBGET', '--clients', '2', '--msgs', '500'])
    expect(r.total).toMatchObject({bytes: 500 * 40, msgs: 500})
    expect(r.latency?.count).toBe(500)
    expect(r.options).toMatchObject({js_get_mode: 'sync', stream: 'BBGET'})
    expect(r.warnings).toEqual([])
  })

  it('batch: --batch messages per request where the server has batched direct gets; refused before', async () => {
    const args = ['js', 'get', '--stream', 'BBGET', '--mode', 'batch', '--batch', '100', '--msgs', '1000']
    if (!facts.caps.has('direct-get-batch')) {
      const res = await runCli(['bench', ...args, '-s', server.url])
      expect(res.code, res.stderr).toBe(8)
      expect(res.stderr.trim().split('\n')).toHaveLength(1)
      expect(res.stderr).toContain(`requires nats-server ${FEATURES['direct-get-batch'].version}`)
      expect(res.stderr).toContain(facts.version)
      return
    }

    const r = await bench(args)
    expect(r.total).toMatchObject({bytes: 1000 * 40, msgs: 1000})
    // ten requests of 100 (the stream holds 300: the reads wrap round)
    expect(r.latency?.count).toBe(10)
    expect(r.latency_op).toContain('batch')
  })

  it('a stream without direct gets is exit 2; a missing stream exit 3', async () => {
    await jsm.streams.add({name: 'BBNODIRECT', subjects: ['bb.nodirect']})
    const res = await runCli(['bench', 'js', 'get', '--stream', 'BBNODIRECT', '-s', server.url])
    expect(res.code, res.stderr).toBe(2)
    expect(res.stderr).toContain('does not allow direct gets')
    const missing = await runCli(['bench', 'js', 'get', '--stream', 'NOPE', '-s', server.url])
    expect(missing.code, missing.stderr).toBe(3)
  })
})
