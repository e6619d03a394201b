/**
 * What a JetStream or KV benchmark needs on the server before the clients start, and the clean-up after:
 * the stream (created or purged on request), the shared bench consumer, the bucket. Runs on the main thread's
 * connection; nothing here is measured.
 */
import type {JetStreamClient, JetStreamManager} from '@nats-io/jetstream'

import type {BenchSpec} from './types.js'

import {notFound, usageError} from '../errors.js'
import {subjectMatches} from '../subjects.js'

export interface StoreOptions {
  create: boolean
  history?: number
  /** bytes; -1 unlimited */
  maxBytes: number
  purge: boolean
  replicas: number
  storage: 'file' | 'memory'
}

function isNotFound(error: unknown): boolean {
  const e = error as {code?: number; message?: string; name?: string}
  return e?.name === 'StreamNotFoundError' || e?.code === 10_059 || /stream not found/i.test(e?.message ?? '')
}

async function streamInfo(jsm: JetStreamManager, name: string) {
  try {
    return await jsm.streams.info(name)
  } catch (error) {
    if (isNotFound(error)) return undefined
    throw error
  }
}

/** The stream permission each batch mode needs. */
const BATCH_FIELDS: Record<string, {field: string; label: string}> = {
  atomic: {field: 'allow_atomic', label: 'atomic batch publish'},
  fast: {field: 'allow_batched', label: 'fast batch publish'},
}

/**
 * `bench js pub`: make sure the stream exists (create it with --create) and captures the subject; purge it with
 * --purge. A subject no stream captures would get no acknowledgement, which nats.js reports as "JetStream is not
 * enabled".
 */
export async function prepareJsPub(jsm: JetStreamManager, spec: BenchSpec, o: StoreOptions): Promise<string[]> {
  const name = spec.stream!
  const subject = spec.multisubject > 0 ? `${spec.subject}.>` : spec.subject
  const info = await streamInfo(jsm, name)
  if (info) {
    const sample = spec.multisubject > 0 ? `${spec.subject}.0` : spec.subject
    const subjects = info.config.subjects ?? []
    if (!subjects.some((s) => subjectMatches(s, sample))) {
      throw usageError(
        `stream ${name} does not capture "${sample}" (its subjects: ${subjects.join(', ') || 'none'})`,
        'publish on one of its subjects or pass another --stream',
      )
    }

    const batching = BATCH_FIELDS[spec.batchMode ?? '']
    if (batching && !(info.config as unknown as Record<string, unknown>)[batching.field]) {
      throw usageError(
        `stream ${name} does not allow ${batching.label} (${batching.field} is not set)`,
        `pass a new --stream with --create (the bench makes it with ${batching.field}), or set ${batching.field} on it`,
      )
    }

    if (o.purge) await jsm.streams.purge(name)
    return []
  }

  if (!o.create) throw notFound(`stream ${name} does not exist`, 'add --create to make it, or pass --stream')
  const {StorageType} = await import('../nats/jetstream.js')
  const batching = BATCH_FIELDS[spec.batchMode ?? '']
  await jsm.streams.add({
    // direct gets for `bench js get`; the batch mode's own permission, and only that (a 2.12 server refuses
    // allow_batched, which it does not know)
    allow_direct: true,
    ...(batching ? {[batching.field]: true} : {}),
    max_bytes: o.maxBytes,
    name,
    num_replicas: o.replicas,
    storage: o.storage === 'memory' ? StorageType.Memory : StorageType.File,
    subjects: [subject],
  })
  return []
}

/**
 * `bench js consume|fetch|ordered`: the stream must hold messages; the run reads at most as many as it holds.
 * consume and fetch get a fresh durable consumer shared by the clients.
 */
