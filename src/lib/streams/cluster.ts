/** Cluster operations on streams and consumers: leader step-down, optionally to a preferred server (2.11+). */
import type {ClusterInfo, JetStreamManager} from '@nats-io/jetstream'

import type {Capabilities} from '../capabilities.js'

import {conflict, connectionError, notFound, usageError} from '../errors.js'
import {requireStream} from './ops.js'
import {apiRequest} from './snapshot.js'

export interface StepDownResult {
  leader: string
  /** the server asked for with --preferred, when one was */
  preferred?: string
  previous_leader: string
  stream: string
}

/** What a step-down works on: a stream or one of its consumers. */
export interface StepDownTarget {
  /** the asset's cluster information now (throws exit 3 when the asset is missing) */
  cluster(): Promise<{cluster?: ClusterInfo; replicas: number}>
  /** the `$JS.API.` suffix of its step-down request */
  subject: string
  /** `stream "ORDERS"`, `consumer "worker" of stream "ORDERS"` */
  what: string
}

/**
 * Ask the leader of a replicated asset to step down, optionally naming the replica that should lead next
 * (`placement.preferred`, nats-server 2.11+: exit 8 before, nothing sent), then wait (up to `timeoutMs`, at least
 * 10 s) for a new leader. A preferred server that is not a replica, or is the leader already, is exit 2.
 */
export async function stepDownLeader(
  jsm: JetStreamManager,
  caps: Capabilities,
  target: StepDownTarget,
  timeoutMs: number,
  preferred?: string,
): Promise<{leader: string; previous_leader: string}> {
  if (preferred !== undefined) caps.require('stepdown-preferred', 'step-down to a preferred server (--preferred)')
  const before = await target.cluster()
  const previous = before.cluster?.leader
  if (!previous || before.replicas < 2) {
    throw usageError(
      `${target.what} is not replicated: there is no other replica to lead`,
      'step-down needs --replicas 2 or more in a cluster',
    )
  }

  if (preferred !== undefined) {
    const peers = (before.cluster?.replicas ?? []).map((r) => r.name)
    if (preferred === previous) throw usageError(`${preferred} already leads ${target.what}`, `give another replica: ${peers.join(', ')}`)
    if (!peers.includes(preferred))
      throw usageError(`${preferred} is not a replica of ${target.what}`, `give one of its replicas: ${peers.join(', ')}`)
  }

  await apiRequest(jsm, target.subject, preferred === undefined ? undefined : {placement: {preferred}})
  const limit = Math.max(timeoutMs, 10_000)
  const deadline = Date.now() + limit
  while (Date.now() < deadline) {
    await new Promise((r) => {
      setTimeout(r, 250)
    })
    try {
      const leader = (await target.cluster()).cluster?.leader
      if (!leader || leader === previous) continue
      if (preferred !== undefined && leader !== preferred)
        throw conflict(`${target.what} is now led by ${leader}, not by the preferred ${preferred}`, 'the preferred server may be behind; run the step-down again')
      return {leader, previous_leader: previous}
    } catch (error) {
      if ((error as {name?: string}).name === 'NatsxError') throw error
      // no leader while the election runs
    }
  }

  throw connectionError(`${target.what} has no new leader after ${limit} ms`, 'check `natsx stream report` for offline replicas')
}

/** Step down the leader of a stream (`$JS.API.STREAM.LEADER.STEPDOWN`). */
export async function stepDownStream(
  jsm: JetStreamManager,
  caps: Capabilities,
  stream: string,
  timeoutMs: number,
  preferred?: string,
): Promise<StepDownResult> {
  const target: StepDownTarget = {
    async cluster() {
      const si = await requireStream(jsm, stream)
      return {cluster: si.cluster, replicas: si.config.num_replicas ?? 1}
    },
    subject: `STREAM.LEADER.STEPDOWN.${stream}`,
    what: `stream "${stream}"`,
  }
  const res = await stepDownLeader(jsm, caps, target, timeoutMs, preferred)
  return {...res, ...(preferred === undefined ? {} : {preferred}), stream}
}

export interface StreamPeerRemoveResult {
  after: {leader?: string; peers: string[]}
  before: {leader?: string; peers: string[]}
  peer: string
  /** another server took the removed peer's place (false: the stream runs with fewer replicas until one can) */
  replaced: boolean
  stream: string
  waited_ms: number
}

/** The servers that hold a stream: leader first, then its replicas. */
async function streamPeers(jsm: JetStreamManager, stream: string): Promise<{leader?: string; peers: string[]; replicas: number}> {
  const si = await requireStream(jsm, stream)
  const c = si.cluster
  return {leader: c?.leader, peers: [c?.leader, ...(c?.replicas ?? []).map((r) => r.name)].flatMap((p) => (p ? [p] : [])), replicas: si.config.num_replicas ?? 1}
}

/** Before a peer removal: the stream's peers now, exit 3 when the peer holds no replica of it. */
export async function streamPeerFor(jsm: JetStreamManager, stream: string, peer: string): Promise<{leader?: string; peers: string[]; replicas: number}> {
  const before = await streamPeers(jsm, stream)
  if (!before.peers.includes(peer)) {
    throw notFound(`${peer} holds no replica of stream "${stream}"`, `give one of its peers: ${before.peers.join(', ') || 'none'}`)
  }

  return before
}

/**
 * Remove one server from a stream's group (`$JS.API.STREAM.PEER.REMOVE.<s>` `{peer}`): the meta leader puts another
 * server in its place where one is free. Waits (up to `waitMs`) until the stream's info no longer lists the peer.
 * Where no server is free the server answers "peer remap failed" (10075): some versions shrink the group anyway
 * (reported with `replaced: false`), others keep it (exit 4).
 */
export async function removeStreamPeer(
  jsm: JetStreamManager,
  stream: string,
  peer: string,
  before: {leader?: string; peers: string[]},
  o: {signal?: AbortSignal; waitMs: number},
): Promise<StreamPeerRemoveResult> {
  const started = Date.now()
  let remapFailed = false
  try {
    await apiRequest(jsm, `STREAM.PEER.REMOVE.${stream}`, {peer})
  } catch (error) {
    const api = (error as {apiError?: () => {err_code?: number}}).apiError?.()
    if (api?.err_code !== 10_075) throw error
    remapFailed = true
  }

  const deadline = started + o.waitMs
  let last = await streamPeers(jsm, stream).catch(() => ({leader: undefined, peers: [peer], replicas: 0}))
  const gone = (x: {leader?: string; peers: string[]}): boolean => !x.peers.includes(peer) && Boolean(x.leader)
  // settled: the peer is gone, a leader leads, and the group is whole again (unless no server could fill it)
  const settled = (x: {leader?: string; peers: string[]}): boolean => gone(x) && (remapFailed || x.peers.length >= before.peers.length)
  while (!settled(last)) {
    if (Date.now() >= deadline || o.signal?.aborted) {
      if (gone(last)) break
      if (remapFailed) throw conflict(`no other server can take ${peer}'s place in stream "${stream}": the server kept it`, 'add a server to the cluster, or lower the stream\'s replicas first')
      throw connectionError(`${peer} still holds a replica of stream "${stream}" after ${o.waitMs} ms`, 'check natsx stream info; the removal may still complete')
    }

    await new Promise((r) => {
      setTimeout(r, 250)
    })
    last = await streamPeers(jsm, stream).catch(() => last)
  }

  const replaced = last.peers.some((p) => !before.peers.includes(p))
  return {after: {leader: last.leader, peers: last.peers}, before: {leader: before.leader, peers: before.peers}, peer, replaced, stream, waited_ms: Date.now() - started}
}
