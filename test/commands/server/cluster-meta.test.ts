// server cluster step-down and peer-remove on a real 3-node cluster, over the system account. What happened is read
// from the servers' own /jsz (meta_cluster), never from natsx's output alone.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {ServerClusterPeerRemoveResult} from '../../../src/commands/server/cluster/peer-remove.js'
import type {ServerClusterStepDownResult} from '../../../src/commands/server/cluster/step-down.js'

import {runCli} from '../../helpers/cli.js'
import {type Cluster, type NatsServer, serverFacts, type ServerFacts, startCluster, waitFor} from '../../helpers/servers.js'

const CONFIG = `
accounts {
  SYS { users: [ { user: sys, password: sys } ] }
  APP { jetstream: enabled, users: [ { user: app, password: app } ] }
}
system_account: SYS
`

interface MetaJsz {
  meta_cluster?: {cluster_size?: number; leader?: string; replicas?: Array<{name: string}> | null}
}

async function meta(s: NatsServer): Promise<NonNullable<MetaJsz['meta_cluster']>> {
  const jsz = (await (await fetch(`${s.monitorUrl}/jsz`)).json()) as MetaJsz
  return jsz.meta_cluster ?? {}
}

/** The leader every running server agrees on, once they agree. */
async function agreedLeader(servers: NatsServer[]): Promise<string> {
  return waitFor(async () => {
    const leaders = await Promise.all(servers.filter((s) => s.running).map(async (s) => (await meta(s)).leader))
    return leaders[0] && leaders.every((l) => l === leaders[0]) ? leaders[0] : undefined
  }, 30_000, 'the servers to agree on a meta leader')
}

describe('server cluster step-down and peer-remove', () => {
  let cluster: Cluster
  let facts: ServerFacts
  let sys: string[]
  let app: string[]

  beforeAll(async () => {
    cluster = await startCluster(3, {config: CONFIG})
    facts = await serverFacts(cluster.servers[0])
    sys = ['--server', cluster.servers[0].url, '--user', 'sys', '--password', 'sys', '--timeout', '5s']
    app = ['--server', cluster.servers[0].url, '--user', 'app', '--password', 'app', '--timeout', '5s']
    // a formed meta group: the leader sees all three peers, each current (a cluster just started may not yet)
    await waitFor(async () => {
      const r = await runCli(['server', 'report', 'jetstream', ...sys, '--json'])
      if (r.code !== 0) return undefined
      const m = r.json<{meta: null | {peers: Array<{current: boolean | null}>}}>().meta
      return m && m.peers.length === 3 && m.peers.every((p) => p.current) ? true : undefined
    }, 60_000, 'the meta group to see all three peers current')
  }, 120_000)
  afterAll(async () => {
    await cluster?.destroy()
  })

  const oneLine = (r: {stderr: string}): void => {
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
  }

  it('step-down: a new meta leader, as every server reports it', async () => {
    const before = await agreedLeader(cluster.servers)
    const r = await runCli(['server', 'cluster', 'step-down', ...sys, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const out = r.json<ServerClusterStepDownResult>()
    expect(out.previous_leader).toBe(before)
    const after = await agreedLeader(cluster.servers)
    expect(after).not.toBe(before)
    expect(out.leader).toBe(after)
    expect(out.before.peers.map((p) => p.name).sort()).toEqual(['n1', 'n2', 'n3'])
    expect(out.after.peers.find((p) => p.leader)?.name).toBe(after)
  }, 60_000)

  it('step-down --preferred: that peer leads (2.11+), or exit 8 with the leader unchanged', async () => {
    const before = await agreedLeader(cluster.servers)
    const to = ['n1', 'n2', 'n3'].find((n) => n !== before)!
    const r = await runCli(['server', 'cluster', 'step-down', '--preferred', to, ...sys])
    if (!facts.caps.has('stepdown-preferred')) {
      expect(r.code, r.stderr).toBe(8)
      oneLine(r)
      expect(r.stderr).toContain('requires nats-server 2.11.0')
      expect(r.stderr).toContain(facts.version)
      expect(await agreedLeader(cluster.servers)).toBe(before)
      return
    }

    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain(`Meta leader was ${before}, now ${to}`)
    expect(await agreedLeader(cluster.servers)).toBe(to)
  }, 60_000)

  it('refusals: an unknown peer is exit 3, a user outside the system account exit 7, one line each, leader unchanged', async () => {
    const before = await agreedLeader(cluster.servers)
    const noRights = await runCli(['server', 'cluster', 'step-down', ...app])
    expect(noRights.code, noRights.stderr).toBe(7)
    oneLine(noRights)
    const rm = await runCli(['server', 'cluster', 'peer-remove', 'nosuch', ...sys, '--force'])
    expect(rm.code, rm.stderr).toBe(3)
    oneLine(rm)
    expect(rm.stderr).toContain('nosuch is not a peer')
    expect(await agreedLeader(cluster.servers)).toBe(before)
    expect((await meta(cluster.servers[0])).cluster_size).toBe(3)
    // an unknown preferred peer: exit 3 where --preferred exists, the version refusal (8) where it does not
    const unknown = await runCli(['server', 'cluster', 'step-down', '--preferred', 'nosuch', ...sys])
    expect(unknown.code, unknown.stderr).toBe(facts.caps.has('stepdown-preferred') ? 3 : 8)
    oneLine(unknown)
    expect(await agreedLeader(cluster.servers)).toBe(before)
  }, 60_000)

  it('peer-remove: a stopped server leaves the meta group, as the remaining servers report it', async () => {
    // the server to remove is the one natsx is not connected through
    const gone = cluster.servers[2]
    const stay = cluster.servers.slice(0, 2)
    const refused = await runCli(['server', 'cluster', 'peer-remove', gone.name, ...sys])
    expect(refused.code, refused.stderr).toBe(2)
    expect(refused.stderr).toContain('--force')
    await gone.stop()
    // when the stopped server led, the others elect another first
    const leader = await waitFor(async () => {
      const l = await agreedLeader(stay)
      return l === gone.name ? undefined : l
    }, 30_000, 'a meta leader among the running servers')
    const r = await runCli(['server', 'cluster', 'peer-remove', gone.name, ...sys, '--force', '--json'], {timeoutMs: 60_000})
    expect(r.code, r.stderr).toBe(0)
    const out = r.json<ServerClusterPeerRemoveResult>()
    expect(out).toMatchObject({peer: gone.name, was_online: false})
    expect(out.before.peers.map((p) => p.name)).toContain(gone.name)
    expect(out.after.peers.map((p) => p.name)).not.toContain(gone.name)
    // the servers' own word: the leader's group no longer lists it and counts two
    await waitFor(async () => {
      const views = await Promise.all(stay.map((s) => meta(s)))
      const own = views.find((v, i) => v.leader === stay[i].name)
      return own && own.cluster_size === 2 && !(own.replicas ?? []).some((p) => p.name === gone.name) ? true : undefined
    }, 30_000, `${gone.name} to leave the meta group`)
    expect(await agreedLeader(stay)).toBeTruthy()
    expect([leader, await agreedLeader(stay)]).not.toContain(gone.name)
  }, 120_000)
})
