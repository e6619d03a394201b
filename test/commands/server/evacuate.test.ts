// 2.15's evacuations on a 3-node cluster: server evacuate (system account), stream cluster evacuate, consumer cluster
// evacuate and stream cluster cancel-move; exit 8 with the server unchanged where the server lacks them.
import {connect, type NatsConnection} from '@nats-io/transport-node'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {ConsumerEvacuateResult} from '../../../src/commands/consumer/cluster/evacuate.js'
import type {ServerEvacuateResult} from '../../../src/commands/server/evacuate.js'
import type {StreamEvacuateResult} from '../../../src/commands/stream/cluster/evacuate.js'

import {runCli} from '../../helpers/cli.js'
import {type Cluster, serverFacts, type ServerFacts, startCluster, waitFor} from '../../helpers/servers.js'

const CONFIG = `
accounts {
  SYS { users: [ { user: sys, password: sys } ] }
  APP { jetstream: enabled, users: [ { user: app, password: app } ] }
}
system_account: SYS
`

type Cl = {cluster?: {leader?: string; replicas?: Array<{name: string}>}}
const peersOf = (i: Cl): string[] => [i.cluster?.leader, ...(i.cluster?.replicas ?? []).map((r) => r.name)].flatMap((p) => (p ? [p] : [])).sort()

