/**
 * Key-Value bucket configuration as pure data: flags → a bucket config, the server's view normalised to the same
 * shape, a diff of two configs, and the features a config needs from the server. `natsx apply` reuses these.
 */
import {type Capabilities, clusterNeeds, type Feature, FEATURES} from '../capabilities.js'
import {NatsxError, usageError} from '../errors.js'
import {msToNanos, nanosToMs} from '../format/duration.js'
import {parseKeyValues} from '../key-values.js'
import {streamConfigFromFlags} from '../streams/config.js'
import {validateFilterSubject, validateName} from '../subjects.js'

export type StorageName = 'file' | 'memory'

/** The bucket a mirror or a source reads from, and its JetStream domain when it is in another one. */
export interface KvOrigin {
  bucket: string
  domain?: string
}

/** Every stored value matching `src` (a subject under `$KV.<bucket>.>`) is published again to `dest`. */
export interface KvRepublish {
  dest: string
  /** only the headers (with `Nats-Msg-Size`), no value */
  headers_only?: boolean
  src: string
}

export interface KvPlacement {
  cluster?: string
  tags?: string[]
}

/** A bucket's configuration, natsx's one shape (JSON output of `kv add/edit/info`, input of `apply`). */
export interface KvConfig {
  bucket: string
  compression: boolean
  description: string
  /** values kept per key, 1..64 */
  history: number
  /** how long limit markers stay (2.11+), 0 = off */
  marker_ttl_ms: number
  /** max bytes of the whole bucket, -1 unlimited */
  max_bucket_size: number
  /** max bytes of one value, -1 unlimited */
  max_value_size: number
  metadata: Record<string, string>
  /** the bucket this one is a read-only copy of; absent when none */
  mirror?: KvOrigin
  /** where the servers of the bucket are placed; absent when not asked for */
  placement?: KvPlacement
  replicas: number
  /** republishing of stored values; absent when off */
  republish?: KvRepublish
  /** the buckets whose keys are copied into this one (needs nats-server 2.10+); absent when none */
  sources?: KvOrigin[]
  storage: StorageName
  /** how long a value lives, 0 = forever */
  ttl_ms: number
}

export interface KvFlagInput {
  cluster?: string
  compress?: boolean
  description?: string
  history?: number
  'marker-ttl'?: number
  'max-bucket-size'?: number
  'max-value-size'?: number
  metadata?: string[]
  mirror?: string
  'mirror-domain'?: string
  replicas?: number
  'republish-destination'?: string
  'republish-headers'?: boolean
  'republish-source'?: string
  source?: string[]
  storage?: string
  tags?: string[]
  ttl?: number
}

export const KV_DEFAULTS: Omit<KvConfig, 'bucket'> = {
  compression: false,
  description: '',
  history: 1,
  marker_ttl_ms: 0,
  max_bucket_size: -1,
  max_value_size: -1,
  metadata: {},
  replicas: 1,
  storage: 'file',
  ttl_ms: 0,
}

export function validateBucketName(name: string): void {
  validateName(name, 'bucket')
  if (!/^[-\w]+$/.test(name)) throw usageError(`invalid bucket name "${name}": use letters, digits, "-" and "_"`)
}

/** KV keys: the server's rules (letters, digits, `-/_=.`, no leading or trailing dot). Filters may use `*` and `>`. */
export function validateKey(key: string, filter = false): void {
  const re = filter ? /^[-/=.\w*>]+$/ : /^[-/=.\w]+$/
  if (!key || !re.test(key) || key.startsWith('.') || key.endsWith('.') || key.includes('..')) {
    throw usageError(`invalid key "${key}": keys are letters, digits and - / _ = . (no leading, trailing or double dot)${filter ? '; * and > match tokens' : ''}`)
  }

  if (filter) validateFilterSubject(key, 'key filter')
}

/** A bucket's `--metadata key:value` items (trimmed), or undefined when none were given. */
export function parseMetadata(pairs: string[] | undefined): Record<string, string> | undefined {
  if (!pairs || pairs.length === 0) return undefined
  return parseKeyValues(pairs, 'metadata', undefined, {separator: ':', trim: true})
}

/** The bucket a `KV_<bucket>` stream holds. */
export function kvBucketOf(streamName: string): string {
  return streamName.replace(/^KV_/, '')
}

export function parseStorage(s: string | undefined): StorageName | undefined {
  if (s === undefined) return undefined
  if (s === 'file' || s === 'memory') return s
  throw usageError(`--storage must be file or memory, not "${s}"`)
}

