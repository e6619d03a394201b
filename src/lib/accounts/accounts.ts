/**
 * The connected account, as `natsx account info` and `account report` show it. Every server imports a few `$SYS`
 * requests into every account, scoped to that account, so an ordinary user can read its own account:
 * `$SYS.REQ.SERVER.PING.CONNZ` (its connections on every server), `$SYS.REQ.ACCOUNT.PING.STATZ` (its traffic per
 * server) and, from 2.10.0, `$SYS.REQ.USER.INFO` (its user, account and permissions). A system-account user gets
 * every account from the same subjects, and `$SYS.REQ.SERVER.<id>.ACCOUNTZ` (imports and exports) too.
 * Each request is a scatter-gather: replies are collected until they stop (see services/collect.ts).
 */
import type {NatsConnection} from '@nats-io/transport-node'

import {Capabilities} from '../capabilities.js'
import {authError, connectionError} from '../errors.js'
import {collectReplies, replyJson} from '../services/collect.js'

export interface Envelope<T> {
  data?: T
  error?: {code?: number; description?: string}
  server?: {cluster?: string; host?: string; id: string; name: string; ver?: string}
}

export interface AskOptions {
  inboxPrefix?: string
  signal?: AbortSignal
  timeoutMs: number
}

/** Every server's answer to a `$SYS` request, parsed; none at all is exit 6 (or 7 when the account lacks the import). */
export async function gatherSys<T>(nc: NatsConnection, subject: string, body: unknown, o: AskOptions): Promise<Array<Envelope<T>>> {
  const got = await collectReplies(nc, subject, {body: JSON.stringify(body), inboxPrefix: o.inboxPrefix, signal: o.signal, timeoutMs: o.timeoutMs})
  if (got.noResponders) throw authError(`no responders on ${subject}: this account does not import it and the user is not in the system account`, 'connect as a user of the system account, or of an account with the default $SYS imports')
  const out = got.replies.flatMap((r) => replyJson<Envelope<T>>(r.msg) ?? [])
  if (out.length === 0 && !o.signal?.aborted) throw connectionError(`no server answered ${subject} within ${o.timeoutMs}ms`, 'raise --timeout or check the servers')
  return out
}

// ---------------------------------------------------------------- info

export interface UserInfo {
  account: string
  expires?: number
  permissions?: {publish?: {allow?: string[]; deny?: string[]}; subscribe?: {allow?: string[]; deny?: string[]}}
  user: string
}

/** `$SYS.REQ.USER.INFO` (2.10.0+): who the connection is. Undefined on older servers or when it does not answer. */
export async function userInfo(nc: NatsConnection, o: AskOptions): Promise<undefined | UserInfo> {
  if (!new Capabilities(nc.info?.version ?? '0.0.0').has('user-info')) return undefined
  try {
    const m = await nc.request('$SYS.REQ.USER.INFO', '', {timeout: o.timeoutMs})
    const env = replyJson<Envelope<UserInfo>>(m)
    return env?.data && !env.error ? env.data : undefined
  } catch {
    return undefined
  }
}

export interface AccountDetail {
  [key: string]: unknown
  account_name: string
  exports?: unknown[]
  imports?: unknown[]
  is_system?: boolean
  jetstream_enabled?: boolean
}

/**
 * The account's details on the connected server (imports, exports, mappings): `$SYS.REQ.SERVER.<id>.ACCOUNTZ`,
 * which only a system-account user can ask. Undefined when the user cannot.
 */
export async function accountDetail(nc: NatsConnection, account: string, o: AskOptions): Promise<AccountDetail | undefined> {
  const id = nc.info?.server_id
  if (!id) return undefined
  try {
    const got = await collectReplies(nc, `$SYS.REQ.SERVER.${id}.ACCOUNTZ`, {body: JSON.stringify({account}), inboxPrefix: o.inboxPrefix, timeoutMs: Math.min(o.timeoutMs, 2000)})
    const env = got.replies.map((r) => replyJson<Envelope<{account_detail?: AccountDetail}>>(r.msg)).find(Boolean)
    return env?.data?.account_detail
  } catch {
    return undefined
  }
}

