/**
 * What each `server check <kind>` concludes from what the server said: pure functions from API replies and
 * thresholds to observations. Thresholds follow natscli: for a count where either direction can be bad (messages,
 * values), a critical threshold below the warning one means "too few"; otherwise more is worse.
 */
import type {ReplicaInfo, Varz} from '../monitoring/types.js'

import {formatDuration, nanosToMs} from '../format/duration.js'
import {formatSize} from '../format/size.js'
import {type CheckStatus, type Observation, worst} from './report.js'

export interface Limits {
  crit?: number
  warn?: number
}

type Direction = 'above' | 'auto' | 'below'

/** The status of `value` against warn/crit thresholds. */
export function assess(value: number, t: Limits, direction: Direction = 'above'): CheckStatus {
  const below = direction === 'below' || (direction === 'auto' && t.warn !== undefined && t.crit !== undefined && t.crit < t.warn)
  const past = (limit: number | undefined): boolean => limit !== undefined && (below ? value <= limit : value >= limit)
  if (past(t.crit)) return 'critical'
  if (past(t.warn)) return 'warning'
  return 'ok'
}

/** A measured value judged against its thresholds; `text` says it for a person. */
export function measure(
  name: string,
  value: number,
  t: Limits,
  text: string,
  o: {direction?: Direction; unit?: Observation['unit']} = {},
): Observation {
  const status = assess(value, t, o.direction)
  const limit = status === 'critical' ? t.crit : status === 'warning' ? t.warn : undefined
  const why = limit === undefined ? '' : ` (${status} threshold ${limitText(limit, o.unit)})`
  return {crit: t.crit, message: `${text}${why}`, name, status, unit: o.unit, value: round(value), warn: t.warn}
}

const round = (v: number): number => (Number.isInteger(v) ? v : Math.round(v * 1000) / 1000)

function limitText(v: number, unit: Observation['unit']): string {
  if (unit === 'ms') return formatDuration(v)
  if (unit === 's') return formatDuration(v * 1000)
  if (unit === 'B') return formatSize(v)
  if (unit === '%') return `${v}%`
  return String(v)
}

const fact = (name: string, ok: boolean, message: string, bad: CheckStatus = 'critical'): Observation => ({
  message,
  name,
  status: ok ? 'ok' : bad,
})

const ageMs = (time: string | undefined, now: number): number | undefined => {
  if (!time || time.startsWith('0001-')) return undefined
  const t = Date.parse(time)
  return Number.isNaN(t) ? undefined : Math.max(0, now - t)
}

// ---------------------------------------------------------------- connection

export interface ConnectionTimes {
  connectMs: number
  requestMs: number
  rttMs: number
}

export interface ConnectionThresholds {
  connect: Limits
  request: Limits
  rtt: Limits
}

export function connectionObservations(t: ConnectionTimes, th: ConnectionThresholds): Observation[] {
  return [
    measure('connect_time', t.connectMs, th.connect, `connected in ${formatDuration(t.connectMs)}`, {unit: 'ms'}),
    measure('rtt', t.rttMs, th.rtt, `round trip ${formatDuration(t.rttMs)}`, {unit: 'ms'}),
    measure('request_time', t.requestMs, th.request, `request answered in ${formatDuration(t.requestMs)}`, {unit: 'ms'}),
  ]
}

// ---------------------------------------------------------------- stream

interface Upstream {
  active?: number
  external?: {api?: string}
  lag?: number
  name: string
}

/** The parts of STREAM.INFO the check reads. */
export interface StreamInfoLike {
  cluster?: {leader?: string; name?: string; replicas?: ReplicaInfo[]}
  config: {name: string; num_replicas?: number; subjects?: string[]}
  mirror?: Upstream
  sources?: Upstream[]
  state: {bytes: number; consumer_count: number; last_ts?: string; messages: number; num_subjects?: number}
}