function checkLimits(c: Partial<KvConfig>): void {
  if (c.history !== undefined && (c.history < 1 || c.history > 64)) throw usageError(`--history must be between 1 and 64, not ${c.history}`)
  if (c.replicas !== undefined && (c.replicas < 1 || c.replicas > 5)) throw usageError(`--replicas must be between 1 and 5, not ${c.replicas}`)
  if (c.ttl_ms !== undefined && c.ttl_ms < 0) throw usageError('--ttl must not be negative')
  if (c.marker_ttl_ms !== undefined && c.marker_ttl_ms !== 0 && c.marker_ttl_ms < 1000) throw usageError('--marker-ttl must be at least 1s')
}

/** A bucket named by a flag: a valid name that is not the bucket itself. */
function originName(flag: string, name: string, bucket: string): string {
  try {
    validateBucketName(name)
  } catch (error) {
    throw usageError(`--${flag}: ${(error as NatsxError).message}`)
  }

  if (name === bucket) throw usageError(`--${flag} ${name}: a bucket cannot ${flag === 'mirror' ? 'mirror' : 'source'} itself`, 'name another bucket')
  return name
}

/**
 * Mirror, sources, republish and placement flags as KvConfig fields, checked with the stream builders. A republish
 * source defaults to every key of the bucket and must stay inside it.
 */
function kvTopologyFromFlags(bucket: string, f: KvFlagInput): Partial<KvConfig> {
  const c: Partial<KvConfig> = {}
  if (f['mirror-domain'] !== undefined && f.mirror === undefined) throw usageError('--mirror-domain needs --mirror', 'add --mirror BUCKET')
  if (f.mirror !== undefined && f.source) throw usageError('--mirror and --source exclude each other', 'a bucket mirrors one bucket or sources from others, not both')
  if (f['republish-destination'] === undefined && (f['republish-source'] !== undefined || f['republish-headers'])) {
    throw usageError(`--${f['republish-source'] === undefined ? 'republish-headers' : 'republish-source'} needs --republish-destination`, 'add --republish-destination SUBJECT')
  }

  const all = `$KV.${bucket}.>`
  const repub = f['republish-destination'] === undefined ? {} : {'republish-destination': f['republish-destination'], 'republish-headers': f['republish-headers'], 'republish-source': f['republish-source'] ?? all}
  const sc = streamConfigFromFlags({
    cluster: f.cluster,
    mirror: f.mirror === undefined ? undefined : originName('mirror', f.mirror, bucket),
    source: f.source?.map((s) => originName('source', s, bucket)),
    tag: f.tags,
    ...repub,
  })
  if (sc.mirror) c.mirror = {bucket: sc.mirror.name, ...(f['mirror-domain'] ? {domain: f['mirror-domain']} : {})}
  if (sc.sources) c.sources = sc.sources.map((s) => ({bucket: s.name}))
  if (sc.republish) {
    const {dest, headers_only: headersOnly, src} = sc.republish
    validateFilterSubject(src, '--republish-source')
    validateFilterSubject(dest, '--republish-destination')
    if (src !== all && !src.startsWith(`$KV.${bucket}.`)) throw usageError(`--republish-source "${src}" is outside the bucket`, `use a subject under ${all}`)
    if (dest.startsWith('$KV.')) throw usageError(`--republish-destination "${dest}" is a KV subject and would write into a bucket`, 'republish to a subject outside $KV.>')
    c.republish = {dest, src, ...(headersOnly ? {headers_only: true} : {})}
  }

  if (sc.placement) {
    if (f.cluster === '') throw usageError('--cluster must not be empty')
    c.placement = {...(f.cluster ? {cluster: f.cluster} : {}), ...(f.tags?.length ? {tags: f.tags} : {})}
  }

  return c
}

/** The flags given, as a partial config (only what was set): the input of `edit`. */
export function kvChangesFromFlags(flags: KvFlagInput, bucket = ''): Partial<KvConfig> {
  const c: Partial<KvConfig> = kvTopologyFromFlags(bucket, flags)
  if (flags.description !== undefined) c.description = flags.description
  if (flags.history !== undefined) c.history = flags.history
  if (flags.ttl !== undefined) c.ttl_ms = flags.ttl
  if (flags['max-value-size'] !== undefined) c.max_value_size = flags['max-value-size']
  if (flags['max-bucket-size'] !== undefined) c.max_bucket_size = flags['max-bucket-size']
  if (flags.replicas !== undefined) c.replicas = flags.replicas
  const storage = parseStorage(flags.storage)
  if (storage) c.storage = storage
  if (flags.compress !== undefined) c.compression = flags.compress
  if (flags['marker-ttl'] !== undefined) c.marker_ttl_ms = flags['marker-ttl']
  const md = parseMetadata(flags.metadata)
  if (md) c.metadata = md
  checkLimits(c)
  return c
}

