import {describe, expect, it} from 'vitest'

import type {BenchResult} from '../../../src/lib/bench/types.js'

import {clientRateBars, latencyHistogram} from '../../../src/lib/bench/charts.js'
import {latencyBuckets, latencyCurve} from '../../../src/lib/bench/distribution.js'
import {chartData, hdrX, htmlReport} from '../../../src/lib/bench/html-report.js'
import {encodeHistogram, latencySummary, newHistogram} from '../../../src/lib/bench/stats.js'
import {rates, Timeline} from '../../../src/lib/bench/timeline.js'

/** 1,000 latencies: 900 around 100 µs, 90 around 1 ms, 10 at 20 ms (in ns). */
function histogram() {
  const h = newHistogram()
  for (let i = 0; i < 900; i++) h.recordValue(100_000 + i * 10)
  for (let i = 0; i < 90; i++) h.recordValue(1_000_000 + i * 1000)
  for (let i = 0; i < 10; i++) h.recordValue(20_000_000)
  return h
}

function result(extra: Partial<BenchResult> = {}): BenchResult {
  const h = histogram()
  return {
    client_rates: {avg: 150, max: 200, min: 100, stddev: 50},
    clients: [
      {bytes: 0, id: 1, msgs: 500, msgs_per_sec: 100, bytes_per_sec: 0, seconds: 5},
      {bytes: 0, id: 2, msgs: 500, msgs_per_sec: 200, bytes_per_sec: 0, seconds: 2.5},
    ],
    interrupted: false,
    latency: {...latencySummary(h)!, histogram: encodeHistogram(h)},
    mode: 'request',
    options: {clients: 2, msgs: 1000, multisubject: 0, rate: 0, subject: 'a</script><b>'},
    timeline: [
      {ms: 0, msgs: 0},
      {ms: 200, msgs: 100},
      {ms: 400, msgs: 300},
    ],
    total: {bytes: 0, bytes_per_sec: 0, msgs: 1000, msgs_per_sec: 200, seconds: 5},
    warnings: [],
    ...extra,
  }
}

describe('latency buckets and curve', () => {
  it('puts every value in one bucket, in ascending log-spaced buckets', () => {
    const b = latencyBuckets(histogram(), 10)
    expect(b).toHaveLength(10)
    expect(b.reduce((a, x) => a + x.count, 0)).toBe(1000)
    for (let i = 1; i < b.length; i++) expect(b[i].from_us).toBe(b[i - 1].to_us)
    expect(b.at(-1)!.count).toBe(10)
  })

  it('draws the curve up to the maximum, never down, with the reported percentiles on it', () => {
    const h = histogram()
    const c = latencyCurve(h)
    for (let i = 1; i < c.length; i++) expect(c[i].us).toBeGreaterThanOrEqual(c[i - 1].us)
    expect(c.at(-1)).toEqual({percentile: 100, us: latencySummary(h)!.max})
    expect(c.find((p) => p.percentile === 99)?.us).toBe(latencySummary(h)!.p99)
    // HDR's bucket tops lie above the largest value; no reported percentile does
    expect(latencySummary(h)!.p999).toBeLessThanOrEqual(latencySummary(h)!.max)
    // 1,000 values cannot tell 99.99% from the maximum: the curve stops at 99.9
    expect(c.some((p) => p.percentile === 99.99)).toBe(false)
    expect(latencyCurve(newHistogram())).toEqual([])
  })

  it('places percentiles on the HDR axis: 90% at 10, 99% at 100', () => {
    expect(hdrX(90, 1000)).toBeCloseTo(10)
    expect(hdrX(99, 1000)).toBeCloseTo(100)
    expect(hdrX(100, 1000)).toBe(1000)
  })
})

describe('timeline', () => {
  it('stays bounded on a long run, evenly spaced, and keeps the last sample', () => {
    const t = new Timeline(100)
    for (let i = 0; i < 10_000; i++) t.add(i * 200, i * 10)
    t.add(2_000_000, 100_000, true)
    const points = t.toJSON()
    expect(points.length).toBeLessThanOrEqual(101)
    const steps = new Set(points.slice(1, -1).map((p, i) => p.ms - points[i].ms))
    expect(steps.size).toBe(1)
    expect(points.at(-1)).toEqual({ms: 2_000_000, msgs: 100_000})
  })

  it('turns counts into rates', () => {
    expect(rates(result().timeline!)).toEqual([
      {msgs_per_sec: 500, s: 0.2},
      {msgs_per_sec: 1000, s: 0.4},
    ])
  })
})

describe('terminal charts', () => {

  it('marks each percentile once and fits the width', () => {
    const lines = latencyHistogram(result(), 70)
    expect(lines[0]).toMatch(/^Latency distribution, 1,000 ops:/)
    for (const p of ['p50', 'p90', 'p99', 'p99.9']) expect(lines.filter((l) => l.split('◀')[1]?.split(' ').includes(p))).toHaveLength(1)
    for (const l of lines.slice(1)) expect([...l].length).toBeLessThanOrEqual(70)
    expect(latencyHistogram(result({latency: undefined}))).toEqual([])
  })

  it('scales client bars to the fastest; one client draws none', () => {
    const lines = clientRateBars(result(), 60)
    expect(lines[2]).toContain('200 msgs/sec')
    const cells = (l: string): number => [...l].filter((c) => '█▏▎▍▌▋▊▉'.includes(c)).length
    // client 1 runs at half the rate of client 2: half the bar, within one cell
    expect(Math.abs(cells(lines[1]) * 2 - cells(lines[2]))).toBeLessThanOrEqual(2)
    expect(cells(lines[2])).toBeGreaterThan(20)
    expect(clientRateBars(result({clients: result().clients.slice(0, 1)}))).toEqual([])
  })
})

describe('html report', () => {
  it('embeds the results so that nothing in them can close a script element or inject markup', () => {
    const html = htmlReport([{label: 'x<y', result: result()}], '/* chart */')
    expect(html).not.toContain('a</script><b>')
    expect(html).toContain('a&lt;/script&gt;&lt;b&gt;')
    expect(html).toContain(String.raw`a\u003c/script>\u003cb>`)
    expect(html).toContain("default-src 'none'")
    expect(html.match(/<script/g)).toHaveLength(4)
  })

  it('gives each run its own dataset, with 0 for a client the run did not have', () => {
    const one = result({clients: result().clients.slice(0, 1)})
    const d = chartData([
      {label: 'a', result: one},
      {label: 'b', result: result()},
    ])
    expect(d.clientIds).toEqual([1, 2])
    expect(d.clients.map((c) => c.rates)).toEqual([
      [100, 0],
      [100, 200],
    ])
    expect(d.latency.map((l) => l.label)).toEqual(['a', 'b'])
  })
})
