/**
 * Object Store bucket configuration as pure data (flags → config, server view normalised, capability checks).
 * `natsx apply` reuses these.
 */
import {type Capabilities, clusterNeeds, type Feature} from '../capabilities.js'
import {usageError} from '../errors.js'
import {msToNanos, nanosToMs} from '../format/duration.js'
import {parseMetadata, parseStorage, type StorageName, validateBucketName} from '../kv/config.js'

export interface ObjConfig {
  bucket: string
  compression: boolean
  description: string
  /** max bytes of the whole bucket, -1 unlimited */
  max_bucket_size: number
  metadata: Record<string, string>
  replicas: number
  storage: StorageName
  /** how long an object lives, 0 = forever */
  ttl_ms: number
}

export interface ObjFlagInput {
  compress?: boolean
  description?: string
  'max-bucket-size'?: number
  metadata?: string[]
  replicas?: number
  storage?: string
  ttl?: number
}

export const OBJ_DEFAULTS: Omit<ObjConfig, 'bucket'> = {
  compression: false,
  description: '',
  max_bucket_size: -1,
  metadata: {},
  replicas: 1,
  storage: 'file',
  ttl_ms: 0,
}

export function objChangesFromFlags(flags: ObjFlagInput): Partial<ObjConfig> {
  const c: Partial<ObjConfig> = {}
  if (flags.description !== undefined) c.description = flags.description
  if (flags.ttl !== undefined) {
    if (flags.ttl < 0) throw usageError('--ttl must not be negative')
    c.ttl_ms = flags.ttl
  }

  if (flags['max-bucket-size'] !== undefined) c.max_bucket_size = flags['max-bucket-size']
  if (flags.replicas !== undefined) {
    if (flags.replicas < 1 || flags.replicas > 5) throw usageError(`--replicas must be between 1 and 5, not ${flags.replicas}`)
    c.replicas = flags.replicas
  }

  const storage = parseStorage(flags.storage)
  if (storage) c.storage = storage
  if (flags.compress !== undefined) c.compression = flags.compress
  const md = parseMetadata(flags.metadata)
  if (md) c.metadata = md
  return c
}

export function objConfigFromFlags(bucket: string, flags: ObjFlagInput): ObjConfig {
  validateBucketName(bucket)
  return {...OBJ_DEFAULTS, bucket, ...objChangesFromFlags(flags)}
}

export function objRequiredFeatures(c: Partial<ObjConfig>): Array<[Feature, string]> {
  const out: Array<[Feature, string]> = []
  if (c.compression) out.push(['stream-compression', 'object store compression (--compress)'])
  if (c.metadata && Object.keys(c.metadata).length > 0) out.push(['stream-metadata', 'bucket metadata (--metadata)'])
  return out
}

/** Refuse (exit 8) what the connected server would silently ignore; more than one replica needs a cluster. */
export function checkObjCapabilities(c: Partial<ObjConfig>, caps: Capabilities): void {
  for (const [f, what] of objRequiredFeatures(c)) caps.require(f, what)
  for (const need of clusterNeeds({replicas: c.replicas}, {flags: true})) caps.requireCluster(need.what)
}

/** Options for nats.js `Objm.create`. */
export function objCreateOptions(c: ObjConfig): Record<string, unknown> {
  const o: Record<string, unknown> = {
    description: c.description,
    max_bytes: c.max_bucket_size,
    replicas: c.replicas,
    storage: c.storage,
    ttl: msToNanos(c.ttl_ms),
  }
  if (c.compression) o.compression = true
  if (Object.keys(c.metadata).length > 0) o.metadata = c.metadata
  return o
}

export interface ObjStreamConfigLike {
  compression?: string
  description?: string
  max_age?: number
  max_bytes?: number
  metadata?: Record<string, string>
  name: string
  num_replicas?: number
  storage?: string
}

/** An object bucket's changes on its stream configuration (`object edit`, `natsx apply`). Storage cannot change. */
export function applyObjChanges<T extends ObjStreamConfigLike>(sc: T, changes: Partial<ObjConfig>): T {
  const out: T = {...sc}
  if (changes.description !== undefined) out.description = changes.description
  if (changes.ttl_ms !== undefined) out.max_age = msToNanos(changes.ttl_ms)
  if (changes.max_bucket_size !== undefined) out.max_bytes = changes.max_bucket_size
  if (changes.replicas !== undefined) out.num_replicas = changes.replicas
  if (changes.compression !== undefined) out.compression = changes.compression ? 's2' : 'none'
  if (changes.metadata !== undefined) out.metadata = {...sc.metadata, ...changes.metadata}
  return out
}

export function normalizeObjConfig(sc: ObjStreamConfigLike): ObjConfig {
  const metadata: Record<string, string> = {}
  for (const [k, v] of Object.entries(sc.metadata ?? {})) if (!k.startsWith('_nats.')) metadata[k] = v
  return {
    bucket: sc.name.replace(/^OBJ_/, ''),
    compression: Boolean(sc.compression && sc.compression !== 'none'),
    description: sc.description ?? '',
    max_bucket_size: sc.max_bytes === undefined || sc.max_bytes <= 0 ? -1 : sc.max_bytes,
    metadata,
    replicas: sc.num_replicas && sc.num_replicas > 0 ? sc.num_replicas : 1,
    storage: sc.storage === 'memory' ? 'memory' : 'file',
    ttl_ms: sc.max_age ? nanosToMs(sc.max_age) : 0,
  }
}
