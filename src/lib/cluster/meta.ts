/**
 * The JetStream meta group, as the servers themselves report it (`/jsz` `meta_cluster` over the system account), and
 * the two operations on it: leader step-down (`$JS.API.META.LEADER.STEPDOWN`, optionally to a preferred server,
 * nats-server 2.11+) and peer removal (`$JS.API.SERVER.REMOVE`). Both are system-account requests answered by the
 * meta leader; each waits until the servers agree that the change happened.
 */
import type {NatsConnection} from '@nats-io/transport-node'

import type {Capabilities} from '../capabilities.js'
import type {MonitorTransport} from '../monitoring/transport.js'
import type {Jsz, ServerResult} from '../monitoring/types.js'

import {connectionError, notFound, usageError} from '../errors.js'
import {jsApi, pollUntil} from '../monitoring/evacuate.js'
import {metaGroup} from '../monitoring/jetstream-summary.js'

export interface MetaPeer {
  /** the meta leader answered for it recently (the leader's view; true where the server does not say) */
  current: boolean
  /** the Raft peer id (a hash of the server name) */
  id?: string
  leader: boolean
  name: string
  /** the leader has lost contact with it */
  offline: boolean
}

export interface MetaState {
  /** the cluster the meta leader is in */
  cluster?: string
  /** the meta leader's name, when there is one */
  leader?: string
  /** every peer of the meta group, leader first, then by name */
  peers: MetaPeer[]
  /** the group's size as the servers count it (peers that left the cluster are no longer counted) */
  size: number
}

/**
 * The meta group from the servers' answers, read by the one reader of `/jsz` meta_cluster (`metaGroup`, which
 * `server report jetstream` shows): the leader's own view, completed from a follower's where the leader lists none.
 * A peer whose currency is unknown (a follower's view) counts as current here.
 */
export function metaFromJsz(replies: Array<ServerResult<Jsz>>): MetaState {
  const g = metaGroup(replies)
  if (!g) return {peers: [], size: 0}
  return {
    ...(g.name ? {cluster: g.name} : {}),
    ...(g.leader ? {leader: g.leader} : {}),
    peers: g.peers.map((p) => ({current: p.current ?? true, ...(p.id ? {id: p.id} : {}), leader: p.leader, name: p.name, offline: p.offline})),
    size: g.cluster_size > 0 ? g.cluster_size : g.peers.length,
  }
}

/**
 * Read the meta group. `hint` names the server that led last time: it is asked alone first (a cluster with a dead
 * server makes a gather wait for the full timeout), and the whole cluster only when it no longer leads.
 */
export async function readMeta(t: MonitorTransport, hint?: string): Promise<MetaState> {
  if (hint) {
    const one = await t.one('jsz', hint)
    if (one.ok && one.data.meta_cluster?.leader === hint) {
      const m = metaFromJsz([one])
      if (m.peers.length > 1 || (m.size <= 1 && m.peers.length > 0)) return m
    }
  }

  const all = await t.gather('jsz')
  if (!all.some((r) => r.ok)) throw connectionError(`no server answered /jsz: ${all.map((r) => (r.ok ? '' : r.error)).join('; ')}`, 'check that the servers run JetStream in a cluster')
  return metaFromJsz(all)
}

/** A peer of the meta group by server name or Raft peer id; exit 3 naming the peers when there is none. */
export function findPeer(meta: MetaState, nameOrId: string): MetaPeer {
  const p = meta.peers.find((x) => x.name === nameOrId) ?? meta.peers.find((x) => x.id === nameOrId)
  if (!p) {
    throw notFound(`${nameOrId} is not a peer of the JetStream meta group`, `give a server name or peer id: ${meta.peers.map((x) => `${x.name}${x.id ? ` (${x.id})` : ''}`).join(', ') || 'none seen'}`)
  }

  return p
}

function requireLeader(meta: MetaState): string {
  if (!meta.leader) throw connectionError('the JetStream meta group has no leader now', 'wait for an election (natsx server check meta), then run it again')
  return meta.leader
}

export interface MetaStepDownResult {
  after: MetaState
  before: MetaState
  leader: string
  /** the server asked for with --preferred, when one was */
  preferred?: string
  previous_leader: string
  waited_ms: number
}

export interface SettleOptions {
  signal?: AbortSignal
  /** how long to wait for the cluster to settle */
  waitMs: number
}