export interface StreamThresholds {
  /** last message age */
  age: Limits
  /** a source's or the mirror's lag, in messages */
  lagCritical?: number
  maxSources?: number
  minSources?: number
  msgs: Limits
  peerExpect?: number
  /** operations a replica is behind */
  peerLag?: Limits
  /** ms since a replica was last seen */
  peerSeen?: Limits
  /** ms since a source or the mirror was last active */
  seenCritical?: number
  subjects: Limits
}

export function streamObservations(info: StreamInfoLike, th: StreamThresholds, now: number): Observation[] {
  const out: Observation[] = [
    measure('messages', info.state.messages, th.msgs, `${info.state.messages} messages`, {direction: 'auto'}),
    {message: formatSize(info.state.bytes), name: 'bytes', status: 'ok', unit: 'B', value: info.state.bytes},
    {message: `${info.state.consumer_count} consumers`, name: 'consumers', status: 'ok', value: info.state.consumer_count},
  ]
  if (info.state.num_subjects !== undefined)
    out.push(measure('subjects', info.state.num_subjects, th.subjects, `${info.state.num_subjects} subjects`, {direction: 'auto'}))
  const age = ageMs(info.state.last_ts, now)
  if (age !== undefined) out.push(measure('last_message_age', age / 1000, secs(th.age), `last message ${formatDuration(age)} ago`, {unit: 's'}))
  else if (th.age.warn !== undefined || th.age.crit !== undefined) out.push(fact('last_message_age', false, 'no message in the stream'))

  return [...out, ...replicaObservations(info.cluster, th, info.config.num_replicas ?? 1), ...upstreamObservations(info, th)]
}

const secs = (t: Limits): Limits => ({crit: t.crit === undefined ? undefined : t.crit / 1000, warn: t.warn === undefined ? undefined : t.warn / 1000})

function replicaObservations(
  cluster: StreamInfoLike['cluster'],
  th: {peerExpect?: number; peerLag?: Limits; peerSeen?: Limits},
  configured: number,
): Observation[] {
  const out: Observation[] = []
  const replicas = cluster?.replicas ?? []
  const peers = (cluster?.leader ? 1 : 0) + replicas.length
  if (configured > 1 || th.peerExpect !== undefined) {
    out.push(fact('leader', Boolean(cluster?.leader), cluster?.leader ? `leader ${cluster.leader}` : 'no leader'))
    const expect = th.peerExpect ?? configured
    out.push({...fact('peers', peers === expect, `${peers} of ${expect} peers`), value: peers})
  }

  for (const r of replicas) {
    const name = `replica_${r.name}`
    const lag = r.lag ?? 0
    const seenMs = r.active === undefined ? undefined : nanosToMs(r.active)
    if (r.offline) {
      out.push(fact(name, false, `replica ${r.name} offline`))
      continue
    }

    const byLag = assess(lag, th.peerLag ?? {})
    const bySeen = seenMs === undefined ? 'ok' : assess(seenMs, th.peerSeen ?? {})
    const status = worst([byLag, bySeen, r.current ? 'ok' : 'warning'], 'ok')
    const parts = [r.current ? 'current' : 'not current', `${lag} behind`, ...(seenMs === undefined ? [] : [`seen ${formatDuration(seenMs)} ago`])]
    out.push({message: `replica ${r.name} ${parts.join(', ')}`, name, status, unit: 'ms', value: seenMs === undefined ? undefined : round(seenMs)})
  }

  return out
}

