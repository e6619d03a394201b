/**
 * `natsx export`: the live streams (with their durable consumers) and buckets as a spec that `natsx apply`
 * accepts, leaving out what the server fills in and writing durations and sizes with units.
 */
import type {ConsumerConfig, JetStreamManager, StreamConfig} from '@nats-io/jetstream'

import {compact, sameValue} from '../config-file.js'
import {normalizeConsumerConfig} from '../consumers/config.js'
import {normalizeStreamConfig} from '../streams/config.js'
import {bucketFromStreamName, type BucketKind, fullBucketConfig, liveBucketConfig} from './buckets.js'
import {CONSUMER_FIELDS, type FieldDef, KV_FIELDS, OBJECT_FIELDS, STREAM_FIELDS} from './fields.js'
import {
  type ConsumerLimits,
  consumerLimitsOf,
  expectedConsumer,
  expectedStream,
  isServerMadeConsumer,
  liveConsumer,
  liveStream,
} from './server-made.js'

export type SpecItem = Record<string, unknown>

/** A spec document as `apply` reads it. */
export interface SpecDocument {
  kv?: SpecItem[]
  objects?: SpecItem[]
  streams?: SpecItem[]
}

export interface ExportOptions {
  /** kinds to export (default all) */
  kinds?: Array<'kv' | 'object' | 'stream'>
  /** names or glob patterns (`*`, `?`) of streams and buckets; all when empty */
  patterns?: string[]
}

const UNITS: Array<[number, string]> = [
  [86_400_000_000_000 * 7, 'w'],
  [86_400_000_000_000, 'd'],
  [3_600_000_000_000, 'h'],
  [60_000_000_000, 'm'],
  [1_000_000_000, 's'],
  [1_000_000, 'ms'],
]
const SIZES: Array<[number, string]> = [
  [1024 ** 4, 'TiB'],
  [1024 ** 3, 'GiB'],
  [1024 ** 2, 'MiB'],
  [1024, 'KiB'],
]

/** Nanoseconds as `24h`, `90s`, `500ms` when a whole number of a unit (weeks and days only above a day). */
export function friendlyNanos(ns: number): number | string {
  if (ns === 0) return '0s'
  for (const [n, u] of UNITS) if (ns % n === 0) return `${ns / n}${u}`
  return ns
}

export function friendlySize(n: number): number | string {
  if (n <= 0) return n
  for (const [m, u] of SIZES) if (n % m === 0) return `${n / m}${u}`
  return n
}

function friendly(obj: Record<string, unknown>, defs: Record<string, FieldDef>): SpecItem {
  const out: SpecItem = {}
  for (const [k, v] of Object.entries(obj)) {
    const def = defs[k]
    if (def?.type === 'duration' && typeof v === 'number') out[k] = friendlyNanos(v)
    else if (def?.type === 'duration_ms' && typeof v === 'number') out[k] = friendlyNanos(Math.round(v * 1_000_000))
    else if (def?.type === 'durations' && Array.isArray(v)) out[k] = v.map((x) => friendlyNanos(x as number))
    else if (def?.type === 'size' && typeof v === 'number') out[k] = friendlySize(v)
    else if (def?.type === 'object' && v && typeof v === 'object' && !Array.isArray(v))
      out[k] = friendly(v as Record<string, unknown>, def.fields ?? {})
    else if (def?.type === 'objects' && Array.isArray(v))
      out[k] = v.map((x) => friendly(x as Record<string, unknown>, def.fields ?? {}))
    else out[k] = v
  }

  return out
}

/** The given keys of `o`, undefined ones included (so they compare as "not set"). */
const pick = (o: Record<string, unknown>, keys: string[]): Record<string, unknown> =>
  Object.fromEntries(keys.map((k) => [k, o[k]]))

/** Only the fields that differ from what the server would fill in for a minimal configuration; name first. */
function minimal(n: Record<string, unknown>, defaults: Record<string, unknown>, first: string): SpecItem {
  const out: SpecItem = {[first]: n[first]}
  for (const k of Object.keys(n).sort()) {
    if (k === first) continue
    if (!sameValue(n[k], defaults[k])) out[k] = n[k]
  }

  return out
}

