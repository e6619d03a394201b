import {jetstreamManager} from '@nats-io/jetstream'
// The monitoring client and the top feed against real servers: one server over HTTP (down and back), and the 3-node
// cluster with a system account over HTTP and over $SYS.
import {connect, type NatsConnection} from '@nats-io/transport-node'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {TopFeed} from '../../../src/lib/monitoring/feed.js'
import {HttpTransport} from '../../../src/lib/monitoring/http.js'
import {SysTransport} from '../../../src/lib/monitoring/sys.js'
import {type Cluster, type NatsServer, startCluster, startServer, waitFor} from '../../helpers/servers.js'
import {startTraffic, type Traffic} from '../../helpers/traffic.js'

export const SYS_CONFIG = `
accounts {
  SYS { users: [ { user: sys, password: sys } ] }
  APP { jetstream: enabled, users: [ { user: app, password: app } ] }
}
system_account: SYS
`

describe('feed over HTTP on one server', () => {
  let server: NatsServer
  let traffic: Traffic
  beforeAll(async () => {
    server = await startServer()
    traffic = await startTraffic({rate: 200, servers: [server.url]})
  })
  afterAll(async () => {
    await traffic?.stop()
    await server?.destroy()
  })

  it('shows the server and its named connections, new first and then with per-second rates', async () => {
    const feed = new TopFeed(new HttpTransport({timeoutMs: 2000, urls: [server.monitorUrl]}), {interval_ms: 300})
    const first = await feed.poll()
    expect(first.servers).toHaveLength(1)
    expect(first.servers[0]).toMatchObject({name: server.name, rates: null, up: true, version: expect.stringMatching(/^2\./)})
    const pub = first.connections.find((c) => c.name === 'pub-0')!
    expect(pub).toMatchObject({new: true, rates: null, server: server.name})
    const second = await waitFor(async () => {
      const s = await feed.poll()
      return s.servers[0].rates && s.servers[0].rates.in_msgs > 0 ? s : undefined
    }, 10_000, 'a poll with rates')
    const pub2 = second.connections.find((c) => c.name === 'pub-0')!
    expect(pub2.new).toBe(false)
    expect(pub2.rates!.in_msgs).toBeGreaterThan(50)
    expect(second.connections.find((c) => c.name === 'sub-0')!.rates!.out_msgs).toBeGreaterThan(50)
    expect(second.health).toEqual([{error: undefined, server: server.name, status: 'ok'}])
    await feed.close()
  })

  it('pages through connz (offset/limit) and stops at maxConns', async () => {
    const all = new TopFeed(new HttpTransport({timeoutMs: 2000, urls: [server.monitorUrl]}), {details: false, interval_ms: 300, pageSize: 1})
    const snap = await all.poll()
    expect(snap.connections_total).toBe(2)
    expect(snap.connections.map((c) => c.name).sort()).toEqual(['pub-0', 'sub-0'])
    expect(new Set(snap.connections.map((c) => c.cid)).size).toBe(2)
    const cut = new TopFeed(new HttpTransport({timeoutMs: 2000, urls: [server.monitorUrl]}), {details: false, interval_ms: 300, maxConns: 1, pageSize: 1})
    const one = await cut.poll()
    expect(one.connections).toHaveLength(1)
    expect(one.connections_total).toBe(2)
    await all.close()
    await cut.close()
  })

  it('marks a stopped server down, keeps its last data, and recovers with no negative rate after the restart', async () => {
    const feed = new TopFeed(new HttpTransport({timeoutMs: 1000, urls: [server.monitorUrl]}), {interval_ms: 300})
    await feed.poll()
    const good = await feed.poll()
    await server.stop()
    const down = await feed.poll()
    expect(down.servers[0]).toMatchObject({name: server.name, stale: true, up: false})
    expect(down.servers[0].error).toMatch(/refused/)
    expect(down.servers[0].connections).toBe(good.servers[0].connections)
    expect(down.connections.length).toBe(good.connections.length)
    expect(down.connections.every((c) => c.stale)).toBe(true)
    await server.start()
    const back = await feed.poll()
    expect(back.servers[0]).toMatchObject({restarted: true, stale: false, up: true})
    expect(back.servers[0].rates).toBeNull()
    const later = await feed.poll()
    for (const v of Object.values(later.servers[0].rates ?? {})) expect(v).toBeGreaterThanOrEqual(0)
    await feed.close()
  })
})

