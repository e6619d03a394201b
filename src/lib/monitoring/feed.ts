/**
 * The top feed: one poll of every server (varz + connz, paged; JetStream, routes, leafnodes and health) turned into a
 * plain snapshot with per-second rates. It remembers the last good answer of each server, so a server that stops
 * answering is shown as down with its last data (stale) and its error, and comes back by itself.
 */
import type {ConnInfo, ConsumerDetail, Jsz, ServerRef, ServerResult, StreamDetail, Varz} from './types.js'

import {ReverseNames} from './dns.js'
import {byLink, type GatewayRow, gatewayRows} from './gateways.js'
import {parseGoDuration, parseTime} from './json.js'
import {RateBook} from './rates.js'
import {type MonitorTransport} from './transport.js'

export type Counter = 'in_bytes' | 'in_msgs' | 'out_bytes' | 'out_msgs'
export type Rates = Record<Counter, number>

export interface ServerRow {
  /** the JetStream API level (2.11+), from varz */
  api_level?: number
  cluster?: string
  connections: number
  cpu: number
  error?: string
  id: string
  in_bytes: number
  in_msgs: number
  jetstream: boolean
  /** a clustered JetStream's meta group as this server sees it: its size and the servers in it */
  jetstream_cluster?: {leader?: string; peers: string[]; size: number}
  /** when the last good answer came (local ISO time) */
  last_ok?: string
  leafnodes: number
  mem: number
  name: string
  out_bytes: number
  out_msgs: number
  /** per second from the server's `now`; null on the first poll or after a restart */
  rates: null | Rates
  /** counters restarted since the last poll (server restarted) */
  restarted: boolean
  routes: number
  rtt_ms?: number
  slow_consumers: number
  /** slow consumers added since the last poll */
  slow_consumers_delta: number
  /** the data is the last good answer, not a fresh one */
  stale: boolean
  subscriptions: number
  target: string
  up: boolean
  uptime_ms: number
  version: string
}

export interface ConnRow extends Record<Counter, number> {
  account?: string
  cid: number
  /** the reverse-DNS name of `ip` (only with lookups on, once the name is known) */
  host?: string
  idle_ms?: number
  ip?: string
  lang?: string
  name?: string
  /** seen for the first time in this poll */
  new: boolean
  pending_bytes: number
  port?: number
  rates: null | Rates
  /** why a closed connection was closed (connz state closed or all) */
  reason?: string
  rtt_ms?: number
  server: string
  server_id: string
  stale: boolean
  /** when a closed connection closed (server time, RFC 3339) */
  stop?: string
  /** how long ago a closed connection closed, by its server's clock */
  stopped_ago_ms?: number
  /** the subjects it subscribes to (only when the feed asked for subscriptions) */
  subjects?: string[]
  subscriptions: number
  uptime_ms?: number
  user?: string
  version?: string
}

export interface ReplicaRow {
  current: boolean
  lag?: number
  name: string
  offline: boolean
}

export interface StreamRow {
  account: string
  bytes: number
  consumers: number
  /** messages stored per second (Δ last_seq / Δt) */
  ingest_rate: null | number
  leader?: string
  messages: number
  name: string
  replicas: ReplicaRow[]
  /** every replica current and online */
  replicas_ok: boolean
  subjects: string[]
}

export interface ConsumerRow {
  account: string
  /** stream messages delivered per second */
  delivery_rate: null | number
  leader?: string
  name: string
  num_ack_pending: number
  num_pending: number
  num_redelivered: number
  num_waiting: number
  replicas: ReplicaRow[]
  replicas_ok: boolean
  stream: string
}

/**
 * One row per peer: 2.10+ opens a pool of routes to each peer (plus one per pinned account), and they are summed here;
 * 2.9 has one route per peer.
 */
export interface RouteRow {
  /** accounts with a route of their own to this peer (2.10+ pinned accounts, such as the system account) */
  accounts: string[]
  in_msgs: number
  ip?: string
  out_msgs: number
  pending_bytes: number
  /** route connections to this peer: the pool plus the pinned accounts' (1 before 2.10) */
  pool: number
  port?: number
  /** summed over the peer's connections; null until every one of them has two samples */
  rates: null | Rates
  remote: string
  /** the lowest round trip of the peer's connections */
  rtt_ms?: number
  server: string
}

