/**
 * Throughput over time: the messages done so far, sampled at each progress tick. A long run keeps at most `max`
 * samples: when full, every other sample is dropped and only every second tick is kept from then on, so memory
 * stays bounded and the samples stay evenly spaced.
 */
export interface TimelinePoint {
  /** milliseconds since the run started */
  ms: number
  /** messages done by then, all clients together */
  msgs: number
}

export class Timeline {
  private readonly points: TimelinePoint[] = []
  private stride = 1
  private ticks = 0

  constructor(private readonly max = 600) {}

  /** One tick's count; `last` (the end of the run) is always kept. */
  add(ms: number, msgs: number, last = false): void {
    if (this.ticks++ % this.stride !== 0 && !last) return
    this.points.push({ms: Math.round(ms), msgs})
    if (this.points.length > this.max) {
      const kept = this.points.filter((_, i) => i % 2 === 0)
      this.points.splice(0, this.points.length, ...kept)
      this.stride *= 2
    }
  }

  toJSON(): TimelinePoint[] {
    return [...this.points]
  }
}

/** Messages per second between consecutive samples, placed at the later sample's time (seconds). */
export function rates(points: TimelinePoint[]): Array<{msgs_per_sec: number; s: number}> {
  const out: Array<{msgs_per_sec: number; s: number}> = []
  for (let i = 1; i < points.length; i++) {
    const dt = points[i].ms - points[i - 1].ms
    if (dt <= 0) continue
    out.push({msgs_per_sec: Math.round(((points[i].msgs - points[i - 1].msgs) * 1000) / dt), s: points[i].ms / 1000})
  }

  return out
}
