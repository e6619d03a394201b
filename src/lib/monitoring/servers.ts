/**
 * Data for the `server` commands, over either transport: ping, list, info, check, reports and raw requests.
 * Plain data in, plain data out; the commands render it.
 */
import type {MonitorTransport} from './transport.js'
import type {Endpoint, ServerResult, Varz} from './types.js'

import {connectionError} from '../errors.js'
import {formatDuration} from '../format/duration.js'
import {type Detail, TopFeed} from './feed.js'
import {parseGoDuration, parseTime} from './json.js'

export interface PingRow {
  cluster?: string
  error?: string
  id?: string
  name: string
  ok: boolean
  rtt_ms?: number
  version?: string
}

export async function pingServers(t: MonitorTransport): Promise<PingRow[]> {
  const res = await t.gather('varz')
  return res.map((r) =>
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
}

export interface ServerListRow {
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

function listRow(r: ServerResult<Varz>): ServerListRow {
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
      routes: 0,
      slow_consumers: 0,
      subscriptions: 0,
      uptime_ms: 0,
    }
  }

  const v = r.data
  return {
    cluster: v.cluster?.name,
    connections: v.connections ?? 0,
    cpu: v.cpu ?? 0,
    id: v.server_id,
    jetstream: Boolean(v.jetstream?.config),
    leafnodes: v.leafnodes ?? 0,
    mem: v.mem ?? 0,
    name: v.server_name || v.server_id,
    ok: true,
    routes: v.routes ?? 0,
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
): Promise<ServerListRow[]> {
  const rows = (await t.gather('varz')).map((r) => listRow(r))
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
  check: 'connection' | 'health' | 'jetstream' | 'servers'
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

  const answered = varz.filter((v) => v.ok).length
  if (o.expect !== undefined) {
    checks.push({
      check: 'servers',
      message: `${answered} of ${o.expect} expected servers answered`,
      server: '*',
      status: answered >= o.expect ? 'ok' : 'critical',
    })
  }

  const status = checks.reduce<CheckStatus>(
    (w, c) => (ORDER.indexOf(c.status) > ORDER.indexOf(w) ? c.status : w),
    checks.length === 0 ? 'unknown' : 'ok',
  )
  return {checks, nagios_code: NAGIOS_CODE[status], servers: varz.length, status}
}

export function nagiosText(r: CheckResult): string {
  const bad = r.checks.filter((c) => c.status !== 'ok')
  const summary =
    bad.length === 0
      ? `${r.servers} server(s) healthy`
      : bad.map((c) => `${c.server} ${c.check}: ${c.message}`).join(', ')
  const perf = `servers=${r.servers} checks=${r.checks.length} failed=${bad.length}`
  return `NATS ${r.status.toUpperCase()}: ${summary} | ${perf}`
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
  parts: {connections: boolean; details: false | readonly Detail[]},
): Promise<Awaited<ReturnType<TopFeed['poll']>>> {
  const feed = new TopFeed(t, {connections: parts.connections, details: parts.details, interval_ms: 0})
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

const round = (n: number): number => Math.round(n * 1000) / 1000

/** Exit 6 when not one server answered (scripts must not read an empty answer as success). */
export function requireAnswer(rows: ReadonlyArray<{error?: string; ok?: boolean; up?: boolean}>, what = 'server'): void {
  if (rows.some((r) => r.ok ?? r.up ?? !r.error)) return
  const first = rows.find((r) => r.error)?.error ?? 'no answer'
  throw connectionError(`no ${what} answered: ${first}`, 'check --monitor, or the connection and its system-account user')
}