export interface LeafRow {
  account?: string
  in_msgs: number
  ip?: string
  name?: string
  out_msgs: number
  port?: number
  rtt_ms?: number
  server: string
  subscriptions: number
}

export interface HealthRow {
  error?: string
  server: string
  status: string
}

export interface TopSnapshot {
  /** recently closed connections of every server, newest first, each with its `reason` (only when asked for) */
  closed?: ConnRow[]
  connections: ConnRow[]
  /** the server-side total of connections (may exceed the rows when --max-conns cuts the list) */
  connections_total: number
  consumers: ConsumerRow[]
  /** gateway links (super-clusters): outbound and inbound, as `server report gateways` lists them */
  gateways: GatewayRow[]
  health: HealthRow[]
  interval_ms: number
  leafs: LeafRow[]
  routes: RouteRow[]
  seq: number
  servers: ServerRow[]
  streams: StreamRow[]
  time: string
  transport: 'http' | 'sys'
}

/** The endpoints polled besides varz and connz. */
export type Detail = 'gatewayz' | 'healthz' | 'jsz' | 'leafz' | 'routez'

export interface FeedOptions {
  /** also poll each server's most recently closed connections (connz state=closed), at most this many (0: not) */
  closed?: number
  /** poll connections (connz; default true) */
  connections?: boolean
  /** which connections (default open) and whether with their subscriptions (`subjects` on each row) */
  connz?: {state?: 'all' | 'closed' | 'open'; subs?: boolean}
  /** poll JetStream, routes, leafnodes, gateways and health (default true: all), or only those named */
  details?: boolean | readonly Detail[]
  /** poll those details only every Nth poll (default 1: every poll); the last ones are shown in between */
  detailsEvery?: number
  interval_ms: number
  /** reverse-DNS names for the connections' addresses (`host`), looked up in the background */
  lookup?: boolean
  /** at most this many connections per server (default 10,000) */
  maxConns?: number
  /** connz page size (default 1024, the server's own default limit) */
  pageSize?: number
}

const PAGE = 1024

/** Every field connz gives for one connection, with its subscriptions in detail, and where it came from. */
export interface ConnDetail {
  cid: number
  /** it is closed (found among the closed connections) */
  closed: boolean
  /** why it could not be read, or that the server no longer knows it */
  error?: string
  /** the connz entry as the server sent it (undefined when it could not be read) */
  info?: ConnInfo
  server: string
  server_id: string
}

interface ServerMemory {
  conns: ConnRow[]
  row: ServerRow
}

export class TopFeed {
  private readonly connRates = new RateBook<Counter>()
  private readonly last = new Map<string, ServerMemory>()
  private readonly lastDetails = {
    consumers: [] as ConsumerRow[],
    gateways: [] as GatewayRow[],
    health: new Map<string, HealthRow>(),
    leafs: [] as LeafRow[],
    routes: [] as RouteRow[],
    streams: [] as StreamRow[],
  }
  private readonly nameById = new Map<string, string>()
  private names?: ReverseNames
  private readonly routeRates = new RateBook<Counter>()
  private seq = 0
  private readonly seqRates = new RateBook<'seq'>()
  private readonly serverRates = new RateBook<Counter>()

  constructor(
    private readonly transport: MonitorTransport,
    private readonly options: FeedOptions,
  ) {}

  async close(): Promise<void> {
    await this.transport.close()
  }

  /**
   * Every connz field of one connection (`cid` on the server with `serverId`), with its subscriptions in detail: it is
   * looked for among the open connections, then among the closed ones (2.9 finds an open one only with state open).
   */
  async connection(serverId: string, cid: number): Promise<ConnDetail> {
    const mem = [...this.last.values()].find((m) => m.row.id === serverId)
    const base = {cid, closed: false, server: mem?.row.name ?? serverId, server_id: serverId}
    if (!mem) return {...base, error: 'its server is no longer polled'}
    // subs=detail over HTTP; subscriptions + subscriptions_detail in the $SYS body
    const raw: Record<string, boolean | number | string> =
      this.transport.kind === 'http' ? {cid, subs: 'detail'} : {cid, subscriptions: true, subscriptions_detail: true}
    for (const state of ['open', 'closed'] as const) {
      const r = await this.transport.one('connz', mem.row.target, {auth: true, raw, ...(state === 'closed' ? {state} : {})})
      if (!r.ok) return {...base, error: r.error}
      const info = r.data.connections?.find((c) => c.cid === cid)
      if (info) return {...base, closed: state === 'closed', info}
    }

    return {...base, error: `connection ${cid} is gone from ${base.server} (neither open nor among its recently closed)`}
  }

