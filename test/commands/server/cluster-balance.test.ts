// server cluster balance: the plan (pure), and on a real 3-node cluster the leaders it moves, counted from the
// servers' own /jsz. Before 2.11 (no step-down to a preferred server) the moves are refused with exit 8, nothing sent,
// while --dry-run still shows the plan.
import {connect, type NatsConnection} from '@nats-io/transport-node'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {ServerClusterBalanceResult} from '../../../src/commands/server/cluster/balance.js'

import {type BalanceAsset, planBalance} from '../../../src/lib/cluster/balance.js'
import {runCli} from '../../helpers/cli.js'
import {type Cluster, serverFacts, type ServerFacts, startCluster, waitFor} from '../../helpers/servers.js'

const CONFIG = `
accounts {
  APP { jetstream: enabled, users: [ { user: app, password: app } ] }
}
`

const asset = (stream: string, leader: string, peers: string[]): BalanceAsset => ({cluster: 'c', kind: 'stream', leader, peers, stream})

describe('planBalance', () => {
  it('moves leaders to servers that hold a replica until the counts differ by at most one', () => {
    const all = ['n1', 'n2', 'n3']
    const plan = planBalance([...['A', 'B', 'C', 'D', 'E', 'F'].map((s) => asset(s, 'n1', all)), asset('R1', 'n2', ['n2'])])
    expect(plan.unreplicated).toBe(1)
    expect(plan.groups).toEqual([{balanced: true, before: {n1: 6, n2: 0, n3: 0}, cluster: 'c', kind: 'stream', planned: {n1: 2, n2: 2, n3: 2}}])
    expect(plan.moves).toHaveLength(4)
    for (const m of plan.moves) expect(m.from).toBe('n1')
  })

  it('says why not when no replica lies where the leaders should go', () => {
    const plan = planBalance([...['A', 'B', 'C', 'D', 'E', 'F'].map((s) => asset(s, 'n1', ['n1', 'n2'])), asset('G', 'n3', ['n3', 'n2'])])
    const [g] = plan.groups
    expect(g.balanced).toBe(false)
    expect(g.planned).toEqual({n1: 3, n2: 3, n3: 1})
    expect(g.reason).toContain('has a replica on n3')
    expect(plan.moves).toHaveLength(3)
  })

  it('an even cluster needs no move', () => {
    const all = ['n1', 'n2', 'n3']
    const plan = planBalance([asset('A', 'n1', all), asset('B', 'n2', all), asset('C', 'n3', all), asset('D', 'n1', all)])
    expect(plan.moves).toEqual([])
    expect(plan.groups[0].balanced).toBe(true)
  })
})

interface LeaderJsz {
  account_details?: Array<{stream_detail?: Array<{cluster?: {leader?: string}; consumer_detail?: Array<{cluster?: {leader?: string}}> | null}> | null}> | null
}

