import type {BenchResult} from './types.js'

/**
 * A run drawn in the terminal: the latency distribution as a histogram with its percentiles marked, and the
 * per-client rates as bars. Pure: they return lines; the command prints them after the summary.
 */
import {bar} from '../format/bars.js'
import {formatCount} from '../format/size.js'
import {latencyBuckets} from './distribution.js'


const us = (n: number): string =>
  n >= 1000 ? `${(n / 1000).toLocaleString('en-US', {maximumFractionDigits: 2})} ms` : `${n.toLocaleString('en-US', {maximumFractionDigits: 1})} µs`

/**
 * The latency histogram: one row per log-spaced bucket (its upper bound, a bar, the count and share), and the
 * p50/p90/p99/p99.9 of the run named on the row that holds them. Nothing when the run timed nothing.
 */
export function latencyHistogram(r: BenchResult, width = 80, rows = 12): string[] {
  const l = r.latency
  if (!l?.histogram) return []
  const buckets = latencyBuckets(l.histogram, rows)
  const total = buckets.reduce((a, b) => a + b.count, 0)
  const most = Math.max(...buckets.map((b) => b.count))
  const labels = buckets.map((b) => `≤ ${us(b.to_us)}`)
  const labelWidth = Math.max(...labels.map((s) => s.length))
  const marks: Array<[string, number]> = [['p50', l.p50], ['p90', l.p90], ['p99', l.p99], ['p99.9', l.p999]]
  const tails = buckets.map((b, i) => {
    const here = marks.filter(([, v]) => v <= b.to_us && (i === 0 || v > buckets[i - 1].to_us)).map(([m]) => m)
    const share = total > 0 ? ((100 * b.count) / total).toFixed(1) : '0.0'
    return `${formatCount(b.count)} (${share}%)${here.length > 0 ? ` ◀ ${here.join(' ')}` : ''}`
  })
  const tailWidth = Math.max(...tails.map((s) => s.length))
  const barWidth = Math.max(10, width - labelWidth - tailWidth - 4)
  const title = `Latency distribution${r.latency_op ? ` (${r.latency_op})` : ''}, ${formatCount(l.count)} ops:`
  return [
    title,
    ...buckets.map((b, i) => {
      const cells = bar(most > 0 ? b.count / most : 0, barWidth)
      return `${labels[i].padStart(labelWidth)} │${cells.padEnd(barWidth)} ${tails[i]}`
    }),
  ]
}

/** One bar per client, scaled to the fastest, when the run had more than one. */
export function clientRateBars(r: BenchResult, width = 80): string[] {
  if (r.clients.length < 2) return []
  const fastest = Math.max(...r.clients.map((c) => c.msgs_per_sec))
  const labels = r.clients.map((c) => `[${c.id}]`)
  const labelWidth = Math.max(...labels.map((s) => s.length))
  const rates = r.clients.map((c) => `${formatCount(Math.round(c.msgs_per_sec))} msgs/sec`)
  const rateWidth = Math.max(...rates.map((s) => s.length))
  const barWidth = Math.max(10, width - labelWidth - rateWidth - 4)
  return [
    'Messages per second by client:',
    ...r.clients.map(
      (c, i) => `${labels[i].padStart(labelWidth)} │${bar(fastest > 0 ? c.msgs_per_sec / fastest : 0, barWidth).padEnd(barWidth)} ${rates[i]}`,
    ),
  ]
}