  /** One poll of everything. Never throws for a server that does not answer; throws only when nothing can be asked. */
  async poll(): Promise<TopSnapshot> {
    const parts = this.options.details ?? true
    const details = parts !== false && this.seq % Math.max(1, this.options.detailsEvery ?? 1) === 0
    const want = (d: Detail): boolean => details && (parts === true || parts.includes(d))
    const closedMax = this.options.closed ?? 0
    const [varz, connz, jsz, routez, leafz, gatewayz, healthz, closedz] = await Promise.all([
      this.transport.gather('varz'),
      this.options.connections === false ? Promise.resolve([]) : this.gatherConnz(),
      want('jsz') ? this.transport.gather('jsz', {config: true, consumers: true, streams: true}) : Promise.resolve([]),
      want('routez') ? this.transport.gather('routez') : Promise.resolve([]),
      want('leafz') ? this.transport.gather('leafz') : Promise.resolve([]),
      want('gatewayz') ? this.transport.gather('gatewayz') : Promise.resolve([]),
      want('healthz') ? this.transport.gather('healthz') : Promise.resolve([]),
      closedMax > 0 ? this.transport.gather('connz', {auth: true, limit: closedMax, sort: 'stop', state: 'closed'}) : Promise.resolve([]),
    ])
    const servers = varz.map((r) => this.serverRow(r))
    for (const s of servers) this.nameById.set(s.id, s.name)
    const connections = this.connections(servers, connz)
    const closed = closedMax > 0 ? closedRows(closedz) : undefined
    if (this.options.lookup) this.lookup([...connections, ...(closed ?? [])])
    const total = connz.reduce((n, c) => n + (c.ok ? c.total : 0), 0)
    if (details) this.details(jsz, routez, leafz, gatewayz, healthz)
    this.seq++
    return {
      ...(closed ? {closed} : {}),
      connections,
      connections_total: total,
      consumers: this.lastDetails.consumers,
      gateways: this.lastDetails.gateways,
      health: [...this.lastDetails.health.values()],
      interval_ms: this.options.interval_ms,
      leafs: this.lastDetails.leafs,
      routes: this.lastDetails.routes,
      seq: this.seq,
      servers,
      streams: this.lastDetails.streams,
      time: new Date().toISOString(),
      transport: this.transport.kind,
    }
  }

  /** Start or stop polling the recently closed connections (at most `max` per server; 0 stops). */
  setClosed(max: number): void {
    this.options.closed = max
  }

  /** Turn reverse-DNS names on or off (the cache is kept while the feed lives). */
  setLookup(on: boolean): void {
    this.options.lookup = on
  }

  /** Wait for the reverse-DNS lookups running now (batch output gives them the time a live frame would not). */
  async settled(): Promise<void> {
    await this.names?.settled()
  }