/** On a server without USER.INFO a system-account user still learns its account from its own connection (CONNZ by cid). */
export async function accountOfConnection(nc: NatsConnection, o: AskOptions): Promise<string | undefined> {
  const id = nc.info?.server_id
  const cid = nc.info?.client_id
  if (!id || cid === undefined) return undefined
  try {
    const got = await collectReplies(nc, `$SYS.REQ.SERVER.${id}.CONNZ`, {body: JSON.stringify({auth: true, cid}), inboxPrefix: o.inboxPrefix, timeoutMs: Math.min(o.timeoutMs, 2000)})
    const env = got.replies.map((r) => replyJson<Envelope<{connections?: Array<{account?: string}>}>>(r.msg)).find(Boolean)
    return env?.data?.connections?.[0]?.account
  } catch {
    return undefined
  }
}

// ---------------------------------------------------------------- report connections

export const CONN_SORTS = ['subs', 'in-msgs', 'out-msgs', 'in-bytes', 'out-bytes', 'uptime', 'cid'] as const
export type ConnSort = (typeof CONN_SORTS)[number]
/** the server's own connz sort key for each (so that a server with more connections than --top sends the right ones) */
const SERVER_SORT: Record<ConnSort, string> = {cid: 'cid', 'in-bytes': 'bytes_from', 'in-msgs': 'msgs_from', 'out-bytes': 'bytes_to', 'out-msgs': 'msgs_to', subs: 'subs', uptime: 'uptime'}

interface RawConn {
  account?: string
  authorized_user?: string
  cid: number
  in_bytes?: number
  in_msgs?: number
  ip?: string
  lang?: string
  name?: string
  out_bytes?: number
  out_msgs?: number
  port?: number
  reason?: string
  rtt?: string
  start?: string
  stop?: string
  subscriptions?: number
  uptime?: string
  version?: string
}

export interface ConnectionRow {
  account?: string
  cid: number
  /** why a closed connection closed */
  closed_reason?: string
  in_bytes: number
  in_msgs: number
  ip?: string
  lang?: string
  name?: string
  out_bytes: number
  out_msgs: number
  port?: number
  rtt?: string
  server: string
  start?: string
  subscriptions: number
  uptime?: string
  user?: string
  version?: string
}

export interface ConnectionsReport {
  connections: ConnectionRow[]
  /** servers that answered, and the connections each holds that match (before --top) */
  servers: Array<{connections: number; error?: string; server: string}>
  /** every matching connection over all servers (before --top) */
  total: number
}

export interface ConnectionsQuery {
  account?: string
  sort: ConnSort
  state: 'all' | 'closed' | 'open'
  top: number
  user?: string
}

const startMs = (c: ConnectionRow): number => (c.start ? Date.parse(c.start) : 0)

export function sortConnections(rows: ConnectionRow[], sort: ConnSort): ConnectionRow[] {
  const key: Record<ConnSort, (c: ConnectionRow) => number> = {
    cid: (c) => -c.cid,
    'in-bytes': (c) => c.in_bytes,
    'in-msgs': (c) => c.in_msgs,
    'out-bytes': (c) => c.out_bytes,
    'out-msgs': (c) => c.out_msgs,
    subs: (c) => c.subscriptions,
    // the longest running first
    uptime: (c) => -startMs(c),
  }
  return [...rows].sort((a, b) => key[sort](b) - key[sort](a) || a.server.localeCompare(b.server) || a.cid - b.cid)
}

export async function connectionsReport(nc: NatsConnection, q: ConnectionsQuery, o: AskOptions): Promise<ConnectionsReport> {
  const body = {
    auth: true,
    limit: Math.max(q.top, 1024),
    sort: SERVER_SORT[q.sort],
    state: {all: 2, closed: 1, open: 0}[q.state],
    ...(q.account ? {acc: q.account} : {}),
    ...(q.user ? {user: q.user} : {}),
  }
  const replies = await gatherSys<{connections?: RawConn[]; total?: number}>(nc, '$SYS.REQ.SERVER.PING.CONNZ', body, o)
  const rows: ConnectionRow[] = []
  const servers: ConnectionsReport['servers'] = []
  for (const env of replies) {
    const server = env.server?.name ?? env.server?.id ?? '?'
    if (env.error || !env.data) {
      servers.push({connections: 0, error: env.error?.description ?? 'no data', server})
      continue
    }

    const conns = env.data.connections ?? []
    servers.push({connections: env.data.total ?? conns.length, server})
    for (const c of conns) {
      rows.push({
        ...(c.account ? {account: c.account} : {}),
        cid: c.cid,
        ...(c.reason ? {closed_reason: c.reason} : {}),
        in_bytes: c.in_bytes ?? 0,
        in_msgs: c.in_msgs ?? 0,
        ip: c.ip,
        lang: c.lang,
        name: c.name || undefined,
        out_bytes: c.out_bytes ?? 0,
        out_msgs: c.out_msgs ?? 0,
        port: c.port,
        rtt: c.rtt,
        server,
        start: c.start,
        subscriptions: c.subscriptions ?? 0,
        uptime: c.uptime,
        ...(c.authorized_user ? {user: c.authorized_user} : {}),
        version: c.version,
      })
    }
  }

  requireOwnAccount(q.account, rows.map((r) => r.account))
  servers.sort((a, b) => a.server.localeCompare(b.server))
  return {connections: sortConnections(rows, q.sort).slice(0, q.top), servers, total: rows.length}
}

