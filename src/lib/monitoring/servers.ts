/**
 * Data for the `server` commands, over either transport: ping, list, info, check, reports and raw requests.
 * Plain data in, plain data out; the commands render it.
 */
import type {MonitorTransport} from './transport.js'
import type {Endpoint, ServerResult, Varz} from './types.js'

import {connectionError} from '../errors.js'
import {formatDuration} from '../format/duration.js'
import {type Detail, type FeedOptions, metaOf, TopFeed} from './feed.js'
import {parseGoDuration, parseTime} from './json.js'

/** A server that should have answered and did not. */
export interface MissingServer {
  error: string
  name: string
}

/**
 * The servers that should have answered and are not among `listed` (those that answered, and those asked that
 * failed): named by the cluster ($SYS: peers in STATSZ routes, a clustered JetStream's meta group) or only counted
 * (the servers' own count of active servers, the meta group's size, `--expect`). A server the cluster counts but
 * nobody names is listed as `?`, one row each.
 */
export function missingServers(
  t: MonitorTransport,
  listed: ReadonlyArray<{meta?: {peers: string[]; size: number}; name: string}>,
  expect = 0,
): MissingServer[] {
  const seen = new Set(listed.map((l) => l.name))
  const names = new Set<string>()
  let count = expect
  if (t.kind === 'sys') {
    const roster = t.roster?.()
    if (roster) {
      count = Math.max(count, roster.count)
      for (const n of roster.names) names.add(n)
    }

    for (const l of listed) {
      if (!l.meta) continue
      count = Math.max(count, l.meta.size)
      for (const n of l.meta.peers) names.add(n)
    }
  }

  const out: MissingServer[] = [...names]
    .filter((n) => !seen.has(n))
    .sort()
    .map((name) => ({error: 'unreachable: no reply from a server the cluster knows', name}))
  const why = expect > 0 && expect >= count ? `--expect ${expect}` : `the cluster counts ${count}`
  for (let i = seen.size + out.length; i < count; i++)
    out.push({error: `unreachable: ${why} servers, ${seen.size + out.length} known`, name: '?'})
  return out
}

export interface PingRow {
  cluster?: string
  error?: string
  id?: string
  name: string
  ok: boolean
  rtt_ms?: number
  version?: string
}

export async function pingServers(t: MonitorTransport, expect?: number): Promise<PingRow[]> {
  const res = await t.gather('varz')
  const rows: PingRow[] = res.map((r) =>
    r.ok
      ? {
          cluster: r.server.cluster,
          id: r.server.id,
          name: r.server.name,
          ok: true,
          rtt_ms: round(r.rtt_ms),
          version: r.server.version,
        }
      : {error: r.error, id: r.server?.id, name: r.server?.name ?? r.target, ok: false},
  )
  const listed = res.map((r) => ({meta: r.ok ? metaOf(r.data) : undefined, name: r.server?.name ?? r.target}))
  for (const m of missingServers(t, listed, expect)) rows.push({error: m.error, name: m.name, ok: false})
  return rows
}

export interface ServerListRow {
  /** the JetStream API level (2.11+) */
  api_level?: number
  cluster?: string
  connections: number
  cpu: number
  error?: string
  id?: string
  jetstream: boolean
  leafnodes: number
  mem: number
  name: string
  ok: boolean
  /** route connections (varz `routes`) */
  route_connections: number
  /** peers this server has routes to (2.10+ pools several route connections per peer) */
  routes: number
  rtt_ms?: number
  slow_consumers: number
  subscriptions: number
  uptime_ms: number
  version?: string
}

export const LIST_SORT = [
  'name',
  'cluster',
  'version',
  'conns',
  'subs',
  'routes',
  'mem',
  'cpu',
  'slow',
  'uptime',
  'rtt',
] as const
export type ListSort = (typeof LIST_SORT)[number]

