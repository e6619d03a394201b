/**
 * `server report cpu` and `server report mem`: each server's CPU and memory from its own varz, over either transport,
 * with the servers the cluster knows but that did not answer listed as such.
 */
import type {MonitorTransport} from './transport.js'
import type {ServerResult, Varz} from './types.js'

import {metaOf} from './feed.js'
import {missingServers} from './servers.js'

export interface UsageRow {
  cluster?: string
  /** logical CPUs the server sees (varz `cores`) and the Go threads it may use (`gomaxprocs`) */
  cores?: number
  /** CPU in percent of one core, as varz reports it (a busy 4-core server can show up to 400) */
  cpu_percent?: number
  error?: string
  gomaxprocs?: number
  /** JetStream memory storage in use and its limit (absent without JetStream) */
  jetstream_memory_bytes?: number
  jetstream_memory_limit_bytes?: number
  /** resident memory of the process (varz `mem`) */
  mem_bytes?: number
  name: string
  ok: boolean
  version?: string
}

export interface UsageReport {
  servers: UsageRow[]
  /** over the servers that answered: the summed CPU (percent of one core) and memory, and their means */
  totals: {answered: number; cpu_percent: number; cpu_percent_mean: number; mem_bytes: number; mem_bytes_mean: number; servers: number}
}

export function usageRow(r: ServerResult<Varz>): UsageRow {
  if (!r.ok) return {error: r.error, name: r.server?.name ?? r.target, ok: false}
  const v = r.data
  const js = v.jetstream
  return {
    ...(v.cluster?.name ? {cluster: v.cluster.name} : {}),
    ...(v.cores === undefined ? {} : {cores: v.cores}),
    cpu_percent: v.cpu ?? 0,
    ...(v.gomaxprocs === undefined ? {} : {gomaxprocs: v.gomaxprocs}),
    ...(js?.config ? {jetstream_memory_bytes: js.stats?.memory ?? 0, jetstream_memory_limit_bytes: js.config.max_memory ?? 0} : {}),
    mem_bytes: v.mem ?? 0,
    name: v.server_name || v.server_id,
    ok: true,
    ...(v.version ? {version: v.version} : {}),
  }
}

/**
 * Every server's varz, sorted by `by` (largest first, then by name; servers that did not answer last), with the
 * servers the cluster names or counts (or --expect asks for) that were silent added as rows that did not answer.
 */
export async function usageReport(t: MonitorTransport, by: 'cpu' | 'mem', expect?: number): Promise<UsageReport> {
  const varz = await t.gather('varz')
  const rows = varz.map((r) => usageRow(r))
  const listed = varz.map((r) => ({meta: r.ok ? metaOf(r.data) : undefined, name: r.server?.name ?? r.target}))
  for (const m of missingServers(t, listed, expect)) rows.push({error: m.error, name: m.name, ok: false})
  return summarise(rows, by)
}

export function summarise(rows: UsageRow[], by: 'cpu' | 'mem'): UsageReport {
  const key = (r: UsageRow): number => (r.ok ? (by === 'cpu' ? (r.cpu_percent ?? 0) : (r.mem_bytes ?? 0)) : -1)
  const servers = [...rows].sort((a, b) => key(b) - key(a) || a.name.localeCompare(b.name))
  const up = servers.filter((s) => s.ok)
  const cpu = up.reduce((n, s) => n + (s.cpu_percent ?? 0), 0)
  const mem = up.reduce((n, s) => n + (s.mem_bytes ?? 0), 0)
  const mean = (n: number): number => (up.length === 0 ? 0 : n / up.length)
  return {
    servers,
    totals: {answered: up.length, cpu_percent: round(cpu), cpu_percent_mean: round(mean(cpu)), mem_bytes: mem, mem_bytes_mean: Math.round(mean(mem)), servers: servers.length},
  }
}

const round = (n: number): number => Math.round(n * 100) / 100
