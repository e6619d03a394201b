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

import {createInbox, type Msg, type NatsConnection} from '@nats-io/transport-node'

import type {Capabilities} from '../capabilities.js'

import {type FieldDiff, inlineDiff} from '../config-file.js'
import {conflict, connectionError, ExitCode, NatsxError, notFound, toNatsxError, usageError} from '../errors.js'
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
  const update: Record<string, unknown> = normalizeStreamConfig(desired)
  // nats.js merges an update into the current configuration: a field being removed must be there, unset
  for (const d of diff) if (d.desired === undefined && !(d.field in update)) update[d.field] = undefined
  const info = await jsm.streams.update(desired.name!, update as Partial<StreamConfig>)
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

/** What a batch direct get asks for: the last message of each of several subjects, or `batch` messages from `seq`. */
export type DirectGetQuery = {batch: number; seq: number} | {multiLast: string[]}

/** The headers a direct get reply carries about the stored message, not the message's own. */
const DIRECT_HEADERS = new Set(['nats-last-sequence', 'nats-num-pending', 'nats-sequence', 'nats-stream', 'nats-subject', 'nats-time-stamp', 'nats-upto-sequence'])

function directRecord(stream: string, m: Msg): StoredMessageRecord {
  const h = m.headers
  const rec: StoredMessageRecord = {
    subject: h?.get('Nats-Subject') ?? '',
    ...encodeData(m.data),
    jetstream: {sequence: Number(h?.get('Nats-Sequence') ?? 0), stream, time: h?.get('Nats-Time-Stamp') ?? ''},
    received: new Date().toISOString(),
    size: m.data.length,
  }
  const own: Record<string, string[]> = {}
  for (const [k, v] of Object.entries(headersToObject(h) ?? {})) if (!DIRECT_HEADERS.has(k.toLowerCase())) own[k] = v
  if (Object.keys(own).length > 0) rec.headers = own
  return rec
}

interface DirectReply {
  /** the end-of-batch status: messages still after the last one sent, and the sequence a multi-last read stopped at */
  eob?: {pending: number; upTo?: number}
  msgs: Msg[]
  status?: {code: number; description: string}
}

/** One `$JS.API.DIRECT.GET.<stream>` request with its stream of replies, up to the end-of-batch (204) or a status. */
function directRequest(nc: NatsConnection, subject: string, body: Record<string, unknown>, options: {inboxPrefix?: string; timeoutMs: number}): Promise<DirectReply> {
  const {timeoutMs} = options
  const inbox = createInbox(options.inboxPrefix)
  const msgs: Msg[] = []
  return new Promise<DirectReply>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined
    const finish = (fn: () => void): void => {
      clearTimeout(timer)
      sub.unsubscribe()
      fn()
    }

    const arm = (): void => {
      clearTimeout(timer)
      timer = setTimeout(() => finish(() => reject(connectionError(`timed out waiting for a direct get reply on "${subject}"`, 'raise --timeout or check the stream\'s servers'))), timeoutMs)
    }

    const sub = nc.subscribe(inbox, {
      callback(err, m) {
        if (err) {
          finish(() => reject(toNatsxError(err, {subject})))
          return
        }

        const code = m.headers?.code ?? 0
        if (code === 204) {
          const pending = Number(m.headers?.get('Nats-Num-Pending') || 0)
          const upTo = m.headers?.get('Nats-UpTo-Sequence')
          finish(() => resolve({eob: {pending, ...(upTo ? {upTo: Number(upTo)} : {})}, msgs}))
        } else if (code >= 300 || (code > 0 && m.data.length === 0 && !m.headers?.get('Nats-Sequence'))) {
          finish(() => resolve({msgs, status: {code, description: m.headers?.description ?? ''}}))
        } else {
          msgs.push(m)
          arm()
        }
      },
    })
    arm()
    nc.publish(subject, JSON.stringify(body), {reply: inbox})
  })
}

/**
 * Batch direct get (nats-server 2.11+): the last message of each subject (`multi_last`, subjects may be wildcards),
 * or `batch` messages from sequence `seq` on. The server answers with one message each and an end-of-batch status
 * (204) saying how many are still pending; a reply cut short by the server's byte limit is continued. Needs
 * allow_direct on the stream (exit 2 with the fix when it is off); messages in stream order.
 */
export async function directGetMessages(
  nc: NatsConnection,
  jsm: JetStreamManager,
  caps: Capabilities,
  stream: string,
  q: DirectGetQuery,
  options: {apiPrefix?: string; inboxPrefix?: string; timeoutMs: number},
): Promise<StoredMessageRecord[]> {
  caps.require('direct-get-batch', 'multiLast' in q ? 'the last message of several subjects (batch direct get)' : 'a batch read (batch direct get)')
  const si = await requireStream(jsm, stream)
  if (!si.config.allow_direct)
    throw usageError(`stream "${stream}" does not allow direct get, which ${'multiLast' in q ? 'reading several subjects' : '--batch'} uses`, `turn it on with \`natsx stream edit ${stream} --allow-direct\``)
  const subject = `${options.apiPrefix ?? '$JS.API'}.DIRECT.GET.${stream}`
  const out: StoredMessageRecord[] = []
  const what = 'multiLast' in q ? `for subject${q.multiLast.length > 1 ? 's' : ''} ${q.multiLast.map((x) => `"${x}"`).join(', ')}` : `at or after sequence ${q.seq}`
  let upTo: number | undefined
  let next = 'multiLast' in q ? 0 : q.seq
  for (;;) {
    const body: Record<string, unknown> =
      'multiLast' in q
        ? {multi_last: q.multiLast, ...(next > 0 ? {seq: next} : {}), ...(upTo ? {up_to_seq: upTo} : {})}
        : {batch: q.batch - out.length, seq: next}
    const r = await directRequest(nc, subject, body, options)
    for (const m of r.msgs) out.push(directRecord(stream, m))
    if (r.status) {
      if (r.status.code === 404 && out.length === 0) throw notFound(`no message ${what} in stream "${stream}"`)
      if (r.status.code === 404) break
      if (r.status.code === 413) throw usageError(`more than 1024 subjects match ${what}: the server answers at most 1024`, 'name fewer subjects or narrower wildcards')
      if (r.status.code === 503) throw usageError(`stream "${stream}" does not answer direct gets`, `turn it on with \`natsx stream edit ${stream} --allow-direct\``)
      throw new NatsxError(ExitCode.UNEXPECTED, `direct get from stream "${stream}" failed: ${r.status.code} ${r.status.description}`)
    }

    const pending = r.eob?.pending ?? 0
    upTo ??= r.eob?.upTo
    const done = 'multiLast' in q ? pending === 0 : out.length >= q.batch || pending === 0
    if (done || r.msgs.length === 0) break
    next = out.at(-1)!.jetstream.sequence + 1
  }

  // a subject named twice, or by two overlapping wildcards, is one message
  if ('multiLast' in q) out.sort((x, y) => x.jetstream.sequence - y.jetstream.sequence)
  return 'multiLast' in q ? out.filter((m, i) => i === 0 || m.jetstream.sequence !== out[i - 1].jetstream.sequence) : out
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