function listRow(r: ServerResult<Varz>, peers?: number): ServerListRow {
  if (!r.ok) {
    return {
      connections: 0,
      cpu: 0,
      error: r.error,
      id: r.server?.id,
      jetstream: false,
      leafnodes: 0,
      mem: 0,
      name: r.server?.name ?? r.target,
      ok: false,
      route_connections: 0,
      routes: 0,
      slow_consumers: 0,
      subscriptions: 0,
      uptime_ms: 0,
    }
  }

  const v = r.data
  return {
    api_level: v.jetstream?.stats?.api?.level,
    cluster: v.cluster?.name,
    connections: v.connections ?? 0,
    cpu: v.cpu ?? 0,
    id: v.server_id,
    jetstream: Boolean(v.jetstream?.config),
    leafnodes: v.leafnodes ?? 0,
    mem: v.mem ?? 0,
    name: v.server_name || v.server_id,
    ok: true,
    route_connections: v.routes ?? 0,
    routes: peers ?? v.routes ?? 0,
    rtt_ms: round(r.rtt_ms),
    slow_consumers: v.slow_consumers ?? 0,
    subscriptions: v.subscriptions ?? 0,
    uptime_ms: Math.max(0, parseTime(v.now) - parseTime(v.start)) || (parseGoDuration(v.uptime) ?? 0),
    version: v.version,
  }
}

export async function listServers(
  t: MonitorTransport,
  sort: ListSort = 'name',
  reverse = false,
  expect?: number,
): Promise<ServerListRow[]> {
  const [varz, routez] = await Promise.all([t.gather('varz'), t.gather('routez')])
  const peers = new Map<string, number>()
  for (const r of routez)
    if (r.ok) peers.set(r.target, new Set((r.data.routes ?? []).map((ro) => ro.remote_name || ro.remote_id || String(ro.rid))).size)
  const rows = varz.map((r) => listRow(r, peers.get(r.target)))
  const listed = varz.map((r) => ({meta: r.ok ? metaOf(r.data) : undefined, name: r.server?.name ?? r.target}))
  for (const m of missingServers(t, listed, expect)) rows.push(listRow({error: m.error, ok: false, target: m.name}))
  const key: Record<ListSort, (r: ServerListRow) => number | string> = {
    cluster: (r) => r.cluster ?? '',
    conns: (r) => r.connections,
    cpu: (r) => r.cpu,
    mem: (r) => r.mem,
    name: (r) => r.name,
    routes: (r) => r.routes,
    rtt: (r) => r.rtt_ms ?? Infinity,
    slow: (r) => r.slow_consumers,
    subs: (r) => r.subscriptions,
    uptime: (r) => r.uptime_ms,
    version: (r) => r.version ?? '',
  }
  const k = key[sort]
  rows.sort((a, b) => {
    const x = k(a)
    const y = k(b)
    const c = typeof x === 'number' && typeof y === 'number' ? y - x : String(x).localeCompare(String(y))
    return (reverse ? -c : c) || a.name.localeCompare(b.name)
  })
  return rows
}

/** varz of one server, chosen by name, id or target; the first server when none is named. */
export async function serverInfo(t: MonitorTransport, server?: string): Promise<ServerResult<Varz> | undefined> {
  const all = await t.gather('varz')
  if (!server) return all.find((r) => r.ok) ?? all[0]
  return all.find((r) => r.target === server || r.server?.name === server || r.server?.id === server)
}

export type CheckStatus = 'critical' | 'ok' | 'unknown' | 'warning'
export const NAGIOS_CODE: Record<CheckStatus, number> = {critical: 2, ok: 0, unknown: 3, warning: 1}

export interface CheckItem {
  check: 'account' | 'connection' | 'health' | 'jetstream' | 'servers'
  message: string
  server: string
  status: CheckStatus
}

export interface CheckResult {
  checks: CheckItem[]
  /** Nagios plugin exit code: 0 ok, 1 warning, 2 critical, 3 unknown */
  nagios_code: number
  servers: number
  /** the worst status of all checks */
  status: CheckStatus
}

export interface CheckOptions {
  /** expect at least this many servers to answer */
  expect?: number
  /** JetStream must be enabled (and have a meta leader) on every server */
  jetstream?: boolean
  /** warn when a server's round trip exceeds this */
  rttWarnMs?: number
}

const ORDER: CheckStatus[] = ['ok', 'warning', 'unknown', 'critical']

