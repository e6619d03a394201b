/**
 * KV and object buckets for `natsx apply`. The bucket configuration shape, its defaults, the server's view
 * normalised, the diff, the create options and the capability needs are the kv and object modules' own
 * (src/lib/kv/config.ts, src/lib/objects/config.ts): a spec entry is what `kv info --json` prints.
 * This module only wires them to the plan: find, create, update in place, delete.
 */
import type {JetStreamClient, JetStreamManager, StreamConfig, StreamInfo} from '@nats-io/jetstream'

import type {Capabilities, Feature} from '../capabilities.js'

import {type FieldDiff, sameValue} from '../config-file.js'
import {ExitCode, toNatsxError} from '../errors.js'
import {
  applyKvChanges,
  diffConfigs,
  KV_DEFAULTS,
  type KvConfig,
  kvRequiredFeatures,
  type KvStreamConfigLike,
  normalizeKvConfig,
} from '../kv/config.js'
import {createKvBucket, updateBucketStream} from '../kv/store.js'
import {
  applyObjChanges,
  normalizeObjConfig,
  OBJ_DEFAULTS,
  type ObjConfig,
  objCreateOptions,
  objRequiredFeatures,
} from '../objects/config.js'

export type BucketKind = 'kv' | 'object'

/** A bucket as the spec writes it (after unit conversion): any subset of the kv/object config shape. */
export type BucketConfig = Partial<KvConfig> & {bucket: string}

export const bucketStream = (kind: BucketKind, bucket: string): string =>
  kind === 'kv' ? `KV_${bucket}` : `OBJ_${bucket}`

export function bucketFromStreamName(name: string): undefined | {bucket: string; kind: BucketKind} {
  if (name.startsWith('KV_')) return {bucket: name.slice(3), kind: 'kv'}
  if (name.startsWith('OBJ_')) return {bucket: name.slice(4), kind: 'object'}
  return undefined
}

/** The whole configuration: the kv/object defaults with the spec's fields over them. */
export function fullBucketConfig(kind: BucketKind, c: BucketConfig): KvConfig | ObjConfig {
  return kind === 'kv' ? {...KV_DEFAULTS, ...c} : {...OBJ_DEFAULTS, ...c}
}

/** A live bucket stream's configuration in the same shape. */
export function liveBucketConfig(kind: BucketKind, sc: StreamConfig): KvConfig | ObjConfig {
  return kind === 'kv' ? normalizeKvConfig(sc as KvStreamConfigLike) : normalizeObjConfig(sc)
}

export function diffBucketConfig(kind: BucketKind, live: KvConfig | ObjConfig, desired: BucketConfig): FieldDiff[] {
  // key order inside a value (republish, placement) is not a difference
  return diffConfigs(live, fullBucketConfig(kind, desired))
    .filter((c) => !sameValue(c.from, c.to))
    .map((c) => ({current: c.from, desired: c.to, field: c.field}))
}

/**
 * The changes the connected server refuses on a bucket's stream: its storage; its mirror (2.12+ lets a mirror be
 * removed, which promotes the copy); turning limit markers off (the server never disables per-message TTL).
 */
export function immutableBucketChanges(diff: FieldDiff[], caps?: Capabilities): Array<FieldDiff & {reason: string}> {
  const out: Array<FieldDiff & {reason: string}> = []
  for (const d of diff) {
    if (d.field === 'storage') out.push({...d, reason: 'storage cannot be changed after the bucket is created'})
    else if (d.field === 'mirror') {
      const removal = d.current !== undefined && d.desired === undefined
      if (!removal || !caps?.has('mirror-removal'))
        out.push({...d, reason: `mirror cannot be ${removal ? 'removed on this server' : 'changed after the bucket is created'}`})
    } else if (d.field === 'marker_ttl_ms' && d.current && !d.desired) {
      out.push({...d, reason: 'limit markers cannot be turned off once they are on'})
    }
  }

  return out
}

const FEATURE_FIELD: Partial<Record<Feature, string>> = {
  'kv-compression': 'compression',
  'kv-marker-ttl': 'marker_ttl_ms',
  'stream-compression': 'compression',
  'stream-metadata': 'metadata',
  'subject-transform': 'sources',
}

export function bucketCapabilityNeeds(kind: BucketKind, c: BucketConfig): Array<{feature: Feature; field: string}> {
  const needs = kind === 'kv' ? kvRequiredFeatures(c) : objRequiredFeatures(c as Partial<ObjConfig>)
  return needs.map(([feature]) => ({feature, field: FEATURE_FIELD[feature] ?? feature}))
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

/** Create through the nats.js managers (they write the subjects, rollup and discard settings a bucket needs). */
export async function createBucket(js: JetStreamClient, jsm: JetStreamManager, kind: BucketKind, desired: BucketConfig): Promise<void> {
  if (kind === 'kv') {
    // as `kv add` makes it: only the fields set, deny_delete on (ADR-8)
    await createKvBucket(jsm, fullBucketConfig('kv', desired) as KvConfig)
  } else {
    const {Objm} = await import('../nats/obj.js')
    await new Objm(js).create(desired.bucket, objCreateOptions(fullBucketConfig('object', desired) as ObjConfig))
  }
}

/** Change a bucket in place: only the differing fields are written to its stream (storage is refused before). */
export async function updateBucket(
  jsm: JetStreamManager,
  kind: BucketKind,
  bucket: string,
  diff: FieldDiff[],
): Promise<void> {
  const si = await jsm.streams.info(bucketStream(kind, bucket))
  const changes = Object.fromEntries(diff.map((d) => [d.field, d.desired])) as Partial<KvConfig>
  const next =
    kind === 'kv' ? applyKvChanges(si.config as KvStreamConfigLike, changes) : applyObjChanges(si.config, changes as Partial<ObjConfig>)
  await updateBucketStream(jsm, undefined, next as StreamConfig)
}

export async function deleteBucket(jsm: JetStreamManager, kind: BucketKind, bucket: string): Promise<void> {
  await jsm.streams.delete(bucketStream(kind, bucket))
}