export async function prepareConsume(
  jsm: JetStreamManager,
  spec: BenchSpec,
): Promise<{msgs: number; warnings: string[]}> {
  const name = spec.stream!
  const info = await streamInfo(jsm, name)
  if (!info) throw notFound(`stream ${name} does not exist`, 'fill it first with `natsx bench js pub --create`')
  // with --filter, count what the filter matches (the per-subject counts of the stream info)
  const available = spec.filter ? await filteredCount(jsm, name, spec.filter) : info.state.messages
  if (available === 0) {
    throw usageError(
      `stream ${name} holds no messages${spec.filter ? ` on ${spec.filter}` : ''} to read`,
      'fill it first with `natsx bench js pub`',
    )
  }

  const warnings: string[] = []
  let {msgs} = spec
  if (!spec.durationMs && available < msgs) {
    warnings.push(
      `stream ${name} holds ${available} messages${spec.filter ? ` on ${spec.filter}` : ''}, fewer than --msgs ${msgs}: reading ${available}`,
    )
    msgs = available
  }

  if (spec.mode !== 'js ordered') {
    const {AckPolicy, DeliverPolicy} = await import('../nats/jetstream.js')
    await jsm.consumers.delete(name, spec.consumer!).catch(() => false)
    const ack = spec.acks === 'none' ? AckPolicy.None : spec.acks === 'all' ? AckPolicy.All : AckPolicy.Explicit
    await jsm.consumers.add(name, {
      ack_policy: ack,
      deliver_policy: DeliverPolicy.All,
      durable_name: spec.consumer!,
      ...(spec.filter ? {filter_subject: spec.filter} : {}),
      max_ack_pending: Math.max(1000, (spec.batch ?? 500) * spec.clients * 2),
    })
  }

  return {msgs, warnings}
}

/**
 * `bench js get`: the stream must exist, allow direct gets and hold messages. Sets the sequences the clients read
 * (`firstSeq`, `spanSeqs`) on the spec.
 */
export async function prepareJsGet(jsm: JetStreamManager, spec: BenchSpec): Promise<string[]> {
  const name = spec.stream!
  const info = await streamInfo(jsm, name)
  if (!info) throw notFound(`stream ${name} does not exist`, 'fill it first with `natsx bench js pub --create`')
  if (!info.config.allow_direct) {
    throw usageError(
      `stream ${name} does not allow direct gets (allow_direct is not set)`,
      'fill a stream made by `natsx bench js pub --create` (it allows them), or set allow_direct on this one',
    )
  }

  if (info.state.messages === 0) {
    throw usageError(`stream ${name} holds no messages to read`, 'fill it first with `natsx bench js pub`')
  }

  spec.firstSeq = info.state.first_seq
  spec.spanSeqs = info.state.last_seq - info.state.first_seq + 1
  return []
}

async function filteredCount(jsm: JetStreamManager, stream: string, filter: string): Promise<number> {
  const info = await jsm.streams.info(stream, {subjects_filter: filter})
  return Object.values(info.state.subjects ?? {}).reduce((a, n) => a + n, 0)
}

export async function cleanupConsume(jsm: JetStreamManager, spec: BenchSpec): Promise<void> {
  if (spec.mode === 'js ordered') return
  await jsm.consumers.delete(spec.stream!, spec.consumer!).catch(() => false)
}

/** `bench kv put` creates the bucket when missing (and purges it with --purge); `bench kv get` needs it. */
export async function prepareKv(
  js: JetStreamClient,
  jsm: JetStreamManager,
  spec: BenchSpec,
  o: StoreOptions,
): Promise<string[]> {
  const bucket = spec.bucket!
  const streamName = `KV_${bucket}`
  const info = await streamInfo(jsm, streamName)
  if (!info) {
    if (!o.create) throw notFound(`bucket ${bucket} does not exist`, 'fill it first with `natsx bench kv put`')
    const {Kvm} = await import('../nats/kv.js')
    const {StorageType} = await import('../nats/jetstream.js')
    await new Kvm(js).create(bucket, {
      history: o.history ?? 1,
      max_bytes: o.maxBytes,
      replicas: o.replicas,
      storage: o.storage === 'memory' ? StorageType.Memory : StorageType.File,
    })
  } else if (o.purge) {
    await jsm.streams.purge(streamName)
  }

  return []
}