/**
 * An ordinary user's `$SYS` requests are answered for its own account whatever it asks: asking for another account
 * and getting only one's own back means the user is not in the system account (exit 7), never a silent wrong answer.
 */
function requireOwnAccount(asked: string | undefined, got: Array<string | undefined>): void {
  if (!asked) return
  const other = got.find((a) => a !== undefined && a !== asked)
  if (other !== undefined) {
    throw authError(`asked for account "${asked}" but the servers answered for "${other}": only a system-account user can report on another account`, 'leave out --account to report on your own account, or connect as a system-account user')
  }
}

// ---------------------------------------------------------------- report statistics

interface RawStatz {
  acc: string
  conns?: number
  leafnodes?: number
  num_subscriptions?: number
  received?: {bytes?: number; msgs?: number}
  sent?: {bytes?: number; msgs?: number}
  slow_consumers?: number
  total_conns?: number
}

export interface AccountStatRow {
  account: string
  /** client connections now */
  connections: number
  leafnodes: number
  /** what the server received from the account's clients */
  received: {bytes: number; msgs: number}
  /** what the server sent to the account's clients */
  sent: {bytes: number; msgs: number}
  server: string
  slow_consumers: number
  subscriptions?: number
  total_connections: number
}

export interface StatisticsReport {
  /** one row per account per server */
  servers: AccountStatRow[]
  /** each account summed over the servers (server "*") */
  totals: AccountStatRow[]
}

export async function statisticsReport(nc: NatsConnection, q: {account?: string; unused?: boolean}, o: AskOptions): Promise<StatisticsReport> {
  const body = {...(q.account ? {accounts: [q.account]} : {}), ...(q.unused ? {include_unused: true} : {})}
  const replies = await gatherSys<{account_statz?: RawStatz[]}>(nc, '$SYS.REQ.ACCOUNT.PING.STATZ', body, o)
  const rows: AccountStatRow[] = []
  for (const env of replies) {
    const server = env.server?.name ?? env.server?.id ?? '?'
    for (const s of env.data?.account_statz ?? []) {
      rows.push({
        account: s.acc,
        connections: s.conns ?? 0,
        leafnodes: s.leafnodes ?? 0,
        received: {bytes: s.received?.bytes ?? 0, msgs: s.received?.msgs ?? 0},
        sent: {bytes: s.sent?.bytes ?? 0, msgs: s.sent?.msgs ?? 0},
        server,
        slow_consumers: s.slow_consumers ?? 0,
        ...(s.num_subscriptions === undefined ? {} : {subscriptions: s.num_subscriptions}),
        total_connections: s.total_conns ?? 0,
      })
    }
  }

  requireOwnAccount(q.account, rows.map((r) => r.account))
  rows.sort((a, b) => a.account.localeCompare(b.account) || a.server.localeCompare(b.server))
  const totals = new Map<string, AccountStatRow>()
  for (const r of rows) {
    const t = totals.get(r.account) ?? {account: r.account, connections: 0, leafnodes: 0, received: {bytes: 0, msgs: 0}, sent: {bytes: 0, msgs: 0}, server: '*', slow_consumers: 0, total_connections: 0}
    t.connections += r.connections
    t.leafnodes += r.leafnodes
    t.received.bytes += r.received.bytes
    t.received.msgs += r.received.msgs
    t.sent.bytes += r.sent.bytes
    t.sent.msgs += r.sent.msgs
    t.slow_consumers += r.slow_consumers
    t.total_connections += r.total_connections
    if (r.subscriptions !== undefined) t.subscriptions = (t.subscriptions ?? 0) + r.subscriptions
    totals.set(r.account, t)
  }

  return {servers: rows, totals: [...totals.values()]}
}
