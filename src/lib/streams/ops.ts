/**
 * Stream operations against a JetStream manager: idempotent add, edit with a diff, listing, reports, messages.
 * They return plain data; commands render it.
 */
import type {
  JetStreamClient,
  JetStreamManager,
  OrderedConsumerOptions,
  PurgeOpts,
  StoredMsg,
  StreamConfig,
  StreamInfo,
} from '@nats-io/jetstream'

import type {Capabilities} from '../capabilities.js'

import {type FieldDiff, inlineDiff} from '../config-file.js'
import {conflict, ExitCode, NatsxError, notFound, toNatsxError, usageError} from '../errors.js'
import {encodeData, headersToObject, jsMessageRecord, type MessageRecord} from '../messages.js'
import {
  checkStreamCapabilities,
  diffStreamConfig,
  immutableStreamChanges,
  normalizeStreamConfig,
  type StreamConfigInput,
  validateStreamConfig,
} from './config.js'

export interface AddResult {
  action: 'created' | 'unchanged'
  info: StreamInfo
}

/** Stream info, or undefined when the stream does not exist (other errors propagate). */
export async function findStream(jsm: JetStreamManager, name: string): Promise<StreamInfo | undefined> {
  try {
    return await jsm.streams.info(name)
  } catch (error) {
    if (toNatsxError(error).exitCode === ExitCode.NOT_FOUND) return undefined
    throw error
  }
}

export async function requireStream(jsm: JetStreamManager, name: string): Promise<StreamInfo> {
  const si = await findStream(jsm, name)
  if (!si) throw notFound(`stream "${name}" not found`, 'list streams with `natsx stream ls`')
  return si
}

/**
 * Create a stream, or accept it unchanged when it exists with the same (normalised) configuration.
 * A different existing configuration is exit 4 with the field diff in the details.
 */
export async function addStream(
  jsm: JetStreamManager,
  caps: Capabilities,
  desired: StreamConfigInput,
): Promise<AddResult> {
  validateStreamConfig(desired)
  checkStreamCapabilities(desired, caps)
  const wanted = normalizeStreamConfig(desired)
  const existing = await findStream(jsm, wanted.name!)
  if (existing) return unchangedOrConflict('stream', existing, existing.config, wanted)
  try {
    const info = await jsm.streams.add(wanted as StreamConfig)
    return {action: 'created', info: withoutType(info)}
  } catch (error) {
    const err = toNatsxError(error)
    if (err.exitCode !== ExitCode.CONFLICT) throw error
    // created in between by someone else: compare with what is there now
    const now = await requireStream(jsm, wanted.name!)
    return unchangedOrConflict('stream', now, now.config, wanted)
  }
}

function unchangedOrConflict(
  what: string,
  info: StreamInfo,
  current: StreamConfigInput,
  wanted: StreamConfigInput,
): AddResult {
  const diff = diffStreamConfig(current, wanted)
  if (diff.length === 0) return {action: 'unchanged', info}
  throw conflict(
    `${what} "${wanted.name}" already exists with a different configuration: ${inlineDiff(diff)}`,
    'use `natsx stream edit` or `natsx apply` to change it',
    {diff},
  )
}

export interface EditResult {
  applied: boolean
  diff: FieldDiff[]
  info: StreamInfo
}

/**
 * Compare the stream with the desired configuration and, unless `dryRun`, apply the difference.
 * Immutable changes are refused (exit 2) before anything is sent.
 */
export async function editStream(
  jsm: JetStreamManager,
  caps: Capabilities,
  desired: StreamConfigInput,
  dryRun: boolean,
): Promise<EditResult> {
  validateStreamConfig(desired)
  checkStreamCapabilities(desired, caps)
  const current = await requireStream(jsm, desired.name!)
  const diff = diffStreamConfig(current.config, desired)
  const immutable = immutableStreamChanges(diff, caps)
  if (immutable.length > 0 && immutable.every((d) => d.needs)) {
    // a newer server would change this in place: unsupported by the connected one (exit 8)
    throw new NatsxError(
      ExitCode.UNSUPPORTED,
      `cannot edit stream "${desired.name}": ${immutable.map((d) => d.reason).join('; ')}`,
      {details: {diff, immutable}, hint: 'upgrade the server, or create a new stream and copy the data (`natsx stream copy`)'},
    )
  }

  if (immutable.length > 0) {
    throw usageError(
      `cannot edit stream "${desired.name}": ${immutable.map((d) => d.reason).join('; ')}`,
      'create a new stream and copy the data (`natsx stream copy`), or leave the field as it is',
      {diff, immutable},
    )
  }

  if (dryRun || diff.length === 0) return {applied: false, diff, info: current}
  const info = await jsm.streams.update(desired.name!, normalizeStreamConfig(desired) as StreamConfig)
  return {applied: true, diff, info: withoutType(info)}
}

