// stream cluster peer-remove on a real 3-node cluster: the server leaves the stream's group and the third server takes
// its place, as the servers' own /jsz report it.
import {connect, type NatsConnection} from '@nats-io/transport-node'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {StreamClusterPeerRemoveResult} from '../../../src/commands/stream/cluster/peer-remove.js'

import {runCli} from '../../helpers/cli.js'
import {type Cluster, type NatsServer, startCluster, waitFor} from '../../helpers/servers.js'

const CONFIG = `
accounts {
  APP { jetstream: enabled, users: [ { user: app, password: app } ] }
}
`

interface StreamJsz {
  account_details?: Array<{stream_detail?: Array<{cluster?: {leader?: string; replicas?: Array<{name: string}>}; name: string}> | null}> | null
}

/** Whether a server's own /jsz says it holds the stream. */
async function holds(s: NatsServer, stream: string): Promise<boolean> {
  const jsz = (await (await fetch(`${s.monitorUrl}/jsz?accounts=true&streams=true`)).json()) as StreamJsz
  return (jsz.account_details ?? []).some((a) => (a.stream_detail ?? []).some((d) => d.name === stream))
}

describe('stream cluster peer-remove', () => {
  let cluster: Cluster
  let nc: NatsConnection
  let app: string[]
  type Info = {cluster?: {leader?: string; replicas?: Array<{name: string}>}; error?: unknown}
  const info = async (name: string): Promise<Info> => (await nc.request(`$JS.API.STREAM.INFO.${name}`, '', {timeout: 10_000})).json<Info>()
  const peersOf = (i: Info): string[] => [i.cluster?.leader, ...(i.cluster?.replicas ?? []).map((r) => r.name)].flatMap((p) => (p ? [p] : [])).sort()

  beforeAll(async () => {
    cluster = await startCluster(3, {config: CONFIG, placement: {pass: 'app', user: 'app'}})
    nc = await connect({pass: 'app', servers: cluster.servers[0].url, user: 'app'})
    app = ['--server', cluster.servers[0].url, '--user', 'app', '--password', 'app', '--timeout', '5s']
    await waitFor(async () => ((await nc.request('$JS.API.STREAM.CREATE.TWO', JSON.stringify({name: 'TWO', num_replicas: 2, subjects: ['two.>']}), {timeout: 10_000})).json<Info>().error ? undefined : true), 30_000, 'stream TWO')
    await waitFor(async () => (peersOf(await info('TWO')).length === 2 ? true : undefined), 30_000, 'TWO on two servers')
  }, 240_000)
  afterAll(async () => {
    await nc?.close()
    await cluster?.destroy()
  })

  it('removes the leader: the third server takes its place, and the removed one no longer holds the stream', async () => {
    const before = peersOf(await info('TWO'))
    const leader = (await info('TWO')).cluster!.leader!
    const third = ['n1', 'n2', 'n3'].find((n) => !before.includes(n))!
    const removed = cluster.servers.find((s) => s.name === leader)!
    expect(await holds(removed, 'TWO')).toBe(true)

    const refused = await runCli(['stream', 'cluster', 'peer-remove', 'TWO', leader, ...app])
    expect(refused.code, refused.stderr).toBe(2)
    expect(peersOf(await info('TWO'))).toEqual(before)

    const r = await runCli(['stream', 'cluster', 'peer-remove', 'TWO', leader, ...app, '--force', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const out = r.json<StreamClusterPeerRemoveResult>()
    expect(out).toMatchObject({peer: leader, replaced: true, stream: 'TWO'})
    expect([...out.before.peers].sort()).toEqual(before)
    expect([...out.after.peers].sort()).toEqual([...before.filter((p) => p !== leader), third].sort())
    // the servers' own word
    await waitFor(async () => ((await holds(removed, 'TWO')) ? undefined : true), 30_000, `${leader} to drop TWO`)
    const newcomer = cluster.servers.find((s) => s.name === third)!
    await waitFor(async () => ((await holds(newcomer, 'TWO')) ? true : undefined), 30_000, `${third} to hold TWO`)
    expect(peersOf(await info('TWO'))).not.toContain(leader)
  }, 90_000)

  it('a server that holds no replica, or a missing stream, is exit 3 in one line; the group is unchanged', async () => {
    const before = peersOf(await info('TWO'))
    const outside = ['n1', 'n2', 'n3'].find((n) => !before.includes(n))!
    for (const args of [['TWO', outside], ['TWO', 'nosuch'], ['NOPE', 'n1']]) {
      const r = await runCli(['stream', 'cluster', 'peer-remove', ...args, ...app, '--force'])
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(3)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
    }

    expect(peersOf(await info('TWO'))).toEqual(before)
  }, 60_000)
})
