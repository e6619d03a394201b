/**
 * The last minute of message rates behind `top`'s sparklines, kept by the clock: the minute is cut into fixed time
 * slots of one poll interval each (ceil(60 s / interval) slots, a fixed number that never grows), and each sample
 * lands in the slot of its snapshot's `time`, not in "the next" slot. So a poll that came late leaves its slot empty
 * (a gap, drawn as a blank), slow polls do not stretch the minute, and after a stall longer than the minute every
 * older point has dropped out by time. Series: per server (in and out msgs/s) and per open connection (in + out
 * msgs/s); a connection no longer in the snapshot (closed, or its server restarted with a new id) is dropped at the
 * next snapshot, so the history of a `top` left open for a day is as large as the one of a `top` opened a minute ago.
 * Pure: no I/O, and no clock but the samples' own timestamps.
 */
import type {ConnRow, ServerRow, TopSnapshot} from './feed.js'

/** what the sparklines cover */
export const HISTORY_SPAN_MS = 60_000

/** the slots a ring keeps at this polling interval: a minute's worth, at least one */
export function historyLength(intervalMs: number): number {
  return intervalMs > 0 ? Math.max(1, Math.ceil(HISTORY_SPAN_MS / intervalMs)) : 1
}

/** how much of a sample's offset from its slot's centre the grid follows (see SlotClock) */
const PHASE_GAIN = 1 / 8

/**
 * Turns sample timestamps (ms) into slot numbers on a grid of `slotMs`-wide slots. Pure: it keeps no clock of its
 * own, only the samples' times.
 *
 * - The first sample is the centre of slot 0; a sample goes to the nearest slot centre, so polls that jitter by up
 *   to half an interval still fill consecutive slots, and a poll a whole interval late skips one (a gap).
 * - The grid follows the samples' phase by 1/8 of each one's offset from its slot's centre: timers that run a few ms
 *   late every poll (a busy machine) never slide the samples across a slot boundary, while a poll that is really
 *   late still leaves its slot empty. The slots per minute stay fixed by the clock (the grid moves by at most 1/16 of
 *   a slot per sample).
 * - A clock that goes back a little (less than the window: NTP stepping, a sample that was stamped late) puts the
 *   sample in the newest slot; a clock that goes back further than the window starts the grid over (`reset`).
 * - A timestamp that is not a number (no time in the snapshot) counts as the slot after the newest one.
 */
export class SlotClock {
  private anchor = Number.NaN
  private last: number | undefined

  constructor(
    readonly slotMs: number,
    /** how far back (in slots) the window reaches: a sample further behind the newest one restarts the grid */
    readonly slots: number,
  ) {}

  /** the newest slot that holds a sample (undefined before the first) */
  get newest(): number | undefined {
    return this.last
  }

  copy(): SlotClock {
    const c = new SlotClock(this.slotMs, this.slots)
    c.anchor = this.anchor
    c.last = this.last
    return c
  }

  /** the slot of a sample taken at `t` (ms since the epoch); `reset` when the grid started over (drop what is kept) */
  place(t: number): {reset: boolean; slot: number} {
    if (!Number.isFinite(t)) {
      this.last = this.last === undefined ? 0 : this.last + 1
      return {reset: false, slot: this.last}
    }

    if (this.last === undefined || !Number.isFinite(this.anchor)) return this.start(t, this.last !== undefined)
    const slot = Math.round((t - this.anchor) / this.slotMs)
    if (this.last - slot >= this.slots) return this.start(t, true)
    if (slot < this.last) return {reset: false, slot: this.last}
    this.anchor += (t - (this.anchor + slot * this.slotMs)) * PHASE_GAIN
    this.last = slot
    return {reset: false, slot}
  }

  private start(t: number, reset: boolean): {reset: boolean; slot: number} {
    this.anchor = t
    this.last = 0
    return {reset, slot: 0}
  }
}

/**
 * A fixed number of time slots of rates (a Float64Array; NaN a gap: no sample with a rate in that slot), addressed
 * by slot number (SlotClock). Writing a slot newer than the newest one empties the slots in between (at most all of
 * them: memory never grows); a slot older than the window is ignored. Two samples in one slot: the later one wins,
 * except that a gap never erases a rate already in the slot (the slot did see traffic). Graph samples use the
 * generic Ring of lib/graph/ring.ts.
 */
export class RateRing {
  private readonly buf: Float64Array
  private newest: number | undefined

  constructor(readonly capacity: number) {
    this.buf = new Float64Array(Math.max(1, Math.floor(capacity))).fill(Number.NaN)
  }

  copy(): RateRing {
    const r = new RateRing(this.buf.length)
    r.buf.set(this.buf)
    r.newest = this.newest
    return r
  }