  private connections(
    servers: ServerRow[],
    connz: Array<{conns: ConnInfo[]; now: number; ok: boolean; target: string}>,
  ): ConnRow[] {
    const out: ConnRow[] = []
    const keep = new Set<string>()
    for (const c of connz) {
      const server = servers.find((s) => s.target === c.target)
      const mem = this.last.get(c.target)
      if (!c.ok || !server || server.stale) {
        if (mem) out.push(...mem.conns.map((r) => ({...r, new: false, rates: null, stale: true})))
        continue
      }

      const rows: ConnRow[] = []
      for (const ci of c.conns) {
        const key = `${server.id}:${ci.cid}`
        keep.add(key)
        const counters = {
          in_bytes: ci.in_bytes ?? 0,
          in_msgs: ci.in_msgs ?? 0,
          out_bytes: ci.out_bytes ?? 0,
          out_msgs: ci.out_msgs ?? 0,
        }
        const r = this.connRates.update(key, {counters, epoch: ci.start ?? '', now: c.now})
        const start = parseTime(ci.start)
        const last = parseTime(ci.last_activity)
        rows.push({
          account: ci.account,
          cid: ci.cid,
          idle_ms: Number.isNaN(last) ? parseGoDuration(ci.idle) : Math.max(0, c.now - last),
          ip: ci.ip,
          lang: ci.lang,
          name: ci.name,
          new: r.isNew,
          pending_bytes: ci.pending_bytes ?? 0,
          port: ci.port,
          rates: r.rates,
          ...(ci.reason ? {reason: ci.reason} : {}),
          rtt_ms: parseGoDuration(ci.rtt),
          server: server.name,
          server_id: server.id,
          stale: false,
          ...(this.options.connz?.subs ? {subjects: ci.subscriptions_list ?? []} : {}),
          subscriptions: ci.subscriptions ?? 0,
          uptime_ms: Number.isNaN(start) ? parseGoDuration(ci.uptime) : Math.max(0, c.now - start),
          user: ci.authorized_user,
          version: ci.version,
          ...counters,
        })
      }

      if (mem) mem.conns = rows
      out.push(...rows)
    }

    // connections of servers that did not answer keep their previous samples
    for (const [, m] of this.last) for (const r of m.conns) if (m.row.stale) keep.add(`${r.server_id}:${r.cid}`)
    this.connRates.retain(keep)
    return out
  }

  private details(
    jsz: Array<ServerResult<Jsz>>,
    routez: Array<ServerResult<import('./types.js').Routez>>,
    leafz: Array<ServerResult<import('./types.js').Leafz>>,
    gatewayz: Array<ServerResult<import('./types.js').Gatewayz>>,
    healthz: Array<ServerResult<import('./types.js').Healthz>>,
  ): void {
    for (const h of healthz) {
      const name = h.server?.name ?? h.target
      this.lastDetails.health.set(
        name,
        h.ok
          ? {error: h.data.error, server: name, status: h.data.status ?? 'unknown'}
          : {error: h.error, server: name, status: 'unreachable'},
      )
    }

    const routes: RouteRow[] = []
    for (const r of routez) {
      if (!r.ok) {
        routes.push(...this.lastDetails.routes.filter((x) => x.server === (r.server?.name ?? r.target)))
        continue
      }

      const now = parseTime(r.data.now)
      const peers = new Map<string, RouteRow>()
      for (const ro of r.data.routes ?? []) {
        const counters = {
          in_bytes: ro.in_bytes ?? 0,
          in_msgs: ro.in_msgs ?? 0,
          out_bytes: ro.out_bytes ?? 0,
          out_msgs: ro.out_msgs ?? 0,
        }
        const rr = this.routeRates.update(`${r.server.id}:${ro.rid}`, {counters, epoch: ro.remote_id ?? '', now})
        const remote = ro.remote_name || (ro.remote_id && this.nameById.get(ro.remote_id)) || ro.remote_id || '?'
        const rtt = parseGoDuration(ro.rtt)
        const peer = peers.get(remote)
        if (!peer) {
          peers.set(remote, {
            accounts: ro.account ? [ro.account] : [],
            in_msgs: counters.in_msgs,
            ip: ro.ip,
            out_msgs: counters.out_msgs,
            pending_bytes: ro.pending_size ?? 0,
            pool: 1,
            port: ro.port,
            rates: rr.rates ? {...rr.rates} : null,
            remote,
            rtt_ms: rtt,
            server: r.server.name,
          })
          continue
        }

        peer.pool++
        if (ro.account && !peer.accounts.includes(ro.account)) peer.accounts.push(ro.account)
        peer.in_msgs += counters.in_msgs
        peer.out_msgs += counters.out_msgs
        peer.pending_bytes += ro.pending_size ?? 0
        // the address the peer is known by: a route this server dialled goes to the peer's cluster port
        if (ro.did_solicit && ro.is_configured) [peer.ip, peer.port] = [ro.ip, ro.port]
        if (rtt !== undefined && (peer.rtt_ms === undefined || rtt < peer.rtt_ms)) peer.rtt_ms = rtt
        peer.rates = peer.rates && rr.rates ? addRates(peer.rates, rr.rates) : null
      }

      for (const p of peers.values()) p.accounts.sort()
      routes.push(...[...peers.values()].sort((a, b) => a.remote.localeCompare(b.remote)))
    }

    this.lastDetails.routes = routes
    const leafs: LeafRow[] = []
    for (const l of leafz) {
      if (!l.ok) continue
      for (const lf of l.data.leafs ?? []) {
        leafs.push({
          account: lf.account,
          in_msgs: lf.in_msgs ?? 0,
          ip: lf.ip,
          name: lf.name,
          out_msgs: lf.out_msgs ?? 0,
          port: lf.port,
          rtt_ms: parseGoDuration(lf.rtt),
          server: l.server.name,
          subscriptions: lf.subscriptions ?? 0,
        })
      }
    }

    this.lastDetails.leafs = leafs
    // a server that did not answer keeps its last links, as routes do
    const silent = new Set(gatewayz.filter((g) => !g.ok).map((g) => g.server?.name ?? g.target))
    this.lastDetails.gateways = [...this.lastDetails.gateways.filter((g) => silent.has(g.server)), ...gatewayRows(gatewayz)].sort(byLink)
    if (jsz.some((j) => j.ok)) this.jetstream(jsz)
  }