export async function checkServers(t: MonitorTransport, o: CheckOptions = {}): Promise<CheckResult> {
  const [varz, health] = await Promise.all([t.gather('varz'), t.gather('healthz', {js_server_only: false})])
  const checks: CheckItem[] = []
  for (const v of varz) {
    const server = v.server?.name ?? v.target
    if (!v.ok) {
      checks.push({check: 'connection', message: v.error, server, status: 'critical'})
      continue
    }

    const slow = o.rttWarnMs !== undefined && v.rtt_ms > o.rttWarnMs
    checks.push({
      check: 'connection',
      message: `answered in ${formatDuration(v.rtt_ms)}`,
      server,
      status: slow ? 'warning' : 'ok',
    })
    const js = v.data.jetstream
    if (js?.config) {
      const clustered = (js.meta?.cluster_size ?? 0) > 1 || Boolean(v.data.cluster?.name)
      if (clustered && !js.meta?.leader)
        checks.push({check: 'jetstream', message: 'no JetStream meta leader', server, status: 'critical'})
      else
        checks.push({
          check: 'jetstream',
          message: clustered ? `meta leader ${js.meta?.leader}` : 'enabled',
          server,
          status: 'ok',
        })
    } else if (o.jetstream) {
      checks.push({check: 'jetstream', message: 'JetStream is not enabled', server, status: 'critical'})
    }
  }

  for (const h of health) {
    const server = h.server?.name ?? h.target
    if (!h.ok) {
      if (!checks.some((c) => c.server === server && c.check === 'connection' && c.status === 'critical'))
        checks.push({check: 'health', message: h.error, server, status: 'unknown'})
      continue
    }

    checks.push({
      check: 'health',
      message: h.data.status === 'ok' ? 'ok' : `${h.data.status}: ${h.data.error ?? ''}`.trim(),
      server,
      status: h.data.status === 'ok' ? 'ok' : 'critical',
    })
  }

  // a server the cluster names (or counts) and that did not answer is critical too; --expect has a check of its own
  const listed = varz.map((r) => ({meta: r.ok ? metaOf(r.data) : undefined, name: r.server?.name ?? r.target}))
  for (const m of missingServers(t, listed)) checks.push({check: 'connection', message: m.error, server: m.name, status: 'critical'})
  const answered = varz.filter((v) => v.ok).length
  if (o.expect !== undefined) {
    checks.push({
      check: 'servers',
      message: `${answered} of ${o.expect} expected servers answered`,
      server: '*',
      status: answered >= o.expect ? 'ok' : 'critical',
    })
  }

  return checkResult(checks, varz.length)
}

/** The result of `checks`: the worst status wins; no check at all is unknown. */
export function checkResult(checks: CheckItem[], servers: number): CheckResult {
  const status = checks.reduce<CheckStatus>(
    (w, c) => (ORDER.indexOf(c.status) > ORDER.indexOf(w) ? c.status : w),
    checks.length === 0 ? 'unknown' : 'ok',
  )
  return {checks, nagios_code: NAGIOS_CODE[status], servers, status}
}

/** A check that could not even begin (cannot connect: critical; anything unexpected: unknown). */
export function failedCheck(server: string, message: string, status: CheckStatus): CheckResult {
  return checkResult([{check: 'connection', message, server, status}], 0)
}

export interface AccountProbe {
  /** the account's JetStream usage ($JS.API.INFO), or why there is none */
  jetstream(): Promise<{consumers: number; ok: true; streams: number;} | {error: string; ok: false; unavailable: boolean}>
  rtt(): Promise<number>
  server: string
}

/**
 * Checks for a user outside the system account: what that user can see of its own account. The connection (it
 * connected), its round trip, and JetStream for the account. `--expect` cannot be checked without the system account,
 * so it is unknown.
 */
export async function checkAccount(p: AccountProbe, o: CheckOptions = {}): Promise<CheckResult> {
  const checks: CheckItem[] = []
  const server = p.server
  const rtt = await p.rtt()
  const slow = o.rttWarnMs !== undefined && rtt > o.rttWarnMs
  checks.push({
    check: 'connection',
    message: `connected, round trip ${formatDuration(rtt)} (not a system-account user: this account's checks only)`,
    server,
    status: slow ? 'warning' : 'ok',
  })
  const js = await p.jetstream()
  if (js.ok) {
    checks.push({check: 'jetstream', message: `available to this account: ${js.streams} stream(s), ${js.consumers} consumer(s)`, server, status: 'ok'})
  } else if (js.unavailable) {
    if (o.jetstream) checks.push({check: 'jetstream', message: `not available to this account: ${js.error}`, server, status: 'critical'})
  } else {
    checks.push({check: 'jetstream', message: js.error, server, status: 'critical'})
  }

  if (o.expect !== undefined)
    checks.push({
      check: 'servers',
      message: `cannot count servers without the system account (expected ${o.expect})`,
      server: '*',
      status: 'unknown',
    })
  return checkResult(checks, 1)
}

