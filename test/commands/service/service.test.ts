// service ls/info/stats/ping against real NATS micro services (@nats-io/services): two endpoints, one that fails.
import {Svcm} from '@nats-io/services'
import {connect, type NatsConnection} from '@nats-io/transport-node'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCli} from '../../helpers/cli.js'
import {type Cluster, type NatsServer, startCluster, startServer, waitFor} from '../../helpers/servers.js'

interface Stats {
  endpoints: Array<{average_processing_ms: number; errors: number; last_error?: string; name: string; processing_ms: number; requests: number; subject: string}>
  instances: Array<{endpoints: Array<{errors: number; name: string; requests: number}>; id: string; version: string}>
  name: string
  totals: {errors: number; requests: number}
}

/** The services package (3.0.0-25) carries its own (older) nats-core; the connection is the same at run time. */
const svcm = (nc: NatsConnection): Svcm => new Svcm(nc as unknown as ConstructorParameters<typeof Svcm>[0])

/** A service "orders" with an endpoint that answers (get) and one that fails (fail), on its own connection. */
async function startOrders(nc: NatsConnection, version = '1.0.0'): Promise<string> {
  const svc = await svcm(nc).add({description: 'order desk', metadata: {team: 'ops'}, name: 'orders', version})
  svc.addEndpoint('get', {handler: (_err, msg) => msg.respond('order 1'), metadata: {kind: 'read'}, subject: 'orders.get'})
  svc.addEndpoint('fail', {
    handler() {
      throw new Error('no such order')
    },
    subject: 'orders.fail',
  })
  return svc.info().id
}

/** Requests through the service; each failing one must come back as a service error. */
async function traffic(nc: NatsConnection, gets: number, fails: number): Promise<void> {
  for (let i = 0; i < gets; i++) expect((await nc.request('orders.get', '', {timeout: 5000})).string()).toBe('order 1')
  for (let i = 0; i < fails; i++) {
    const r = await nc.request('orders.fail', '', {timeout: 5000})
    expect(r.headers?.get('Nats-Service-Error')).toBe('no such order')
    expect(r.headers?.get('Nats-Service-Error-Code')).toBe('500')
  }
}