describe('3-node cluster with a system account', () => {
  let cluster: Cluster
  let traffic: Traffic
  let sysNc: NatsConnection
  let appNc: NatsConnection
  beforeAll(async () => {
    cluster = await startCluster(3, {config: SYS_CONFIG, placement: {pass: 'app', user: 'app'}})
    traffic = await startTraffic({pass: 'app', rate: 100, servers: cluster.servers.map((s) => s.url), user: 'app'})
    sysNc = await connect({servers: cluster.servers[0].url, user: 'sys', pass: 'sys'})
    appNc = await connect({servers: cluster.servers[0].url, user: 'app', pass: 'app'})
    const jsm = await jetstreamManager(appNc)
    await waitFor(async () => jsm.streams.add({name: 'ORDERS', num_replicas: 3, subjects: ['orders.>']}), 20_000, 'an R3 stream')
    await jsm.consumers.add('ORDERS', {ack_policy: 'explicit', durable_name: 'worker'})
  }, 240_000)
  afterAll(async () => {
    await traffic?.stop()
    await sysNc?.close()
    await appNc?.close()
    await cluster?.destroy()
  })

  it('HTTP: one header row per server, connections from every server, routes, and the stream from its leader', async () => {
    const feed = new TopFeed(new HttpTransport({timeoutMs: 2000, urls: cluster.servers.map((s) => s.monitorUrl)}), {interval_ms: 500})
    await feed.poll()
    const snap = await waitFor(async () => {
      const s = await feed.poll()
      return s.streams.length > 0 && s.servers.every((x) => x.rates) ? s : undefined
    }, 10_000, 'rates and the stream')
    expect(snap.servers.map((s) => s.name).sort()).toEqual(['n1', 'n2', 'n3'])
    expect(new Set(snap.connections.filter((c) => c.name?.startsWith('pub-')).map((c) => c.server))).toEqual(new Set(['n1', 'n2', 'n3']))
    expect(snap.connections.find((c) => c.name === 'pub-1')!.account).toBe('APP')
    // one row per server and peer, however many route connections (2.10+ pools them) link the two
    expect(snap.routes.map((r) => `${r.server}>${r.remote}`).sort()).toEqual(['n1>n2', 'n1>n3', 'n2>n1', 'n2>n3', 'n3>n1', 'n3>n2'])
    const pooled = snap.routes.reduce((n, r) => n + r.pool, 0)
    const varz = await Promise.all(cluster.servers.map(async (s) => ((await (await fetch(`${s.monitorUrl}/varz`)).json()) as {routes: number}).routes))
    expect(pooled).toBe(varz.reduce((a, b) => a + b, 0))
    const orders = snap.streams.find((s) => s.name === 'ORDERS')!
    expect(orders).toMatchObject({account: 'APP', consumers: 1})
    expect(['n1', 'n2', 'n3']).toContain(orders.leader)
    expect(orders.replicas.map((r) => r.name)).toHaveLength(2)
    expect(snap.consumers.find((c) => c.name === 'worker')).toMatchObject({stream: 'ORDERS'})
    await feed.close()
  })

  it('$SYS: discovers all three servers, gathers every endpoint, and pages connz per server', async () => {
    const t = new SysTransport(sysNc, {timeoutMs: 2000})
    const found = await t.discover()
    expect(found.map((s) => s.name).sort()).toEqual(['n1', 'n2', 'n3'])
    for (const ep of ['varz', 'connz', 'routez', 'jsz', 'healthz', 'leafz', 'subsz', 'gatewayz', 'accountz'] as const) {
      const res = await t.gather(ep)
      expect(res.filter((r) => r.ok).map((r) => r.target), ep).toEqual(['n1', 'n2', 'n3'])
    }

    const page = await t.one('connz', 'n2', {limit: 1, offset: 1})
    expect(page.ok && page.data.limit).toBe(1)
    expect(page.ok && page.data.offset).toBe(1)
    await t.close()
  })

  it('$SYS: the feed marks a stopped node down with its last data and brings it back', async () => {
    const feed = new TopFeed(new SysTransport(sysNc, {timeoutMs: 1000}), {interval_ms: 500})
    await feed.poll()
    const snap = await waitFor(async () => {
      const s = await feed.poll()
      return s.servers.length === 3 && s.servers.every((x) => x.rates) ? s : undefined
    }, 10_000, 'three servers with rates')
    expect(snap.transport).toBe('sys')
    expect(snap.connections.filter((c) => c.name?.startsWith('pub-'))).toHaveLength(3)
    const n3 = cluster.servers[2]
    await n3.stop()
    const down = await feed.poll()
    const row = down.servers.find((s) => s.name === 'n3')!
    expect(row).toMatchObject({stale: true, up: false})
    expect(row.error).toMatch(/no reply/)
    expect(down.servers.filter((s) => s.up)).toHaveLength(2)
    await n3.start()
    const back = await waitFor(async () => {
      const s = await feed.poll()
      return s.servers.find((x) => x.name === 'n3')?.up ? s : undefined
    }, 20_000, 'n3 back')
    expect(back.servers.find((x) => x.name === 'n3')!.restarted).toBe(true)
    await feed.close()
  })

  it('$SYS without system-account rights fails with a message that says so', async () => {
    const t = new SysTransport(appNc, {timeoutMs: 1000})
    await expect(t.discover()).rejects.toMatchObject({exitCode: 7, message: expect.stringMatching(/not in the system account/)})
    await t.close()
  })
})