function upstreamObservations(info: StreamInfoLike, th: StreamThresholds): Observation[] {
  const out: Observation[] = []
  const sources = info.sources ?? []
  if (th.minSources !== undefined || th.maxSources !== undefined) {
    const n = sources.length
    const few = th.minSources !== undefined && n < th.minSources
    const many = th.maxSources !== undefined && n > th.maxSources
    out.push({...fact('sources', !few && !many, `${n} sources${few ? ` (at least ${th.minSources} expected)` : many ? ` (at most ${th.maxSources} expected)` : ''}`), value: n})
  }

  const ups = [...(info.mirror ? [{kind: 'mirror', u: info.mirror}] : []), ...sources.map((u) => ({kind: 'source', u}))]
  for (const {kind, u} of ups) {
    const lag = u.lag ?? 0
    const seenMs = u.active === undefined || u.active < 0 ? undefined : nanosToMs(u.active)
    const name = `${kind}_${u.name}`
    if (th.lagCritical !== undefined && lag >= th.lagCritical) out.push({...fact(name, false, `${kind} ${u.name} ${lag} messages behind`), value: lag})
    else if (th.seenCritical !== undefined && (seenMs === undefined || seenMs >= th.seenCritical))
      out.push(fact(name, false, seenMs === undefined ? `${kind} ${u.name} never active` : `${kind} ${u.name} last active ${formatDuration(seenMs)} ago`))
    else out.push({...fact(name, true, `${kind} ${u.name} ${lag} behind`), value: lag})
  }

  return out
}

// ---------------------------------------------------------------- consumer

export interface ConsumerInfoLike {
  ack_floor?: {last_active?: string}
  cluster?: StreamInfoLike['cluster']
  config: {num_replicas?: number; priority_groups?: string[]; priority_policy?: string}
  delivered?: {last_active?: string}
  name: string
  num_ack_pending: number
  num_pending: number
  num_redelivered: number
  num_waiting: number
  priority_groups?: Array<{group: string; pinned_client_id?: string; pinned_ts?: string}>
  stream_name: string
}

export interface ConsumerThresholds {
  lastAckCritical?: number
  lastDeliveryCritical?: number
  outstanding: Limits
  pinned?: boolean
  redelivery: Limits
  unprocessed: Limits
  waiting: Limits
}

export function consumerObservations(info: ConsumerInfoLike, th: ConsumerThresholds, now: number): Observation[] {
  const out: Observation[] = [
    measure('ack_pending', info.num_ack_pending, th.outstanding, `${info.num_ack_pending} awaiting ack`),
    measure('waiting', info.num_waiting, th.waiting, `${info.num_waiting} pull requests waiting`),
    measure('pending', info.num_pending, th.unprocessed, `${info.num_pending} unprocessed`),
    measure('redelivered', info.num_redelivered, th.redelivery, `${info.num_redelivered} redelivered`),
  ]
  const since = (name: string, time: string | undefined, crit: number | undefined, what: string): void => {
    const age = ageMs(time, now)
    if (age === undefined) {
      if (crit !== undefined) out.push(fact(name, false, `no ${what} yet`))
      return
    }

    out.push(measure(name, age / 1000, {crit: crit === undefined ? undefined : crit / 1000}, `last ${what} ${formatDuration(age)} ago`, {unit: 's'}))
  }

  since('last_delivery_age', info.delivered?.last_active, th.lastDeliveryCritical, 'delivery')
  since('last_ack_age', info.ack_floor?.last_active, th.lastAckCritical, 'ack')
  if (th.pinned) {
    if (info.config.priority_policy === 'pinned_client') {for (const g of info.config.priority_groups ?? []) {
        const pin = info.priority_groups?.find((p) => p.group === g)?.pinned_client_id
        out.push(fact(`pinned_${g}`, Boolean(pin), pin ? `group ${g} pinned to ${pin}` : `group ${g} has no pinned client`))
      }}
    else
      {out.push(fact('pinned', false, 'the consumer has no pinned-client priority policy'))}
  }

  out.push(...replicaObservations(info.cluster, {}, info.config.num_replicas || 1))
  return out
}

// ---------------------------------------------------------------- message

export interface MessageThresholds {
  age: Limits
  content?: RegExp
}

