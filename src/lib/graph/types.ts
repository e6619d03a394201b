/**
 * What a live graph shows, as plain data: a sampler reads one sample from NATS; a view turns the history of samples
 * into titled panels of numbers. The Ink components (src/ui/graph/) draw panels and never see NATS.
 */

/** How a panel's numbers read: a count (1,234), a size (1.5 MiB), a per-second rate of either, or a percentage. */
export type GraphUnit = 'bytes' | 'bytes/s' | 'count' | 'count/s' | 'percent'

export interface GraphPanel {
  /** the latest value (null: none yet, such as a rate before its second sample) */
  current: null | number
  /** the y axis starts at 0 (rates, gauges); otherwise it spans the values seen (totals that only grow) */
  fromZero: boolean
  title: string
  unit: GraphUnit
  /** oldest first; null where there was no value (a rate's first sample, a restart) */
  values: ReadonlyArray<null | number>
}

export interface GraphFrame {
  panels: GraphPanel[]
  /** a second line under the title: what is sampled and how often */
  subtitle: string
  title: string
}

/** Reads one sample; the graph source calls it every interval. */
export interface Sampler<S> {
  close?(): Promise<void>
  /** what a sample taken while the server was away still says: the names of what is sampled */
  identity?(): Partial<S>
  /** forget the previous reading: the next sample has no rates (after a gap, so no rate spans it) */
  reset?(): void
  sample(): Promise<S>
}

/**
 * One line of a batch form (`--iterations N --json`) for a sample that failed after the first had answered, because the
 * server went away or stopped answering within the request timeout: the names of what is sampled, the time, and why.
 * It has none of the figures, and the first sample after it has no rates (none spans the gap).
 */
export interface DisconnectedSample {
  disconnected: true
  /** why the sample failed, one line */
  error: string
  /** when the sample was taken (the local clock), ISO 8601 */
  time: string
}

/** Turns the history of samples (oldest first) into panels. Pure. */
export type GraphView<S> = (history: readonly S[]) => GraphFrame

/** A per-second rate between two readings of a counter, or null when there is none (first reading, restart). */
export function perSecond(
  prev: undefined | {at: number; value: number},
  cur: {at: number; value: number},
): null | number {
  if (!prev) return null
  const dt = (cur.at - prev.at) / 1000
  const d = cur.value - prev.value
  if (!(dt > 0) || d < 0) return null
  return d / dt
}
