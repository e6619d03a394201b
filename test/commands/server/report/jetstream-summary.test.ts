// server report jetstream (per-server summary and meta group), server report cpu and mem: on a single server and on
// a 3-node cluster, over $SYS (system-account user), over HTTP, and refused over $SYS to a user without the rights.
import {connect, type NatsConnection} from '@nats-io/transport-node'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {ServerReportCpuResult} from '../../../../src/commands/server/report/cpu.js'
import type {ServerReportJetStreamResult} from '../../../../src/commands/server/report/jetstream.js'
import type {ServerReportMemResult} from '../../../../src/commands/server/report/mem.js'

import {runCli} from '../../../helpers/cli.js'
import {type Cluster, type NatsServer, startCluster, startServer, waitFor} from '../../../helpers/servers.js'

const CONFIG = `
accounts {
  SYS { users: [ { user: sys, password: sys } ] }
  APP { jetstream: enabled, users: [ { user: app, password: app } ] }
}
system_account: SYS
`

type Report = ServerReportJetStreamResult

/** Make a stream with `replicas`, a durable consumer on it and `count` messages, as the APP user. */
async function populate(url: string, replicas: number, count: number): Promise<NatsConnection> {
  const nc = await connect({pass: 'app', servers: url, user: 'app'})
  const ok = async (subject: string, body: unknown): Promise<true | undefined> => ((await nc.request(subject, JSON.stringify(body), {timeout: 10_000})).json<{error?: unknown}>().error ? undefined : true)
  await waitFor(() => ok('$JS.API.STREAM.CREATE.ORDERS', {name: 'ORDERS', num_replicas: replicas, subjects: ['orders.>']}), 30_000, 'ORDERS')
  await waitFor(() => ok('$JS.API.CONSUMER.CREATE.ORDERS.C1', {config: {ack_policy: 'explicit', durable_name: 'C1'}, stream_name: 'ORDERS'}), 30_000, 'C1')
  for (let i = 0; i < count; i++) await nc.request(`orders.${i}`, 'x', {timeout: 10_000})
  // one API request answered with an error (a stream that does not exist)
  await nc.request('$JS.API.STREAM.INFO.MISSING', '', {timeout: 10_000})
  return nc
}

