/**
 * `server report jetstream`'s two server tables, from each server's own /jsz: the per-server summary (what each
 * server stores and serves, and how many stream and consumer groups it leads) and the JetStream meta group (its
 * leader and each peer as the leader sees it). Plain data in, plain data out.
 */
import type {ConsumerRow, ServerRow, StreamRow} from './feed.js'
import type {Jsz, ReplicaInfo, ServerResult} from './types.js'

/** One server's JetStream, as its /jsz tells it. */
export interface JetStreamServerRow {
  /** JetStream API requests served since start, and how many were answered with an error */
  api_errors: number
  api_requests: number
  /** bytes of the stream messages the server holds (its replicas included) */
  bytes: number
  cluster?: string
  /** consumer groups this server leads */
  consumer_leaders: number
  consumers: number
  domain?: string
  error?: string
  /** file storage in use */
  file_bytes: number
  /** memory storage in use */
  memory_bytes: number
  messages: number
  /** this server leads the meta group */
  meta_leader: boolean
  /** meta group operations not yet applied (2.10+; absent before) */
  meta_pending?: number
  name: string
  ok: boolean
  /** stream groups this server leads (a lone server leads its own streams) */
  stream_leaders: number
  streams: number
}

export type JetStreamTotals = Omit<JetStreamServerRow, 'cluster' | 'domain' | 'error' | 'meta_leader' | 'meta_pending' | 'name' | 'ok'>

export interface MetaPeer {
  /** milliseconds since the leader last heard from it (0 for the leader itself); null when not known */
  active_ms: null | number
  /** caught up with the leader; null when not known (a leader that lists no followers) */
  current: boolean | null
  /** the Raft peer id (a hash of the server name), where a server reported it */
  id?: string
  /** meta operations behind the leader; null when not reported */
  lag: null | number
  leader: boolean
  name: string
  offline: boolean
}

export interface MetaGroup {
  cluster_size: number
  leader: null | string
  name?: string
  /** the leader, then its followers by name; as the leader sees them (a follower's view is stale) */
  peers: MetaPeer[]
  /** whose view the peers come from: the leader's, or a follower's when the leader listed none */
  reported_by: string
}

type MetaCluster = NonNullable<Jsz['meta_cluster']>

const num = (n: number | undefined): number => n ?? 0

/**
 * One row per server that was asked: its jsz numbers, the cluster from its varz, and the leader counts from the
 * stream and consumer rows (each chosen from its leader's view). A stream or consumer without a leader counts for
 * the server when it is not clustered (no meta group: it holds its assets alone), and for no one otherwise (a
 * leaderless group).
 */
export function jetStreamServers(
  jsz: ReadonlyArray<ServerResult<Jsz>>,
  servers: ReadonlyArray<Pick<ServerRow, 'cluster' | 'name'>>,
  streams: ReadonlyArray<Pick<StreamRow, 'leader'>>,
  consumers: ReadonlyArray<Pick<ConsumerRow, 'leader'>>,
): JetStreamServerRow[] {
  const leads = (rows: ReadonlyArray<{leader?: string}>, name: string, lone: boolean): number => rows.filter((r) => (r.leader ? r.leader === name : lone)).length
  return jsz
    .map((r): JetStreamServerRow => {
      const name = r.server?.name ?? r.target
      const cluster = servers.find((s) => s.name === name)?.cluster ?? r.server?.cluster
      const base = {api_errors: 0, api_requests: 0, bytes: 0, consumer_leaders: 0, consumers: 0, file_bytes: 0, memory_bytes: 0, messages: 0, meta_leader: false, stream_leaders: 0, streams: 0}
      if (!r.ok) return {...base, ...(cluster ? {cluster} : {}), error: r.error, name, ok: false}
      const j = r.data
      const meta = j.meta_cluster as MetaCluster | undefined
      const lone = !meta && !j.disabled
      const row: JetStreamServerRow = {
        api_errors: num(j.api?.errors),
        api_requests: num(j.api?.total),
        bytes: num(j.bytes),
        ...(cluster ? {cluster} : {}),
        consumer_leaders: leads(consumers, name, lone),
        consumers: num(j.consumers),
        ...(j.config?.domain ? {domain: j.config.domain} : {}),
        ...(j.disabled ? {error: 'JetStream is not enabled'} : {}),
        file_bytes: num(j.storage),
        memory_bytes: num(j.memory),
        messages: num(j.messages),
        meta_leader: Boolean(meta?.leader && meta.leader === name),
        ...(meta?.pending === undefined ? {} : {meta_pending: meta.pending}),
        name,
        ok: true,
        stream_leaders: leads(streams, name, lone),
        streams: num(j.streams),
      }
      return row
    })
    .sort((a, b) => a.name.localeCompare(b.name))
}