/** All streams (the lister pages through the API), internal KV_/OBJ_ streams only when `all`. */
export async function listStreams(
  jsm: JetStreamManager,
  options: {all?: boolean; subject?: string} = {},
): Promise<StreamInfo[]> {
  const out: StreamInfo[] = []
  for await (const si of jsm.streams.list(options.subject)) {
    if (!options.all && isInternalStream(si.config.name)) continue
    out.push(si)
  }

  out.sort((a, b) => a.config.name.localeCompare(b.config.name))
  return out
}

export const isInternalStream = (name: string): boolean => name.startsWith('KV_') || name.startsWith('OBJ_')

export interface StreamReplica {
  current: boolean
  lag?: number
  leader: boolean
  name: string
  offline: boolean
  /** "leader", "current", "lagging" or "offline" */
  status: 'current' | 'lagging' | 'leader' | 'offline'
}

export interface StreamReportRow {
  bytes: number
  cluster?: string
  consumers: number
  deleted: number
  messages: number
  name: string
  /** replicas that are offline or not current */
  problems: string[]
  replicas: StreamReplica[]
  replicas_configured: number
  storage: string
}

/** One row per stream with its replicas (leader marked, lagging and offline flagged). */
export function streamReportRow(si: StreamInfo): StreamReportRow {
  const replicas: StreamReplica[] = []
  const cl = si.cluster
  if (cl?.leader) replicas.push({current: true, leader: true, name: cl.leader, offline: false, status: 'leader'})
  for (const p of cl?.replicas ?? []) {
    const status = p.offline ? 'offline' : p.current ? 'current' : 'lagging'
    replicas.push({current: p.current, lag: p.lag, leader: false, name: p.name, offline: p.offline, status})
  }

  const configured = si.config.num_replicas || 1
  const problems: string[] = []
  if (cl && !cl.leader && configured > 1) problems.push('no leader')
  for (const r of replicas) if (r.status === 'offline' || r.status === 'lagging') problems.push(`${r.name} ${r.status}`)
  if (configured > 1 && replicas.length > 0 && replicas.length < configured)
    problems.push(`${configured - replicas.length} replica(s) missing`)
  return {
    bytes: si.state.bytes,
    ...(cl?.name ? {cluster: cl.name} : {}),
    consumers: si.state.consumer_count,
    deleted: si.state.num_deleted ?? 0,
    messages: si.state.messages,
    name: si.config.name,
    problems,
    replicas,
    replicas_configured: configured,
    storage: si.config.storage,
  }
}

/** Message counts per subject (optionally filtered). */
export async function streamSubjects(
  jsm: JetStreamManager,
  name: string,
  filter = '>',
): Promise<Record<string, number>> {
  const si = await jsm.streams.info(name, {subjects_filter: filter})
  return si.state.subjects ?? {}
}

export interface StoredMessageRecord extends MessageRecord {
  jetstream: {sequence: number; stream: string; time: string}
}

export function storedMessageRecord(stream: string, m: StoredMsg, received = new Date()): StoredMessageRecord {
  const rec: StoredMessageRecord = {
    subject: m.subject,
    ...encodeData(m.data),
    jetstream: {sequence: m.seq, stream, time: m.timestamp},
    received: received.toISOString(),
    size: m.data.length,
  }
  const headers = headersToObject(m.header)
  if (headers) rec.headers = headers
  return rec
}

