// events: JetStream advisories and metrics, server advisories over the system account; one line, NDJSON, CloudEvents.
import {connect} from '@nats-io/transport-node'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCli, spawnCli} from '../helpers/cli.js'
import {type Cluster, type NatsServer, startCluster, startServer} from '../helpers/servers.js'

interface Rec {
  event: Record<string, unknown>
  id?: string
  received: string
  subject: string
  time?: string
  type?: string
}

describe('events on one server', () => {
  let server: NatsServer
  let s: string[]
  beforeAll(async () => {
    server = await startServer()
    s = ['--server', server.url]
  })
  afterAll(async () => {
    await server?.destroy()
  })

  it('--js-advisory: a stream created and deleted, one line each, and as NDJSON', async () => {
    const text = spawnCli(['events', '--js-advisory', '--no-srv-advisory', '--filter', 'stream_action', '--count', '2', ...s])
    await text.waitFor('listening on $JS.EVENT.ADVISORY.>', 'stderr')
    const json = spawnCli(['events', '--js-advisory', '--no-srv-advisory', '--count', '2', '--filter', 'stream_action', '--json', ...s])
    await json.waitFor('listening', 'stderr')
    const create = await runCli(['request', '$JS.API.STREAM.CREATE.EV1', JSON.stringify({name: 'EV1', subjects: ['ev1.>']}), ...s])
    expect(create.code, create.stderr).toBe(0)
    // one event after the other: the delete once both listeners have shown the create
    await text.waitFor('action=create')
    await json.waitFor('"action":"create"')
    const del = await runCli(['request', '$JS.API.STREAM.DELETE.EV1', '', ...s])
    expect(del.code, del.stderr).toBe(0)
    expect(del.stdout).toContain('"success":true')

    const t = await text.done
    expect(t.code, t.stderr + t.stdout).toBe(0)
    const lines = t.stdout.trim().split('\n')
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} stream_action stream=EV1 action=create$/)
    expect(lines[1]).toMatch(/stream_action stream=EV1 action=delete$/)
    const j = await json.done
    expect(j.code, j.stderr).toBe(0)
    const recs = j.ndjson<Rec>()
    expect(recs.map((r) => [r.type, r.event.action, r.subject])).toEqual([
      ['io.nats.jetstream.advisory.v1.stream_action', 'create', '$JS.EVENT.ADVISORY.STREAM.CREATED.EV1'],
      ['io.nats.jetstream.advisory.v1.stream_action', 'delete', '$JS.EVENT.ADVISORY.STREAM.DELETED.EV1'],
    ])
    for (const r of recs) expect(r.id).toBe(r.event.id)
  })

  it('--js-metric --cloudevent: consumer acknowledgement samples as CloudEvents v1.0 envelopes', async () => {
    const setup = [
      ['$JS.API.STREAM.CREATE.EV2', JSON.stringify({name: 'EV2', subjects: ['ev2.>']})],
      ['$JS.API.CONSUMER.CREATE.EV2.C', JSON.stringify({config: {ack_policy: 'explicit', durable_name: 'C', sample_freq: '100%'}, stream_name: 'EV2'})],
    ]
    for (const [subject, body] of setup) expect((await runCli(['request', subject, body, ...s])).code).toBe(0)
    const ev = spawnCli(['events', '--js-metric', '--no-srv-advisory', '--cloudevent', '--count', '1', ...s])
    await ev.waitFor('listening on $JS.EVENT.METRIC.>', 'stderr')
    const nc = await connect({servers: server.url})
    try {
      const js = await import('@nats-io/jetstream')
      await js.jetstream(nc).publish('ev2.a', 'x')
      const c = await js.jetstream(nc).consumers.get('EV2', 'C')
      const m = await c.next({expires: 5000})
      expect(m).not.toBeNull()
      await m!.ackAck()
    } finally {
      await nc.close()
    }

    const r = await ev.done
    expect(r.code, r.stderr).toBe(0)
    const [ce] = r.ndjson<{data: Record<string, unknown>; dataschema: string; id: string; source: string; specversion: string; subject: string; time: string; type: string}>()
    expect(ce).toMatchObject({source: 'urn:nats:jetstream', specversion: '1.0', subject: 'metric', type: 'io.nats.jetstream.metric.v1.consumer_ack'})
    expect(ce.data).toMatchObject({consumer: 'C', deliveries: 1, stream: 'EV2', stream_seq: 1})
    expect(ce.id).toBe(ce.data.id)
    expect(ce.dataschema).toMatch(/jetstream\/metric\/v1\/consumer_ack\.json$/)
  })

  it('bad input: nothing chosen, a bad --filter, a bad --subjects are exit 2 before connecting', async () => {
    const none = await runCli(['events', '--no-srv-advisory', ...s])
    expect(none.code).toBe(2)
    expect(none.stderr).toMatch(/no events chosen; pass --js-advisory/)
    const re = await runCli(['events', '--filter', '(', '--json', ...s])
    expect(re.code).toBe(2)
    expect(JSON.parse(re.stderr)).toMatchObject({error: {code: 2, kind: 'usage'}})
    const subj = await runCli(['events', '--subjects', 'a..b', ...s])
    expect(subj.code).toBe(2)
  })

  it('Ctrl-C ends with exit 130', async () => {
    const ev = spawnCli(['events', '--js-advisory', ...s])
    await ev.waitFor('listening', 'stderr')
    ev.child.kill('SIGINT')
    const r = await ev.done
    expect(r.code).toBe(130)
  })
})

