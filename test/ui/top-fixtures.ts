// A fake top feed for the Ink view's tests: a source the test pushes snapshots into, rows to fill them, and a wait
// for a frame (a condition polled every 20 ms, bounded at 10 s for a loaded machine).
import type {ConnRow, ServerRow, TopSnapshot} from '../../src/lib/monitoring/feed.js'
import type {SnapshotListener, TopSource} from '../../src/lib/monitoring/source.js'

export class FakeSource implements TopSource {
  listeners = new Set<SnapshotListener>()

  emit(s: TopSnapshot, error?: Error): void {
    for (const l of this.listeners) l(s, error)
  }

  subscribe(l: SnapshotListener): () => void {
    this.listeners.add(l)
    return () => this.listeners.delete(l)
  }
}

export function server(name: string, extra: Partial<ServerRow> = {}): ServerRow {
  return {
    cluster: 'c1', connections: 3, cpu: 1.5, id: `ID${name}`, in_bytes: 0, in_msgs: 0, jetstream: true, leafnodes: 0, mem: 20 * 1024 * 1024, name,
    out_bytes: 0, out_msgs: 0, rates: {in_bytes: 1000, in_msgs: 100, out_bytes: 2000, out_msgs: 200}, restarted: false, routes: 2,
    slow_consumers: 0, slow_consumers_delta: 0, stale: false, subscriptions: 10, target: name, up: true, uptime_ms: 60_000, version: '2.9.10', ...extra,
  }
}

export function conn(srv: string, cid: number, name: string, rate: number, extra: Partial<ConnRow> = {}): ConnRow {
  return {
    account: 'APP', cid, idle_ms: 0, in_bytes: 0, in_msgs: cid * 10, ip: '127.0.0.1', lang: 'nats.js', name, new: false, out_bytes: 0, out_msgs: 0,
    pending_bytes: 0, port: 40_000 + cid, rates: {in_bytes: rate * 10, in_msgs: rate, out_bytes: 0, out_msgs: 0}, rtt_ms: 0.5, server: srv,
    server_id: `ID${srv}`, stale: false, subscriptions: 1, uptime_ms: 5000, version: '3.4.0', ...extra,
  }
}

export function snapshot(conns: ConnRow[], servers = [server('n1'), server('n2')]): TopSnapshot {
  return {connections: conns, connections_total: conns.length, consumers: [], gateways: [], health: servers.map((s) => ({server: s.name, status: 'ok'})), interval_ms: 1000, leafs: [],
    routes: [], seq: 1, servers, streams: [{account: 'APP', bytes: 2048, consumers: 1, ingest_rate: 42, leader: 'n1', messages: 10, name: 'ORDERS', replicas: [{current: false, lag: 3, name: 'n2', offline: false}], replicas_ok: false, subjects: ['orders.>']}],
    time: '2026-11-24T00:00:00Z', transport: 'http'}
}

export const tick = (): Promise<unknown> => new Promise((r) => {
  setTimeout(r, 20)
})

/** type keys and wait until the frame satisfies `ok` (a condition, bounded at 10 s for a loaded machine) */
export async function until(frame: () => string | undefined, ok: (f: string) => boolean): Promise<string> {
  for (let i = 0; i < 500; i++) {
    const f = frame() ?? ''
    if (ok(f)) return f
    await tick()
  }

  throw new Error(`frame never matched:\n${frame()}`)
}
