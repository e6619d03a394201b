// server ping/list/info/check/report/request against the 3-node cluster with a system account, over $SYS and HTTP.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCli} from '../../helpers/cli.js'
import {type Cluster, startCluster} from '../../helpers/servers.js'
import {startTraffic, type Traffic} from '../../helpers/traffic.js'

const CONFIG = `
accounts {
  SYS { users: [ { user: sys, password: sys } ] }
  APP { jetstream: enabled, users: [ { user: app, password: app } ] }
}
system_account: SYS
`

describe('server commands on a 3-node cluster', () => {
  let cluster: Cluster
  let traffic: Traffic
  let sys: string[]
  let http: string[]
  beforeAll(async () => {
    cluster = await startCluster(3, {config: CONFIG})
    traffic = await startTraffic({pass: 'app', rate: 50, servers: cluster.servers.map((s) => s.url), user: 'app'})
    sys = ['--server', cluster.servers[0].url, '--user', 'sys', '--password', 'sys', '--timeout', '2s']
    http = cluster.servers.flatMap((s) => ['--monitor', `127.0.0.1:${s.monitorPort}`])
    const add = await runCli(['request', '$JS.API.STREAM.CREATE.ORDERS', JSON.stringify({name: 'ORDERS', num_replicas: 3, subjects: ['orders.>']}), '--server', cluster.servers[0].url, '--user', 'app', '--password', 'app', '--timeout', '10s'])
    expect(add.code, add.stderr).toBe(0)
  })
  afterAll(async () => {
    await traffic?.stop()
    await cluster?.destroy()
  })

  it('report routes: a full mesh, two routes per server, over $SYS and HTTP alike', async () => {
    for (const t of [sys, http]) {
      const r = await runCli(['server', 'report', 'routes', ...t, '--json'])
      expect(r.code, r.stderr).toBe(0)
      const out = r.json<{routes: Array<{remote: string; server: string}>; servers: Array<{routes: number; server: string}>}>()
      expect(out.servers.map((x) => [x.server, x.routes]).sort()).toEqual([['n1', 2], ['n2', 2], ['n3', 2]])
      for (const row of out.routes) expect(['n1', 'n2', 'n3'].filter((n) => n !== row.server)).toContain(row.remote)
    }

    const text = await runCli(['server', 'report', 'routes', ...sys])
    expect(text.stdout).toMatch(/SERVER +│ REMOTE/)
    expect(text.stdout).toContain('6 route(s); n1: 2, n2: 2, n3: 2')
  })

  it('report accounts: APP with the traffic connections, SYS marked, summed over the three servers, both transports', async () => {
    for (const t of [sys, http]) {
      const r = await runCli(['server', 'report', 'accounts', ...t, '--json'])
      expect(r.code, r.stderr).toBe(0)
      const out = r.json<{accounts: Array<{account: string; connections: number; jetstream: boolean; servers: number; subscriptions: number; system: boolean}>}>()
      const app = out.accounts.find((a) => a.account === 'APP')!
      expect(app).toMatchObject({jetstream: true, servers: 3, system: false})
      expect(app.connections).toBeGreaterThanOrEqual(traffic.conns.length)
      expect(app.subscriptions).toBeGreaterThan(0)
      expect(out.accounts.find((a) => a.account === 'SYS')).toMatchObject({servers: 3, system: true})
    }

    const text = await runCli(['server', 'report', 'accounts', ...sys])
    expect(text.stdout).toMatch(/SYS \(system\) +│/)
    expect(text.stdout).toMatch(/account\(s\) on 3 server\(s\)/)
  })

  it('server features: the cluster is seen as one (placement and replicas allowed)', async () => {
    const r = await runCli(['server', 'features', '--json', '--server', cluster.servers[0].url, '--user', 'app', '--password', 'app'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.json<{clustered: boolean; jetstream: boolean; server_version: string}>()).toMatchObject({clustered: true, jetstream: true, server_version: '2.9.10'})
  })

  it('ping: a round trip per server over $SYS and HTTP', async () => {
    for (const t of [sys, http]) {
      const r = await runCli(['server', 'ping', ...t, '--json'])
      expect(r.code, r.stderr).toBe(0)
      const {servers} = r.json<{servers: Array<{name: string; ok: boolean; rtt_ms: number}>}>()
      expect(servers.map((s) => s.name).sort()).toEqual(['n1', 'n2', 'n3'])
      expect(servers.every((s) => s.ok && s.rtt_ms > 0)).toBe(true)
    }
  })

  it('list: a sortable table and JSON rows', async () => {
    const r = await runCli(['server', 'list', ...sys, '--sort', 'conns', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const {servers} = r.json<{servers: Array<{cluster: string; connections: number; jetstream: boolean; name: string; routes: number}>}>()
    expect(servers).toHaveLength(3)
    expect(servers.every((s) => s.cluster === 'natsx-test' && s.jetstream && s.routes >= 2)).toBe(true)
    expect(servers.map((s) => s.connections)).toEqual(servers.map((s) => s.connections).sort((a, b) => b - a))
    const text = await runCli(['server', 'ls', ...http, '--sort', 'name'])
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toMatch(/Servers \(3 of 3 answered\)/)
    expect(text.stdout).toMatch(/n1 .*natsx-test .*2\.9\.10 .*yes/)
  })

  it('info: the varz of the named server', async () => {
    const r = await runCli(['server', 'info', 'n2', ...sys, '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.json<{server: string; varz: {server_name: string}}>()).toMatchObject({server: 'n2', varz: {server_name: 'n2'}})
    const missing = await runCli(['server', 'info', 'n9', ...sys])
    expect(missing.code).toBe(3)
    expect(missing.stderr).toMatch(/no server named "n9"/)
  })

  it('check: OK with Nagios code 0; critical (2) when fewer servers answer than expected; prometheus text', async () => {
    const ok = await runCli(['server', 'check', ...sys, '--expect', '3', '--format', 'nagios'])
    expect(ok.code, ok.stderr).toBe(0)
    expect(ok.stdout).toMatch(/^NATS OK: 3 server\(s\) healthy \| servers=3/)
    const crit = await runCli(['server', 'check', ...http, '--expect', '4', '--json'])
    expect(crit.code).toBe(2)
    expect(crit.json<{nagios_code: number; status: string}>()).toMatchObject({nagios_code: 2, status: 'critical'})
    const prom = await runCli(['server', 'check', ...sys, '--format', 'prometheus'])
    expect(prom.code).toBe(0)
    expect(prom.stdout).toMatch(/natsx_check_status\{server="n1",check="health"\} 0/)
    expect(prom.stdout).toMatch(/natsx_check_overall 0/)
  })

  it('report connections|jetstream|health', async () => {
    const c = await runCli(['server', 'report', 'connections', ...sys, '--filter', 'pub-', '--sort', 'in_msgs', '--json'])
    expect(c.code, c.stderr).toBe(0)
    const conns = c.json<{connections: Array<{account: string; name: string; server: string}>; total: number}>()
    expect(conns.total).toBe(3)
    expect(new Set(conns.connections.map((x) => x.server))).toEqual(new Set(['n1', 'n2', 'n3']))
    expect(conns.connections.every((x) => x.account === 'APP')).toBe(true)
    const text = await runCli(['server', 'report', 'jetstream', ...sys])
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toMatch(/ORDERS .*APP/)
    const js = await runCli(['server', 'report', 'jetstream', ...http, '--json'])
    expect(js.code, js.stderr).toBe(0)
    const {streams} = js.json<{streams: Array<{leader: string; name: string; replicas: unknown[]}>}>()
    expect(streams.find((s) => s.name === 'ORDERS')).toMatchObject({replicas: expect.any(Array)})
    const h = await runCli(['server', 'report', 'health', ...sys, '--json'])
    expect(h.code, h.stderr).toBe(0)
    expect(h.json<{healthy: number}>().healthy).toBe(3)
  })

  it('request: raw JSON of an endpoint over either transport, with parameters', async () => {
    const r = await runCli(['server', 'request', 'connz', ...sys, '--arg', 'limit=1', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const {replies} = r.json<{replies: Array<{data: {limit: number}; server: string}>}>()
    expect(replies).toHaveLength(3)
    expect(replies.every((x) => x.data.limit === 1)).toBe(true)
    const one = await runCli(['server', 'request', 'varz', ...http, '--server-name', 'n3', '--json'])
    expect(one.code, one.stderr).toBe(0)
    expect(one.json<{replies: Array<{data: {server_name: string}}>}>().replies.map((x) => x.data.server_name)).toEqual(['n3'])
  })

  it('$SYS without system-account rights says so (exit 7), and bad input exits 2', async () => {
    const r = await runCli(['server', 'list', '--server', cluster.servers[0].url, '--user', 'app', '--password', 'app', '--timeout', '1s'])
    expect(r.code).toBe(7)
    expect(r.stderr).toMatch(/not in the system account.*system_account/)
    for (const args of [['server', 'request', 'nope', ...sys], ['server', 'list', '--sys', '--monitor', 'x:1'], ['server', 'request', 'varz', '--arg', 'novalue', ...sys], ['server', 'check', '--format', 'xml', ...sys]]) {
      const bad = await runCli(args)
      expect(bad.code, `${args.join(' ')}: ${bad.stderr}`).toBe(2)
    }
  })

  it('top --sys discovers the cluster over the system account in batch mode', async () => {
    const r = await runCli(['top', '--sys', ...sys, '--iterations', '1', '--interval', '0.5', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const [snap] = r.ndjson<{connections: Array<{name?: string}>; servers: Array<{name: string; rates: unknown; up: boolean}>; transport: string}>()
    expect(snap.transport).toBe('sys')
    expect(snap.servers.map((s) => s.name).sort()).toEqual(['n1', 'n2', 'n3'])
    expect(snap.servers.every((s) => s.up && s.rates)).toBe(true)
    expect(snap.connections.filter((c) => c.name?.startsWith('pub-'))).toHaveLength(3)
  })

  it('exits 6 when not one server answers', async () => {
    for (const cmd of [['server', 'ping'], ['server', 'list'], ['server', 'request', 'varz'], ['server', 'report', 'health']]) {
      const r = await runCli([...cmd, '--monitor', '127.0.0.1:1'])
      expect(r.code, `${cmd.join(' ')}: ${r.stderr}`).toBe(6)
      expect(r.stderr).toMatch(/no server answered: .*refused/)
    }
  })

  it('check: a stopped node is critical over $SYS', async () => {
    await cluster.servers[2].stop()
    // a new process only knows the servers that answer, so --expect says how many there should be
    const r = await runCli(['server', 'check', ...sys, '--expect', '3', '--format', 'nagios'])
    expect(r.code).toBe(2)
    expect(r.stdout).toMatch(/NATS CRITICAL: .*2 of 3 expected servers answered/)
    // over HTTP the stopped node's URL is known and fails
    const h = await runCli(['server', 'check', ...http, '--format', 'nagios'])
    expect(h.code).toBe(2)
    expect(h.stdout).toMatch(/NATS CRITICAL: http:\/\/127\.0\.0\.1:\d+ connection: connection refused/)
  })
})
