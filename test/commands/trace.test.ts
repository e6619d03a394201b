// natsx trace: a message traced through a 3-node cluster (n1, n2, n3) and a leaf node (leaf1, joined to n3), with a
// client on each of n1, n2 and leaf1 and an R3 stream on the subject; the refusal where the server has no tracing.
import {connect, type Msg, type NatsConnection} from '@nats-io/transport-node'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {TraceResult} from '../../src/commands/trace.js'
import type {TraceMessage} from '../../src/lib/trace/types.js'

import {runCli} from '../helpers/cli.js'
import {type Cluster, type NatsServer, serverFacts, type ServerFacts, startCluster, startLeaf, waitFor} from '../helpers/servers.js'

describe('trace', () => {
  let cluster: Cluster
  let leaf: NatsServer
  let facts: ServerFacts
  const conns: NatsConnection[] = []
  const got = {leaf: [] as Msg[], n1: [] as Msg[], n2: [] as Msg[]}
  let n1: string
  beforeAll(async () => {
    cluster = await startCluster(3, {config: 'leafnodes { listen: "127.0.0.1:-1" }\n', placement: true})
    leaf = await startLeaf(cluster.servers[2], {name: 'leaf1'})
    facts = await serverFacts(cluster.servers[0])
    n1 = cluster.servers[0].url
    const [c1, c2, cl] = await Promise.all([connect({servers: n1}), connect({servers: cluster.servers[1].url}), connect({servers: leaf.url})])
    conns.push(c1, c2, cl)
    c1.subscribe('orders.x', {callback(_e, m) {
      got.n1.push(m)
    }})
    c2.subscribe('orders.*', {callback(_e, m) {
      got.n2.push(m)
    }, queue: 'workers'})
    cl.subscribe('orders.x', {callback(_e, m) {
      got.leaf.push(m)
    }})
    await Promise.all(conns.map((c) => c.flush()))
    // a cluster just formed may still answer "insufficient resources" for an R3 stream: ask until it is made
    await waitFor(async () => {
      const add = await c1.request('$JS.API.STREAM.CREATE.ORDERS', JSON.stringify({name: 'ORDERS', num_replicas: 3, subjects: ['orders.>']}), {timeout: 15_000})
      return add.json<{error?: unknown}>().error === undefined || undefined
    }, 30_000, 'the ORDERS stream')
    let warm = 0
    // every server knows every subscription before a message is traced: a plain message from n1 reaches all three
    await waitFor(async () => {
      c1.publish('orders.warmup', 'w')
      warm++
      await c1.flush()
      return got.n2.length > 0 || undefined
    }, 20_000, 'n2 to see the message')
    await waitFor(async () => {
      c1.publish('orders.x', 'w')
      warm++
      await c1.flush()
      return got.leaf.length > 0 || undefined
    }, 20_000, 'leaf1 to see the message')
    // every warm-up message is stored before a test counts the stream's messages
    await waitFor(async () => (await streamMsgs()) === warm || undefined, 20_000, 'the warm-up messages to be stored')
  }, 240_000)
  afterAll(async () => {
    await Promise.all(conns.map((c) => c.close()))
    await leaf?.destroy()
    await cluster?.destroy()
  })

  /** messages the clients got, the warm-up ones (body "w", some still on their way) left out */
  const delivered = (): {leaf: number; n1: number; n2: number} => {
    const n = (ms: Msg[]): number => ms.filter((m) => m.string() !== 'w').length
    return {leaf: n(got.leaf), n1: n(got.n1), n2: n(got.n2)}
  }

  const streamMsgs = async (): Promise<number> => (await conns[0].request('$JS.API.STREAM.INFO.ORDERS', '', {timeout: 10_000})).json<{state: {messages: number}}>().state.messages

  /** a second pair of eyes on the trace subject: every trace message that arrives there, seen by the test itself */
  const watch = async (dest: string): Promise<TraceMessage[]> => {
    const seen: TraceMessage[] = []
    conns[1].subscribe(dest, {callback(_e, m) {
      seen.push(m.json<TraceMessage>())
    }})
    await conns[1].flush()
    return seen
  }

  it('draws the path n1 → routes to n2 and n3 → leafnode to leaf1, with the stream and every subscription; the JSON has every event that arrived', async () => {
    const dest = `trace.check.${Date.now()}`
    const seen = await watch(dest)
    const before = {...delivered(), stored: await streamMsgs()}
    const r = await runCli(['trace', 'orders.x', 'hello', '--dest', dest, '--server', n1, '--timeout', '5s', '--json'])
    if (!facts.caps.has('message-trace')) {
      expect(r.code, r.stderr).toBe(8)
      expect(r.stdout).toBe('')
      const err = JSON.parse(r.stderr) as {error: {message: string}}
      expect(err.error.message).toContain('requires nats-server 2.11.0')
      expect(err.error.message).toContain(facts.version)
      // nothing was published: no client, no stream and no trace subject saw a message
      await Promise.all(conns.map((c) => c.flush()))
      expect({...delivered(), stored: await streamMsgs()}).toEqual(before)
      expect(seen).toEqual([])
      return
    }

    expect(r.code, r.stderr).toBe(0)
    const out = r.json<TraceResult>()
    expect(out).toMatchObject({complete: true, dest, ended: 'complete', missing_hops: [], subject: 'orders.x', trace_only: false})
    // the JSON holds exactly the trace messages that arrived on the subject, event for event
    await waitFor(() => seen.length >= out.traces.length || undefined, 10_000, 'the test to see every trace message')
    await conns[1].flush()
    const key = (m: TraceMessage): string => `${m.server.name}|${JSON.stringify(m.events)}`
    expect(out.traces.map((m) => key(m)).sort()).toEqual(seen.map((m) => key(m)).sort())
    const arrived = seen.reduce((n, m) => n + m.events.length, 0)
    expect(out.counts.events).toBe(arrived)
    expect(out.traces.reduce((n, m) => n + m.events.length, 0)).toBe(arrived)
    expect(out.traces.map((m) => m.server.name).sort()).toEqual(['leaf1', 'n1', 'n2', 'n3'])
    expect(out.counts).toMatchObject({egress: {client: 3, leafnode: 1, route: 2}, jetstream: 1, servers: 4})
    // the message was delivered: one more for each client and one more stored
    await waitFor(() => {
      const now = delivered()
      return (now.leaf > before.leaf && now.n1 > before.n1 && now.n2 > before.n2) || undefined
    }, 10_000, 'delivery')
    expect(await streamMsgs()).toBe(before.stored + 1)

    const text = await runCli(['trace', 'orders.x', 'hello', '--server', n1, '--timeout', '5s'])
    expect(text.code, text.stderr).toBe(0)
    const lines = text.stdout.split('\n')
    const at = (re: RegExp): {indent: number; line: string} => {
      const line = lines.find((l) => re.test(l))
      expect(line, `${re} in\n${text.stdout}`).toBeDefined()
      return {indent: line!.length - line!.trimStart().length, line: line!}
    }

    const time = /[+-]\d+\.\d{3} ms/
    const root = at(/^n1 {2}\[/)
    expect(root.line).toContain(`nats-server ${facts.version}`)
    const ingress = at(/ in +client( "natsx")? cid:\d+, account \$G, subject orders\.x/)
    expect(ingress.line).toMatch(/\+0\.000 ms/)
    for (const re of [/ out +route to n2 \(cid:\d+, hop \d\)/, / out +route to n3 \(cid:\d+, hop \d\)/, / out +client cid:\d+, subscription orders\.x$/]) {
      expect(at(re).indent).toBe(ingress.indent)
      expect(at(re).line).toMatch(time)
    }

    const n3 = at(/^ +n3 {2}\[.*hop \d$/)
    expect(n3.indent).toBeGreaterThan(root.indent)
    expect(at(/^ +n2 {2}\[.*hop \d$/).indent).toBe(n3.indent)
    expect(at(/ out +client cid:\d+, subscription orders\.\*, queue workers/).indent).toBeGreaterThan(n3.indent)
    const toLeaf = at(/ out +leafnode to leaf1 \(cid:\d+, hop \d\.\d\)/)
    expect(toLeaf.indent).toBeGreaterThan(n3.indent)
    const leafNode = at(/^ +leaf1 {2}\[.*hop \d\.\d$/)
    expect(leafNode.indent).toBeGreaterThan(toLeaf.indent)
    expect(at(/ in +leafnode from n3 \(cid:\d+\), account \$G, subject orders\.x/).indent).toBeGreaterThan(leafNode.indent)
    expect(at(/ in +route from n1 \(cid:\d+\)/).indent).toBeGreaterThan(root.indent)
    // the stream is stored by its leader, on whichever server that is
    expect(at(/ js +stream ORDERS, subject orders\.x$/).line).toMatch(time)
    expect(text.stdout).toContain(`4 server(s), ${out.counts.events} event(s); egress: 3 client, 2 route, 1 leafnode; JetStream: 1`)
  }, 60_000)

  it('--trace-only traces the same path without delivering the message or storing it', async ({skip}) => {
    if (!facts.caps.has('message-trace')) skip() // the refusal is checked above, with nothing sent
    await Promise.all(conns.map((c) => c.flush()))
    const before = {...delivered(), stored: await streamMsgs()}
    const r = await runCli(['trace', 'orders.x', 'not for delivery', '--trace-only', '--server', n1, '--timeout', '5s', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const out = r.json<TraceResult>()
    expect(out).toMatchObject({complete: true, trace_only: true})
    expect(out.traces.map((m) => m.server.name).sort()).toEqual(['leaf1', 'n1', 'n2', 'n3'])
    expect(out.counts.egress).toMatchObject({client: 3, leafnode: 1, route: 2})
    for (const m of out.traces) expect(m.request?.header?.['Nats-Trace-Only']).toEqual(['true'])
    // a plain message after it arrives everywhere, and the traced one did not
    conns[0].publish('orders.x', 'after')
    await waitFor(() => [got.leaf, got.n1, got.n2].every((ms) => ms.at(-1)?.string() === 'after') || undefined, 10_000, 'the plain message')
    expect(delivered()).toEqual({leaf: before.leaf + 1, n1: before.n1 + 1, n2: before.n2 + 1})
    expect([got.leaf, got.n1, got.n2].flat().some((m) => m.string() === 'not for delivery')).toBe(false)
    expect(await streamMsgs()).toBe(before.stored + 1)
  }, 60_000)

  it('bad input is exit 2 before anything is sent', async () => {
    for (const args of [['trace', 'orders.*'], ['trace', 'orders.x', '--dest', 'a b'], ['trace', 'orders.x', '--header', 'nocolon']]) {
      const r = await runCli([...args, '--server', n1])
      expect(r.code, r.stderr).toBe(2)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
    }
  })
})
