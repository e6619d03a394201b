/**
 * The last minute of message rates behind `top`'s sparklines, in fixed-size rings: per server (in and out msgs/s) and
 * per open connection (in + out msgs/s). Each ring holds ceil(60 s / interval) points and never grows; a connection
 * no longer in the snapshot (closed, or its server restarted with a new id) is dropped at the next snapshot, so the
 * history of a `top` left open for a day is as large as the one of a `top` opened a minute ago. Pure: no I/O, no clock.
 */
import type {ConnRow, ServerRow, TopSnapshot} from './feed.js'

/** what the sparklines cover */
export const HISTORY_SPAN_MS = 60_000

/** the points a ring keeps at this polling interval: a minute's worth, at least one */
export function historyLength(intervalMs: number): number {
  return intervalMs > 0 ? Math.max(1, Math.ceil(HISTORY_SPAN_MS / intervalMs)) : 1
}

/** A fixed-size ring of rates (numbers in a Float64Array, NaN a gap: no value for that poll); graph samples use the generic Ring of lib/graph/ring.ts. */
export class RateRing {
  private readonly buf: Float64Array
  private next = 0

  constructor(readonly capacity: number) {
    this.buf = new Float64Array(Math.max(1, Math.floor(capacity))).fill(Number.NaN)
  }

  add(v: null | number | undefined): void {
    this.buf[this.next] = v === null || v === undefined || !Number.isFinite(v) ? Number.NaN : v
    this.next = (this.next + 1) % this.buf.length
  }

  copy(): RateRing {
    const r = new RateRing(this.buf.length)
    r.buf.set(this.buf)
    r.next = this.next
    return r
  }

  /**
   * every slot, oldest first: slots not yet written are NaN, so the newest value is always last. A plain array: a
   * short-lived copy for one frame stays on the JS heap (a typed array this size would allocate memory outside it).
   */
  values(): number[] {
    const n = this.buf.length
    const out: number[] = Array.from({length: n})
    for (let i = 0; i < n; i++) out[i] = this.buf[(this.next + i) % n]
    return out
  }
}

interface ServerSeries {
  in: RateRing
  out: RateRing
  seen: number
}

interface ConnSeries {
  seen: number
  total: RateRing
}

/** a connection's key: its server's id and its cid (a cid is only unique on its server) */
export const connKey = (r: Pick<ConnRow, 'cid' | 'server_id'>): string => `${r.server_id}:${r.cid}`

export class RateHistory {
  private capacity = 0
  private readonly conns = new Map<string, ConnSeries>()
  private generation = 0
  private last: TopSnapshot | undefined
  private readonly servers = new Map<string, ServerSeries>()

  /** the points each ring keeps (0 before the first snapshot) */
  get length(): number {
    return this.capacity
  }

  /** how many series are kept (what the memory bound is about) */
  get size(): {connections: number; servers: number} {
    return {connections: this.conns.size, servers: this.servers.size}
  }

  /**
   * Adds one snapshot: a point for every server (by its target, which outlives restarts) and every open connection,
   * and drops the series of those not in it. The same snapshot object twice adds nothing. A new interval starts over.
   */
  add(snap: Pick<TopSnapshot, 'connections' | 'interval_ms' | 'servers'>): void {
    if (snap === this.last) return
    this.last = snap as TopSnapshot
    const capacity = historyLength(snap.interval_ms)
    if (capacity !== this.capacity) {
      this.capacity = capacity
      this.servers.clear()
      this.conns.clear()
    }

    const gen = ++this.generation
    for (const s of snap.servers) {
      let series = this.servers.get(s.target)
      if (!series) {
        series = {in: new RateRing(capacity), out: new RateRing(capacity), seen: gen}
        this.servers.set(s.target, series)
      }

      const r = serverRates(s)
      series.in.add(r?.in_msgs)
      series.out.add(r?.out_msgs)
      series.seen = gen
    }

    for (const c of snap.connections) {
      const key = connKey(c)
      let series = this.conns.get(key)
      if (!series) {
        series = {seen: gen, total: new RateRing(capacity)}
        this.conns.set(key, series)
      }

      series.total.add(c.rates && !c.stale ? c.rates.in_msgs + c.rates.out_msgs : null)
      series.seen = gen
    }

    for (const [k, s] of this.servers) if (s.seen !== gen) this.servers.delete(k)
    for (const [k, c] of this.conns) if (c.seen !== gen) this.conns.delete(k)
  }

  /** a copy that later snapshots do not change (a paused view keeps drawing it) */
  clone(): RateHistory {
    const h = new RateHistory()
    h.capacity = this.capacity
    h.generation = this.generation
    h.last = this.last
    for (const [k, s] of this.servers) h.servers.set(k, {in: s.in.copy(), out: s.out.copy(), seen: s.seen})
    for (const [k, c] of this.conns) h.conns.set(k, {seen: c.seen, total: c.total.copy()})
    return h
  }

  /** a connection's in + out msgs/s, oldest first (NaN: no rate for that poll) */
  connection(key: string): number[] | undefined {
    return this.conns.get(key)?.total.values()
  }

  /** a server's in and out msgs/s, oldest first */
  server(target: string): undefined | {in: number[]; out: number[]} {
    const s = this.servers.get(target)
    return s ? {in: s.in.values(), out: s.out.values()} : undefined
  }
}

/** a down or stale server has no fresh rate: a gap, not its last rate again */
const serverRates = (s: ServerRow): ServerRow['rates'] => (s.up && !s.stale ? s.rates : null)
