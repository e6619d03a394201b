/**
 * The shape of a run's latencies, from its HDR histogram: log-spaced buckets for the terminal histogram and the
 * percentile curve (HDR style: percentile against value, with the tail spread out) for the HTML report. Pure.
 */
import * as hdr from 'hdr-histogram-js'

import {decodeHistogram, valueAtPercentile} from './stats.js'

export interface LatencyBucket {
  count: number
  /** lower and upper bounds in microseconds (the upper one included) */
  from_us: number
  to_us: number
}

export interface CurvePoint {
  /** 0 to 100 */
  percentile: number
  us: number
}

const round3 = (n: number): number => Math.round(n * 1000) / 1000

/** Each recorded value (ns) with its count, in ascending order. */
function recorded(histogram: hdr.Histogram): Array<[number, number]> {
  const out: Array<[number, number]> = []
  const h = histogram as hdr.JsHistogram
  const it = h.recordedValuesIterator
  it.reset()
  while (it.hasNext()) {
    const v = it.next()
    out.push([h.highestEquivalentValue(v.valueIteratedTo), v.countAtValueIteratedTo])
  }

  return out
}

/**
 * `rows` buckets spaced evenly on a log scale from the smallest to the largest latency; every recorded value lands
 * in exactly one bucket, so the counts add up to the histogram's total.
 */
export function latencyBuckets(histogram: hdr.Histogram | string, rows = 16): LatencyBucket[] {
  const h = typeof histogram === 'string' ? decodeHistogram(histogram) : histogram
  if (h.totalCount === 0) return []
  const values = recorded(h)
  const lo = Math.max(1, h.minNonZeroValue)
  const hi = Math.max(lo, values.at(-1)![0])
  if (hi === lo) return [{count: h.totalCount, from_us: round3(lo / 1000), to_us: round3(hi / 1000)}]
  const n = Math.max(1, rows)
  const ratio = (hi / lo) ** (1 / n)
  const bounds = Array.from({length: n + 1}, (_, i) => (i === n ? hi : lo * ratio ** i))
  const buckets: LatencyBucket[] = bounds.slice(1).map((to, i) => ({count: 0, from_us: round3(bounds[i] / 1000), to_us: round3(to / 1000)}))
  let b = 0
  for (const [value, count] of values) {
    while (b < n - 1 && value > bounds[b + 1]) b++
    buckets[b].count += count
  }

  return buckets
}

/**
 * The percentile curve: every 10th percentile to 90, the tail in steps that halve what remains (95, 97.5, …), and
 * natsx's reported percentiles (99, 99.9, 99.99, 99.999) where the run has enough values to tell them apart; then
 * the maximum at 100.
 */
export function latencyCurve(histogram: hdr.Histogram | string): CurvePoint[] {
  const h = typeof histogram === 'string' ? decodeHistogram(histogram) : histogram
  if (h.totalCount === 0) return []
  const wanted = new Set<number>()
  for (let p = 0; p <= 90; p += 10) wanted.add(p)
  // a tail percentile is drawn only while at least one recorded value lies beyond it
  const seen = (p: number): boolean => (100 - p) * h.totalCount >= 100
  for (let rest = 5; seen(100 - rest) && rest > 1e-6; rest /= 2) wanted.add(round3(100 - rest))
  for (const p of [99, 99.9, 99.99, 99.999]) if (seen(p)) wanted.add(p)
  const points = [...wanted].sort((a, b) => a - b).map((percentile) => ({percentile, us: round3(valueAtPercentile(h, percentile) / 1000)}))
  points.push({percentile: 100, us: round3(h.maxValue / 1000)})
  return points
}
