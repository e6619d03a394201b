// account info and account report connections/statistics: one server and a 3-node cluster, ordinary and system users.
import {connect, type NatsConnection} from '@nats-io/transport-node'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCli} from '../../helpers/cli.js'
import {type Cluster, type NatsServer, serverFacts, type ServerFacts, startCluster, startServer, waitFor} from '../../helpers/servers.js'

const ACCOUNTS = `
accounts {
  SYS { users: [ { user: sys, password: sys } ] }
  APP {
    jetstream: { max_mem: 64MB, max_file: 256MB, max_streams: 10, max_consumers: 20 }
    users: [ { user: app, password: app } ]
  }
  NOJS { users: [ { user: nojs, password: nojs } ] }
}
system_account: SYS
`

interface Info {
  account?: string
  connection: {client_id: number; server_name: string; server_version: string}
  exports?: Array<{subject: string}>
  imports?: Array<{subject: string}>
  jetstream?: {api: {errors: number; total: number}; limits: {max_consumers: number; max_memory: number; max_storage: number; max_streams: number}; streams: number}
  jetstream_error?: string
  notes: string[]
  system_account?: boolean
  user?: {account: string; user: string}
}

const as = (server: NatsServer, user: string): string[] => ['--server', server.url, '--user', user, '--password', user, '--timeout', '3s']

describe('account info on one server', () => {
  let server: NatsServer
  let facts: ServerFacts
  beforeAll(async () => {
    server = await startServer({config: ACCOUNTS})
    facts = await serverFacts(server)
    const add = await runCli(['request', '$JS.API.STREAM.CREATE.ACC1', JSON.stringify({max_bytes: 1_048_576, name: 'ACC1', subjects: ['acc1.>']}), ...as(server, 'app')])
    expect(add.code, add.stderr).toBe(0)
  })
  afterAll(async () => {
    await server?.destroy()
  })

  it('an ordinary user: its JetStream limits and usage; user and account where the server tells them; no imports', async () => {
    const r = await runCli(['account', 'info', ...as(server, 'app'), '--json'])
    expect(r.code, r.stderr).toBe(0)
    const info = r.json<Info>()
    expect(info.connection.server_version).toBe(facts.version)
    expect(info.jetstream?.limits).toMatchObject({max_consumers: 20, max_memory: 64 * 1024 * 1024, max_storage: 256 * 1024 * 1024, max_streams: 10})
    expect(info.jetstream?.streams).toBe(1)
    expect(info.jetstream?.api.total).toBeGreaterThan(0)
    if (facts.caps.has('user-info')) {
      expect(info.user).toMatchObject({account: 'APP', user: 'app'})
      expect(info.account).toBe('APP')
    } else {
      expect(info.user).toBeUndefined()
      expect(info.notes.join(' ')).toMatch(/user, account and permissions need nats-server 2\.10\.0 \(\$SYS\.REQ\.USER\.INFO\)/)
    }

    expect(info.imports).toBeUndefined()
    expect(info.notes).toContain('imports and exports: only a system-account user can read them (accountz)')
    const text = await runCli(['account', 'info', ...as(server, 'app')])
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toMatch(/Streams: 1 of 10/)
    expect(text.stdout).toMatch(/Memory: 0 B of 64 MiB/)
  })

  it('a system-account user: its account, marked system, with imports and exports', async () => {
    const r = await runCli(['account', 'info', ...as(server, 'sys'), '--json'])
    expect(r.code, r.stderr).toBe(0)
    const info = r.json<Info>()
    expect(info.account).toBe('SYS')
    expect(info.system_account).toBe(true)
    // the system account exports the account-scoped requests every account imports
    expect(info.exports?.map((e) => e.subject)).toEqual(expect.arrayContaining(['$SYS.REQ.ACCOUNT.*.CONNZ', '$SYS.REQ.ACCOUNT.*.STATZ']))
    expect(info.jetstream_error).toMatch(/JetStream/)
  })

  it('an account without JetStream: the reason instead of limits, exit 0', async () => {
    const r = await runCli(['account', 'info', ...as(server, 'nojs'), '--json'])
    expect(r.code, r.stderr).toBe(0)
    const info = r.json<Info>()
    expect(info.jetstream).toBeUndefined()
    expect(info.jetstream_error).toMatch(/not enabled/i)
  })
})