export function messageObservations(
  msg: undefined | {data: Uint8Array; seq: number; time: string},
  subject: string,
  th: MessageThresholds,
  now: number,
): Observation[] {
  if (!msg) return [fact('message', false, `no message on ${subject}`)]
  const out: Observation[] = []
  const age = ageMs(msg.time, now) ?? 0
  out.push(measure('age', age / 1000, secs(th.age), `last message on ${subject} (sequence ${msg.seq}) ${formatDuration(age)} old`, {unit: 's'}))
  if (th.content) {
    const body = new TextDecoder().decode(msg.data)
    out.push(fact('content', th.content.test(body), th.content.test(body) ? `body matches /${th.content.source}/` : `body does not match /${th.content.source}/`))
  }

  return out
}

// ---------------------------------------------------------------- meta

export interface MetaThresholds {
  expect?: number
  lag: Limits
  /** ms since a peer was last seen */
  seen: Limits
}

export function metaObservations(
  meta: undefined | {cluster_size?: number; leader?: string; replicas?: null | ReplicaInfo[]},
  th: MetaThresholds,
): Observation[] {
  if (!meta) return [fact('meta', false, 'JetStream is not clustered or not enabled on this server: there is no meta group to check', 'unknown')]
  const replicas = meta.replicas ?? []
  const out: Observation[] = [fact('leader', Boolean(meta.leader), meta.leader ? `meta leader ${meta.leader}` : 'no meta leader')]
  const seen = (meta.leader ? 1 : 0) + replicas.filter((r) => !r.offline).length
  const expect = th.expect ?? meta.cluster_size
  if (expect !== undefined) out.push({...fact('peers', seen >= expect, `${seen} of ${expect} peers seen`), value: seen})
  out.push(
    ...replicaObservations({leader: meta.leader, replicas}, {peerLag: th.lag, peerSeen: th.seen}, 1).filter((o) => o.name.startsWith('replica_')),
  )
  return out
}

// ---------------------------------------------------------------- jetstream (account)

export interface AccountInfoLike {
  consumers: number
  limits?: {max_consumers?: number; max_memory?: number; max_storage?: number; max_streams?: number}
  memory: number
  storage: number
  streams: number
}

export interface JetStreamThresholds {
  consumers: Limits
  memory: Limits
  storage: Limits
  streams: Limits
}

export function jetstreamObservations(info: AccountInfoLike, th: JetStreamThresholds): Observation[] {
  const l = info.limits ?? {}
  const one = (name: string, used: number, limit: number | undefined, t: Limits, show: (n: number) => string): Observation => {
    if (limit === undefined || limit <= 0) return {message: `${show(used)} used (no limit)`, name, status: 'ok', unit: show === String ? undefined : 'B', value: used}
    const pct = (used / limit) * 100
    return measure(`${name}_pct`, pct, t, `${show(used)} of ${show(limit)} (${pct.toFixed(1)}%)`, {unit: '%'})
  }

  return [
    one('memory', info.memory, l.max_memory, th.memory, (n) => formatSize(n)),
    one('storage', info.storage, l.max_storage, th.storage, (n) => formatSize(n)),
    one('streams', info.streams, l.max_streams, th.streams, String),
    one('consumers', info.consumers, l.max_consumers, th.consumers, String),
  ]
}

// ---------------------------------------------------------------- server

export type VarzForCheck = Varz & {auth_required?: boolean; tls_cert_not_after?: string; tls_required?: boolean}

export interface ServerThresholds {
  authRequired?: boolean
  /** ms before the TLS certificate expires */
  certExpire: Limits
  connections: Limits
  cpu: Limits
  jsRequired?: boolean
  memory: Limits
  slowConsumers: Limits
  subscriptions: Limits
  tlsRequired?: boolean
  /** uptime in ms: lower is worse */
  uptime: Limits
}