export function nagiosText(r: CheckResult): string {
  const bad = r.checks.filter((c) => c.status !== 'ok')
  const summary =
    bad.length === 0
      ? r.checks.some((c) => c.check === 'connection' && /not a system-account user/.test(c.message))
        ? `${r.checks.map((c) => `${c.server === '*' ? '' : `${c.server} `}${c.check}: ${c.message}`).join(', ')}`
        : `${r.servers} server(s) healthy`
      : bad.map((c) => `${c.server} ${c.check}: ${c.message}`).join(', ')
  const perf = `servers=${r.servers} checks=${r.checks.length} failed=${bad.length}`
  // one line, whatever the messages hold (a Nagios plugin's first line is its status)
  return `NATS ${r.status.toUpperCase()}: ${summary.replaceAll(/\s*[\r\n|]+\s*/g, ' ')} | ${perf}`
}

const esc = (s: string): string => s.replaceAll('\\', '\\\\').replaceAll('"', '\\"')

export function prometheusText(r: CheckResult): string {
  const lines = [
    '# HELP natsx_check_status Check status: 0 ok, 1 warning, 2 critical, 3 unknown.',
    '# TYPE natsx_check_status gauge',
    ...r.checks.map((c) => `natsx_check_status{server="${esc(c.server)}",check="${c.check}"} ${NAGIOS_CODE[c.status]}`),
    '# HELP natsx_check_overall Worst status of all checks.',
    '# TYPE natsx_check_overall gauge',
    `natsx_check_overall ${r.nagios_code}`,
  ]
  return lines.join('\n')
}

/**
 * Reports reuse the top feed (one poll, no rates), asking only for what they show: varz always, connz and the detail
 * endpoints as `parts` says.
 */
export async function reportSnapshot(
  t: MonitorTransport,
  parts: {connections: boolean; connz?: FeedOptions['connz']; details: false | readonly Detail[]},
): Promise<Awaited<ReturnType<TopFeed['poll']>>> {
  const feed = new TopFeed(t, {connections: parts.connections, connz: parts.connz, details: parts.details, interval_ms: 0})
  return feed.poll()
}

export interface RawReply {
  data?: unknown
  error?: string
  rtt_ms?: number
  server: string
  server_id?: string
}

export async function requestEndpoint(
  t: MonitorTransport,
  endpoint: Endpoint,
  raw: Record<string, boolean | number | string>,
  server?: string,
): Promise<RawReply[]> {
  let results
  if (server) {
    const who = await serverInfo(t, server)
    if (!who) return [{error: `no server named ${server} answered`, server}]
    results = [await t.one(endpoint, who.target, {raw})]
  } else {
    results = await t.gather(endpoint, {raw})
  }

  return results.map((r) =>
    r.ok
      ? {data: r.data, rtt_ms: round(r.rtt_ms), server: r.server.name, server_id: r.server.id}
      : {error: r.error, server: r.server?.name ?? r.target, server_id: r.server?.id},
  )
}

/**
 * After the rows are shown: exit 6 when any server is missing or failed, with one line naming them (the rows say why).
 * `null` when every server answered.
 */
export function unreachableLine(rows: ReadonlyArray<{name: string; ok: boolean}>): null | string {
  const bad = rows.filter((r) => !r.ok)
  if (bad.length === 0) return null
  return `${bad.length} of ${rows.length} server(s) did not answer: ${bad.map((r) => r.name).join(', ')}`
}

const round = (n: number): number => Math.round(n * 1000) / 1000

/** Exit 6 when not one server answered (scripts must not read an empty answer as success). */
export function requireAnswer(rows: ReadonlyArray<{error?: string; ok?: boolean; up?: boolean}>, what = 'server'): void {
  if (rows.some((r) => r.ok ?? r.up ?? !r.error)) return
  const first = rows.find((r) => r.error)?.error ?? 'no answer'
  throw connectionError(`no ${what} answered: ${first}`, 'check --monitor, or the connection and its system-account user')
}
