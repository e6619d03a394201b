// stream/consumer/server graph in their batch form (--iterations N --json: NDJSON samples) against a live server with
// traffic: N samples of the documented shape, rates that match the traffic, and figures equal to the server's own
// (stream info, consumer info, varz); and the refusals (no terminal, --json without --iterations, bad names).
// Then the batch form through a server restart: disconnected samples while the server is away, no rate across the gap,
// real samples once it is back; and a server that never comes back (exit 6, every sample disconnected).
import {AckPolicy, jetstream, jetstreamManager, type JetStreamManager} from '@nats-io/jetstream'
import {connect, type NatsConnection} from '@nats-io/transport-node'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {ConsumerGraphGap, ConsumerGraphSample} from '../../src/lib/graph/consumer.js'
import type {ServerGraphGap, ServerGraphSample} from '../../src/lib/graph/server.js'
import type {StreamGraphGap, StreamGraphSample} from '../../src/lib/graph/stream.js'

import {runCli, spawnCli} from '../helpers/cli.js'
import {type NatsServer, startServer, waitFor} from '../helpers/servers.js'
import {startTraffic, type Traffic} from '../helpers/traffic.js'

const RATE = 200
/**
 * Resolves once the server has answered the stream info request of another client's priming sample and has written
 * that answer out to it: the request is seen on $JS.API.STREAM.INFO.<stream> (its reply subject noted), and /connz
 * then shows the client that listens on that reply subject with a message sent and nothing pending. Stopping or
 * freezing the server before that would fail the priming sample itself (exit 6 at once, nothing printed).
 */
async function primingAnswered(server: NatsServer, nc: NatsConnection, stream: string): Promise<void> {
  const reply = await new Promise<string>((resolve) => {
    nc.subscribe(`$JS.API.STREAM.INFO.${stream}`, {callback: (_e, m) => resolve(m.reply ?? ''), max: 1})
  })
  const inbox = `${reply.slice(0, reply.lastIndexOf('.'))}.*`
  type Conn = {out_msgs: number; pending_bytes: number; subscriptions_list?: string[]}
  await waitFor(
    async () => {
      const connz = (await (await fetch(`${server.monitorUrl}/connz?subs=1`)).json()) as {connections: Conn[]}
      const c = connz.connections.find((x) => x.subscriptions_list?.includes(inbox) || x.subscriptions_list?.includes(reply))
      return c && c.out_msgs >= 1 && c.pending_bytes === 0 ? true : undefined
    },
    10_000,
    'the priming sample to be answered',
  )
}

const CONFIG = `
accounts {
  SYS { users: [ { user: sys, password: sys } ] }
  APP { jetstream: enabled, users: [ { user: app, password: app } ] }
}
system_account: SYS
`

const STREAM_KEYS = ['bytes', 'consumers', 'first_seq', 'last_seq', 'messages', 'messages_per_sec', 'stream', 'time']
const CONSUMER_KEYS = ['acked', 'acked_per_sec', 'consumer', 'delivered', 'delivered_per_sec', 'outstanding_acks', 'pending', 'redelivered', 'stream', 'time', 'waiting']
const SERVER_KEYS = ['connections', 'cpu', 'in_bytes', 'in_bytes_per_sec', 'in_msgs', 'in_msgs_per_sec', 'mem', 'out_bytes', 'out_bytes_per_sec', 'out_msgs', 'out_msgs_per_sec', 'server', 'server_id', 'slow_consumers', 'time']

/** within ±15% of the traffic's rate (the machine is shared, so the local clock of a 2.9 server's samples jitters) */
const nearRate = (v: null | number): boolean => v !== null && v > RATE * 0.85 && v < RATE * 1.15

