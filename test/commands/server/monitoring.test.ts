// server ping/list/info/check/report/request against the 3-node cluster with a system account, over $SYS and HTTP.
import {connect, type NatsConnection} from '@nats-io/transport-node'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {compareVersions} from '../../../src/lib/capabilities.js'
import {runCli} from '../../helpers/cli.js'
import {type Cluster, serverFacts, type ServerFacts, startCluster, waitFor} from '../../helpers/servers.js'
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
  let facts: ServerFacts
  beforeAll(async () => {
    cluster = await startCluster(3, {config: CONFIG, placement: {pass: 'app', user: 'app'}})
    facts = await serverFacts(cluster.servers[0])
    traffic = await startTraffic({pass: 'app', rate: 50, servers: cluster.servers.map((s) => s.url), user: 'app'})
    sys = ['--server', cluster.servers[0].url, '--user', 'sys', '--password', 'sys', '--timeout', '2s']
    http = cluster.servers.flatMap((s) => ['--monitor', `127.0.0.1:${s.monitorPort}`])
    const add = await runCli(['request', '$JS.API.STREAM.CREATE.ORDERS', JSON.stringify({name: 'ORDERS', num_replicas: 3, subjects: ['orders.>']}), '--server', cluster.servers[0].url, '--user', 'app', '--password', 'app', '--timeout', '10s'])
    expect(add.code, add.stderr).toBe(0)
  }, 240_000)
  afterAll(async () => {
    await traffic?.stop()
    await cluster?.destroy()
  })

  it('report routes: a full mesh, one row per peer with its pool of route connections, over $SYS and HTTP alike', async () => {
    // the route connections per peer, as the servers themselves count them (2.9: one; 2.10+: a pool plus pinned accounts)
    const varz = (await (await fetch(`${cluster.servers[0].monitorUrl}/varz`)).json()) as {routes: number}
    const perPeer = varz.routes / 2
    if (compareVersions(facts.version, '2.10.0') >= 0) expect(perPeer).toBeGreaterThan(1) // 2.10+ pools routes
    else expect(perPeer).toBe(1)
    for (const t of [sys, http]) {
      const r = await runCli(['server', 'report', 'routes', ...t, '--json'])
      expect(r.code, r.stderr).toBe(0)
      const out = r.json<{routes: Array<{accounts: string[]; pool: number; remote: string; server: string}>; servers: Array<{connections: number; routes: number; server: string}>}>()
      expect(out.servers.map((x) => [x.server, x.routes, x.connections]).sort()).toEqual([['n1', 2, 2 * perPeer], ['n2', 2, 2 * perPeer], ['n3', 2, 2 * perPeer]])
      expect(out.routes).toHaveLength(6)
      for (const row of out.routes) {
        expect(['n1', 'n2', 'n3'].filter((n) => n !== row.server)).toContain(row.remote)
        expect(row.pool).toBe(perPeer)
      }
    }

    const text = await runCli(['server', 'report', 'routes', ...sys])
    expect(text.stdout).toMatch(/SERVER +│ REMOTE +│ POOL/)
    expect(text.stdout).toMatch(new RegExp(`n1 +│ n2 +│ +${perPeer} │`))
    expect(text.stdout).toContain(`6 route(s) over ${6 * perPeer} connection(s); n1: 2, n2: 2, n3: 2`)
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
    expect(r.json<{api_level: number; clustered: boolean; jetstream: boolean; server_version: string}>()).toMatchObject({api_level: facts.apiLevel, clustered: true, jetstream: true, server_version: facts.version})
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
    const {servers} = r.json<{servers: Array<{api_level?: number; cluster: string; connections: number; jetstream: boolean; name: string; route_connections: number; routes: number; version: string}>}>()
    expect(servers).toHaveLength(3)
    // routes are peers, however many route connections 2.10+ pools to each
    expect(servers.every((s) => s.cluster === 'natsx-test' && s.jetstream && s.routes === 2 && s.route_connections >= 2)).toBe(true)
    expect(servers.every((s) => s.version === facts.version && s.api_level === (facts.apiLevel || undefined))).toBe(true)
    expect(servers.map((s) => s.connections)).toEqual(servers.map((s) => s.connections).sort((a, b) => b - a))
    const text = await runCli(['server', 'ls', ...http, '--sort', 'name'])
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toMatch(/Servers \(3 of 3 answered\)/)
    const js = facts.apiLevel ? `yes \\(api ${facts.apiLevel}\\)` : 'yes'
    expect(text.stdout).toMatch(new RegExp(`n1 .*natsx-test .*${facts.version.replaceAll('.', '\\.')} .*${js} `))
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
    // the stream made in beforeAll, as soon as the servers report it (an R3 group settles after the create)
    const text = await waitFor(async () => {
      const r = await runCli(['server', 'report', 'jetstream', ...sys])
      return r.code === 0 && /ORDERS .*APP/.test(r.stdout) ? r : undefined
    }, 30_000, 'ORDERS in the report')
    expect(text.stdout).toMatch(/ORDERS .*APP/)
    const js = await runCli(['server', 'report', 'jetstream', ...http, '--json'])
    expect(js.code, js.stderr).toBe(0)
    const {streams} = js.json<{streams: Array<{leader: string; name: string; replicas: unknown[]}>}>()
    expect(streams.find((s) => s.name === 'ORDERS')).toMatchObject({replicas: expect.any(Array)})
    const h = await runCli(['server', 'report', 'health', ...sys, '--json'])
    expect(h.code, h.stderr).toBe(0)
    expect(h.json<{healthy: number}>().healthy).toBe(3)
  })

  it('consumer rows come from the consumer\'s own leader, not its stream\'s (report jetstream, top --json)', async () => {
    const nc: NatsConnection = await connect({pass: 'app', servers: cluster.servers[0].url, user: 'app'})
    try {
      const api = async <T>(subject: string, body: unknown = ''): Promise<T> => (await nc.request(subject, typeof body === 'string' ? body : JSON.stringify(body), {timeout: 10_000})).json<T>()
      await api('$JS.API.STREAM.CREATE.WORK', {name: 'WORK', num_replicas: 3, storage: 'file', subjects: ['work.>']})
      // an R3 stream takes publishes once its group has elected a leader
      await waitFor(async () => ((await api<{cluster?: {leader?: string}}>('$JS.API.STREAM.INFO.WORK')).cluster?.leader ? true : undefined), 30_000, 'a leader for WORK')
      for (let i = 0; i < 20; i++) await nc.request('work.item', `w${i}`, {timeout: 10_000})
      await api('$JS.API.CONSUMER.CREATE.WORK.LAGGER', {config: {ack_policy: 'explicit', durable_name: 'LAGGER', num_replicas: 3}, stream_name: 'WORK'})
      type Info = {cluster?: {leader?: string}}
      const leaders = async (): Promise<{consumer?: string; stream?: string}> => ({
        consumer: (await api<Info>('$JS.API.CONSUMER.INFO.WORK.LAGGER')).cluster?.leader,
        stream: (await api<Info>('$JS.API.STREAM.INFO.WORK')).cluster?.leader,
      })
      // step the consumer's leader down until another server than the stream's leader leads it
      const moved = await waitFor(async () => {
        const l = await leaders()
        if (!l.consumer || !l.stream) return undefined
        if (l.consumer !== l.stream) return l
        await api('$JS.API.CONSUMER.LEADER.STEPDOWN.WORK.LAGGER')
        await waitFor(async () => {
          const now = (await leaders()).consumer
          return now && now !== l.consumer ? true : undefined
        }, 20_000, 'a new consumer leader')
        return undefined
      }, 60_000, 'a consumer leader other than the stream leader')
      const row = (x: {consumers: Array<{leader?: string; name: string; num_pending: number; replicas: Array<{name: string}>; replicas_ok: boolean}>}) => x.consumers.find((c) => c.name === 'LAGGER')
      const want = {leader: moved.consumer, name: 'LAGGER', num_pending: 20, replicas_ok: true}
      for (const t of [sys, http]) {
        const seen = await waitFor(async () => {
          const r = await runCli(['server', 'report', 'jetstream', ...t, '--json'])
          expect(r.code, r.stderr).toBe(0)
          const c = row(r.json())
          return c && c.leader === moved.consumer && c.replicas_ok ? c : undefined
        }, 30_000, 'the consumer as its leader reports it')
        expect(seen).toMatchObject(want)
        // the replicas are the two servers that do not lead it
        expect(seen.replicas.map((x) => x.name).sort()).toEqual(['n1', 'n2', 'n3'].filter((n) => n !== moved.consumer))
      }

      const top = await runCli(['top', ...http, '--iterations', '1', '--interval', '0.5', '--json'])
      expect(top.code, top.stderr).toBe(0)
      expect(row(top.ndjson<Parameters<typeof row>[0]>()[0])).toMatchObject(want)
      const text = await runCli(['server', 'report', 'jetstream', ...sys])
      expect(text.stdout).toMatch(new RegExp(`WORK +│ LAGGER +│ +20 │ .*│ ${moved.consumer} +│ [^!]`))
    } finally {
      await nc.close()
    }
  })

  it('check as a user outside the system account: its own connection, round trip and JetStream, in every format', async () => {
    const app = ['--server', cluster.servers[0].url, '--user', 'app', '--password', 'app', '--timeout', '2s']
    const n = await runCli(['server', 'check', ...app, '--jetstream', '--format', 'nagios'])
    expect(n.code, n.stderr).toBe(0)
    expect(n.stdout.trim().split('\n')).toHaveLength(1)
    expect(n.stdout).toMatch(/^NATS OK: n1 connection: connected, round trip .*, n1 jetstream: available to this account: \d+ stream\(s\)/)
    // it cannot count the servers: --expect is unknown (3), never a false OK
    const e = await runCli(['server', 'check', ...app, '--expect', '3', '--format', 'nagios'])
    expect(e.code).toBe(3)
    expect(e.stdout).toMatch(/^NATS UNKNOWN: \* servers: cannot count servers without the system account/)
    const j = await runCli(['server', 'check', ...app, '--json'])
    expect(j.code, j.stderr).toBe(0)
    expect(j.json<{checks: Array<{check: string; status: string}>; status: string}>()).toMatchObject({status: 'ok'})
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

  it('a killed node: ping, list and report health list it as unreachable and exit 6; check is critical', async () => {
    // with every server up, the wait ends as soon as the cluster's own count has answered, long before --timeout
    const started = Date.now()
    const quick = await runCli(['server', 'ping', ...sys.slice(0, -2), '--timeout', '30s', '--json'])
    expect(quick.code, quick.stderr).toBe(0)
    expect(Date.now() - started).toBeLessThan(15_000)

    const victim = cluster.servers[2]
    process.kill(victim.pid!, 'SIGKILL')
    await waitFor(() => !victim.running || undefined, 10_000, 'n3 to die')

    for (const t of [sys, http]) {
      const ping = await runCli(['server', 'ping', ...t, '--json'])
      expect(ping.code, ping.stderr).toBe(6)
      const rows = ping.json<{servers: Array<{error?: string; name: string; ok: boolean}>}>().servers
      expect(rows).toHaveLength(3)
      expect(rows.filter((r) => r.ok).map((r) => r.name).sort()).toEqual(['n1', 'n2'])
      expect(rows.find((r) => !r.ok)?.error).toBeTruthy()
    }

    const ping = await runCli(['server', 'ping', ...sys])
    expect(ping.code).toBe(6)
    expect(ping.stdout).toMatch(/n3 +FAILED: unreachable/)
    expect(ping.stdout).toContain('2 of 3 server(s) answered')
    expect(ping.stderr.trim()).toBe('natsx: warning: 1 of 3 server(s) did not answer: n3')

    const list = await runCli(['server', 'list', ...sys, '--json'])
    expect(list.code).toBe(6)
    expect(list.json<{servers: Array<{name: string; ok: boolean}>}>().servers.map((r) => [r.name, r.ok])).toEqual([['n1', true], ['n2', true], ['n3', false]])
    const listText = await runCli(['server', 'list', ...sys])
    expect(listText.stdout).toMatch(/Servers \(2 of 3 answered\)/)
    expect(listText.stdout).toMatch(/n3 +│ DOWN: unreachable/)

    const health = await runCli(['server', 'report', 'health', ...sys, '--json'])
    expect(health.code).toBe(6)
    const h = health.json<{healthy: number; servers: Array<{server: string; status: string}>}>()
    expect(h.healthy).toBe(2)
    expect(h.servers.find((x) => x.server === 'n3')).toMatchObject({status: 'unreachable'})

    // --expect names how many there should be: one more than the cluster knows is one more unreachable row
    const more = await runCli(['server', 'ping', ...sys, '--expect', '4', '--json'])
    expect(more.code).toBe(6)
    expect(more.json<{servers: Array<{name: string; ok: boolean}>}>().servers.map((r) => [r.name, r.ok])).toEqual([['n1', true], ['n2', true], ['n3', false], ['?', false]])

    const r = await runCli(['server', 'check', ...sys, '--expect', '3', '--format', 'nagios'])
    expect(r.code).toBe(2)
    expect(r.stdout).toMatch(/NATS CRITICAL: .*2 of 3 expected servers answered/)
    // without --expect, the server the cluster names is critical all the same
    const named = await runCli(['server', 'check', ...sys, '--format', 'nagios'])
    expect(named.code).toBe(2)
    expect(named.stdout).toMatch(/^NATS CRITICAL: .*n3 connection: unreachable/)
    // over HTTP the killed node's URL is known and fails
    const c = await runCli(['server', 'check', ...http, '--format', 'nagios'])
    expect(c.code).toBe(2)
    expect(c.stdout).toMatch(/NATS CRITICAL: http:\/\/127\.0\.0\.1:\d+ connection: connection refused/)
  }, 240_000) // ten commands, each waiting its 2 s --timeout (twice over $SYS) for the killed node

  it('check --format nagios when nothing can be reached, or the login is refused: one CRITICAL line, exit 2', async () => {
    const down = await runCli(['server', 'check', '--server', 'nats://127.0.0.1:1', '--timeout', '1s', '--format', 'nagios'])
    expect(down.code, down.stderr).toBe(2)
    expect(down.stdout.trim().split('\n')).toHaveLength(1)
    expect(down.stdout).toMatch(/^NATS CRITICAL: nats:\/\/127\.0\.0\.1:1 connection: cannot connect: .* \| servers=0/)
    const login = await runCli(['server', 'check', '--server', cluster.servers[0].url, '--user', 'sys', '--password', 'wrong', '--timeout', '2s', '--format', 'nagios'])
    expect(login.code).toBe(2)
    expect(login.stdout).toMatch(/^NATS CRITICAL: .* connection: cannot connect: .*authentication/i)
    const prom = await runCli(['server', 'check', '--monitor', '127.0.0.1:1', '--timeout', '1s', '--format', 'prometheus'])
    expect(prom.code).toBe(2)
    expect(prom.stdout).toMatch(/natsx_check_overall 2/)
  })
})