/**
 * Ask the meta leader to step down, to `preferred` where given (2.11+: exit 8 before, nothing sent; a server that
 * is not a peer is exit 3, the leader itself exit 2), and wait until the servers report another leader.
 */
export async function stepDownMeta(
  nc: NatsConnection,
  t: MonitorTransport,
  caps: Capabilities,
  o: SettleOptions & {preferred?: string; timeoutMs: number},
): Promise<MetaStepDownResult> {
  if (o.preferred !== undefined) caps.require('stepdown-preferred', 'meta step-down to a preferred server (--preferred)')
  const before = await readMeta(t)
  const previous = requireLeader(before)
  if (before.peers.length < 2) throw usageError('the JetStream meta group has a single peer: there is no other server to lead', 'step-down needs a JetStream cluster')
  if (o.preferred !== undefined) {
    const p = findPeer(before, o.preferred)
    if (p.leader) throw usageError(`${p.name} already leads the JetStream meta group`, `give another peer: ${before.peers.filter((x) => !x.leader).map((x) => x.name).join(', ')}`)
    if (p.offline) throw usageError(`${p.name} is offline and cannot lead`, 'give a peer that is online')
  }

  const started = Date.now()
  await jsApi(nc, '$JS.API.META.LEADER.STEPDOWN', o.preferred === undefined ? {} : {placement: {preferred: findPeer(before, o.preferred).name}}, o.timeoutMs, 'meta leader step-down')
  const {done, last} = await pollUntil(
    async () => readMeta(t).catch(() => ({peers: [], size: 0}) as MetaState),
    (m) => Boolean(m.leader) && m.leader !== previous,
    {signal: o.signal, waitMs: o.waitMs},
  )
  if (!done) throw connectionError(`the JetStream meta group has no new leader after ${o.waitMs} ms (still ${last.leader ?? 'none'})`, 'check the peers with natsx server check meta, then run it again')
  return {after: last, before, leader: last.leader!, ...(o.preferred === undefined ? {} : {preferred: o.preferred}), previous_leader: previous, waited_ms: Date.now() - started}
}

export interface MetaPeerRemoveResult {
  after: MetaState
  before: MetaState
  /** the removed peer's server name */
  peer: string
  peer_id?: string
  waited_ms: number
  /** whether the peer was online when it was removed (its JetStream then shuts down) */
  was_online: boolean
}

/** Who to remove, looked up before the confirmation: the peer and the group as it is. */
export async function metaPeerFor(t: MonitorTransport, nameOrId: string): Promise<{before: MetaState; peer: MetaPeer}> {
  const before = await readMeta(t)
  requireLeader(before)
  return {before, peer: findPeer(before, nameOrId)}
}

/**
 * Remove a peer from the meta group (`$JS.API.SERVER.REMOVE`, by peer id where the servers report one) and wait
 * until the servers no longer list it.
 */
export async function removeMetaPeer(
  nc: NatsConnection,
  t: MonitorTransport,
  target: {before: MetaState; peer: MetaPeer},
  o: SettleOptions & {timeoutMs: number},
): Promise<MetaPeerRemoveResult> {
  const {before, peer} = target
  const started = Date.now()
  await jsApi(nc, '$JS.API.SERVER.REMOVE', peer.id ? {peer: peer.name, peer_id: peer.id} : {peer: peer.name}, o.timeoutMs, `remove ${peer.name} from the meta group`)
  const others = before.peers.find((p) => !p.leader && p.name !== peer.name)?.name
  const {done, last} = await pollUntil(
    async () => readMeta(t, peer.leader ? others : before.leader).catch(() => ({peers: [], size: 0}) as MetaState),
    (m) => Boolean(m.leader) && m.peers.length > 0 && !m.peers.some((p) => p.name === peer.name),
    {signal: o.signal, waitMs: o.waitMs},
  )
  if (!done) throw connectionError(`${peer.name} is still listed in the JetStream meta group after ${o.waitMs} ms`, 'check the group with natsx server check meta; the removal may still complete')
  return {after: last, before, peer: peer.name, ...(peer.id ? {peer_id: peer.id} : {}), waited_ms: Date.now() - started, was_online: !peer.offline}
}

/** `n1*, n2, n3 (offline)`: the group in one line for people. */
export function describeMeta(m: MetaState): string {
  return m.peers.map((p) => `${p.name}${p.leader ? '*' : ''}${p.offline ? ' (offline)' : ''}`).join(', ') || 'no peers seen'
}