describe('evacuate and cancel-move', () => {
  let cluster: Cluster
  let facts: ServerFacts
  let nc: NatsConnection
  let app: string[]
  let sys: string[]
  const api = async <T = Cl>(subject: string, body: unknown = {}): Promise<T & {error?: {description: string}}> => (await nc.request(subject, JSON.stringify(body), {timeout: 10_000})).json<T & {error?: {description: string}}>()
  const make = async (subject: string, body: unknown): Promise<void> => {
    await waitFor(async () => (await api(subject, body)).error === undefined || undefined, 90_000, subject)
  }

  beforeAll(async () => {
    cluster = await startCluster(3, {config: CONFIG})
    facts = await serverFacts(cluster.servers[0])
    nc = await connect({pass: 'app', servers: cluster.servers[0].url, user: 'app'})
    app = ['--server', cluster.servers[0].url, '--user', 'app', '--password', 'app', '--timeout', '5s']
    sys = ['--server', cluster.servers[0].url, '--user', 'sys', '--password', 'sys', '--timeout', '5s']
    await make('$JS.API.STREAM.CREATE.ONE', {name: 'ONE', num_replicas: 1, subjects: ['one.>']})
    await make('$JS.API.CONSUMER.CREATE.ONE.C1', {config: {ack_policy: 'explicit', durable_name: 'C1'}, stream_name: 'ONE'})
    await make('$JS.API.STREAM.CREATE.TWO', {name: 'TWO', num_replicas: 1, subjects: ['two.>']})
    await make('$JS.API.STREAM.CREATE.THREE', {name: 'THREE', num_replicas: 3, subjects: ['three.>']})
    await waitFor(async () => (await api('$JS.API.STREAM.INFO.THREE')).cluster?.leader || undefined, 30_000, 'a leader for THREE')
    await make('$JS.API.CONSUMER.CREATE.THREE.R1', {config: {ack_policy: 'explicit', durable_name: 'R1', num_replicas: 1}, stream_name: 'THREE'})
    for (let i = 0; i < 5; i++) await nc.request(`one.${i}`, 'x', {timeout: 10_000})
  }, 240_000)
  afterAll(async () => {
    await nc?.close()
    await cluster?.destroy()
  })

  const refusedWith8 = (r: {code: null | number; stderr: string}, needs: string): void => {
    expect(r.code, r.stderr).toBe(8)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toContain(`requires nats-server ${needs}`)
    expect(r.stderr).toContain(facts.version)
  }

  it('stream cluster evacuate moves an R1 stream off its server; cancel-move with no move is exit 4', async () => {
    const from = peersOf(await api('$JS.API.STREAM.INFO.TWO'))
    expect(from).toHaveLength(1)
    const cmd = ['stream', 'cluster', 'evacuate', 'TWO', from[0], ...app]
    if (!facts.caps.has('stream-peer-evacuate')) {
      refusedWith8(await runCli([...cmd, '--force']), '2.15.0')
      refusedWith8(await runCli(['stream', 'cluster', 'cancel-move', 'TWO', ...app]), '2.15.0')
      expect(peersOf(await api('$JS.API.STREAM.INFO.TWO'))).toEqual(from)
      return
    }

    const refused = await runCli(cmd)
    expect(refused.code, refused.stderr).toBe(2)
    expect(peersOf(await api('$JS.API.STREAM.INFO.TWO'))).toEqual(from)
    const r = await runCli([...cmd, '--force', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const out = r.json<StreamEvacuateResult>()
    expect(out).toMatchObject({done: true, peer: from[0], stream: 'TWO'})
    expect(out.peers).toHaveLength(1)
    expect(out.peers).not.toContain(from[0])
    expect(peersOf(await api('$JS.API.STREAM.INFO.TWO'))).toEqual(out.peers)

    const cancel = await runCli(['stream', 'cluster', 'cancel-move', 'TWO', ...app])
    expect(cancel.code, cancel.stderr).toBe(4)
    expect(cancel.stderr).toContain('not in progress')
    expect(cancel.stderr.trim().split('\n')).toHaveLength(1)
  }, 90_000)

  it('consumer cluster evacuate moves an R1 consumer to another server of its R3 stream', async () => {
    const from = peersOf(await api('$JS.API.CONSUMER.INFO.THREE.R1'))
    expect(from).toHaveLength(1)
    const cmd = ['consumer', 'cluster', 'evacuate', 'THREE', 'R1', from[0], ...app, '--force']
    if (!facts.caps.has('consumer-peer-evacuate')) {
      refusedWith8(await runCli(cmd), '2.15.0')
      expect(peersOf(await api('$JS.API.CONSUMER.INFO.THREE.R1'))).toEqual(from)
      return
    }

    const r = await runCli([...cmd, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const out = r.json<ConsumerEvacuateResult>()
    expect(out).toMatchObject({consumer: 'R1', done: true, peer: from[0], stream: 'THREE'})
    expect(out.peers).toHaveLength(1)
    expect(out.peers).not.toContain(from[0])
  }, 90_000)

  it('server evacuate empties a server, with progress, and every stream keeps its messages', async () => {
    const from = peersOf(await api('$JS.API.STREAM.INFO.ONE'))[0]
    const cmd = ['server', 'evacuate', from, ...sys]
    if (!facts.caps.has('server-evacuate')) {
      refusedWith8(await runCli([...cmd, '--force']), '2.15.0')
      expect(peersOf(await api('$JS.API.STREAM.INFO.ONE'))).toEqual([from])
      return
    }

    const refused = await runCli(cmd)
    expect(refused.code, refused.stderr).toBe(2)
    expect(peersOf(await api('$JS.API.STREAM.INFO.ONE'))).toEqual([from])
    const r = await runCli([...cmd, '--force'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toMatch(new RegExp(`${from}: [1-9]\\d* stream\\(s\\), \\d+ consumer\\(s\\) still on it`))
    expect(r.stdout).toContain(`${from} is empty`)
    const jsz = (await (await fetch(`${cluster.servers.find((s) => s.name === from)!.monitorUrl}/jsz`)).json()) as {consumers: number; streams: number}
    expect([jsz.streams, jsz.consumers]).toEqual([0, 0])
    const one = await api<Cl & {state: {messages: number}}>('$JS.API.STREAM.INFO.ONE')
    expect(peersOf(one)).not.toContain(from)
    expect(one.state.messages).toBe(5)

    // again, as JSON: nothing left to move
    const again = await runCli([...cmd, '--force', '--json'])
    expect(again.code, again.stderr).toBe(0)
    expect(again.json<ServerEvacuateResult>()).toMatchObject({done: true, peer: from, remaining: {consumers: 0, streams: 0}})
  }, 120_000)

  it('a server that does not exist is exit 3 before anything is sent', async ({skip}) => {
    if (!facts.caps.has('server-evacuate')) skip() // refused above, version first
    const r = await runCli(['server', 'evacuate', 'nosuch', ...sys, '--force'])
    expect(r.code, r.stderr).toBe(3)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
  })
})
