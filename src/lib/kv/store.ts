/**
 * Key-Value operations on top of nats.js `@nats-io/kv`: opening a bucket (a missing bucket is exit 3), the JSON
 * record of an entry, bucket summaries, history, compaction and revert. Commands call these and render the result.
 */
import type {JetStreamClient, JetStreamManager, StreamConfig, StreamInfo} from '@nats-io/jetstream'
import type {KV, KvEntry, KvWatchEntry, KvWatchOptions} from '@nats-io/kv'

import type {Capabilities} from '../capabilities.js'

import {conflict, ExitCode, NatsxError, notFound, toNatsxError, unsupported} from '../errors.js'
import {encodeData} from '../messages.js'
import {kvBucketOf, type KvConfig, kvStreamConfig, normalizeKvConfig} from './config.js'
import {trackConsumers} from './consumers.js'

export interface KvEntryRecord {
  bucket: string
  created: string
  /** entries after this one for the key (watch, history); absent when unknown */
  delta?: number
  encoding: 'base64' | 'utf8'
  key: string
  length: number
  operation: 'DEL' | 'PURGE' | 'PUT'
  revision: number
  value: string
}

type Headers = undefined | {get(k: string): string; has(k: string): boolean}

/**
 * An entry's operation. A limit marker the server writes (2.11+, ADR-48) carries `Nats-Marker-Reason` and no
 * `KV-Operation`: `MaxAge` and `Purge` mean the key was purged, `Remove` that it was deleted. nats.js maps only MaxAge.
 */
export function entryOperation(e: KvEntry | KvWatchEntry): KvEntryRecord['operation'] {
  const sm = (e as unknown as {sm?: {header?: Headers; headers?: Headers}}).sm
  const h = sm?.headers ?? sm?.header
  if (h?.has('Nats-Marker-Reason')) return h.get('Nats-Marker-Reason') === 'Remove' ? 'DEL' : 'PURGE'
  const op = h?.get('KV-Operation')
  return op === 'DEL' || op === 'PURGE' ? op : e.operation
}

/** The JSON record of an entry; `bucket` names the bucket it was read from (a mirror's entries carry the origin's name). */
export function entryRecord(e: KvEntry | KvWatchEntry, bucket = e.bucket): KvEntryRecord {
  const {data, encoding} = encodeData(e.value)
  const rec: KvEntryRecord = {
    bucket,
    created: e.created.toISOString(),
    encoding,
    key: e.key,
    length: e.value.length,
    operation: entryOperation(e),
    revision: e.revision,
    value: data,
  }
  if (typeof e.delta === 'number') rec.delta = e.delta
  return rec
}

/** A bucket's stream info; a missing bucket is exit 3. */
export async function bucketInfo(jsm: JetStreamManager, bucket: string): Promise<StreamInfo> {
  try {
    return await jsm.streams.info(`KV_${bucket}`)
  } catch (error) {
    const e = toNatsxError(error)
    if (e.exitCode === 3) throw notFound(`bucket "${bucket}" not found`, 'list buckets with `natsx kv ls`')
    throw e
  }
}

/**
 * Open an existing bucket (exit 3 when it does not exist). A mirror keeps its origin's subjects (`$KV.<origin>.…`;
 * a 2.9 server has no subject transforms), so it is opened as the origin bucket bound to the mirror's stream:
 * reads come from the mirror, writes go to the origin, as natscli does.
 */
export async function openBucket(js: JetStreamClient, jsm: JetStreamManager, bucket: string): Promise<{info: StreamInfo; kv: KV}> {
  const info = await bucketInfo(jsm, bucket)
  const {Kvm} = await import('../nats/kv.js')
  trackConsumers(js)
  const origin = info.config.mirror && kvBucketOf(info.config.mirror.name)
  const kv = await new Kvm(js).open(origin ?? bucket, {allow_direct: info.config.allow_direct, ...(origin ? {streamName: info.config.name} : {})})
  // open() derives the write prefix from a bare config; the mirror's own config says where its origin is. For a
  // mirror of a bucket in another JetStream domain, writes then go through that domain
  // (`$JS.<domain>.API.$KV.<origin>.<key>`, which the origin's server maps to `$KV.<origin>.<key>`), as nats.go does.
  if (origin) (kv as unknown as {initializePrefixes?: (si: StreamInfo) => void}).initializePrefixes?.(info)
  return {info, kv: withWriteErrors(kv, bucket, info)}
}

