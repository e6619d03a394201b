// server report connections: --account, --user, --subject and --state, against a real server with accounts.
import {connect, type NatsConnection} from '@nats-io/transport-node'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCli} from '../../helpers/cli.js'
import {type NatsServer, startServer, waitFor} from '../../helpers/servers.js'

const CONFIG = `
accounts {
  SYS { users: [ { user: sys, password: sys } ] }
  APP { users: [ { user: alice, password: a }, { user: bob, password: b } ] }
  OTHER { users: [ { user: carol, password: c } ] }
}
system_account: SYS
`

interface Report {
  connections: Array<{account?: string; name?: string; reason?: string; subjects?: string[]; user?: string}>
  total: number
}

describe('server report connections filters', () => {
  let server: NatsServer
  let sys: string[]
  let http: string[]
  const conns: NatsConnection[] = []
  beforeAll(async () => {
    server = await startServer({config: CONFIG, jetstream: false})
    sys = ['--server', server.url, '--user', 'sys', '--password', 'sys', '--timeout', '3s']
    http = ['--monitor', `127.0.0.1:${server.monitorPort}`, '--timeout', '3s']
    const open = async (user: string, pass: string, name: string, subject?: string): Promise<NatsConnection> => {
      const nc = await connect({name, pass, servers: server.url, user})
      if (subject) nc.subscribe(subject)
      await nc.flush()
      conns.push(nc)
      return nc
    }

    await open('alice', 'a', 'alice-orders', 'orders.*')
    await open('bob', 'b', 'bob-billing', 'billing.>')
    await open('carol', 'c', 'carol-orders', 'orders.>')
    const gone = await open('bob', 'b', 'bob-gone')
    await gone.close()
  })
  afterAll(async () => {
    for (const nc of conns) if (!nc.isClosed()) await nc.close()
    await server?.destroy()
  })

  const report = async (...args: string[]): Promise<Report> => {
    const r = await runCli(['server', 'report', 'connections', ...args, '--json'])
    expect(r.code, r.stderr).toBe(0)
    return r.json<Report>()
  }

  const names = (r: Report): string[] => r.connections.map((c) => c.name ?? '').filter((n) => n !== '').sort()

  it('--account, --user and --subject choose connections, over $SYS and HTTP alike', async () => {
    for (const t of [sys, http]) {
      expect(names(await report(...t, '--account', 'APP'))).toEqual(['alice-orders', 'bob-billing'])
      expect(names(await report(...t, '--username', 'bob'))).toEqual(['bob-billing'])
      // a subscription takes the subject when its wildcards match it
      const orders = await report(...t, '--subject', 'orders.new')
      expect(names(orders)).toEqual(['alice-orders', 'carol-orders'])
      expect(orders.connections.find((c) => c.name === 'alice-orders')?.subjects).toEqual(['orders.*'])
      expect(names(await report(...t, '--subject', 'orders.new.eu'))).toEqual(['carol-orders'])
      expect(names(await report(...t, '--subject', 'orders.new', '--account', 'OTHER'))).toEqual(['carol-orders'])
    }
  })

  it('--state closed shows the closed connection and why it closed; all shows both', async () => {
    const closed = await waitFor(async () => {
      const r = await report(...sys, '--state', 'closed', '--username', 'bob')
      return r.connections.length > 0 ? r : undefined
    }, 10_000, 'the closed connection in connz')
    expect(closed.connections.map((c) => [c.name, c.reason])).toEqual([['bob-gone', 'Client Closed']])
    expect(names(await report(...http, '--state', 'all', '--username', 'bob'))).toEqual(['bob-billing', 'bob-gone'])
    const text = await runCli(['server', 'report', 'connections', ...sys, '--state', 'closed'])
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toMatch(/bob-gone.*\(closed: Client Closed\)/)
  })

  it('bad input: an unknown state, a subject with a wildcard', async () => {
    for (const args of [['--state', 'gone'], ['--subject', 'orders.*']]) {
      const r = await runCli(['server', 'report', 'connections', ...sys, ...args])
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2)
    }
  })

  it('--graph adds a bar per server with its connection count, after the table', async () => {
    const r = await runCli(['server', 'report', 'connections', ...sys, '--account', 'APP', '--graph'])
    expect(r.code, r.stderr).toBe(0)
    const lines = r.stdout.split('\n')
    const at = lines.indexOf('Servers by connections:')
    expect(at).toBeGreaterThan(0)
    // one server; alice and bob are the open APP connections
    expect(lines[at + 1]).toMatch(/│█+ 2$/)
  })
})