  private async gatherConnz(): Promise<
    Array<{conns: ConnInfo[]; now: number; ok: boolean; target: string; total: number}>
  > {
    const max = this.options.maxConns ?? 10_000
    const page = this.options.pageSize ?? PAGE
    const which = {...(this.options.connz?.state ? {state: this.options.connz.state} : {}), ...(this.options.connz?.subs ? {subs: true} : {})}
    const first = await this.transport.gather('connz', {auth: true, limit: Math.min(page, max), ...which})
    return Promise.all(
      first.map(async (r) => {
        if (!r.ok) return {conns: [], now: 0, ok: false, target: r.target, total: 0}
        const conns = [...(r.data.connections ?? [])]
        const total = r.data.total ?? conns.length
        let now = parseTime(r.data.now)
        // page through the rest; a later page's `now` is the one the rates use
        while (conns.length < Math.min(total, max)) {
          const p = await this.transport.one('connz', r.target, {
            ...which,
            auth: true,
            limit: Math.min(page, max - conns.length),
            offset: conns.length,
          })
          if (!p.ok || (p.data.connections ?? []).length === 0) break
          conns.push(...(p.data.connections ?? []))
          now = parseTime(p.data.now)
        }

        return {conns, now, ok: true, target: r.target, total}
      }),
    )
  }

  private jetstream(jsz: Array<ServerResult<Jsz>>): void {
    // A stream's authoritative view is its leader's, and a consumer's is ITS leader's (a replicated consumer is a Raft
    // group of its own, often led by another server than its stream); a lone server's view has no leader and is
    // taken as is.
    const chosen = new Map<string, {account: string; now: number; reporter: string; s: StreamDetail}>()
    const consumerViews = new Map<string, ConsumerViews>()
    for (const j of jsz) {
      if (!j.ok) continue
      const now = parseTime(j.data.now)
      for (const acc of j.data.account_details ?? []) {
        for (const s of acc.stream_detail ?? []) {
          const key = `${acc.name}/${s.name}`
          const isLeader = !s.cluster?.leader || s.cluster.leader === j.server.name
          const have = chosen.get(key)
          if (!have || (isLeader && have.reporter !== have.s.cluster?.leader))
            chosen.set(key, {account: acc.name, now, reporter: j.server.name, s})
          const views: ConsumerViews = consumerViews.get(key) ?? new Map()
          consumerViews.set(key, views)
          keepLeaderViews(views, s.consumer_detail ?? [], j.server.name, now)
        }
      }
    }

    const streams: StreamRow[] = []
    const consumers: ConsumerRow[] = []
    for (const [key, {account, now: streamNow, s}] of chosen) {
      const replicas = replicaRows(s.cluster)
      const ingest = this.seqRates.update(`s:${key}`, {
        counters: {seq: s.state?.last_seq ?? 0},
        epoch: account,
        now: streamNow,
      })
      streams.push({
        account,
        bytes: s.state?.bytes ?? 0,
        consumers: s.state?.consumer_count ?? 0,
        ingest_rate: ingest.rates?.seq ?? null,
        leader: s.cluster?.leader,
        messages: s.state?.messages ?? 0,
        name: s.name,
        replicas,
        replicas_ok: replicas.every((r) => r.current && !r.offline),
        subjects: s.config?.subjects ?? [],
      })
      for (const {c, now} of consumerViews.get(key)?.values() ?? []) {
        const cr = replicaRows(c.cluster)
        const delivered = this.seqRates.update(`c:${key}/${c.name}`, {
          counters: {seq: c.delivered?.stream_seq ?? 0},
          epoch: `${account}/${c.cluster?.leader ?? ''}`,
          now,
        })
        consumers.push({
          account,
          delivery_rate: delivered.rates?.seq ?? null,
          leader: c.cluster?.leader,
          name: c.name,
          num_ack_pending: c.num_ack_pending ?? 0,
          num_pending: c.num_pending ?? 0,
          num_redelivered: c.num_redelivered ?? 0,
          num_waiting: c.num_waiting ?? 0,
          replicas: cr,
          replicas_ok: cr.every((r) => r.current && !r.offline),
          stream: s.name,
        })
      }
    }

    this.lastDetails.streams = streams.sort((a, b) => a.name.localeCompare(b.name))
    this.lastDetails.consumers = consumers.sort(
      (a, b) => a.stream.localeCompare(b.stream) || a.name.localeCompare(b.name),
    )
  }