describe('graph commands, batch form', () => {
  let server: NatsServer
  let nc: NatsConnection
  let jsm: JetStreamManager
  let app: string[]
  let sys: string[]
  beforeAll(async () => {
    server = await startServer({config: CONFIG})
    app = ['--server', server.url, '--user', 'app', '--password', 'app']
    sys = ['--server', server.url, '--user', 'sys', '--password', 'sys']
    nc = await connect({pass: 'app', servers: server.url, user: 'app'})
    jsm = await jetstreamManager(nc)
  })
  afterAll(async () => {
    await nc?.close()
    await server?.destroy()
  })

  it('stream graph: N samples whose rate is the traffic and whose figures are stream info', async () => {
    await jsm.streams.add({name: 'GS', subjects: ['gs.>']})
    await jsm.consumers.add('GS', {ack_policy: AckPolicy.Explicit, durable_name: 'one'})
    const traffic = await startTraffic({pass: 'app', rate: RATE, servers: [server.url], size: 100, subject: 'gs.in', user: 'app'})
    let r
    try {
      r = await runCli(['stream', 'graph', 'GS', ...app, '--iterations', '3', '--interval', '1', '--json'])
    } finally {
      await traffic.stop()
    }

    expect(r.code, r.stderr).toBe(0)
    const samples = r.ndjson<StreamGraphSample>()
    expect(samples).toHaveLength(3)
    for (const s of samples) {
      expect(Object.keys(s).sort()).toEqual(STREAM_KEYS)
      expect(s.stream).toBe('GS')
      expect(nearRate(s.messages_per_sec), JSON.stringify(s)).toBe(true)
      expect(s.messages).toBe(s.last_seq - s.first_seq + 1)
      expect(s.consumers).toBe(1)
    }

    expect(samples[1].last_seq).toBeGreaterThan(samples[0].last_seq)
    expect(samples[2].last_seq).toBeGreaterThan(samples[1].last_seq)

    // with the traffic stopped, a sample is the stream's own state and no rate
    const still = await runCli(['stream', 'graph', 'GS', ...app, '--iterations', '1', '--interval', '0.2', '--json'])
    expect(still.code, still.stderr).toBe(0)
    const [s] = still.ndjson<StreamGraphSample>()
    const si = await jsm.streams.info('GS')
    expect(s).toMatchObject({bytes: si.state.bytes, consumers: si.state.consumer_count, first_seq: si.state.first_seq, last_seq: si.state.last_seq, messages: si.state.messages, messages_per_sec: 0})
    expect(s.messages).toBeGreaterThanOrEqual(samples[2].messages)
  })

  it('consumer graph: delivery and ack rates of a busy consumer, then the figures of consumer info', async () => {
    await jsm.streams.add({name: 'GC', subjects: ['gc.>']})
    await jsm.consumers.add('GC', {ack_policy: AckPolicy.Explicit, durable_name: 'worker'})
    const js = jetstream(nc)
    const worker = await (await js.consumers.get('GC', 'worker')).consume({max_messages: 100})
    const working = (async () => {
      for await (const m of worker) m.ack()
    })()
    const traffic = await startTraffic({pass: 'app', rate: RATE, servers: [server.url], size: 50, subject: 'gc.in', user: 'app'})
    let r
    try {
      r = await runCli(['consumer', 'graph', 'GC', 'worker', ...app, '--iterations', '3', '--interval', '1', '--json'])
    } finally {
      await traffic.stop()
      await worker.close()
      await working
    }

    expect(r.code, r.stderr).toBe(0)
    const samples = r.ndjson<ConsumerGraphSample>()
    expect(samples).toHaveLength(3)
    for (const s of samples) {
      expect(Object.keys(s).sort()).toEqual(CONSUMER_KEYS)
      expect(s).toMatchObject({consumer: 'worker', stream: 'GC'})
      expect(nearRate(s.delivered_per_sec), JSON.stringify(s)).toBe(true)
      expect(nearRate(s.acked_per_sec), JSON.stringify(s)).toBe(true)
    }

    // a consumer that holds messages unacknowledged until some come again: outstanding, pending and redelivered
    await jsm.consumers.add('GC', {ack_policy: AckPolicy.Explicit, ack_wait: 500_000_000, durable_name: 'slow', max_deliver: 10})
    const slow = await js.consumers.get('GC', 'slow')
    await waitFor(async () => {
      const batch = await slow.fetch({expires: 1000, max_messages: 5})
      // taken and never acknowledged
      const held = []
      for await (const m of batch) held.push(m.seq)
      const ci = await jsm.consumers.info('GC', 'slow')
      return ci.num_redelivered > 0 ? ci : undefined
    }, 20_000, 'redeliveries')
    const still = await runCli(['consumer', 'graph', 'GC', 'slow', ...app, '--iterations', '1', '--interval', '0.2', '--json'])
    expect(still.code, still.stderr).toBe(0)
    const [s] = still.ndjson<ConsumerGraphSample>()
    const ci = await jsm.consumers.info('GC', 'slow')
    expect(s).toMatchObject({
      acked: ci.ack_floor.consumer_seq,
      acked_per_sec: 0,
      delivered: ci.delivered.consumer_seq,
      delivered_per_sec: 0,
      outstanding_acks: ci.num_ack_pending,
      pending: ci.num_pending,
      redelivered: ci.num_redelivered,
    })
    expect(s.outstanding_acks).toBeGreaterThan(0)
    expect(s.redelivered).toBeGreaterThan(0)
    expect(s.pending).toBeGreaterThan(0)
  })

  it('server graph: rates of the traffic and varz figures, over the monitoring port and over $SYS', async () => {
    const traffic: Traffic = await startTraffic({pass: 'app', rate: RATE, servers: [server.url], size: 100, subject: 'gv.in', user: 'app'})
    let http
    let overSys
    try {
      http = await runCli(['server', 'graph', '--monitor', `127.0.0.1:${server.monitorPort}`, '--iterations', '3', '--interval', '1', '--json'])
      overSys = await runCli(['server', 'graph', server.name, ...sys, '--iterations', '2', '--interval', '1', '--json'])
    } finally {
      await traffic.stop()
    }

    for (const [r, n] of [[http, 3], [overSys, 2]] as const) {
      expect(r.code, r.stderr).toBe(0)
      const samples = r.ndjson<ServerGraphSample>()
      expect(samples).toHaveLength(n)
      for (const s of samples) {
        expect(Object.keys(s).sort()).toEqual(SERVER_KEYS)
        expect(s.server).toBe(server.name)
        // the server also counts other clients' requests (natsx's own $SYS ones), so only the lower bound is tight
        expect(s.in_msgs_per_sec!, JSON.stringify(s)).toBeGreaterThan(RATE * 0.85)
        expect(s.in_msgs_per_sec!, JSON.stringify(s)).toBeLessThan(RATE * 1.15 + 10)
        expect(s.out_msgs_per_sec!, JSON.stringify(s)).toBeGreaterThan(RATE * 0.85)
        expect(s.in_bytes_per_sec! / s.in_msgs_per_sec!).toBeGreaterThan(90)
        expect(s.mem).toBeGreaterThan(0)
        expect(s.cpu).toBeGreaterThanOrEqual(0)
      }
    }

    // with the traffic stopped, a sample over HTTP is varz's own figures
    const still = await runCli(['server', 'graph', '--monitor', server.monitorUrl, '--iterations', '1', '--interval', '0.2', '--json'])
    expect(still.code, still.stderr).toBe(0)
    const [s] = still.ndjson<ServerGraphSample>()
    const varz = (await (await fetch(`${server.monitorUrl}/varz`)).json()) as Record<string, number | string>
    expect(s).toMatchObject({connections: varz.connections, in_msgs: varz.in_msgs, out_msgs: varz.out_msgs, server_id: varz.server_id, slow_consumers: varz.slow_consumers})
    expect(s.in_msgs_per_sec).toBe(0)
  })

  it('without a terminal, or with --json alone, each says to use the batch form (exit 2)', async () => {
    for (const cmd of [['stream', 'graph', 'GS'], ['consumer', 'graph', 'GC', 'worker'], ['server', 'graph']]) {
      const plain = await runCli([...cmd, ...app])
      expect(plain.code, plain.stderr).toBe(2)
      expect(plain.stderr.trim().split('\n'), plain.stderr).toHaveLength(1)
      expect(plain.stderr).toMatch(/needs a terminal.*--iterations N --json/)
      const json = await runCli([...cmd, ...app, '--json'])
      expect(json.code, json.stderr).toBe(2)
      expect(JSON.parse(json.stderr).error.hint).toMatch(/--iterations N --json/)
    }
  })

  it('Ctrl-C (SIGINT) ends the batch form with exit 130, the samples printed so far whole', async () => {
    const run = spawnCli(['stream', 'graph', 'GS', ...app, '--iterations', '100', '--interval', '0.2', '--json'])
    await run.waitFor(/"stream":"GS".*\n/)
    run.child.kill('SIGINT')
    const r = await run.done
    expect(r.code, r.stderr).toBe(130)
    const samples = r.ndjson<StreamGraphSample>()
    expect(samples.length).toBeGreaterThan(0)
    expect(samples.length).toBeLessThan(100)
  })

  it('bad flags are exit 2; a sample without --json is one line of text; missing names are exit 3', async () => {
    for (const [cmd, bad] of [[['stream', 'graph', 'GS'], ['--interval', '0.01']], [['consumer', 'graph', 'GC', 'worker'], ['--iterations', '0']], [['server', 'graph'], ['--sys', '--monitor', 'x:1', '--iterations', '1']]]) {
      const r = await runCli([...cmd, ...app, ...bad])
      expect(r.code, `${bad.join(' ')}: ${r.stderr}`).toBe(2)
    }

    const text = await runCli(['stream', 'graph', 'GS', ...app, '--iterations', '1', '--interval', '0.2'])
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toMatch(/^Stream GS {2}messages in 0\/s {2}messages [\d,]+ {2}bytes .+ {2}consumers 1\n$/)

    for (const args of [['stream', 'graph', 'NOPE'], ['consumer', 'graph', 'NOPE', 'x'], ['consumer', 'graph', 'GS', 'nope']]) {
      const r = await runCli([...args, ...app, '--iterations', '1'])
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(3)
      expect(r.stderr).toMatch(/not found/)
    }

    const none = await runCli(['server', 'graph', 'nope', '--monitor', server.monitorUrl, '--iterations', '1'])
    expect(none.code, none.stderr).toBe(3)
  })
})