/** A full bucket config from flags, server defaults for what is not given: the input of `add`. */
export function kvConfigFromFlags(bucket: string, flags: KvFlagInput): KvConfig {
  validateBucketName(bucket)
  return {...KV_DEFAULTS, bucket, ...kvChangesFromFlags(flags, bucket)}
}

/** The server features a config needs beyond what every JetStream server has. */
export function kvRequiredFeatures(c: Partial<KvConfig>): Array<[Feature, string]> {
  const out: Array<[Feature, string]> = []
  if (c.compression) out.push(['kv-compression', 'KV compression (--compress)'])
  if (c.marker_ttl_ms) out.push(['kv-marker-ttl', 'KV limit marker TTL (--marker-ttl)'])
  if (c.metadata && Object.keys(c.metadata).length > 0) out.push(['stream-metadata', 'bucket metadata (--metadata)'])
  // nats.js (like nats.go) maps a source's `$KV.<source>.>` onto this bucket's subjects with a subject transform
  if (c.sources?.some((s) => !s.domain && s.bucket !== c.bucket)) out.push(['subject-transform', 'KV sources (--source), which need subject transforms,'])
  return out
}

const origin = (o: KvOrigin): {domain?: string; name: string} => ({name: o.bucket, ...(o.domain ? {domain: o.domain} : {})})

/** Refuse (exit 8) what the connected server would silently ignore, a lone server's placement and replicas too. */
export function checkKvCapabilities(c: Partial<KvConfig>, caps: Capabilities): void {
  for (const [f, what] of kvRequiredFeatures(c)) caps.require(f, what)
  for (const need of clusterNeeds(c, {flags: true})) caps.requireCluster(need.what)
}

/**
 * The stream configuration of a new `KV_<bucket>` stream, as the KV design (ADR-8) and the C and Go clients make it:
 * rollups allowed, deletes of single revisions denied, direct gets, discard new. Only fields that are set are sent
 * (a 2.12+ server rejects unknown ones, and an older one would drop them).
 */
export function kvStreamConfig(c: KvConfig): Record<string, unknown> {
  const sc: Record<string, unknown> = {
    allow_direct: true,
    allow_rollup_hdrs: true,
    deny_delete: true,
    discard: 'new',
    max_msgs_per_subject: c.history,
    name: `KV_${c.bucket}`,
    num_replicas: c.replicas,
    retention: 'limits',
    storage: c.storage,
  }
  if (c.description) sc.description = c.description
  if (c.ttl_ms > 0) sc.max_age = msToNanos(c.ttl_ms)
  if (c.max_bucket_size >= 0) sc.max_bytes = c.max_bucket_size
  if (c.max_value_size >= 0) sc.max_msg_size = c.max_value_size
  if (c.compression) sc.compression = 's2'
  if (Object.keys(c.metadata).length > 0) sc.metadata = c.metadata
  if (c.marker_ttl_ms > 0) {
    sc.allow_msg_ttl = true
    sc.subject_delete_marker_ttl = msToNanos(c.marker_ttl_ms)
  }

  if (c.placement) sc.placement = {...(c.placement.cluster ? {cluster: c.placement.cluster} : {}), ...(c.placement.tags?.length ? {tags: c.placement.tags} : {})}
  if (c.republish) sc.republish = c.republish
  if (c.mirror) {
    sc.mirror = {...origin(c.mirror), name: `KV_${c.mirror.bucket}`}
    sc.mirror_direct = true
  } else {
    sc.subjects = [`$KV.${c.bucket}.>`]
    if (c.sources && c.sources.length > 0) {
      sc.sources = c.sources.map((s) => ({
        ...origin(s),
        name: `KV_${s.bucket}`,
        ...(s.domain || s.bucket === c.bucket ? {} : {subject_transforms: [{dest: `$KV.${c.bucket}.>`, src: `$KV.${s.bucket}.>`}]}),
      }))
    }
  }

  return sc
}

