/**
 * Per-second rates from cumulative counters, computed only from the server's own clock (`now`) between two polls of
 * the same thing. Pure: no I/O, no wall clock.
 *
 * - the first sample of a key gives no rate and marks it new;
 * - a changed epoch (a server's `server_id`/`start`, a connection's `start`) is a restart: no rate, never negative;
 * - a counter that goes backwards without a changed epoch is treated the same way;
 * - Δt ≤ 0 (the same answer twice) gives no rate.
 */

export interface Sample<C extends string> {
  counters: Record<C, number>
  /** identity of the counting thing: when it changes, counters started again */
  epoch: string
  /** the server's `now`, in epoch milliseconds */
  now: number
}

export interface RateResult<C extends string> {
  /** seen for the first time */
  isNew: boolean
  /** per-second rates, or null when there is no valid previous sample */
  rates: null | Record<C, number>
  /** the counters restarted (epoch changed or a counter went backwards) */
  reset: boolean
}

export function computeRates<C extends string>(prev: Sample<C> | undefined, cur: Sample<C>): RateResult<C> {
  if (!prev) return {isNew: true, rates: null, reset: false}
  if (prev.epoch !== cur.epoch) return {isNew: false, rates: null, reset: true}
  const dt = (cur.now - prev.now) / 1000
  if (!(dt > 0)) return {isNew: false, rates: null, reset: false}
  const rates = {} as Record<C, number>
  for (const k of Object.keys(cur.counters) as C[]) {
    const d = (cur.counters[k] ?? 0) - (prev.counters[k] ?? 0)
    if (d < 0) return {isNew: false, rates: null, reset: true}
    rates[k] = d / dt
  }

  return {isNew: false, rates, reset: false}
}

/** Keeps the previous sample per key; `update` returns the rates; `retain` forgets keys no longer seen. */
export class RateBook<C extends string> {
  private readonly prev = new Map<string, Sample<C>>()

  get size(): number {
    return this.prev.size
  }

  /** Forget every key not in `keep` (closed connections), so memory stays bounded. */
  retain(keep: Set<string>): void {
    for (const k of this.prev.keys()) if (!keep.has(k)) this.prev.delete(k)
  }

  update(key: string, sample: Sample<C>): RateResult<C> {
    const previous = this.prev.get(key)
    const r = computeRates(previous, sample)
    // The same answer twice (Δt = 0) keeps the older sample so the next rate spans a real interval.
    if (!previous || r.reset || sample.now > previous.now) this.prev.set(key, sample)
    return r
  }
}