describe('service commands on one server', () => {
  let server: NatsServer
  let svcConns: NatsConnection[]
  let client: NatsConnection
  let ids: string[]
  let s: string[]
  beforeAll(async () => {
    server = await startServer()
    s = ['--server', server.url, '--timeout', '3s']
    svcConns = await Promise.all([1, 2, 3].map(() => connect({servers: server.url})))
    ids = [await startOrders(svcConns[0]), await startOrders(svcConns[1], '1.1.0')]
    const billing = await svcm(svcConns[2]).add({name: 'billing', version: '0.1.0'})
    billing.addEndpoint('charge', (_err, msg) => msg.respond('ok'))
    client = await connect({servers: server.url})
    // queue groups spread the requests over both instances; the totals are what the test knows
    await traffic(client, 5, 3)
  })
  afterAll(async () => {
    for (const nc of [...(svcConns ?? []), client]) await nc?.close()
    await server?.destroy()
  })

  it('ls: one row per service with its versions and instances; text and JSON', async () => {
    const r = await runCli(['service', 'ls', ...s, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const {services} = r.json<{services: Array<{endpoints: number; ids: string[]; instances: number; name: string; versions: string[]}>}>()
    expect(services.map((x) => x.name)).toEqual(['billing', 'orders'])
    const orders = services[1]
    expect(orders).toMatchObject({description: 'order desk', endpoints: 2, instances: 2})
    expect(orders.versions.sort()).toEqual(['1.0.0', '1.1.0'])
    expect(orders.ids.sort()).toEqual([...ids].sort())
    const text = await runCli(['service', 'list', ...s])
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toMatch(/orders +│ 1\.\d\.0, 1\.\d\.0 +│ +2 │ +2 │ order desk/)
  })

  it('info: each instance with its endpoints, subjects, queue group and metadata', async () => {
    const r = await runCli(['service', 'info', 'orders', ...s, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const out = r.json<{instances: Array<{endpoints: Array<{metadata?: Record<string, string>; name: string; queue_group: string; subject: string}>; id: string; metadata: Record<string, string>; version: string}>; name: string}>()
    expect(out.name).toBe('orders')
    expect(out.instances.map((i) => i.id).sort()).toEqual([...ids].sort())
    for (const i of out.instances) {
      expect(i.metadata).toEqual({team: 'ops'})
      expect(i.endpoints.map((e) => [e.name, e.subject])).toEqual([['get', 'orders.get'], ['fail', 'orders.fail']])
      expect(i.endpoints[0].metadata).toEqual({kind: 'read'})
    }

    const one = await runCli(['service', 'info', 'orders', ids[1], ...s, '--json'])
    expect(one.code, one.stderr).toBe(0)
    expect(one.json<{instances: Array<{id: string; version: string}>}>().instances).toEqual([expect.objectContaining({id: ids[1], version: '1.1.0'})])
    const text = await runCli(['service', 'info', 'orders', ...s])
    expect(text.stdout).toMatch(/Service orders instance \w+/)
    expect(text.stdout).toMatch(/fail +│ orders\.fail +│ q/)
  })

  it('stats: requests and errors per endpoint, summed over the instances; the failing endpoint counts its errors', async () => {
    const r = await runCli(['service', 'stats', 'orders', ...s, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const out = r.json<Stats>()
    expect(out.instances).toHaveLength(2)
    const get = out.endpoints.find((e) => e.name === 'get')!
    const fail = out.endpoints.find((e) => e.name === 'fail')!
    expect(get).toMatchObject({errors: 0, requests: 5, subject: 'orders.get'})
    expect(fail).toMatchObject({errors: 3, last_error: 'no such order', requests: 3, subject: 'orders.fail'})
    expect(out.totals).toEqual({errors: 3, requests: 8})
    // the per-instance rows add up to the sums
    const perInstance = out.instances.flatMap((i) => i.endpoints).filter((e) => e.name === 'fail')
    expect(perInstance.reduce((n, e) => n + e.errors, 0)).toBe(3)
    for (const e of out.endpoints) expect(e.average_processing_ms).toBeGreaterThanOrEqual(0)

    const text = await runCli(['service', 'stats', 'orders', ...s])
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toMatch(/ID +│ ENDPOINT +│ REQUESTS +│ QUEUE GROUP +│ ERRORS +│ PROCESSING TIME +│ AVERAGE TIME/)
    expect(text.stdout).toContain('last error on fail: no such order')
    expect(text.stdout).toContain('8 request(s), 3 error(s)')

    // more failures show up in the next reading
    await traffic(client, 0, 2)
    const again = (await runCli(['service', 'stats', 'orders', ...s, '--json'])).json<Stats>()
    expect(again.endpoints.find((e) => e.name === 'fail')).toMatchObject({errors: 5, requests: 5})
  })

  it('ping: every instance, or those of one service, each with a round trip', async () => {
    const all = await runCli(['service', 'ping', ...s, '--json'])
    expect(all.code, all.stderr).toBe(0)
    const {services} = all.json<{services: Array<{id: string; name: string; rtt_ms: number; version: string}>}>()
    expect(services.map((x) => x.name)).toEqual(['billing', 'orders', 'orders'])
    expect(services.every((x) => x.rtt_ms > 0)).toBe(true)
    const orders = await runCli(['service', 'ping', 'orders', ...s])
    expect(orders.code, orders.stderr).toBe(0)
    expect(orders.stdout).toContain('2 instance(s) answered')
  })

  it('a service nobody runs is exit 3 at once (no responders); a bad name is exit 2; errors are JSON under --json', async () => {
    for (const verb of ['info', 'stats', 'ping']) {
      const started = Date.now()
      const r = await runCli(['service', verb, 'shipping', '--server', server.url, '--timeout', '20s'])
      expect(r.code, r.stderr).toBe(3)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(r.stderr).toMatch(/no instance of service "shipping" is running: nothing listens on \$SRV\.(INFO|STATS|PING)\.shipping/)
      // no waiting for the timeout when the server says nobody listens
      expect(Date.now() - started).toBeLessThan(15_000)
    }

    const bad = await runCli(['service', 'info', 'orders.v2', ...s, '--json'])
    expect(bad.code).toBe(2)
    expect(JSON.parse(bad.stderr)).toMatchObject({error: {code: 2, kind: 'usage'}})
    expect(bad.stdout).toBe('')
  })
})

const ACCOUNTS = `
accounts {
  SYS { users: [ { user: sys, password: sys } ] }
  APP { users: [ { user: app, password: app } ] }
}
system_account: SYS
`

describe('service commands on a 3-node cluster with a system account', () => {
  let cluster: Cluster
  let svcConn: NatsConnection
  let client: NatsConnection
  beforeAll(async () => {
    cluster = await startCluster(3, {config: ACCOUNTS})
    // the service lives on n3, the commands ask n1: discovery crosses the routes
    svcConn = await connect({pass: 'app', servers: cluster.servers[2].url, user: 'app'})
    await startOrders(svcConn)
    client = await connect({pass: 'app', servers: cluster.servers[0].url, user: 'app'})
    await waitFor(async () => (await client.request('$SRV.PING.orders', '', {timeout: 1000}).catch(() => undefined)) ? true : undefined, 15_000, 'the service seen from n1')
    await traffic(client, 2, 4)
  })
  afterAll(async () => {
    await svcConn?.close()
    await client?.close()
    await cluster?.destroy()
  })

  it('stats over another server of the cluster shows the failing endpoint with its errors', async () => {
    const r = await runCli(['service', 'stats', 'orders', '--server', cluster.servers[0].url, '--user', 'app', '--password', 'app', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const out = r.json<Stats>()
    expect(out.endpoints.find((e) => e.name === 'fail')).toMatchObject({errors: 4, requests: 4})
    expect(out.endpoints.find((e) => e.name === 'get')).toMatchObject({errors: 0, requests: 2})
  })

  it('services are per account: the system-account user sees none of APP\'s (exit 3), the APP user sees it', async () => {
    const sys = await runCli(['service', 'ping', '--server', cluster.servers[1].url, '--user', 'sys', '--password', 'sys', '--timeout', '2s'])
    expect(sys.code, sys.stderr).toBe(3)
    expect(sys.stderr).toMatch(/no service is running: nothing listens on \$SRV\.PING|no service answered within 2000ms/)
    const ls = await runCli(['service', 'ls', '--server', cluster.servers[1].url, '--user', 'sys', '--password', 'sys', '--timeout', '2s', '--json'])
    expect(ls.code, ls.stderr).toBe(0)
    expect(ls.json()).toEqual({services: []})
    const app = await runCli(['service', 'ping', '--server', cluster.servers[1].url, '--user', 'app', '--password', 'app', '--json'])
    expect(app.code, app.stderr).toBe(0)
    expect(app.json<{services: Array<{name: string}>}>().services.map((x) => x.name)).toEqual(['orders'])
  })
})