/** Options for nats.js `Kvm.create`. */
export function kvCreateOptions(c: KvConfig): Record<string, unknown> {
  const o: Record<string, unknown> = {
    description: c.description,
    history: c.history,
    max_bytes: c.max_bucket_size,
    maxValueSize: c.max_value_size,
    replicas: c.replicas,
    storage: c.storage,
    ttl: c.ttl_ms,
  }
  if (c.compression) o.compression = true
  if (c.marker_ttl_ms) o.markerTTL = c.marker_ttl_ms
  if (Object.keys(c.metadata).length > 0) o.metadata = c.metadata
  if (c.mirror) o.mirror = origin(c.mirror)
  if (c.sources && c.sources.length > 0) o.sources = c.sources.map((s) => origin(s))
  if (c.republish) o.republish = c.republish
  if (c.placement) o.placement = {cluster: c.placement.cluster ?? '', tags: c.placement.tags ?? []}
  return o
}

/** A stream source as the server reports it. */
export interface KvSourceLike {
  external?: {api?: string}
  name: string
}

function originFromSource(s: KvSourceLike): KvOrigin {
  const domain = /^\$JS\.(.+)\.API$/.exec(s.external?.api ?? '')?.[1]
  return {bucket: kvBucketOf(s.name), ...(domain ? {domain} : {})}
}

/** The subset of a JetStream stream config a KV bucket is made of. */
export interface KvStreamConfigLike {
  allow_msg_ttl?: boolean
  compression?: string
  deny_delete?: boolean
  description?: string
  max_age?: number
  max_bytes?: number
  max_msg_size?: number
  max_msgs_per_subject?: number
  metadata?: Record<string, string>
  mirror?: KvSourceLike
  name: string
  num_replicas?: number
  placement?: {cluster?: string; tags?: string[]}
  republish?: {dest: string; headers_only?: boolean; src?: string}
  sources?: KvSourceLike[]
  storage?: string
  subject_delete_marker_ttl?: number
}

/** The server's stream config of `KV_<bucket>`, normalised to KvConfig (server defaults made explicit). */
export function normalizeKvConfig(sc: KvStreamConfigLike): KvConfig {
  const metadata: Record<string, string> = {}
  for (const [k, v] of Object.entries(sc.metadata ?? {})) if (!k.startsWith('_nats.')) metadata[k] = v
  const bucket = kvBucketOf(sc.name)
  const placement: KvPlacement = {
    ...(sc.placement?.cluster ? {cluster: sc.placement.cluster} : {}),
    ...(sc.placement?.tags?.length ? {tags: sc.placement.tags} : {}),
  }
  return {
    bucket,
    compression: Boolean(sc.compression && sc.compression !== 'none'),
    description: sc.description ?? '',
    history: sc.max_msgs_per_subject && sc.max_msgs_per_subject > 0 ? sc.max_msgs_per_subject : 1,
    marker_ttl_ms: sc.subject_delete_marker_ttl ? nanosToMs(sc.subject_delete_marker_ttl) : 0,
    max_bucket_size: sc.max_bytes === undefined || sc.max_bytes <= 0 ? -1 : sc.max_bytes,
    max_value_size: sc.max_msg_size === undefined || sc.max_msg_size <= 0 ? -1 : sc.max_msg_size,
    metadata,
    ...(sc.mirror ? {mirror: originFromSource(sc.mirror)} : {}),
    ...(Object.keys(placement).length > 0 ? {placement} : {}),
    replicas: sc.num_replicas && sc.num_replicas > 0 ? sc.num_replicas : 1,
    ...(sc.republish?.dest
      ? {republish: {dest: sc.republish.dest, src: sc.republish.src || `$KV.${bucket}.>`, ...(sc.republish.headers_only ? {headers_only: true} : {})}}
      : {}),
    ...(sc.sources && sc.sources.length > 0 ? {sources: sc.sources.map((s) => originFromSource(s))} : {}),
    storage: sc.storage === 'memory' ? 'memory' : 'file',
    ttl_ms: sc.max_age ? nanosToMs(sc.max_age) : 0,
  }
}

