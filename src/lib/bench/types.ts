/**
 * The plain data of a benchmark: what the main thread posts to each worker (a `ClientSpec`), what a worker
 * posts back (a `ClientReport`), and the documented JSON result of every `natsx bench` command (`BenchResult`).
 */
import type {ConnectionSettings} from '../connection.js'
import type {TimelinePoint} from './timeline.js'

export type BenchMode =
  'js consume' | 'js fetch' | 'js get' | 'js ordered' | 'js pub' | 'kv get' | 'kv put' | 'pub' | 'reply' | 'request' | 'sub'

/** Modes that send messages of --size bytes (the others count the bytes they receive). */
export const SENDING_MODES: ReadonlySet<BenchMode> = new Set(['js pub', 'kv put', 'pub', 'request'])

export type AckPolicyName = 'all' | 'explicit' | 'none'

/** The options of one run, the same for every client. Plain data: it is posted to the workers. */
export interface BenchSpec {
  /** js consume / fetch: ack policy of the bench consumer */
  acks?: AckPolicyName
  /** js pub async: window of outstanding acks; fast: messages per flow ack asked; js get batch, fetch / consume / ordered: messages per request */
  batch?: number
  /** js pub: atomic (2.12) or fast (2.14) batch publish instead of one acknowledgement per message */
  batchMode?: 'atomic' | 'fast'
  /** js pub atomic / fast: messages in each batch (fast: 0 = one batch for the whole run) */
  batchSize?: number
  /** kv: bucket name */
  bucket?: string
  clients: number
  /** js consume / fetch: durable consumer the clients share */
  consumer?: string
  /** js pub: set a Nats-Msg-Id on each message */
  dedup?: boolean
  /** run for this long instead of a message count (ms) */
  durationMs?: number
  /** js consume / fetch / ordered: only messages on this subject */
  filter?: string
  /** js get: the stream's first sequence and how many sequences it spans (set by the preparation) */
  firstSeq?: number
  /** js get: one direct get per message (sync) or batched direct gets (batch, 2.11) */
  jsGetMode?: 'batch' | 'sync'
  /** js pub: async (windowed) or sync (one ack at a time) */
  jsPubMode?: 'async' | 'sync'
  /** js pub fast: flow acknowledgements outstanding; atomic: committed batches awaiting their acknowledgement */
  maxOutstanding?: number
  mode: BenchMode
  /** messages in total (pub-like modes split them between clients; sub-like modes receive them each) */
  msgs: number
  /** publish on SUBJECT.<n>, n cycling below this (0 = off) */
  multisubject: number
  /** kv: random keys among this many (0 = sequential keys) */
  randomize?: number
  /** target messages per second in total (0 = as fast as possible) */
  rate: number
  /** unique per run: prefix of the Nats-Msg-Id values under --dedup */
  runId: string
  /** bytes in each message */
  size: number
  /** reply: pause before answering (ms) */
  sleepMs?: number
  /** js get: sequences the stream spans from firstSeq (set by the preparation) */
  spanSeqs?: number
  /** js: stream name */
  stream?: string
  subject: string
  timeoutMs: number
}

/** What a worker gets: the run, its own share and the connection settings. */
export interface ClientSpec {
  id: number
  /** messages this client sends or receives (Infinity-free: 0 with a duration) */
  msgs: number
  settings: ConnectionSettings
  spec: BenchSpec
  /** first global message index of this client (keys, multisubject) */
  startIndex: number
}

/** What a worker sends back when it is done or stopped. */
export interface ClientReport {
  bytes: number
  /** wall-clock ms (performance.timeOrigin + now) of the first and last operation */
  end: number
  /** HDR histogram of operation latencies in nanoseconds, compressed base64 (timed modes) */
  histogram?: string
  id: number
  msgs: number
  start: number
  warnings: string[]
}

export interface LatencySummary {
  count: number
  /** the whole run's HDR histogram in nanoseconds, compressed base64 (HdrHistogram's encoding): in `latency` only */
  histogram?: string
  max: number
  mean: number
  min: number
  p50: number
  p90: number
  p99: number
  p999: number
  stddev: number
  /** always "us": microseconds */
  unit: 'us'
}

export interface RateFigures {
  bytes: number
  bytes_per_sec: number
  msgs: number
  msgs_per_sec: number
  seconds: number
}

export interface ClientResult extends RateFigures {
  id: number
  latency?: LatencySummary
}

/** The JSON result of every `natsx bench` command. */
export interface BenchResult {
  /** messages per second of the clients: min/avg/max/stddev (more than one client) */
  client_rates: {avg: number; max: number; min: number; stddev: number}
  clients: ClientResult[]
  /** true when Ctrl-C stopped the run: the figures are for the work done */
  interrupted: boolean
  /** latency of each timed operation across all clients (request, js pub, js get, kv put/get) */
  latency?: LatencySummary
  /** what one timed operation is, where it is not obvious (js pub / js get): e.g. "publish → ack" */
  latency_op?: string
  mode: BenchMode
  options: {
    acks?: AckPolicyName
    batch?: number
    /** js pub: atomic or fast batch publish */
    batch_mode?: 'atomic' | 'fast'
    /** js pub atomic / fast: messages per batch (fast: absent = one batch per client for the whole run) */
    batch_size?: number
    bucket?: string
    clients: number
    consumer?: string
    dedup?: boolean
    duration_ms?: number
    js_get_mode?: 'batch' | 'sync'
    js_pub_mode?: 'async' | 'sync'
    /** js pub fast: flow acks outstanding; atomic: batches awaiting their commit ack */
    max_outstanding_acks?: number
    msgs: number
    multisubject: number
    rate: number
    /** bytes of each message sent (modes that send: pub, request, js pub, kv put) */
    size?: number
    stream?: string
    subject: string
  }
  server_version?: string
  /** messages done by each progress tick (about every 200 ms, fewer on long runs): throughput over time */
  timeline?: TimelinePoint[]
  total: RateFigures
  warnings: string[]
}