  /** Names the rows' addresses from the cache; the misses are looked up in the background for a later poll. */
  private lookup(rows: ConnRow[]): void {
    this.names ??= new ReverseNames()
    for (const r of rows) {
      const name = r.ip ? this.names.name(r.ip) : undefined
      if (name) r.host = name
    }
  }

  private serverRow(r: ServerResult<Varz>): ServerRow {
    const mem = this.last.get(r.target)
    if (!r.ok) {
      const name = r.server?.name ?? r.target
      const base: ServerRow = mem?.row ?? emptyRow(r.target, r.server)
      const row: ServerRow = {
        ...base,
        error: r.error,
        name,
        rates: null,
        restarted: false,
        slow_consumers_delta: 0,
        stale: true,
        up: false,
      }
      if (mem) mem.row = row
      else this.last.set(r.target, {conns: [], row})
      return row
    }

    const v = r.data
    const now = parseTime(v.now)
    const counters = {
      in_bytes: v.in_bytes ?? 0,
      in_msgs: v.in_msgs ?? 0,
      out_bytes: v.out_bytes ?? 0,
      out_msgs: v.out_msgs ?? 0,
    }
    const rr = this.serverRates.update(r.target, {counters, epoch: `${v.server_id}/${v.start ?? ''}`, now})
    const prevSlow = mem && !mem.row.stale && !rr.reset ? mem.row.slow_consumers : (v.slow_consumers ?? 0)
    const start = parseTime(v.start)
    const row: ServerRow = {
      api_level: v.jetstream?.stats?.api?.level,
      cluster: v.cluster?.name,
      connections: v.connections ?? 0,
      cpu: v.cpu ?? 0,
      id: v.server_id,
      jetstream: Boolean(v.jetstream?.config),
      jetstream_cluster: metaOf(v),
      last_ok: new Date().toISOString(),
      leafnodes: v.leafnodes ?? 0,
      mem: v.mem ?? 0,
      name: v.server_name || v.server_id,
      rates: rr.rates,
      restarted: rr.reset,
      routes: v.routes ?? 0,
      rtt_ms: r.rtt_ms,
      slow_consumers: v.slow_consumers ?? 0,
      slow_consumers_delta: Math.max(0, (v.slow_consumers ?? 0) - prevSlow),
      stale: false,
      subscriptions: v.subscriptions ?? 0,
      target: r.target,
      up: true,
      uptime_ms: Number.isNaN(start) ? (parseGoDuration(v.uptime) ?? 0) : Math.max(0, now - start),
      version: v.version ?? '',
      ...counters,
    }
    if (mem) mem.row = row
    else this.last.set(r.target, {conns: [], row})
    return row
  }
}

/** Each consumer of a stream, as the server that reported it saw it (its leader's view once one came). */
type ConsumerViews = Map<string, {c: ConsumerDetail; now: number; reporter: string}>