export function serverObservations(v: VarzForCheck, th: ServerThresholds, now: number): Observation[] {
  const out: Observation[] = [
    measure('cpu', v.cpu ?? 0, th.cpu, `CPU ${v.cpu ?? 0}%`, {unit: '%'}),
    measure('memory', v.mem ?? 0, th.memory, `memory ${formatSize(v.mem ?? 0)}`, {unit: 'B'}),
    measure('connections', v.connections ?? 0, th.connections, `${v.connections ?? 0} connections`),
    measure('subscriptions', v.subscriptions ?? 0, th.subscriptions, `${v.subscriptions ?? 0} subscriptions`),
    measure('slow_consumers', v.slow_consumers ?? 0, th.slowConsumers, `${v.slow_consumers ?? 0} slow consumers`),
  ]
  const up = ageMs(v.start, v.now ? Date.parse(v.now) : now)
  if (up !== undefined) out.push(measure('uptime', up / 1000, secs(th.uptime), `up ${formatDuration(up)}`, {direction: 'below', unit: 's'}))
  const js = Boolean(v.jetstream?.config)
  if (th.jsRequired) out.push(fact('jetstream', js, js ? 'JetStream enabled' : 'JetStream is not enabled'))
  if (th.tlsRequired) out.push(fact('tls', Boolean(v.tls_required), v.tls_required ? 'TLS required' : 'TLS is not required'))
  if (th.authRequired) out.push(fact('auth', Boolean(v.auth_required), v.auth_required ? 'authentication required' : 'authentication is not required'))
  const notAfter = v.tls_cert_not_after && !v.tls_cert_not_after.startsWith('0001-') ? Date.parse(v.tls_cert_not_after) : Number.NaN
  if (!Number.isNaN(notAfter)) {
    const left = notAfter - now
    out.push(
      left <= 0
        ? fact('cert_expiry', false, `TLS certificate expired ${formatDuration(-left)} ago`)
        : measure('cert_expiry', left / 1000, secs(th.certExpire), `TLS certificate expires in ${formatDuration(left)}`, {direction: 'below', unit: 's'}),
    )
  } else if (th.certExpire.warn !== undefined || th.certExpire.crit !== undefined) {
    out.push(fact('cert_expiry', false, 'the server does not report its TLS certificate expiry (2.14+ with TLS)', 'unknown'))
  }

  return out
}

// ---------------------------------------------------------------- kv

export interface KvThresholds {
  content?: RegExp
  key?: string
  values: Limits
}

export function kvObservations(
  bucket: {values: number},
  entry: undefined | {operation: string; revision: number; value: Uint8Array},
  th: KvThresholds,
): Observation[] {
  const out: Observation[] = [measure('values', bucket.values, th.values, `${bucket.values} values`, {direction: 'auto'})]
  if (th.key !== undefined) {
    const live = entry && entry.operation === 'PUT'
    out.push(fact('key', Boolean(live), live ? `key ${th.key} at revision ${entry.revision}` : `key ${th.key} not found`))
    if (live && th.content) {
      const body = new TextDecoder().decode(entry.value)
      const ok = th.content.test(body)
      out.push(fact('content', ok, ok ? `value matches /${th.content.source}/` : `value does not match /${th.content.source}/`))
    }
  }

  return out
}

// ---------------------------------------------------------------- credential

export interface CredentialThresholds {
  requireExpiry?: boolean
  /** ms of validity left */
  validity: Limits
}

export function credentialObservations(claims: {exp?: number; name?: string; sub?: string}, th: CredentialThresholds, now: number): Observation[] {
  const who = claims.name ? `${claims.name} (${claims.sub ?? ''})` : (claims.sub ?? 'credential')
  if (!claims.exp) return [fact('expiry', !th.requireExpiry, `${who} never expires`)]
  const left = claims.exp * 1000 - now
  if (left <= 0) return [{...fact('expiry', false, `${who} expired ${formatDuration(-left)} ago`), unit: 's', value: Math.round(left / 1000)}]
  return [measure('expiry', left / 1000, secs(th.validity), `${who} expires in ${formatDuration(left)}`, {direction: 'below', unit: 's'})]
}