describe('graph commands, batch form, when the server goes away', () => {
  let server: NatsServer
  let app: string[]
  beforeAll(async () => {
    server = await startServer({config: CONFIG})
    app = ['--server', server.url, '--user', 'app', '--password', 'app', '--timeout', '1s']
    const nc = await connect({pass: 'app', servers: server.url, user: 'app'})
    try {
      const jsm = await jetstreamManager(nc)
      await jsm.streams.add({name: 'GR', subjects: ['gr.>']})
      for (let i = 0; i < 5; i++) await nc.request('gr.in', 'x')
      await jsm.consumers.add('GR', {ack_policy: AckPolicy.Explicit, durable_name: 'idle'})
    } finally {
      await nc.close()
    }
  })
  afterAll(async () => {
    await server?.destroy()
  })

  const GAP_KEYS = ['disconnected', 'error', 'time']
  /** a line of a real sample (one that has this field, and is not marked disconnected) */
  const realLine = (field: string): RegExp => new RegExp(`^\\{(?!.*"disconnected").*"${field}":.*\\n`, 'm')

  /** the lines after the first disconnected one: the restart test's "real after the gap" */
  const afterGap = <T extends object>(lines: T[]): T[] => lines.slice(lines.findIndex((l) => 'disconnected' in l))

  /** stop the server once the run has printed a real sample, wait for a disconnected one, start it again; the lines */
  async function throughRestart<T extends object>(args: string[], real: RegExp): Promise<{code: null | number; lines: T[]; stderr: string}> {
    const run = spawnCli(args, {timeoutMs: 90_000})
    await run.waitFor(real)
    await server.stop()
    await run.waitFor(/"disconnected":true/)
    await server.start()
    const printed = run.stdout().length
    // a real sample printed after the server is back (the output up to the restart cannot match)
    await waitFor(() => (real.test(run.stdout().slice(printed)) ? true : undefined), 60_000, 'a real sample after the restart')
    const r = await run.done
    return {code: r.code, lines: r.ndjson<T>(), stderr: r.stderr}
  }

  it('stream graph: disconnected samples while the server is away, counted in N, then real ones with no rate across the gap', async () => {
    const n = 30
    const r = await throughRestart<StreamGraphGap | StreamGraphSample>(['stream', 'graph', 'GR', ...app, '--iterations', String(n), '--interval', '0.2', '--json'], realLine('messages_per_sec'))
    expect(r.code, r.stderr).toBe(0)
    expect(r.lines).toHaveLength(n)
    const gaps = r.lines.filter((l): l is StreamGraphGap => 'disconnected' in l)
    expect(gaps.length).toBeGreaterThan(0)
    for (const g of gaps) {
      expect(Object.keys(g).sort()).toEqual([...GAP_KEYS, 'stream'].sort())
      expect(g).toMatchObject({disconnected: true, stream: 'GR'})
      expect(g.error.length).toBeGreaterThan(0)
      expect(g.error).not.toMatch(/\n/)
      expect(Number.isNaN(Date.parse(g.time))).toBe(false)
    }

    // real samples on both sides of the gap; the first after it has no rate (the stream is quiet: a rate computed across
    // the gap would read 0), and the ones after that have theirs again
    const before = r.lines.slice(0, r.lines.indexOf(gaps[0])) as StreamGraphSample[]
    expect(before.length).toBeGreaterThan(0)
    for (const s of before) expect(s.messages_per_sec).toBe(0)
    const tail = afterGap(r.lines)
    const back = tail.findIndex((l) => !('disconnected' in l))
    expect(back).toBeGreaterThan(0)
    const after = tail.slice(back) as StreamGraphSample[]
    expect(after.every((s) => !('disconnected' in s)), JSON.stringify(after)).toBe(true)
    expect(Object.keys(after[0]).sort()).toEqual(STREAM_KEYS)
    expect(after[0]).toMatchObject({last_seq: before[0].last_seq, messages_per_sec: null, stream: 'GR'})
    for (const s of after.slice(1)) expect(s.messages_per_sec).toBe(0)
  })

  it('consumer graph: the same through a restart, the consumer\'s rates re-primed after the gap', async () => {
    const n = 30
    const r = await throughRestart<ConsumerGraphGap | ConsumerGraphSample>(['consumer', 'graph', 'GR', 'idle', ...app, '--iterations', String(n), '--interval', '0.2', '--json'], realLine('delivered_per_sec'))
    expect(r.code, r.stderr).toBe(0)
    expect(r.lines).toHaveLength(n)
    const gaps = r.lines.filter((l): l is ConsumerGraphGap => 'disconnected' in l)
    expect(gaps.length).toBeGreaterThan(0)
    for (const g of gaps) {
      expect(Object.keys(g).sort()).toEqual([...GAP_KEYS, 'consumer', 'stream'].sort())
      expect(g).toMatchObject({consumer: 'idle', disconnected: true, stream: 'GR'})
    }

    const tail = afterGap(r.lines)
    const back = tail.findIndex((l) => !('disconnected' in l))
    expect(back).toBeGreaterThan(0)
    const after = tail.slice(back) as ConsumerGraphSample[]
    expect(after.every((s) => !('disconnected' in s)), JSON.stringify(after)).toBe(true)
    expect(Object.keys(after[0]).sort()).toEqual(CONSUMER_KEYS)
    // the consumer is idle: a rate computed across the gap would read 0
    expect(after[0]).toMatchObject({acked_per_sec: null, consumer: 'idle', delivered_per_sec: null, pending: 5})
    for (const s of after.slice(1)) expect(s).toMatchObject({acked_per_sec: 0, delivered_per_sec: 0})
  })

  it('server graph over the monitoring port: the refused connection is a disconnected sample; after the restart a new server epoch', async () => {
    const n = 30
    const r = await throughRestart<ServerGraphGap | ServerGraphSample>(['server', 'graph', '--monitor', server.monitorUrl, '--timeout', '1s', '--iterations', String(n), '--interval', '0.2', '--json'], realLine('in_msgs_per_sec'))
    expect(r.code, r.stderr).toBe(0)
    expect(r.lines).toHaveLength(n)
    const gaps = r.lines.filter((l): l is ServerGraphGap => 'disconnected' in l)
    expect(gaps.length).toBeGreaterThan(0)
    const before = r.lines.slice(0, r.lines.indexOf(gaps[0])) as ServerGraphSample[]
    for (const g of gaps) {
      expect(Object.keys(g).sort()).toEqual([...GAP_KEYS, 'server', 'server_id'].sort())
      expect(g).toMatchObject({disconnected: true, server: server.name, server_id: before.at(-1)!.server_id})
      expect(g.error.length).toBeGreaterThan(0)
    }

    const tail = afterGap(r.lines)
    const back = tail.findIndex((l) => !('disconnected' in l))
    expect(back).toBeGreaterThan(0)
    const after = tail.slice(back) as ServerGraphSample[]
    expect(after.every((s) => !('disconnected' in s)), JSON.stringify(after)).toBe(true)
    expect(Object.keys(after[0]).sort()).toEqual(SERVER_KEYS)
    expect(after[0]).toMatchObject({in_bytes_per_sec: null, in_msgs_per_sec: null, out_bytes_per_sec: null, out_msgs_per_sec: null, server: server.name})
    for (const s of after.slice(1)) expect(s.in_msgs_per_sec).not.toBeNull()
  })

  it('server graph over $SYS: a mute server (stopped with SIGSTOP) gives disconnected samples, and no rate spans the silence', async () => {
    const sys = ['--server', server.url, '--user', 'sys', '--password', 'sys', '--timeout', '1s']
    const n = 30
    const run = spawnCli(['server', 'graph', server.name, ...sys, '--iterations', String(n), '--interval', '0.2', '--json'], {timeoutMs: 90_000})
    await run.waitFor(realLine('in_msgs_per_sec'))
    process.kill(server.pid!, 'SIGSTOP')
    try {
      await run.waitFor(/"disconnected":true/)
    } finally {
      process.kill(server.pid!, 'SIGCONT')
    }

    const printed = run.stdout().length
    await waitFor(() => (realLine('in_msgs_per_sec').test(run.stdout().slice(printed)) ? true : undefined), 60_000, 'a real sample after SIGCONT')
    const r = await run.done
    expect(r.code, r.stderr).toBe(0)
    const lines = r.ndjson<ServerGraphGap | ServerGraphSample>()
    expect(lines).toHaveLength(n)
    const tail = afterGap(lines)
    const back = tail.findIndex((l) => !('disconnected' in l))
    expect(back).toBeGreaterThan(0)
    const after = tail.slice(back) as ServerGraphSample[]
    // the same server (same id and start), so only the re-priming keeps a rate from spanning the silence
    const before = lines[0] as ServerGraphSample
    expect(after[0]).toMatchObject({in_msgs_per_sec: null, out_msgs_per_sec: null, server_id: before.server_id})
    expect(after.slice(1).every((s) => !('disconnected' in s) && s.in_msgs_per_sec !== null), JSON.stringify(after)).toBe(true)
  })

  it('text lines: "<title>  disconnected: <why>" between the sample lines', async () => {
    const run = spawnCli(['stream', 'graph', 'GR', ...app, '--iterations', '30', '--interval', '0.2'], {timeoutMs: 90_000})
    await run.waitFor(/^Stream GR {2}messages in/m)
    await server.stop()
    await run.waitFor(/^Stream GR {2}disconnected: \S.*\n/m)
    await server.start()
    const printed = run.stdout().length
    await waitFor(() => (/^Stream GR {2}messages in/m.test(run.stdout().slice(printed)) ? true : undefined), 60_000, 'a sample line after the restart')
    const r = await run.done
    expect(r.code, r.stderr).toBe(0)
    const lines = r.stdout.trimEnd().split('\n')
    expect(lines).toHaveLength(30)
    for (const l of lines) expect(l).toMatch(/^Stream GR {2}(messages in \S+ {2}messages|disconnected: \S)/)
    // the first line after the gap has no rate yet
    const back = lines.findIndex((l, i) => i > 0 && /disconnected/.test(lines[i - 1]) && !/disconnected/.test(l))
    expect(lines[back]).toMatch(/^Stream GR {2}messages in [–-] {2}/)
  })

  it('Ctrl-C while every sample so far was disconnected still ends the run with exit 130 (not 6)', async () => {
    // the server goes mute (SIGSTOP) as soon as the priming sample, not printed, has had its answer
    const nc = await connect({pass: 'app', servers: server.url, user: 'app'})
    const asked = primingAnswered(server, nc, 'GR')
    await nc.flush()
    const run = spawnCli(['stream', 'graph', 'GR', '--server', server.url, '--user', 'app', '--password', 'app', '--timeout', '500ms', '--iterations', '100', '--interval', '1', '--json'], {timeoutMs: 60_000})
    await Promise.race([asked, run.done.then((r) => { throw new Error(`ended before its first sample: ${r.stderr}`); })])
    process.kill(server.pid!, 'SIGSTOP')
    try {
      await run.waitFor(/"disconnected":true/)
      run.child.kill('SIGINT')
      const r = await run.done
      expect(r.code, r.stderr).toBe(130)
      const lines = r.ndjson<StreamGraphGap>()
      expect(lines.length).toBeGreaterThan(0)
      expect(lines.length).toBeLessThan(100)
      for (const l of lines) expect(l).toMatchObject({disconnected: true, stream: 'GR'})
    } finally {
      process.kill(server.pid!, 'SIGCONT')
      await nc.close()
    }
  })

  it('a server that never comes back: every printed sample disconnected, exit 6, and the run ends', async () => {
    // its own server, stopped for good once the priming sample (not printed) has had its answer
    const lone = await startServer({config: CONFIG})
    try {
      const nc = await connect({pass: 'app', servers: lone.url, user: 'app'})
      await (await jetstreamManager(nc)).streams.add({name: 'GONE', subjects: ['gone.>']})
      const asked = primingAnswered(lone, nc, 'GONE')
      await nc.flush()
      const run = spawnCli(['stream', 'graph', 'GONE', '--server', lone.url, '--user', 'app', '--password', 'app', '--timeout', '1s', '--iterations', '2', '--interval', '2', '--json'], {timeoutMs: 60_000})
      await asked
      await nc.close()
      await lone.stop()
      const r = await run.done
      expect(r.code, r.stderr).toBe(6)
      const lines = r.ndjson<StreamGraphGap>()
      expect(lines).toHaveLength(2)
      for (const l of lines) expect(l).toMatchObject({disconnected: true, stream: 'GONE'})
      expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1)
      expect(JSON.parse(r.stderr).error).toMatchObject({code: 6, kind: 'connection'})
    } finally {
      await lone.destroy()
    }
  })
})