describe('server cluster balance on a 3-node cluster', () => {
  let cluster: Cluster
  let facts: ServerFacts
  let nc: NatsConnection
  let app: string[]
  const streams = ['S1', 'S2', 'S3', 'S4', 'S5', 'S6']
  const consumers = ['C1', 'C2', 'C3']
  const api = async (subject: string, body: unknown = {}): Promise<{cluster?: {leader?: string}; error?: {description: string}}> =>
    (await nc.request(subject, JSON.stringify(body), {timeout: 10_000})).json()

  /** How many streams and consumers each server leads, from its own /jsz. */
  const counts = async (): Promise<{consumer: Record<string, number>; stream: Record<string, number>}> => {
    const out = {consumer: {} as Record<string, number>, stream: {} as Record<string, number>}
    for (const s of cluster.servers) {
      const jsz = (await (await fetch(`${s.monitorUrl}/jsz?accounts=true&streams=true&consumers=true`)).json()) as LeaderJsz
      const details = (jsz.account_details ?? []).flatMap((a) => a.stream_detail ?? [])
      out.stream[s.name] = details.filter((d) => d.cluster?.leader === s.name).length
      out.consumer[s.name] = details.flatMap((d) => d.consumer_detail ?? []).filter((c) => c.cluster?.leader === s.name).length
    }

    return out
  }

  const spread = (c: Record<string, number>): number => Math.max(...Object.values(c)) - Math.min(...Object.values(c))
  const total = (c: Record<string, number>): number => Object.values(c).reduce((a, b) => a + b, 0)

  beforeAll(async () => {
    cluster = await startCluster(3, {config: CONFIG})
    facts = await serverFacts(cluster.servers[0])
    nc = await connect({pass: 'app', servers: cluster.servers[0].url, user: 'app'})
    app = ['--server', cluster.servers[0].url, '--user', 'app', '--password', 'app', '--timeout', '5s']
    for (const s of streams) {
      await waitFor(async () => ((await api(`$JS.API.STREAM.CREATE.${s}`, {name: s, num_replicas: 3, subjects: [`${s}.>`]})).error ? undefined : true), 30_000, s)
    }

    for (const c of consumers) {
      await waitFor(async () => ((await api(`$JS.API.CONSUMER.CREATE.S1.${c}`, {config: {ack_policy: 'explicit', durable_name: c}, stream_name: 'S1'})).error ? undefined : true), 30_000, c)
    }

    await waitFor(async () => {
      const c = await counts()
      return total(c.stream) === streams.length && total(c.consumer) === consumers.length ? true : undefined
    }, 30_000, 'every leader elected')
    if (!facts.caps.has('stepdown-preferred')) return
    // pile every leader onto n1
    for (const s of streams) {
      if ((await api(`$JS.API.STREAM.INFO.${s}`)).cluster?.leader !== 'n1') await api(`$JS.API.STREAM.LEADER.STEPDOWN.${s}`, {placement: {preferred: 'n1'}})
    }

    for (const c of consumers) {
      if ((await api(`$JS.API.CONSUMER.INFO.S1.${c}`)).cluster?.leader !== 'n1') await api(`$JS.API.CONSUMER.LEADER.STEPDOWN.S1.${c}`, {placement: {preferred: 'n1'}})
    }

    await waitFor(async () => {
      const c = await counts()
      return c.stream.n1 === streams.length && c.consumer.n1 === consumers.length ? true : undefined
    }, 30_000, 'n1 to lead everything')
  }, 120_000)
  afterAll(async () => {
    await nc?.close()
    await cluster?.destroy()
  })

  it('--dry-run shows the plan from the leaders as the servers count them, and moves nothing', async () => {
    const before = await counts()
    const r = await runCli(['server', 'cluster', 'balance', '--dry-run', ...app, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const out = r.json<ServerClusterBalanceResult>()
    expect(out.dry_run).toBe(true)
    const byKind = Object.fromEntries(out.groups.map((g) => [g.kind, g]))
    expect(byKind.stream.before).toEqual(before.stream)
    expect(byKind.consumer.before).toEqual(before.consumer)
    for (const g of out.groups) expect(g.balanced ? spread(g.planned) : -1, g.reason).toBeLessThanOrEqual(1)
    const needed = spread(before.stream) > 1 || spread(before.consumer) > 1
    expect(out.moves.length > 0).toBe(needed)
    expect(await counts()).toEqual(before)

    const text = await runCli(['server', 'cluster', 'balance', '--dry-run', ...app])
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toMatch(/stream leaders in natsx-test: n1 \d+, n2 \d+, n3 \d+; planned: /)
    expect(text.stdout).toMatch(/Plan: (no move needed|\d+ move\(s\))/)
  }, 60_000)

  it('moves the leaders so that each server leads within one of the others (2.11+), or exit 8 with nothing moved', async () => {
    const before = await counts()
    if (facts.caps.has('stepdown-preferred')) {
      const refused = await runCli(['server', 'cluster', 'balance', ...app])
      expect(refused.code, refused.stderr).toBe(2)
      expect(refused.stderr).toContain('--force')
      expect(await counts()).toEqual(before)
    }

    const r = await runCli(['server', 'cluster', 'balance', ...app, '--force', '--json'], {timeoutMs: 120_000})
    if (!facts.caps.has('stepdown-preferred')) {
      expect(r.code, r.stderr).toBe(8)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(r.stderr).toContain('requires nats-server 2.11.0')
      expect(r.stderr).toContain(facts.version)
      expect(await counts()).toEqual(before)
      return
    }

    expect(spread(before.stream)).toBe(streams.length)
    expect(r.code, r.stderr).toBe(0)
    const out = r.json<ServerClusterBalanceResult>()
    expect(out.balanced).toBe(true)
    expect(out.moves.filter((m) => m.error)).toEqual([])
    // the servers' own word
    const after = await waitFor(async () => {
      const c = await counts()
      return total(c.stream) === streams.length && total(c.consumer) === consumers.length ? c : undefined
    }, 30_000, 'every leader counted')
    expect(spread(after.stream)).toBeLessThanOrEqual(1)
    expect(spread(after.consumer)).toBeLessThanOrEqual(1)
    expect(out.groups.find((g) => g.kind === 'stream')?.after).toEqual(after.stream)
  }, 180_000)
})