describe('server report jetstream|cpu|mem on a single server', () => {
  let server: NatsServer
  let nc: NatsConnection
  let sys: string[]
  let http: string[]
  beforeAll(async () => {
    server = await startServer({config: CONFIG})
    nc = await populate(server.url, 1, 5)
    sys = ['--server', server.url, '--user', 'sys', '--password', 'sys', '--timeout', '3s']
    http = ['--monitor', `127.0.0.1:${server.monitorPort}`]
  })
  afterAll(async () => {
    await nc?.close()
    await server?.destroy()
  })

  it('jetstream: one summary row with the server\'s own numbers and both leaderships, no meta group, over $SYS and HTTP', async () => {
    for (const t of [sys, http]) {
      const r = await runCli(['server', 'report', 'jetstream', ...t, '--json'])
      expect(r.code, r.stderr).toBe(0)
      const o = r.json<Report>()
      expect(o.meta).toBeNull()
      expect(o.servers).toHaveLength(1)
      const [row] = o.servers
      expect(row).toMatchObject({consumer_leaders: 1, consumers: 1, messages: 5, meta_leader: false, ok: true, stream_leaders: 1, streams: 1})
      expect(row.bytes).toBeGreaterThan(0)
      expect(row.file_bytes).toBeGreaterThan(0)
      expect(row.memory_bytes).toBe(0)
      expect(row.api_requests).toBeGreaterThanOrEqual(3)
      expect(row.api_errors).toBeGreaterThanOrEqual(1)
      expect(o.totals).toMatchObject({consumer_leaders: 1, messages: 5, stream_leaders: 1, streams: 1})
    }

    const text = await runCli(['server', 'report', 'jetstream', ...sys])
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toMatch(/JetStream Summary \(1 of 1 server\(s\) answered/)
    expect(text.stdout).toMatch(/│ Total +│ +│ +1 │ +1 │ +5 │/)
    expect(text.stdout).toMatch(/Meta Group: none/)
    expect(text.stdout).not.toMatch(/\\x0a/)
  })

  it('jetstream --graph: bars for the servers and the largest streams by messages and bytes, after the tables', async () => {
    const r = await runCli(['server', 'report', 'jetstream', ...sys, '--graph'], {env: {COLUMNS: '100'}})
    expect(r.code, r.stderr).toBe(0)
    const lines = r.stdout.split('\n')
    const under = (title: string): string => lines[lines.indexOf(title) + 1] ?? ''
    expect(lines.indexOf('Servers by messages:')).toBeGreaterThan(lines.findIndex((l) => l.startsWith('Consumers')))
    expect(under('Servers by messages:')).toMatch(new RegExp(`^ *${server.name} │█+ 5$`))
    expect(under('Servers by bytes:')).toMatch(new RegExp(`^ *${server.name} │█+ [\\d.]+ [KM]?i?B$`))
    expect(under('Largest streams by messages:')).toMatch(/^ *ORDERS │█+ 5$/)
    expect(under('Largest streams by bytes:')).toMatch(/^ *ORDERS │█+ /)
  })

  it('cpu and mem: the server with its cores and memory over $SYS and HTTP; refused (exit 7) to a user outside the system account', async () => {
    for (const t of [sys, http]) {
      const cpu = await runCli(['server', 'report', 'cpu', ...t, '--json'])
      expect(cpu.code, cpu.stderr).toBe(0)
      const c = cpu.json<ServerReportCpuResult>()
      expect(c.servers).toHaveLength(1)
      expect(c.servers[0]).toMatchObject({ok: true})
      expect(c.servers[0].cores).toBeGreaterThan(0)
      expect(c.servers[0].cpu_percent).toBeGreaterThanOrEqual(0)
      expect(c.totals).toMatchObject({answered: 1, servers: 1})
      const mem = await runCli(['server', 'report', 'mem', ...t, '--json'])
      expect(mem.code, mem.stderr).toBe(0)
      const m = mem.json<ServerReportMemResult>()
      expect(m.servers[0].mem_bytes).toBeGreaterThan(1024 * 1024)
      expect(m.servers[0].jetstream_memory_limit_bytes).toBeGreaterThan(0)
      expect(m.totals.mem_bytes).toBe(m.servers[0].mem_bytes)
    }

    const text = await runCli(['server', 'report', 'mem', ...sys])
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toMatch(/Memory \(1 of 1 server\(s\) answered\)/)
    expect(text.stdout).toMatch(/│ t\d+ +│ +│ +[\d.]+ MiB │ +0 B of [\d.]+ [KMGT]iB │ █{20} │/)
    for (const verb of ['cpu', 'mem', 'jetstream']) {
      const r = await runCli(['server', 'report', verb, '--server', server.url, '--user', 'app', '--password', 'app', '--timeout', '1s'])
      expect(r.code, `${verb}: ${r.stderr}`).toBe(7)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(r.stderr).toMatch(/not in the system account/)
    }
  })
})

describe('server report jetstream|cpu|mem on a 3-node cluster', () => {
  let cluster: Cluster
  let nc: NatsConnection
  let sys: string[]
  let http: string[]
  beforeAll(async () => {
    cluster = await startCluster(3, {config: CONFIG})
    nc = await populate(cluster.servers[0].url, 3, 10)
    sys = ['--server', cluster.servers[0].url, '--user', 'sys', '--password', 'sys', '--timeout', '3s']
    http = cluster.servers.flatMap((s) => ['--monitor', `127.0.0.1:${s.monitorPort}`])
  }, 90_000)
  afterAll(async () => {
    await nc?.close()
    await cluster?.destroy()
  })

  it('jetstream: a row per server holding its replica, one stream and one consumer leader in all, and the meta group as its leader sees it', async () => {
    for (const t of [sys, http]) {
      const o = await waitFor(async () => {
        const r = await runCli(['server', 'report', 'jetstream', ...t, '--json'])
        expect(r.code, r.stderr).toBe(0)
        const rep = r.json<Report>()
        const settled = rep.servers.every((s) => s.messages === 10 && s.consumers === 1) && rep.totals.stream_leaders === 1 && rep.totals.consumer_leaders === 1 && rep.meta?.peers.every((p) => p.current)
        return settled ? rep : undefined
      }, 30_000, 'every replica and the meta group current')
      expect(o.servers.map((s) => s.name)).toEqual(['n1', 'n2', 'n3'])
      expect(o.servers.every((s) => s.cluster === 'natsx-test' && s.streams === 1)).toBe(true)
      expect(o.totals).toMatchObject({consumers: 3, messages: 30, streams: 3})
      // the leaders counted per server are the ones the stream and consumer rows name
      expect(o.servers.find((s) => s.stream_leaders === 1)?.name).toBe(o.streams[0].leader)
      expect(o.servers.find((s) => s.consumer_leaders === 1)?.name).toBe(o.consumers[0].leader)
      const meta = o.meta!
      expect(meta.cluster_size).toBe(3)
      expect(o.servers.filter((s) => s.meta_leader).map((s) => s.name)).toEqual([meta.leader])
      expect(meta.reported_by).toBe(meta.leader)
      expect(meta.peers[0]).toMatchObject({active_ms: 0, current: true, lag: 0, leader: true, name: meta.leader})
      expect(meta.peers.map((p) => p.name).sort()).toEqual(['n1', 'n2', 'n3'])
      for (const p of meta.peers.slice(1)) {
        expect(p).toMatchObject({current: true, leader: false, offline: false})
        expect(p.active_ms).toBeGreaterThanOrEqual(0)
        expect(typeof p.lag).toBe('number')
      }
    }

    const text = await runCli(['server', 'report', 'jetstream', ...sys])
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toMatch(/JetStream Summary \(3 of 3 server\(s\) answered; \* meta leader\)/)
    expect(text.stdout).toMatch(/│ n\d\* +│ natsx-test │/)
    expect(text.stdout).toMatch(/│ Total +│ +│ +3 │ +3 │ +30 │/)
    expect(text.stdout).toMatch(/Meta Group natsx-test: leader n\d, 3 peer\(s\), as n\d sees it/)
    expect(text.stdout).toMatch(/│ n\d +│ yes +│ yes +│ online │ +now │ +0 │/)
  }, 90_000)

  it('jetstream over HTTP from a follower only: the peers are listed, their currency unknown', async () => {
    const leader = (await waitFor(async () => {
      const r = await runCli(['server', 'report', 'jetstream', ...sys, '--json'])
      return r.json<Report>().meta?.leader
    }, 30_000, 'a meta leader'))
    const follower = cluster.servers.find((s) => s.name !== leader)!
    const r = await runCli(['server', 'report', 'jetstream', '--monitor', `127.0.0.1:${follower.monitorPort}`, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const o = r.json<Report>()
    expect(o.servers.map((s) => s.name)).toEqual([follower.name])
    expect(o.meta).toMatchObject({leader, reported_by: follower.name})
    // the peers are the leader, the follower and whom the follower lists (some servers' followers list none)
    const own = (await (await fetch(`${follower.monitorUrl}/jsz`)).json()) as {meta_cluster: {replicas?: Array<{name: string}>}}
    const named = [...new Set([follower.name, leader, ...(own.meta_cluster.replicas ?? []).map((p) => p.name)])].sort()
    expect(o.meta!.peers.map((p) => p.name).sort()).toEqual(named)
    expect(o.meta!.peers[0]).toMatchObject({leader: true, name: leader})
    expect(o.meta!.peers.every((p) => p.current === null && p.lag === null && p.active_ms === null)).toBe(true)
    const text = await runCli(['server', 'report', 'jetstream', '--monitor', `127.0.0.1:${follower.monitorPort}`])
    expect(text.stdout).toMatch(new RegExp(`Meta Group natsx-test: leader ${leader}, 3 peer\\(s\\), as ${follower.name} sees it`))
    expect(text.stdout).toMatch(/│ n\d +│ +│ \? +│ online │ +\? │ +\? │/)
  })

  it('cpu and mem: every server over $SYS and HTTP; --expect 4 lists the missing one and exits 6', async () => {
    for (const t of [sys, http]) {
      for (const verb of ['cpu', 'mem']) {
        const r = await runCli(['server', 'report', verb, ...t, '--json'])
        expect(r.code, r.stderr).toBe(0)
        const o = r.json<ServerReportCpuResult>()
        expect(o.servers.map((s) => s.name).sort()).toEqual(['n1', 'n2', 'n3'])
        expect(o.servers.every((s) => s.ok && s.cluster === 'natsx-test' && (s.mem_bytes ?? 0) > 0)).toBe(true)
        const key = (s: (typeof o.servers)[number]): number => (verb === 'cpu' ? s.cpu_percent! : s.mem_bytes!)
        // largest first
        expect(o.servers.map((s) => key(s))).toEqual(o.servers.map((s) => key(s)).sort((a, b) => b - a))
        expect(o.totals.mem_bytes).toBe(o.servers.reduce((n, s) => n + s.mem_bytes!, 0))
      }
    }

    const text = await runCli(['server', 'report', 'cpu', ...sys])
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toMatch(/CPU \(3 of 3 server\(s\) answered\): [\d.]+% in all/)
    expect(text.stdout).toMatch(/│ n1 +│ natsx-test │ +[\d.]+% │ +\d+/)
    const four = await runCli(['server', 'report', 'mem', ...sys, '--expect', '4', '--json'])
    expect(four.code, four.stderr).toBe(6)
    const o = four.json<ServerReportMemResult>()
    expect(o.servers.filter((s) => !s.ok)).toEqual([expect.objectContaining({name: '?', ok: false})])
    expect(o.totals).toMatchObject({answered: 3, servers: 4})
    const fourText = await runCli(['server', 'report', 'mem', ...sys, '--expect', '4'])
    expect(fourText.code).toBe(6)
    expect(fourText.stdout).toMatch(/│ \? +│ +│ +DOWN │/)
    expect(fourText.stderr).toMatch(/1 of 4 server\(s\) did not answer: \?/)
    const bad = await runCli(['server', 'report', 'cpu', ...sys, '--expect', 'x'])
    expect(bad.code).toBe(2)
  })
})
