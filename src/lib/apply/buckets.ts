/**
 * KV and object buckets as configuration data. A bucket is a stream (`KV_<bucket>`, `OBJ_<bucket>`); natsx
 * reads its configuration from that stream, compares it field by field at the bucket level (history, ttl…),
 * creates buckets through the nats.js KV and object managers and changes them by updating the stream, as
 * natscli's `kv edit` does.
 */
import type {JetStreamClient, JetStreamManager, StreamConfig, StreamInfo} from '@nats-io/jetstream'

import {type Feature} from '../capabilities.js'
import {compact, diffFields, type FieldDiff} from '../config-file.js'
import {ExitCode, toNatsxError} from '../errors.js'
import {nanosToMs} from '../format/duration.js'

export type BucketKind = 'kv' | 'object'

/** A bucket as the spec writes it (durations in nanoseconds, sizes in bytes after conversion). */
export interface BucketConfig {
  bucket: string
  compression?: boolean
  description?: string
  /** KV only */
  history?: number
  max_bytes?: number
  /** KV only */
  max_value_size?: number
  metadata?: Record<string, string>
  replicas?: number
  storage?: 'file' | 'memory'
  /** nanoseconds */
  ttl?: number
}

export const bucketStream = (kind: BucketKind, bucket: string): string =>
  kind === 'kv' ? `KV_${bucket}` : `OBJ_${bucket}`

export function bucketFromStreamName(name: string): undefined | {bucket: string; kind: BucketKind} {
  if (name.startsWith('KV_')) return {bucket: name.slice(3), kind: 'kv'}
  if (name.startsWith('OBJ_')) return {bucket: name.slice(4), kind: 'object'}
  return undefined
}

/** Fields `edit` cannot change on a bucket. */
export const BUCKET_IMMUTABLE = ['storage'] as const

/** The defaults the managers fill in, and unset optional fields dropped, so equal buckets compare equal. */
export function normalizeBucketConfig(kind: BucketKind, input: BucketConfig): BucketConfig {
  const c: BucketConfig = {...input}
  if (!c.description) delete c.description
  if (!c.compression) delete c.compression
  if (!c.metadata || Object.keys(c.metadata).length === 0) delete c.metadata
  if (!c.ttl) c.ttl = 0
  if (c.max_bytes === undefined || c.max_bytes === 0) c.max_bytes = -1
  if (!c.replicas) c.replicas = 1
  if (!c.storage) c.storage = 'file'
  if (kind === 'kv') {
    if (!c.history) c.history = 1
    if (c.max_value_size === undefined || c.max_value_size === 0) c.max_value_size = -1
  } else {
    delete c.history
    delete c.max_value_size
  }

  return compact(c as unknown as Record<string, unknown>) as unknown as BucketConfig
}

/** The bucket configuration of a live bucket stream. */
export function bucketConfigFromStream(kind: BucketKind, sc: StreamConfig): BucketConfig {
  const info = bucketFromStreamName(sc.name)
  const metadata = Object.fromEntries(
    Object.entries(sc.metadata ?? {}).filter(([k]) => !k.startsWith('_nats.')),
  ) as Record<string, string>
  const c: BucketConfig = {
    bucket: info?.bucket ?? sc.name,
    compression: sc.compression === 's2' ? true : undefined,
    description: sc.description || undefined,
    max_bytes: sc.max_bytes,
    metadata,
    replicas: sc.num_replicas,
    storage: sc.storage as 'file' | 'memory',
    ttl: sc.max_age,
  }
  if (kind === 'kv') {
    c.history = sc.max_msgs_per_subject
    c.max_value_size = sc.max_msg_size
  }

  return normalizeBucketConfig(kind, c)
}

export function diffBucketConfig(kind: BucketKind, current: BucketConfig, desired: BucketConfig): FieldDiff[] {
  return diffFields(
    normalizeBucketConfig(kind, current) as unknown as Record<string, unknown>,
    normalizeBucketConfig(kind, desired) as unknown as Record<string, unknown>,
  )
}

export function immutableBucketChanges(diff: FieldDiff[]): Array<FieldDiff & {reason: string}> {
  return diff
    .filter((d) => (BUCKET_IMMUTABLE as readonly string[]).includes(d.field))
    .map((d) => ({...d, reason: `${d.field} cannot be changed after the bucket is created`}))
}

export function bucketCapabilityNeeds(c: BucketConfig): Array<{feature: Feature; field: string}> {
  const needs: Array<{feature: Feature; field: string}> = []
  if (c.compression) needs.push({feature: 'kv-compression', field: 'compression'})
  if (c.metadata && Object.keys(c.metadata).length > 0) needs.push({feature: 'stream-metadata', field: 'metadata'})
  return needs
}

/** The live bucket stream, or undefined. */
export async function findBucket(
  jsm: JetStreamManager,
  kind: BucketKind,
  bucket: string,
): Promise<StreamInfo | undefined> {
  try {
    return await jsm.streams.info(bucketStream(kind, bucket))
  } catch (error) {
    if (toNatsxError(error).exitCode === ExitCode.NOT_FOUND) return undefined
    throw error
  }
}

/** Create a bucket through the nats.js manager (it writes the subjects, rollup and discard settings a bucket needs). */
export async function createBucket(js: JetStreamClient, kind: BucketKind, desired: BucketConfig): Promise<void> {
  const c = normalizeBucketConfig(kind, desired)
  const common = {
    ...(c.description ? {description: c.description} : {}),
    ...(c.compression ? {compression: true} : {}),
    ...(c.metadata ? {metadata: c.metadata} : {}),
    max_bytes: c.max_bytes,
    replicas: c.replicas,
    storage: c.storage as never,
  }
  if (kind === 'kv') {
    const {Kvm} = await import('@nats-io/kv')
    await new Kvm(js).create(c.bucket, {
      ...common,
      history: c.history,
      maxValueSize: c.max_value_size,
      ttl: nanosToMs(c.ttl ?? 0),
    })
  } else {
    const {Objm} = await import('@nats-io/obj')
    // the object manager takes its TTL in nanoseconds
    await new Objm(js).create(c.bucket, {...common, ttl: c.ttl ?? 0})
  }
}

/** Change a bucket in place by updating its stream (the fields `diff` names; storage is refused before). */
export async function updateBucket(jsm: JetStreamManager, kind: BucketKind, desired: BucketConfig): Promise<void> {
  const c = normalizeBucketConfig(kind, desired)
  const si = await jsm.streams.info(bucketStream(kind, c.bucket))
  const sc: StreamConfig = {...si.config}
  sc.description = c.description ?? ''
  if (!c.description) delete sc.description
  sc.max_bytes = c.max_bytes ?? -1
  sc.max_age = c.ttl ?? 0
  sc.num_replicas = c.replicas ?? 1
  if (c.compression) sc.compression = 's2' as StreamConfig['compression']
  else if (sc.compression) sc.compression = 'none' as StreamConfig['compression']
  const internal = Object.fromEntries(Object.entries(sc.metadata ?? {}).filter(([k]) => k.startsWith('_nats.')))
  const metadata = {...internal, ...c.metadata}
  if (Object.keys(metadata).length > 0) sc.metadata = metadata
  else delete sc.metadata
  if (kind === 'kv') {
    sc.max_msgs_per_subject = c.history ?? 1
    sc.max_msg_size = c.max_value_size ?? -1
  }

  await jsm.streams.update(sc.name, sc)
}

export async function deleteBucket(jsm: JetStreamManager, kind: BucketKind, bucket: string): Promise<void> {
  await jsm.streams.delete(bucketStream(kind, bucket))
}
