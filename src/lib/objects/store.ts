/** Object Store buckets and object records on top of nats.js `@nats-io/obj`. A missing bucket or object is exit 3. */
import type {JetStreamClient, JetStreamManager, StreamInfo} from '@nats-io/jetstream'
import type {ObjectInfo, ObjectStore} from '@nats-io/obj'

import type {Capabilities} from '../capabilities.js'

import {conflict, notFound, toNatsxError, usageError} from '../errors.js'
import {bucketEditRefusals, type ConfigChange, diffConfigs} from '../kv/config.js'
import {trackConsumers} from '../kv/consumers.js'
import {headersToObject} from '../messages.js'
import {applyObjChanges, normalizeObjConfig, type ObjConfig} from './config.js'

export interface ObjectRecord {
  bucket: string
  /** number of chunk messages */
  chunks: number
  deleted: boolean
  description?: string
  /** `SHA-256=<base64url>` as the store keeps it */
  digest: string
  headers?: Record<string, string[]>
  /** the object links to another object or bucket */
  link?: {bucket: string; name?: string}
  /** modification time (ISO 8601) */
  modified: string
  name: string
  /** the stream sequence of the object's metadata (absent in watch entries) */
  revision?: number
  size: number
}

/** Object headers arrive as MsgHdrs (info) or as the plain JSON object of the metadata (list, watch). */
function headerRecord(h: unknown): Record<string, string[]> | undefined {
  if (!h || typeof h !== 'object') return undefined
  if (typeof (h as {keys?: unknown}).keys === 'function') return headersToObject(h as Parameters<typeof headersToObject>[0])
  const out: Record<string, string[]> = {}
  for (const [k, v] of Object.entries(h as Record<string, unknown>)) out[k] = Array.isArray(v) ? v.map(String) : [String(v)]
  return Object.keys(out).length > 0 ? out : undefined
}

export function objectRecord(i: ObjectInfo): ObjectRecord {
  const rec: ObjectRecord = {
    bucket: i.bucket,
    chunks: i.chunks,
    deleted: Boolean(i.deleted),
    digest: i.digest,
    modified: i.mtime,
    name: i.name,
    size: i.size,
  }
  if (typeof i.revision === 'number') rec.revision = i.revision
  if (i.description) rec.description = i.description
  const headers = headerRecord(i.headers)
  if (headers) rec.headers = headers
  if (i.options?.link) rec.link = {bucket: i.options.link.bucket, ...(i.options.link.name ? {name: i.options.link.name} : {})}
  return rec
}

export interface ObjBucketSummary extends ObjConfig {
  created: string
  sealed: boolean
  /** bytes stored, metadata included */
  size: number
}

export function objBucketSummary(si: StreamInfo): ObjBucketSummary {
  return {
    ...normalizeObjConfig(si.config as never),
    created: si.created,
    sealed: Boolean(si.config.sealed),
    size: si.state.bytes,
  }
}

export async function objBucketInfo(jsm: JetStreamManager, bucket: string): Promise<StreamInfo> {
  try {
    return await jsm.streams.info(`OBJ_${bucket}`)
  } catch (error) {
    const e = toNatsxError(error)
    if (e.exitCode === 3) throw notFound(`object store bucket "${bucket}" not found`, 'list buckets with `natsx object ls`')
    throw e
  }
}

export async function openObjectStore(js: JetStreamClient, jsm: JetStreamManager, bucket: string): Promise<{info: StreamInfo; os: ObjectStore}> {
  const info = await objBucketInfo(jsm, bucket)
  const {Objm} = await import('../nats/obj.js')
  trackConsumers(js)
  const os = await new Objm(js).open(bucket, false)
  return {info, os}
}

export async function listObjBuckets(jsm: JetStreamManager): Promise<ObjBucketSummary[]> {
  const out: ObjBucketSummary[] = []
  for await (const si of jsm.streams.list()) if (si.config.name.startsWith('OBJ_')) out.push(objBucketSummary(si))
  return out.sort((a, b) => a.bucket.localeCompare(b.bucket))
}

export async function listObjects(os: ObjectStore): Promise<ObjectRecord[]> {
  return objectRecords(await os.list())
}

/** The live objects of a listing, by name. */
export function objectRecords(list: ObjectInfo[]): ObjectRecord[] {
  return list
    .filter((i) => !i.deleted)
    .map((i) => objectRecord(i))
    .sort((a, b) => a.name.localeCompare(b.name))
}

/** An object's info; a missing or deleted object is exit 3. */
export async function objectInfo(os: ObjectStore, bucket: string, name: string): Promise<ObjectInfo> {
  const i = await os.info(name)
  if (!i || i.deleted) throw notFound(`object "${name}" not found in bucket "${bucket}"`, 'list objects with `natsx object ls BUCKET`')
  return i
}

/** Changes to a sealed bucket are exit 4 before anything is sent. */
export function refuseSealed(info: StreamInfo, bucket: string): void {
  if (info.config.sealed) throw conflict(`bucket "${bucket}" is sealed: its objects cannot change`, 'write to another bucket')
}

export interface ObjEditOutcome {
  applied: boolean
  changes: ConfigChange[]
  info: StreamInfo
}

/**
 * Change an object bucket's configuration: the field-level differences, written only when there are some and this
 * is not a dry run. A sealed bucket is exit 4 when something would change.
 */
export async function editObjBucket(jsm: JetStreamManager, before: StreamInfo, changes: Partial<ObjConfig>, dryRun: boolean, caps?: Capabilities): Promise<ObjEditOutcome> {
  const next = applyObjChanges(before.config as never, changes)
  const diff = diffConfigs(normalizeObjConfig(before.config as never), normalizeObjConfig(next))
  if (diff.length === 0) return {applied: false, changes: diff, info: before}
  // a dry run says what the change would meet: a sealed bucket refuses it
  if (before.config.sealed) {
    throw conflict(`bucket "${normalizeObjConfig(before.config as never).bucket}" is sealed: its configuration cannot change`, 'make a new bucket with the configuration you want')
  }

  const refused = bucketEditRefusals(diff, caps)
  if (refused.length > 0) {
    const r = refused[0]
    if (r.feature) caps?.require(r.feature, `changing ${r.field} of an existing bucket`)
    throw usageError(`bucket "${normalizeObjConfig(before.config as never).bucket}": ${r.reason}`, 'make a new bucket with the setting you want')
  }

  if (dryRun) return {applied: false, changes: diff, info: before}

  return {applied: true, changes: diff, info: await jsm.streams.update(before.config.name, next)}
}