function keepLeaderViews(views: ConsumerViews, details: ConsumerDetail[], reporter: string, now: number): void {
  for (const c of details) {
    const leads = !c.cluster?.leader || c.cluster.leader === reporter
    const seen = views.get(c.name)
    if (!seen || (leads && seen.reporter !== seen.c.cluster?.leader)) views.set(c.name, {c, now, reporter})
  }
}

/** The closed connections of every server that answered (each asked for its newest few), newest first. */
function closedRows(closedz: Array<ServerResult<import('./types.js').Connz>>): ConnRow[] {
  const rows: ConnRow[] = []
  for (const r of closedz) {
    if (!r.ok) continue
    const now = parseTime(r.data.now)
    for (const ci of r.data.connections ?? []) {
      const start = parseTime(ci.start)
      const stop = parseTime(ci.stop)
      const last = parseTime(ci.last_activity)
      rows.push({
        account: ci.account,
        cid: ci.cid,
        idle_ms: Number.isNaN(last) || Number.isNaN(stop) ? parseGoDuration(ci.idle) : Math.max(0, stop - last),
        in_bytes: ci.in_bytes ?? 0,
        in_msgs: ci.in_msgs ?? 0,
        ip: ci.ip,
        lang: ci.lang,
        name: ci.name,
        new: false,
        out_bytes: ci.out_bytes ?? 0,
        out_msgs: ci.out_msgs ?? 0,
        pending_bytes: ci.pending_bytes ?? 0,
        port: ci.port,
        rates: null,
        reason: ci.reason ?? '',
        rtt_ms: parseGoDuration(ci.rtt),
        server: r.server.name,
        server_id: r.server.id,
        stale: false,
        ...(ci.stop ? {stop: ci.stop} : {}),
        ...(Number.isNaN(stop) || Number.isNaN(now) ? {} : {stopped_ago_ms: Math.max(0, now - stop)}),
        subscriptions: ci.subscriptions ?? 0,
        uptime_ms: Number.isNaN(start) || Number.isNaN(stop) ? parseGoDuration(ci.uptime) : Math.max(0, stop - start),
        user: ci.authorized_user,
        version: ci.version,
      })
    }
  }

  const at = (r: ConnRow): number => (r.stop ? parseTime(r.stop) : 0) || 0
  return rows.sort((a, b) => at(b) - at(a) || a.server.localeCompare(b.server) || b.cid - a.cid)
}

/** The JetStream meta group of a clustered server: its size, leader and every peer (the server itself included). */
export function metaOf(v: Varz): ServerRow['jetstream_cluster'] {
  const m = v.jetstream?.meta
  if (!m || !(m.cluster_size && m.cluster_size > 1)) return undefined
  const peers = new Set((m.replicas ?? []).map((r) => r.name).filter(Boolean))
  if (m.leader) peers.add(m.leader)
  if (v.server_name) peers.add(v.server_name)
  return {leader: m.leader || undefined, peers: [...peers].sort(), size: m.cluster_size}
}

function addRates(a: Rates, b: Rates): Rates {
  return {
    in_bytes: a.in_bytes + b.in_bytes,
    in_msgs: a.in_msgs + b.in_msgs,
    out_bytes: a.out_bytes + b.out_bytes,
    out_msgs: a.out_msgs + b.out_msgs,
  }
}

function replicaRows(c: StreamDetail['cluster']): ReplicaRow[] {
  return (c?.replicas ?? []).map((r) => ({
    current: Boolean(r.current),
    lag: r.lag,
    name: r.name,
    offline: Boolean(r.offline),
  }))
}

function emptyRow(target: string, ref?: ServerRef): ServerRow {
  return {
    cluster: ref?.cluster,
    connections: 0,
    cpu: 0,
    id: ref?.id ?? '',
    in_bytes: 0,
    in_msgs: 0,
    jetstream: false,
    leafnodes: 0,
    mem: 0,
    name: ref?.name ?? target,
    out_bytes: 0,
    out_msgs: 0,
    rates: null,
    restarted: false,
    routes: 0,
    slow_consumers: 0,
    slow_consumers_delta: 0,
    stale: true,
    subscriptions: 0,
    target,
    up: false,
    uptime_ms: 0,
    version: ref?.version ?? '',
  }
}