/** Apply KvConfig changes to a KV stream config (for a stream update). Storage cannot change. */
export function applyKvChanges<T extends KvStreamConfigLike>(sc: T, changes: Partial<KvConfig>): T {
  const out: T = {...sc}
  if (changes.description !== undefined) out.description = changes.description
  if (changes.history !== undefined) out.max_msgs_per_subject = changes.history
  if (changes.ttl_ms !== undefined) out.max_age = msToNanos(changes.ttl_ms)
  if (changes.max_value_size !== undefined) out.max_msg_size = changes.max_value_size
  if (changes.max_bucket_size !== undefined) out.max_bytes = changes.max_bucket_size
  if (changes.replicas !== undefined) out.num_replicas = changes.replicas
  if (changes.compression !== undefined) out.compression = changes.compression ? 's2' : 'none'
  if (changes.marker_ttl_ms !== undefined) {
    out.subject_delete_marker_ttl = msToNanos(changes.marker_ttl_ms)
    // limit markers carry a TTL: the stream must allow one (and a server never turns that off again)
    if (changes.marker_ttl_ms > 0) out.allow_msg_ttl = true
  }

  if (changes.metadata !== undefined) out.metadata = {...sc.metadata, ...changes.metadata}
  if ('republish' in changes) {
    if (changes.republish) out.republish = changes.republish
    else delete out.republish
  }

  if ('placement' in changes) out.placement = {cluster: changes.placement?.cluster ?? '', tags: changes.placement?.tags ?? []}
  if ('sources' in changes) {
    const name = kvBucketOf(sc.name)
    out.sources = (changes.sources ?? []).map((s) => ({
      ...origin(s),
      ...(s.domain || s.bucket === name ? {} : {subject_transforms: [{dest: `$KV.${name}.>`, src: `$KV.${s.bucket}.>`}]}),
    }))
  }

  return out
}

/** How an existing bucket's field can change: in place, only switched on (never off), or only in a new bucket. */
export type UpdateRule = 'enable-only' | 'in-place' | 'recreate'

export interface EditRefusal extends ConfigChange {
  /** the feature the connected server lacks to make the change in place (exit 8), when that is the reason */
  feature?: Feature
  reason: string
  rule: UpdateRule
}

/**
 * The update rule of a bucket field (KV or object; `deny_delete` included) on the connected server. Without `caps`
 * the rules every server shares: storage and mirror are chosen at creation, a limit marker TTL and deny_delete are
 * switched on but never off, the rest changes in place.
 */
export function bucketUpdateRule(field: string, caps?: Capabilities): {feature?: Feature; rule: UpdateRule} {
  switch (field) {
    case 'compression': {
      return {rule: 'in-place', ...(caps && !caps.has('stream-compression') ? {feature: 'stream-compression' as const} : {})}
    }

    case 'deny_delete': {
      return {rule: 'enable-only'}
    }

    case 'marker_ttl_ms': {
      return {rule: 'enable-only', ...(caps && !caps.has('kv-marker-ttl') ? {feature: 'kv-marker-ttl' as const} : {})}
    }

    case 'metadata': {
      return {rule: 'in-place', ...(caps && !caps.has('stream-metadata') ? {feature: 'stream-metadata' as const} : {})}
    }

    case 'mirror':
    case 'storage': {
      return {rule: 'recreate'}
    }

    case 'republish': {
      return caps && !caps.has('republish-update') ? {feature: 'republish-update', rule: 'recreate'} : {rule: 'in-place'}
    }

    default: {
      return {rule: 'in-place'}
    }
  }
}

const isOff = (v: unknown): boolean => v === undefined || v === false || v === 0

/**
 * The changes `kv edit` / `object edit` (and `apply`) cannot make in place on the connected server (`caps`), each with
 * its reason: a field fixed at creation, an enable-only setting being switched off, or a change this server version
 * cannot make (with the feature it lacks).
 */
export function bucketEditRefusals(changes: ConfigChange[], caps?: Capabilities): EditRefusal[] {
  const out: EditRefusal[] = []
  for (const c of changes) {
    const {feature, rule} = bucketUpdateRule(c.field, caps)
    if (rule === 'recreate' && feature) {
      out.push({...c, feature, reason: `${c.field} cannot change in place on nats-server ${caps?.version ?? '?'}; it needs ${FEATURES[feature].version}`, rule})
    } else if (rule === 'recreate') {
      out.push({...c, reason: `${c.field} cannot be changed after the bucket is created`, rule})
    } else if (rule === 'enable-only' && isOff(c.to) && !isOff(c.from)) {
      out.push({...c, reason: `${c.field} can be switched on but never off`, rule})
    } else if (feature) {
      out.push({...c, feature, reason: `${c.field} requires nats-server ${FEATURES[feature].version}; connected server is ${caps?.version ?? '?'}`, rule})
    }
  }

  return out
}

export interface ConfigChange {
  field: string
  from: unknown
  to: unknown
}

/** Field-by-field differences of two configs of the same shape (objects compared by JSON). */
export function diffConfigs<T extends object>(from: T, to: T): ConfigChange[] {
  const out: ConfigChange[] = []
  const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort()
  for (const k of keys) {
    const a = (from as Record<string, unknown>)[k]
    const b = (to as Record<string, unknown>)[k]
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push({field: k, from: a, to: b})
  }

  return out
}