export function exportStreamConfig(live: StreamConfig): SpecItem {
  const n = normalizeStreamConfig(liveStream(live))
  // max_age, mirror, sources, delete markers and schedules decide other defaults (duplicate_window, subjects,
  // roll-ups) but are not defaults themselves
  const decides = pick(n, ['max_age', 'mirror', 'sources', 'subject_delete_marker_ttl', 'allow_msg_schedules'])
  const defaults = normalizeStreamConfig(expectedStream({...decides, name: n.name}))
  Object.assign(defaults, pick(normalizeStreamConfig({name: n.name}), Object.keys(decides)))
  return friendly(minimal(n, defaults, 'name'), STREAM_FIELDS)
}

/** A consumer as a spec item; `limits` are its stream's consumer_limits, which the server applied to it. */
export function exportConsumerConfig(live: ConsumerConfig, limits?: ConsumerLimits): SpecItem {
  const n = normalizeConsumerConfig(liveConsumer(live))
  // these decide other defaults (ack_wait, max_ack_pending, max_waiting, priority_timeout) but are not defaults
  const decides = pick(n, ['ack_policy', 'backoff', 'deliver_subject', 'priority_policy', 'priority_groups'])
  const defaults = normalizeConsumerConfig(expectedConsumer({...compact(decides), durable_name: n.name, name: n.name}, limits))
  Object.assign(defaults, pick(normalizeConsumerConfig({durable_name: n.name, name: n.name}), Object.keys(decides)))
  const m = minimal(n, defaults, 'name')
  delete m.durable_name
  return friendly(m, CONSUMER_FIELDS)
}

export function exportBucketConfig(kind: BucketKind, live: StreamConfig): SpecItem {
  const n = liveBucketConfig(kind, live) as unknown as Record<string, unknown>
  const defaults = fullBucketConfig(kind, {bucket: String(n.bucket)}) as unknown as Record<string, unknown>
  return friendly(minimal(n, defaults, 'bucket'), kind === 'kv' ? KV_FIELDS : OBJECT_FIELDS)
}

function globToRegExp(glob: string): RegExp {
  const esc = glob.replaceAll(/[.+^${}()|[\]\\]/g, String.raw`\$&`).replaceAll('*', '.*').replaceAll('?', '.')
  return new RegExp(`^${esc}$`)
}

/** Export the live configuration as a spec document (empty sections left out). */
export async function exportSpec(jsm: JetStreamManager, options: ExportOptions = {}): Promise<SpecDocument> {
  const patterns = (options.patterns ?? []).map((p) => globToRegExp(p))
  const selected = (name: string): boolean => patterns.length === 0 || patterns.some((r) => r.test(name))
  const kinds = new Set(options.kinds && options.kinds.length > 0 ? options.kinds : ['stream', 'kv', 'object'])
  const streams: SpecItem[] = []
  const kv: SpecItem[] = []
  const objects: SpecItem[] = []
  const infos: StreamConfig[] = []
  for await (const si of jsm.streams.list()) infos.push(si.config)
  infos.sort((a, b) => a.name.localeCompare(b.name))
  for (const sc of infos) {
    const bucket = bucketFromStreamName(sc.name)
    if (bucket) {
      if (!kinds.has(bucket.kind) || !selected(bucket.bucket)) continue
      ;(bucket.kind === 'kv' ? kv : objects).push(exportBucketConfig(bucket.kind, sc))
      continue
    }

    if (!kinds.has('stream') || !selected(sc.name)) continue
    const item = exportStreamConfig(sc)
    const consumers: SpecItem[] = []
    for await (const ci of jsm.consumers.list(sc.name)) {
      // ephemeral consumers and those the server made to source this stream elsewhere are not configuration
      if (ci.config.durable_name && !isServerMadeConsumer(ci.config))
        consumers.push(exportConsumerConfig(ci.config, consumerLimitsOf(sc)))
    }

    consumers.sort((a, b) => String(a.name).localeCompare(String(b.name)))
    if (consumers.length > 0) item.consumers = consumers
    streams.push(item)
  }

  return {
    ...(streams.length > 0 ? {streams} : {}),
    ...(kv.length > 0 ? {kv} : {}),
    ...(objects.length > 0 ? {objects} : {}),
  }
}
