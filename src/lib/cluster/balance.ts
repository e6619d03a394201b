/**
 * Spreading stream and consumer leaders evenly over the servers of a cluster. The plan is pure: from each replicated
 * asset's leader and peers it picks leader moves, each to a server that holds a replica, until in every cluster the
 * leader counts (streams and consumers counted apart) differ by at most one, or says why they cannot. A move is made
 * by a step-down to a preferred server (nats-server 2.11+).
 */
import type {JetStreamManager} from '@nats-io/jetstream'

import type {Capabilities} from '../capabilities.js'

import {stepDownConsumer} from '../consumers/cluster.js'
import {NatsxError} from '../errors.js'
import {stepDownStream} from '../streams/cluster.js'

export type AssetKind = 'consumer' | 'stream'

export interface BalanceAsset {
  cluster: string
  consumer?: string
  kind: AssetKind
  leader: string
  /** every server that holds it, the leader included */
  peers: string[]
  stream: string
}

export interface BalanceMove {
  consumer?: string
  /** why the move failed, after it was tried */
  error?: string
  from: string
  kind: AssetKind
  /** the leader after the move was tried */
  leader?: string
  stream: string
  to: string
}

export interface BalanceGroup {
  after?: Record<string, number>
  /** the leader counts, for the servers of the group, after the moves were made (or as planned, on --dry-run) */
  balanced: boolean
  before: Record<string, number>
  cluster: string
  kind: AssetKind
  planned: Record<string, number>
  /** why the counts cannot be brought within one of each other */
  reason?: string
}

export interface BalancePlan {
  groups: BalanceGroup[]
  moves: BalanceMove[]
  /** assets with a single replica: their leader cannot move */
  unreplicated: number
}

const spread = (counts: Record<string, number>): number => {
  const v = Object.values(counts)
  return v.length === 0 ? 0 : Math.max(...v) - Math.min(...v)
}

function countLeaders(assets: BalanceAsset[], servers: string[]): Record<string, number> {
  const counts = Object.fromEntries(servers.map((s) => [s, 0]))
  for (const a of assets) counts[a.leader] = (counts[a.leader] ?? 0) + 1
  return counts
}

/**
 * The next move: from the server that leads most to the one that leads fewest (at least two fewer) among the servers
 * where one of its assets, not moved yet, has a replica.
 */
function nextMove(
  members: BalanceAsset[],
  servers: string[],
  counts: Record<string, number>,
  leaderOf: Map<BalanceAsset, string>,
  moved: Set<BalanceAsset>,
): undefined | {asset: BalanceAsset; from: string; to: string} {
  const desc = [...servers].sort((a, b) => counts[b] - counts[a] || a.localeCompare(b))
  for (const hi of desc) {
    for (const lo of [...desc].reverse()) {
      if (counts[hi] - counts[lo] < 2) break
      const asset = members.find((a) => !moved.has(a) && leaderOf.get(a) === hi && a.peers.includes(lo))
      if (asset) return {asset, from: hi, to: lo}
    }
  }

  return undefined
}

/** The servers that hold an asset: its leader first, then its replicas. */
const peersOf = (c?: {leader?: string; replicas?: Array<{name: string}>}): string[] => [c?.leader, ...(c?.replicas ?? []).map((r) => r.name)].flatMap((p) => (p ? [p] : []))

/** The moves that bring each group's leader counts within one of each other, where the replicas allow it. */
export function planBalance(assets: BalanceAsset[]): BalancePlan {
  const replicated = assets.filter((a) => a.peers.length > 1)
  const keys = [...new Set(replicated.map((a) => `${a.kind}\u0000${a.cluster}`))].sort()
  const groups: BalanceGroup[] = []
  const moves: BalanceMove[] = []
  for (const key of keys) {
    const [kind, cluster] = key.split('\u0000') as [AssetKind, string]
    const members = replicated.filter((a) => a.kind === kind && a.cluster === cluster)
    const servers = [...new Set(members.flatMap((a) => a.peers))].sort()
    const before = countLeaders(members, servers)
    const counts = {...before}
    const leaderOf = new Map(members.map((a) => [a, a.leader]))
    const moved = new Set<BalanceAsset>()
    for (;;) {
      const move = nextMove(members, servers, counts, leaderOf, moved)
      if (!move) break
      moved.add(move.asset)
      leaderOf.set(move.asset, move.to)
      counts[move.from]--
      counts[move.to]++
      moves.push({...(move.asset.consumer === undefined ? {} : {consumer: move.asset.consumer}), from: move.from, kind, stream: move.asset.stream, to: move.to})
    }

    const balanced = spread(counts) <= 1
    let reason: string | undefined
    if (!balanced) {
      const most = servers.reduce((a, b) => (counts[b] > counts[a] ? b : a))
      const least = servers.reduce((a, b) => (counts[b] < counts[a] ? b : a))
      reason = `${most} would still lead ${counts[most]} and ${least} ${counts[least]}: no ${kind} led by ${most} has a replica on ${least}`
    }

    groups.push({balanced, before, cluster, kind, planned: counts, ...(reason ? {reason} : {})})
  }

  return {groups, moves, unreplicated: assets.length - replicated.length}
}

/** Every stream of the account and every consumer of its replicated streams, with leader and peers. */
export async function balanceAssets(jsm: JetStreamManager): Promise<BalanceAsset[]> {
  const out: BalanceAsset[] = []
  for await (const si of jsm.streams.list()) {
    const c = si.cluster
    if (!c?.leader) continue
    out.push({cluster: c.name ?? '', kind: 'stream', leader: c.leader, peers: peersOf(c), stream: si.config.name})
    if ((si.config.num_replicas ?? 1) < 2) continue
    for await (const ci of jsm.consumers.list(si.config.name)) {
      if (!ci.cluster?.leader) continue
      out.push({cluster: ci.cluster.name ?? c.name ?? '', consumer: ci.name, kind: 'consumer', leader: ci.cluster.leader, peers: peersOf(ci.cluster), stream: si.config.name})
    }
  }

  return out
}

/** Make the moves one after the other; a move that fails is recorded and the others still run. */
export async function executeBalance(
  jsm: JetStreamManager,
  caps: Capabilities,
  moves: BalanceMove[],
  o: {progress?: (m: BalanceMove) => void; signal?: AbortSignal; timeoutMs: number},
): Promise<BalanceMove[]> {
  const done: BalanceMove[] = []
  for (const m of moves) {
    if (o.signal?.aborted) break
    try {
      const r = m.consumer === undefined ? await stepDownStream(jsm, caps, m.stream, o.timeoutMs, m.to) : await stepDownConsumer(jsm, caps, m.stream, m.consumer, o.timeoutMs, m.to)
      done.push({...m, leader: r.leader})
    } catch (error) {
      if (error instanceof NatsxError && error.exitCode === 8) throw error
      done.push({...m, error: (error as Error).message})
    }

    o.progress?.(done.at(-1)!)
  }

  return done
}

/** The groups' counts now (after the moves), with `balanced` judged from them. */
export function withAfter(plan: BalancePlan, now: BalanceAsset[]): BalanceGroup[] {
  return plan.groups.map((g) => {
    const members = now.filter((a) => a.kind === g.kind && a.cluster === g.cluster && a.peers.length > 1)
    const after = countLeaders(members, Object.keys(g.before))
    return {...g, after, balanced: spread(after) <= 1}
  })
}

/** `n1 3, n2 1, n3 2` */
export function describeCounts(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([s, n]) => `${s} ${n}`)
    .join(', ')
}