describe('events when the server goes away', () => {
  it('exit 6 with one line', async () => {
    const server = await startServer()
    try {
      const ev = spawnCli(['events', '--js-advisory', '--server', server.url])
      await ev.waitFor('listening', 'stderr')
      await server.stop()
      const r = await ev.done
      expect(r.code, r.stderr).toBe(6)
      expect(r.stderr.trim().split('\n').at(-1)).toMatch(/^natsx: lost the connection to the server: events sent meanwhile are lost; /)
    } finally {
      await server.destroy()
    }
  })
})

const ACCOUNTS = `
accounts {
  SYS { users: [ { user: sys, password: sys } ] }
  APP { jetstream: enabled, users: [ { user: app, password: app } ] }
}
system_account: SYS
`

describe('server advisories on a 3-node cluster with a system account', () => {
  let cluster: Cluster
  beforeAll(async () => {
    cluster = await startCluster(3, {config: ACCOUNTS})
  })
  afterAll(async () => {
    await cluster?.destroy()
  })

  it('a client connecting and leaving at another server is seen by the system user, with its account and server', async () => {
    const ev = spawnCli(['events', '--server', cluster.servers[0].url, '--user', 'sys', '--password', 'sys', '--json', '--count', '2', '--filter', '"name":"probe-client"'])
    await ev.waitFor('listening on $SYS.ACCOUNT.*.CONNECT, $SYS.ACCOUNT.*.DISCONNECT, $SYS.SERVER.*.CLIENT.AUTH.ERR', 'stderr')
    const nc = await connect({name: 'probe-client', pass: 'app', servers: cluster.servers[2].url, user: 'app'})
    await nc.flush()
    await nc.close()
    const r = await ev.done
    expect(r.code, r.stderr).toBe(0)
    const recs = r.ndjson<Rec>()
    expect(recs.map((x) => x.type)).toEqual(['io.nats.server.advisory.v1.client_connect', 'io.nats.server.advisory.v1.client_disconnect'])
    for (const x of recs) expect(x.event).toMatchObject({client: {acc: 'APP', name: 'probe-client', user: 'app'}, server: {name: 'n3'}})
    expect(recs[0].subject).toBe('$SYS.ACCOUNT.APP.CONNECT')
  })

  it('a failed login is a disconnect advisory with the reason, one line', async () => {
    const ev = spawnCli(['events', '--server', cluster.servers[1].url, '--user', 'sys', '--password', 'sys', '--count', '1', '--filter', 'Authentication Failure'])
    await ev.waitFor('listening', 'stderr')
    const bad = await runCli(['server', 'features', '--server', cluster.servers[1].url, '--user', 'app', '--password', 'wrong'])
    expect(bad.code).toBe(7)
    const r = await ev.done
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout.trim()).toMatch(/^\d\d:\d\d:\d\d\.\d{3} client_disconnect reason="Authentication Failure" .*user=app .*server=n2$/)
  })
})