export function jetStreamTotals(rows: ReadonlyArray<JetStreamServerRow>): JetStreamTotals {
  const keys = ['api_errors', 'api_requests', 'bytes', 'consumer_leaders', 'consumers', 'file_bytes', 'memory_bytes', 'messages', 'stream_leaders', 'streams'] as const
  const t = Object.fromEntries(keys.map((k) => [k, 0])) as JetStreamTotals
  for (const r of rows) for (const k of keys) t[k] += r[k]
  return t
}

/**
 * The meta group from the servers' jsz: the leader's own view when it answered (only the leader knows how current
 * each follower is; a follower lists the others as it last heard of them), else the view of a server that names a
 * leader. A leader that lists no followers (seen on 2.9 just after an election) is completed from a follower's list,
 * with currency unknown. Null when no server is in a meta group (a lone server, or no JetStream).
 */
export function metaGroup(jsz: ReadonlyArray<ServerResult<Jsz>>): MetaGroup | null {
  const views = jsz.flatMap((r) => (r.ok && r.data.meta_cluster ? [{meta: r.data.meta_cluster as MetaCluster, name: r.server.name}] : []))
  if (views.length === 0) return null
  const own = views.find((v) => v.meta.leader && v.name === v.meta.leader)
  const chosen = own ?? views.find((v) => v.meta.leader) ?? views[0]
  const leader = chosen.meta.leader || null
  const size = Math.max(...views.map((v) => v.meta.cluster_size ?? 0))
  if (size <= 1 && (chosen.meta.replicas ?? []).length === 0 && !leader) return null
  let replicas: ReplicaInfo[] = chosen.meta.replicas ?? []
  let known = Boolean(own)
  let reporter = chosen.name
  if (own && replicas.length === 0) {
    const follower = views.find((v) => v.name !== own.name && (v.meta.replicas ?? []).length > 0)
    if (follower) {
      replicas = (follower.meta.replicas ?? []).filter((p) => p.name !== leader)
      // the follower itself is not in its own list
      if (!replicas.some((p) => p.name === follower.name)) replicas = [...replicas, {name: follower.name}]
      known = false
      reporter = follower.name
    }
  }

  // Raft peer ids: every view names the leader's (meta_cluster.peer is the hash of the leader's name, on a follower
  // too), and a view that lists replicas names theirs
  const ids = new Map<string, string>()
  for (const v of views) {
    if (v.meta.peer && v.meta.leader) ids.set(v.meta.leader, v.meta.peer)
    for (const r of v.meta.replicas ?? []) if (r.peer) ids.set(r.name, r.peer)
  }

  const id = (name: string): {id?: string} => (ids.has(name) ? {id: ids.get(name)} : {})
  const peers: MetaPeer[] = replicas
    .filter((p) => p.name !== leader)
    .map((p) => ({
      active_ms: known && typeof p.active === 'number' ? Math.round(p.active / 1e6) : null,
      current: known ? Boolean(p.current) : null,
      ...id(p.name),
      lag: typeof p.lag === 'number' ? p.lag : known ? 0 : null,
      leader: false,
      name: p.name,
      offline: Boolean(p.offline),
    }))
    .sort((a, b) => a.name.localeCompare(b.name))
  // a follower's view lists the leader among its replicas and leaves itself out: put the reporter back
  if (!own && !peers.some((p) => p.name === chosen.name) && chosen.name !== leader)
    peers.push({active_ms: null, current: null, ...id(chosen.name), lag: null, leader: false, name: chosen.name, offline: false})
  if (!own) for (const p of peers) Object.assign(p, {active_ms: null, current: null, lag: null})
  peers.sort((a, b) => a.name.localeCompare(b.name))
  if (leader) {
    const view = own ? {active_ms: 0, current: true, lag: 0} : {active_ms: null, current: null, lag: null}
    peers.unshift({...view, ...id(leader), leader: true, name: leader, offline: false})
  }

  return {cluster_size: size, leader, ...(chosen.meta.name ? {name: chosen.meta.name} : {}), peers, reported_by: reporter}
}
