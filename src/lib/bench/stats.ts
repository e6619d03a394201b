/**
 * Pure figures of a run: per-client and total rates, the spread of client rates, and latency percentiles from
 * the clients' HDR histograms merged into one. Bytes are the bytes the clients counted (received bytes for
 * subscribers), never `--size` times the count.
 */
import * as hdr from 'hdr-histogram-js'

import {
  type BenchResult,
  type BenchSpec,
  type ClientReport,
  type ClientResult,
  type LatencySummary,
  type RateFigures,
  SENDING_MODES,
} from './types.js'

/** Histograms of latencies in nanoseconds: 1 ns to 1 hour, 3 significant digits. */
export function newHistogram(): hdr.Histogram {
  return hdr.build({
    bitBucketSize: 64,
    highestTrackableValue: 3_600_000_000_000,
    lowestDiscernibleValue: 1,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  })
}

export const encodeHistogram = (h: hdr.Histogram): string => hdr.encodeIntoCompressedBase64(h)

export function decodeHistogram(base64: string): hdr.Histogram {
  return hdr.decodeFromCompressedBase64(base64, 64, false)
}

const round = (n: number, digits = 2): number => {
  const f = 10 ** digits
  return Math.round(n * f) / f
}

export function rateFigures(msgs: number, bytes: number, ms: number): RateFigures {
  const seconds = ms > 0 ? ms / 1000 : 0
  return {
    bytes,
    bytes_per_sec: seconds > 0 ? round(bytes / seconds) : 0,
    msgs,
    msgs_per_sec: seconds > 0 ? round(msgs / seconds) : 0,
    seconds: round(seconds, 6),
  }
}

const us = (ns: number): number => round(ns / 1000, 3)

/**
 * A percentile in ns. HDR answers with the top of the value's bucket, which can lie above the largest value
 * recorded (a p99.9 of 20.005 ms beside a max of 20 ms): no percentile is past the maximum.
 */
export function valueAtPercentile(h: hdr.Histogram, percentile: number): number {
  return Math.min(h.getValueAtPercentile(percentile), h.maxValue)
}

/** Latencies of a histogram in microseconds (undefined when nothing was timed). */
export function latencySummary(h: hdr.Histogram | undefined): LatencySummary | undefined {
  if (!h || h.totalCount === 0) return undefined
  const at = (p: number): number => valueAtPercentile(h, p)
  return {
    count: h.totalCount,
    max: us(h.maxValue),
    mean: us(h.mean),
    min: us(h.minNonZeroValue),
    p50: us(at(50)),
    p90: us(at(90)),
    p99: us(at(99)),
    p999: us(at(99.9)),
    stddev: us(h.stdDeviation),
    unit: 'us',
  }
}

export function spread(values: number[]): {avg: number; max: number; min: number; stddev: number} {
  if (values.length === 0) return {avg: 0, max: 0, min: 0, stddev: 0}
  const avg = values.reduce((a, b) => a + b, 0) / values.length
  const variance = values.reduce((a, v) => a + (v - avg) ** 2, 0) / values.length
  return {
    avg: round(avg),
    max: round(Math.max(...values)),
    min: round(Math.min(...values)),
    stddev: round(Math.sqrt(variance)),
  }
}

/** What one timed operation is in the modes where it is not one request and its reply. */
export function latencyOp(spec: Pick<BenchSpec, 'batchMode' | 'jsGetMode' | 'jsPubMode' | 'mode'>): string | undefined {
  if (spec.mode === 'js pub') {
    if (spec.batchMode === 'atomic') return 'batch: first publish → commit ack'
    if (spec.batchMode === 'fast') return 'flow ack: publish of the last message it covers → ack'
    return 'message: publish → ack'
  }

  if (spec.mode === 'js get') return spec.jsGetMode === 'batch' ? 'batch: request → last message' : 'message: request → reply'
  return undefined
}

/** Turn the clients' reports into the result of the run. */
export function summarize(
  spec: BenchSpec,
  reports: ClientReport[],
  extra: {interrupted: boolean; serverVersion?: string; warnings?: string[]},
): BenchResult {
  const sorted = [...reports].sort((a, b) => a.id - b.id)
  let merged: hdr.Histogram | undefined
  const clients: ClientResult[] = sorted.map((r) => {
    const c: ClientResult = {id: r.id, ...rateFigures(r.msgs, r.bytes, r.msgs > 0 ? r.end - r.start : 0)}
    if (r.histogram) {
      const h = decodeHistogram(r.histogram)
      c.latency = latencySummary(h)
      if (!merged) merged = newHistogram()
      merged.add(h)
    }

    return c
  })
  const active = sorted.filter((r) => r.msgs > 0)
  const start = Math.min(...active.map((r) => r.start))
  const end = Math.max(...active.map((r) => r.end))
  const msgs = sorted.reduce((a, r) => a + r.msgs, 0)
  const bytes = sorted.reduce((a, r) => a + r.bytes, 0)
  const total = rateFigures(msgs, bytes, active.length > 0 ? end - start : 0)
  const warnings = [...(extra.warnings ?? []), ...sorted.flatMap((r) => r.warnings.map((w) => `client ${r.id}: ${w}`))]
  const result: BenchResult = {
    client_rates: spread(clients.map((c) => c.msgs_per_sec)),
    clients,
    interrupted: extra.interrupted,
    mode: spec.mode,
    options: {
      clients: spec.clients,
      msgs: spec.msgs,
      multisubject: spec.multisubject,
      rate: spec.rate,
      ...(SENDING_MODES.has(spec.mode) ? {size: spec.size} : {}),
      subject: spec.subject,
      ...(spec.durationMs ? {duration_ms: spec.durationMs} : {}),
      ...(spec.acks ? {acks: spec.acks} : {}),
      ...(spec.batch ? {batch: spec.batch} : {}),
      ...(spec.batchMode ? {batch_mode: spec.batchMode} : {}),
      ...(spec.batchMode && spec.batchSize ? {batch_size: spec.batchSize} : {}),
      ...(spec.batchMode ? {max_outstanding_acks: spec.maxOutstanding} : {}),
      ...(spec.jsGetMode ? {js_get_mode: spec.jsGetMode} : {}),
      ...(spec.bucket ? {bucket: spec.bucket} : {}),
      ...(spec.consumer ? {consumer: spec.consumer} : {}),
      ...(spec.dedup === undefined ? {} : {dedup: spec.dedup}),
      ...(spec.jsPubMode ? {js_pub_mode: spec.jsPubMode} : {}),
      ...(spec.stream ? {stream: spec.stream} : {}),
    },
    total,
    warnings,
  }
  const latency = latencySummary(merged)
  if (latency && merged) {
    result.latency = {...latency, histogram: encodeHistogram(merged)}
    const op = latencyOp(spec)
    if (op) result.latency_op = op
  }

  if (extra.serverVersion) result.server_version = extra.serverVersion
  return result
}
