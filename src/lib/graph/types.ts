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
  sample(): Promise<S>
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