/** One stored message by sequence or the last for a subject; exit 3 when there is none. */
export async function getStreamMessage(
  jsm: JetStreamManager,
  stream: string,
  q: {lastFor?: string; seq?: number},
): Promise<StoredMessageRecord> {
  const query = q.lastFor ? {last_by_subj: q.lastFor} : {seq: q.seq!}
  let m: null | StoredMsg
  try {
    m = await jsm.streams.getMessage(stream, query)
  } catch (error) {
    const err = toNatsxError(error)
    if (err.exitCode === ExitCode.NOT_FOUND || /no message found/i.test(err.message))
      throw notFound(
        `no message ${q.lastFor ? `for subject "${q.lastFor}"` : `with sequence ${q.seq}`} in stream "${stream}"`,
      )
    throw error
  }

  if (!m)
    throw notFound(
      `no message ${q.lastFor ? `for subject "${q.lastFor}"` : `with sequence ${q.seq}`} in stream "${stream}"`,
    )
  return storedMessageRecord(stream, m)
}

export interface PurgeRequest {
  keep?: number
  seq?: number
  subject?: string
}

export function purgeOptions(r: PurgeRequest): PurgeOpts | undefined {
  if (r.keep !== undefined && r.seq !== undefined) throw usageError('--keep and --seq cannot be used together')
  if (r.keep !== undefined) return {keep: r.keep, ...(r.subject ? {filter: r.subject} : {})}
  if (r.seq !== undefined) return {seq: r.seq, ...(r.subject ? {filter: r.subject} : {})}
  if (r.subject) return {filter: r.subject}
  return undefined
}

/** Seal a stream (no more writes, deletes or purges). Sealing twice is fine. */
export async function sealStream(jsm: JetStreamManager, name: string): Promise<StreamInfo> {
  const si = await requireStream(jsm, name)
  if (si.config.sealed) return si
  return jsm.streams.update(name, {...si.config, sealed: true} as StreamConfig)
}

export interface ViewOptions {
  count?: number
  /** resolves when the output can take more: no batch is fetched before (a slow reader slows the reading) */
  ready?: () => Promise<void>
  signal?: AbortSignal
  sinceMs?: number
  startSequence?: number
  subject?: string
}

/**
 * Read messages of a stream in order with an ordered consumer and hand each to `onMessage`; it stops when the
 * stream has no more (never waits for new ones), after `count`, or on the signal. Returns how many were read.
 */
export async function viewStream(
  js: JetStreamClient,
  jsm: JetStreamManager,
  stream: string,
  o: ViewOptions,
  onMessage: (rec: MessageRecord) => void,
): Promise<number> {
  const si = await requireStream(jsm, stream)
  if (si.state.messages === 0) return 0
  if (o.startSequence !== undefined && o.startSequence > si.state.last_seq) return 0
  const opts: Partial<OrderedConsumerOptions> = {}
  if (o.startSequence !== undefined)
    Object.assign(opts, {deliver_policy: 'by_start_sequence', opt_start_seq: o.startSequence})
  else if (o.sinceMs === undefined) {
    opts.deliver_policy = 'all' as OrderedConsumerOptions['deliver_policy']
  } else {
    Object.assign(opts, {
      deliver_policy: 'by_start_time',
      opt_start_time: new Date(Date.now() - o.sinceMs).toISOString(),
    })
  }

  // nats-server 2.9 takes a single filter subject as a string, not an array
  if (o.subject) opts.filter_subjects = o.subject
  const consumer = await js.consumers.get(stream, opts)
  let n = 0
  const limit = o.count ?? Number.POSITIVE_INFINITY
  try {
    while (n < limit && !o.signal?.aborted) {
      await o.ready?.()
      if (o.signal?.aborted) break
      const batch = Math.min(256, limit - n)
      const iter = await consumer.fetch({expires: 1000, max_messages: batch})
      let got = 0
      let caughtUp = false
      for await (const m of iter) {
        got++
        n++
        onMessage(jsMessageRecord(m))
        if (m.info.pending === 0) caughtUp = true
        if (n >= limit || caughtUp || o.signal?.aborted) {
          iter.stop()
          break
        }
      }

      if (got === 0 || caughtUp) break
    }
  } finally {
    await consumer.delete().catch(() => {})
  }

  return n
}

/** API responses carry a `type` field; infos are returned without it. */
function withoutType<T>(info: T): T {
  delete (info as {did_create?: boolean; type?: string}).type
  delete (info as {did_create?: boolean; type?: string}).did_create
  return info
}