/**
 * nats.js reports a write that no stream took (a 503 to the publish) as "JetStream is not enabled", but the bucket
 * was just found, so JetStream is on: say which bucket missed the write, and for a mirror, that its origin is where the
 * write goes.
 */
function withWriteErrors(kv: KV, bucket: string, info: StreamInfo): KV {
  const mirror = info.config.mirror
  const where = mirror
    ? `bucket "${bucket}" is a mirror and its writes go to bucket "${kvBucketOf(mirror.name)}"${mirror.external?.api ? ` through ${mirror.external.api}` : ''}, which did not answer`
    : `no stream took the write to bucket "${bucket}"`
  const hint = mirror ? 'check that the origin bucket exists and is reachable from this server, or write to it directly' : 'check the bucket with `natsx kv info`'
  const wrap =
    <A extends unknown[], R>(f: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await f(...args)
      } catch (error) {
        if ((error as Error).name === 'JetStreamNotEnabled') throw new NatsxError(ExitCode.CONNECTION, `no responders: ${where}`, {hint})
        throw error
      }
    }

  const k = kv as unknown as Record<'create' | 'delete' | 'purge' | 'put' | 'update', (...args: unknown[]) => Promise<unknown>>
  for (const m of ['create', 'delete', 'purge', 'put', 'update'] as const) k[m] = wrap(k[m].bind(kv))
  return kv
}

/**
 * Write a changed bucket stream config. A server that cannot change republish (2.9.10 and older) is exit 8 (errors.ts
 * maps that for any stream); for a bucket the message says "bucket" and names the server's version.
 */
export async function updateBucketStream(jsm: JetStreamManager, caps: Capabilities | undefined, next: StreamConfig): Promise<StreamInfo> {
  try {
    return await jsm.streams.update(next.name, next)
  } catch (error) {
    if (/cannot change the republish setting/.test(toNatsxError(error).message)) {
      throw unsupported(`${caps ? `nats-server ${caps.version}` : 'the connected server'} cannot change the republish setting of an existing bucket`, 'upgrade the server, or make a new bucket with the republish setting')
    }

    throw error
  }
}

/** Make a bucket's stream (see kvStreamConfig: deny_delete on, only set fields sent). */
export async function createKvBucket(jsm: JetStreamManager, c: KvConfig): Promise<StreamInfo> {
  return jsm.streams.add(kvStreamConfig(c) as unknown as StreamConfig)
}

export interface KvBucketSummary extends KvConfig {
  created: string
  /** bytes stored */
  size: number
  /** messages stored (values, delete markers and history) */
  values: number
}

export function bucketSummary(si: StreamInfo): KvBucketSummary {
  return {
    ...normalizeKvConfig(si.config as unknown as Parameters<typeof normalizeKvConfig>[0]),
    created: si.created,
    size: si.state.bytes,
    values: si.state.messages,
  }
}

/** All KV buckets, sorted by name. */
export async function listBuckets(jsm: JetStreamManager): Promise<KvBucketSummary[]> {
  const out: KvBucketSummary[] = []
  for await (const si of jsm.streams.list()) {
    if (si.config.name.startsWith('KV_')) out.push(bucketSummary(si))
  }

  return out.sort((a, b) => a.bucket.localeCompare(b.bucket))
}

/** The current entry of a key; a missing or deleted key is exit 3. */
export async function getEntry(kv: KV, bucket: string, key: string, revision?: number): Promise<KvEntry> {
  const e = await kv.get(key, revision ? {revision} : undefined)
  if (!e) {
    throw revision
      ? notFound(`revision ${revision} of key "${key}" not found in bucket "${bucket}"`, 'see the revisions with `natsx kv history`')
      : notFound(`key "${key}" not found in bucket "${bucket}"`, 'list keys with `natsx kv keys`')
  }

  const op = entryOperation(e)
  if (op !== 'PUT' && !revision) {
    throw notFound(`key "${key}" in bucket "${bucket}" was ${op === 'DEL' ? 'deleted' : 'purged'} at revision ${e.revision}`)
  }

  return e
}