  /** puts a sample (null, undefined or not finite: a gap) in its slot */
  put(slot: number, v: null | number | undefined): void {
    const n = this.buf.length
    const value = v === null || v === undefined || !Number.isFinite(v) ? Number.NaN : v
    if (this.newest === undefined) this.newest = slot
    else if (slot > this.newest) {
      for (let s = Math.max(this.newest + 1, slot - n + 1); s <= slot; s++) this.buf[this.at(s)] = Number.NaN
      this.newest = slot
    } else if (slot <= this.newest - n) return

    // a gap writes nothing: the slot is empty already unless a rate came in it
    if (!Number.isNaN(value)) this.buf[this.at(slot)] = value
  }

  /**
   * the window's slots, oldest first, ending at slot `edge` (default: the newest written), NaN where no rate is.
   * A plain array: a short-lived copy for one frame stays on the JS heap (a typed array this size would allocate
   * memory outside it).
   */
  values(edge = this.newest): number[] {
    const n = this.buf.length
    const out: number[] = Array.from({length: n}, () => Number.NaN)
    if (this.newest === undefined || edge === undefined) return out
    for (let i = 0; i < n; i++) {
      const s = edge - n + 1 + i
      if (s <= this.newest && s > this.newest - n) out[i] = this.buf[this.at(s)]
    }

    return out
  }

  private at(slot: number): number {
    const n = this.buf.length
    return ((slot % n) + n) % n
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
  private clock = new SlotClock(1000, 1)
  private readonly conns = new Map<string, ConnSeries>()
  private generation = 0
  private last: TopSnapshot | undefined
  private readonly servers = new Map<string, ServerSeries>()

  /** the slots each ring keeps (0 before the first snapshot) */
  get length(): number {
    return this.capacity
  }

  /** how many series are kept (what the memory bound is about) */
  get size(): {connections: number; servers: number} {
    return {connections: this.conns.size, servers: this.servers.size}
  }

  /**
   * Adds one snapshot: a sample for every server (by its target, which outlives restarts) and every open connection,
   * in the slot of the snapshot's `time`, and drops the series of those not in it. The same snapshot object twice
   * adds nothing. A new interval, or a clock gone back further than the window, starts over.
   */
  add(snap: Pick<TopSnapshot, 'connections' | 'interval_ms' | 'servers' | 'time'>): void {
    if (snap === this.last) return
    this.last = snap as TopSnapshot
    const capacity = historyLength(snap.interval_ms)
    if (capacity !== this.capacity) {
      this.capacity = capacity
      this.clock = new SlotClock(Math.max(1, snap.interval_ms), capacity)
      this.servers.clear()
      this.conns.clear()
    }

    const {reset, slot} = this.clock.place(Date.parse(snap.time))
    if (reset) {
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
      series.in.put(slot, r?.in_msgs)
      series.out.put(slot, r?.out_msgs)
      series.seen = gen
    }

    for (const c of snap.connections) {
      const key = connKey(c)
      let series = this.conns.get(key)
      if (!series) {
        series = {seen: gen, total: new RateRing(capacity)}
        this.conns.set(key, series)
      }

      series.total.put(slot, c.rates && !c.stale ? c.rates.in_msgs + c.rates.out_msgs : null)
      series.seen = gen
    }

    for (const [k, s] of this.servers) if (s.seen !== gen) this.servers.delete(k)
    for (const [k, c] of this.conns) if (c.seen !== gen) this.conns.delete(k)
  }

  /** a copy that later snapshots do not change (a paused view keeps drawing it) */
  clone(): RateHistory {
    const h = new RateHistory()
    h.capacity = this.capacity
    h.clock = this.clock.copy()
    h.generation = this.generation
    h.last = this.last
    for (const [k, s] of this.servers) h.servers.set(k, {in: s.in.copy(), out: s.out.copy(), seen: s.seen})
    for (const [k, c] of this.conns) h.conns.set(k, {seen: c.seen, total: c.total.copy()})
    return h
  }

  /** a connection's in + out msgs/s, a value a slot, oldest first, ending at the newest snapshot's slot (NaN: no rate in that slot) */
  connection(key: string): number[] | undefined {
    return this.conns.get(key)?.total.values(this.clock.newest)
  }

  /** a server's in and out msgs/s, a value a slot, oldest first, ending at the newest snapshot's slot */
  server(target: string): undefined | {in: number[]; out: number[]} {
    const s = this.servers.get(target)
    const edge = this.clock.newest
    return s ? {in: s.in.values(edge), out: s.out.values(edge)} : undefined
  }
}

/** a down or stale server has no fresh rate: a gap, not its last rate again */
const serverRates = (s: ServerRow): ServerRow['rates'] => (s.up && !s.stale ? s.rates : null)