describe('account reports on a 3-node cluster', () => {
  let cluster: Cluster
  let probes: NatsConnection[]
  beforeAll(async () => {
    cluster = await startCluster(3, {config: ACCOUNTS})
    // one named APP client on each server, one with more subscriptions and traffic
    probes = await Promise.all(cluster.servers.map((s, i) => connect({name: `probe-${i + 1}`, pass: 'app', servers: s.url, user: 'app'})))
    for (let i = 0; i < 5; i++) probes[1].subscribe(`busy.${i}`)
    for (let i = 0; i < 20; i++) probes[1].publish('busy.0', 'x')
    await Promise.all(probes.map((p) => p.flush()))
  })
  afterAll(async () => {
    for (const p of probes ?? []) await p.close().catch(() => {})
    await cluster?.destroy()
  })

  interface Conns {
    connections: Array<{account?: string; cid: number; closed_reason?: string; in_msgs: number; name?: string; server: string; subscriptions: number; user?: string}>
    servers: Array<{server: string}>
    total: number
  }

  it('connections: the APP user sees its own connections on every server; the system user sees them with --account', async () => {
    for (const who of [[...as(cluster.servers[0], 'app')], [...as(cluster.servers[0], 'sys'), '--account', 'APP']]) {
      const r = await runCli(['account', 'report', 'connections', ...who, '--json'])
      expect(r.code, r.stderr).toBe(0)
      const out = r.json<Conns>()
      expect(out.servers.map((s) => s.server)).toEqual(['n1', 'n2', 'n3'])
      const probesSeen = out.connections.filter((c) => c.name?.startsWith('probe-'))
      expect(probesSeen.map((c) => [c.name, c.server]).sort(), `${who.join(' ')}\n${r.stdout}`).toEqual([['probe-1', 'n1'], ['probe-2', 'n2'], ['probe-3', 'n3']])
      expect(out.connections.every((c) => c.account === 'APP' && c.user === 'app')).toBe(true)
      // sorted by subscriptions: the busy client first
      expect(out.connections[0].name).toBe('probe-2')
      expect(out.connections[0].subscriptions).toBeGreaterThanOrEqual(5)
    }

    const top = await runCli(['account', 'report', 'connections', ...as(cluster.servers[2], 'app'), '--sort', 'in-msgs', '--top', '1', '--json'])
    expect(top.code, top.stderr).toBe(0)
    const t = top.json<Conns>()
    expect(t.connections).toHaveLength(1)
    expect(t.connections[0]).toMatchObject({in_msgs: 20, name: 'probe-2'})
    expect(t.total).toBeGreaterThanOrEqual(4)
    const text = await runCli(['account', 'report', 'connections', ...as(cluster.servers[0], 'app')])
    expect(text.stdout).toMatch(/n2 +│ \d+ +│ APP +│ app +│ probe-2 /)
    expect(text.stdout).toMatch(/of \d+ connection\(s\) on 3 server\(s\)/)
  })

  it('connections --state closed: a client that left, with the reason', async () => {
    const gone = await connect({name: 'leaver', pass: 'app', servers: cluster.servers[1].url, user: 'app'})
    await gone.close()
    const closed = await waitFor(async () => {
      const r = await runCli(['account', 'report', 'connections', ...as(cluster.servers[0], 'app'), '--state', 'closed', '--json'])
      return r.json<Conns>().connections.find((c) => c.name === 'leaver')
    }, 20_000, 'the closed connection reported')
    expect(closed).toMatchObject({closed_reason: 'Client Closed', server: 'n2'})
  })

  it('statistics: APP per server and summed; the system user sees APP with --account', async () => {
    interface Stats {
      servers: Array<{account: string; connections: number; received: {msgs: number}; server: string}>
      totals: Array<{account: string; connections: number; received: {msgs: number}; server: string}>
    }
    for (const who of [[...as(cluster.servers[1], 'app')], [...as(cluster.servers[1], 'sys'), '--account', 'APP']]) {
      const r = await runCli(['account', 'report', 'statistics', ...who, '--json'])
      expect(r.code, r.stderr).toBe(0)
      const out = r.json<Stats>()
      expect(out.servers.every((s) => s.account === 'APP')).toBe(true)
      expect(out.servers.map((s) => s.server)).toEqual(['n1', 'n2', 'n3'])
      const total = out.totals.find((t) => t.account === 'APP')!
      expect(total.server).toBe('*')
      expect(total.connections).toBe(out.servers.reduce((n, s) => n + s.connections, 0))
      expect(total.connections).toBeGreaterThanOrEqual(3)
      expect(out.servers.find((s) => s.server === 'n2')!.received.msgs).toBeGreaterThanOrEqual(20)
    }

    const sysAll = await runCli(['account', 'report', 'statistics', ...as(cluster.servers[0], 'sys'), '--json'])
    expect(sysAll.code, sysAll.stderr).toBe(0)
    expect(sysAll.json<Stats>().totals.map((t) => t.account)).toEqual(expect.arrayContaining(['APP', 'SYS']))
    const text = await runCli(['account', 'report', 'stats', ...as(cluster.servers[0], 'app')])
    expect(text.stdout).toMatch(/APP +│ \* +│/)
  })

  it('another account without system rights is exit 7 with one line; a bad --sort is exit 2', async () => {
    for (const verb of ['connections', 'statistics']) {
      const r = await runCli(['account', 'report', verb, ...as(cluster.servers[0], 'app'), '--account', 'SYS'])
      expect(r.code, r.stderr).toBe(7)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(r.stderr).toMatch(/asked for account "SYS" but the servers answered for "APP": only a system-account user/)
      expect(r.stdout).toBe('')
    }

    const bad = await runCli(['account', 'report', 'connections', ...as(cluster.servers[0], 'app'), '--sort', 'size', '--json'])
    expect(bad.code).toBe(2)
    expect(JSON.parse(bad.stderr)).toMatchObject({error: {code: 2}})
  })
})