/** The entries of one key (or a filter), oldest first. */
export async function keyHistory(kv: KV, key: string, bucket?: string): Promise<KvEntryRecord[]> {
  const iter = await kv.history({key})
  const out: KvEntryRecord[] = []
  for await (const e of iter) out.push(entryRecord(e, bucket))
  return out.sort((a, b) => a.revision - b.revision)
}

/**
 * The keys whose latest entry is a value, sorted. A key whose latest entry is a DEL or PURGE marker, or a limit
 * marker the server wrote when the key's TTL ran out, is left out (nats.js's `keys()` lists the latter).
 */
export async function listKeys(kv: KV, filter?: string): Promise<string[]> {
  const iter = await kv.watch({headers_only: true, key: filter ?? '>'} as KvWatchOptions)
  const oc = (iter as unknown as {_data?: {info(cached: boolean): Promise<{num_pending: number}>}})._data
  const pending = oc ? (await oc.info(true)).num_pending : 0
  const out: string[] = []
  try {
    if (pending > 0) {
      for await (const e of iter) {
        if (entryOperation(e) === 'PUT') out.push(e.key)
        if (e.delta === 0) break
      }
    }
  } finally {
    iter.stop()
  }

  return out.sort()
}

/** A TTL sent to a bucket made without a limit marker TTL: exit 2 saying how to enable it. */
export function ttlError(error: unknown, bucket: string): Error {
  const e = toNatsxError(error)
  if (/per-message TTL is disabled/i.test(e.message)) {
    return new NatsxError(ExitCode.USAGE, `bucket "${bucket}" has no per-key TTL (it was made without a limit marker TTL)`, {
      hint: `enable it with \`natsx kv edit ${bucket} --marker-ttl 1m\`, or leave out --ttl`,
    })
  }

  return e
}

/** Compare-and-set errors from the server (wrong last sequence) as exit 4 with the key named. */
export function casError(error: unknown, what: string): Error {
  const e = toNatsxError(error)
  if (e.exitCode === 4 || /wrong last sequence/i.test(e.message)) return conflict(`${what}: ${e.message}`, 'read the current revision and retry')
  return e
}

export interface RevertResult {
  bucket: string
  key: string
  /** the revision whose value was written again */
  reverted_to: number
  /** the new revision */
  revision: number
}

/** Write the value of an earlier revision as the newest one. */
export async function revertKey(kv: KV, bucket: string, key: string, revision: number): Promise<RevertResult> {
  const old = await kv.get(key, {revision})
  if (!old) throw notFound(`revision ${revision} of key "${key}" not found in bucket "${bucket}"`, 'see the revisions with `natsx kv history`')
  if (old.operation !== 'PUT') throw conflict(`revision ${revision} of key "${key}" is a ${old.operation} marker, not a value`)
  const rev = await kv.put(key, old.value)
  return {bucket, key, reverted_to: revision, revision: rev}
}

export interface CompactResult {
  bucket: string
  /** keys whose delete or purge markers were removed */
  keys: string[]
  /** messages removed from the bucket's stream */
  removed: number
}

/** Remove delete and purge markers (and the history behind them) of deleted keys. */
export async function compactBucket(kv: KV, jsm: JetStreamManager, bucket: string): Promise<CompactResult> {
  const iter = await kv.watch({ignoreDeletes: false, include: ''} as KvWatchOptions)
  const deleted: string[] = []
  const info = await jsm.streams.info(`KV_${bucket}`)
  if (info.state.messages > 0) {
    for await (const e of iter) {
      if (entryOperation(e) !== 'PUT') deleted.push(e.key)
      if (e.delta === 0) break
    }
  }

  iter.stop()
  let removed = 0
  for (const key of deleted) {
    const r = await jsm.streams.purge(`KV_${bucket}`, {filter: `$KV.${bucket}.${key}`, keep: 0})
    removed += r.purged
  }

  return {bucket, keys: deleted.sort(), removed}
}
