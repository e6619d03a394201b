/**
 * The fields a natsx spec accepts, per kind of resource, in one table. The validator (spec.ts), the JSON Schema
 * (`natsx apply --schema`) and the exporter read the same table, so they cannot disagree.
 *
 * Field names are the JetStream API's (what `stream info --json` prints). Durations accept the API's
 * nanoseconds or a string such as `24h`; sizes accept bytes or a string such as `10GiB` (`-1` is unlimited).
 */

import type {Feature} from '../capabilities.js'

export type FieldType =
  | 'bool'
  | 'duration'
  | 'duration_ms'
  | 'durations'
  | 'enum'
  | 'int'
  | 'map'
  | 'object'
  | 'objects'
  | 'size'
  | 'state'
  | 'string'
  | 'strings'

export interface FieldDef {
  description: string
  /** for `object` and `objects`: the fields of the nested object */
  fields?: Record<string, FieldDef>
  max?: number
  min?: number
  /** for `string`: a JSON Schema pattern (names) */
  pattern?: string
  /** nested object fields that must be present */
  required?: string[]
  /**
   * the feature (capability table) a server needs to honour the field when it is set to something other than its
   * zero value; older servers drop such a field silently, so natsx refuses it (exit 8)
   */
  since?: Feature
  /** like `since`, for single values of an enum (`priority_policy: prioritized`) */
  sinceValues?: Record<string, Feature>
  type: FieldType
  /** for `enum` */
  values?: string[]
}

const str = (description: string): FieldDef => ({description, type: 'string'})
/** A field a newer server added: `def` with the feature it needs. */
const since = (feature: Feature, def: FieldDef): FieldDef => ({...def, since: feature})
/** Stream and consumer names: no whitespace, `.`, `*`, `>`, `/` or `\\` (the server's rule, as validateName checks). */
const NAME_PATTERN = String.raw`^[^\s.*>/\\]+$`
const nameField = (description: string): FieldDef => ({description, pattern: NAME_PATTERN, type: 'string'})
const bucketName = (description: string): FieldDef => ({description, pattern: String.raw`^[-\w]+$`, type: 'string'})
const bool = (description: string): FieldDef => ({description, type: 'bool'})
const int = (description: string, min = -1, max?: number): FieldDef => ({description, max, min, type: 'int'})
const dur = (description: string): FieldDef => ({description, type: 'duration'})
const durMs = (description: string): FieldDef => ({description, type: 'duration_ms'})
const size = (description: string): FieldDef => ({description, type: 'size'})
const oneOf = (description: string, values: string[]): FieldDef => ({description, type: 'enum', values})
/** Read-only state that `kv info --json` / `object info --json` print next to the configuration: accepted, ignored. */
const state = (): FieldDef => ({description: 'state printed by `info --json`; ignored', type: 'state'})

const SOURCE_FIELDS: Record<string, FieldDef> = {
  domain: str('JetStream domain of the origin stream'),
  external: {
    description: 'origin in another account or domain',
    fields: {api: str('API prefix'), deliver: str('delivery prefix')},
    required: ['api'],
    type: 'object',
  },
  filter_subject: str('only messages on this subject'),
  name: str('origin stream name'),
  opt_start_seq: int('start at this sequence', 0),
  opt_start_time: str('start at this time (RFC 3339)'),
  subject_transforms: since('subject-transform', {
    description: 'subject transforms applied while sourcing (2.10+)',
    fields: {dest: str('destination'), src: str('source filter')},
    required: ['src', 'dest'],
    type: 'objects',
  }),
  consumer: since('durable-sourcing', {
    description: 'durable sourcing through this consumer of the origin (2.14+)',
    fields: {deliver_subject: str('its delivery subject'), name: str('consumer name')},
    type: 'object',
  }),
}

export const CONSUMER_FIELDS: Record<string, FieldDef> = {
  ack_policy: oneOf('acknowledgement policy', ['explicit', 'all', 'none']),
  ack_wait: dur('time to wait for an acknowledgement before redelivery'),
  backoff: {description: 'redelivery delays, one per attempt', type: 'durations'},
  deliver_group: str('queue group of a push consumer'),
  deliver_policy: oneOf('where delivery starts', [
    'all',
    'last',
    'new',
    'last_per_subject',
    'by_start_sequence',
    'by_start_time',
  ]),
  deliver_subject: str('delivery subject: makes a push consumer'),
  description: str('description'),
  durable_name: nameField('consumer name (same as name; consumers in a spec are always durable)'),
  filter_subject: str('only messages on this subject'),
  filter_subjects: since('multi-filter', {description: 'only messages on these subjects (2.10+)', type: 'strings'}),
  flow_control: bool('push flow control'),
  headers_only: bool('deliver headers only'),
  idle_heartbeat: dur('push idle heartbeat'),
  inactive_threshold: dur('remove the consumer after this much inactivity'),
  max_ack_pending: int('most unacknowledged messages'),
  max_batch: int('largest pull batch', 0),
  max_bytes: size('largest pull request in bytes'),
  max_deliver: int('most delivery attempts'),
  max_expires: dur('longest pull request expiry'),
  max_waiting: int('most waiting pull requests', 0),
  mem_storage: bool('keep the consumer state in memory'),
  metadata: since('consumer-metadata', {description: 'string metadata (2.10+)', type: 'map'}),
  name: nameField('consumer name'),
  num_replicas: int('replicas (0: as the stream)', 0, 5),
  opt_start_seq: int('start sequence (deliver_policy by_start_sequence)', 0),
  opt_start_time: str('start time, RFC 3339 (deliver_policy by_start_time)'),
  pause_until: since('consumer-pause', str('paused until this time, RFC 3339 (2.11+)')),
  priority_groups: since('priority-groups', {description: 'priority groups (2.11+)', type: 'strings'}),
  priority_policy: {
    ...since('priority-groups', oneOf('priority policy (2.11+; prioritized 2.12+)', ['none', 'overflow', 'pinned_client', 'prioritized'])),
    sinceValues: {prioritized: 'prioritized-policy'},
  },
  priority_timeout: since('priority-timeout', dur('pinned client timeout (2.11+)')),
  rate_limit_bps: int('push rate limit in bits per second', 0),
  replay_policy: oneOf('replay speed', ['instant', 'original']),
  sample_freq: str('sampling percentage such as 30%'),
}

/** Top-level consumers name their stream. */
export const TOP_CONSUMER_FIELDS: Record<string, FieldDef> = {
  ...CONSUMER_FIELDS,
  stream: nameField('the stream the consumer belongs to'),
}

export const STREAM_FIELDS: Record<string, FieldDef> = {
  allow_atomic: since('stream-atomic-batch', bool('atomic batch publish (2.12+)')),
  allow_batched: since('fast-batch', bool('fast batch publish (2.14+)')),
  allow_direct: bool('direct get'),
  allow_msg_counter: since('stream-counters', bool('counter stream (2.12+)')),
  allow_msg_schedules: since('stream-schedules', bool('message schedules (2.12+)')),
  allow_msg_ttl: since('msg-ttl', bool('per-message TTL (2.11+)')),
  allow_rollup_hdrs: bool('allow Nats-Rollup headers'),
  compression: since('stream-compression', oneOf('storage compression (2.10+)', ['none', 's2'])),
  consumer_limits: {
    since: 'stream-consumer-limits',
    description: 'defaults and limits for consumers (2.10+)',
    fields: {
      inactive_threshold: dur('largest inactive threshold'),
      max_ack_pending: int('largest max_ack_pending'),
    },
    type: 'object',
  },
  consumers: {
    description: 'durable consumers of this stream',
    fields: CONSUMER_FIELDS,
    required: [],
    type: 'objects',
  },
  deny_delete: bool('refuse message deletion'),
  deny_purge: bool('refuse purges'),
  description: str('description'),
  discard: oneOf('what to discard at a limit', ['old', 'new']),
  discard_new_per_subject: bool('discard new per subject (needs discard new)'),
  duplicate_window: dur('de-duplication window'),
  first_seq: since('first-sequence', int('first sequence (2.10+)', 0)),
  max_age: dur('oldest message age (0: unlimited)'),
  max_bytes: size('largest stream size (-1: unlimited)'),
  max_consumers: int('most consumers (-1: unlimited)'),
  max_msg_size: size('largest message (-1: unlimited)'),
  max_msgs: int('most messages (-1: unlimited)'),
  max_msgs_per_subject: int('most messages per subject (-1: unlimited)'),
  metadata: since('stream-metadata', {description: 'string metadata (2.10+)', type: 'map'}),
  mirror: {description: 'mirror another stream', fields: SOURCE_FIELDS, required: ['name'], type: 'object'},
  mirror_direct: bool('direct get on the mirror'),
  name: nameField('stream name'),
  no_ack: bool('do not acknowledge publishes'),
  num_replicas: int('replicas', 1, 5),
  persist_mode: since('persist-mode', oneOf('persistence mode (2.12+)', ['default', 'async'])),
  placement: {
    description: 'cluster placement',
    fields: {
      cluster: str('cluster name'),
      preferred: since('placement-preferred', str('preferred server (2.11+)')),
      tags: {description: 'server tags', type: 'strings'},
    },
    type: 'object',
  },
  republish: {
    description: 'republish stored messages',
    fields: {dest: str('destination'), headers_only: bool('headers only'), src: str('source filter')},
    required: ['src', 'dest'],
    type: 'object',
  },
  retention: oneOf('retention policy', ['limits', 'interest', 'workqueue']),
  sealed: bool('sealed (no more changes)'),
  sources: {description: 'source other streams', fields: SOURCE_FIELDS, required: ['name'], type: 'objects'},
  storage: oneOf('storage', ['file', 'memory']),
  subject_delete_marker_ttl: since('subject-delete-markers', dur('subject delete marker TTL (2.11+)')),
  subject_transform: {
    since: 'subject-transform',
    description: 'subject transform on input (2.10+)',
    fields: {dest: str('destination'), src: str('source filter')},
    required: ['dest'],
    type: 'object',
  },
  subjects: {description: 'subjects the stream captures (default: its name)', type: 'strings'},
}

const KV_ORIGIN_FIELDS: Record<string, FieldDef> = {
  bucket: bucketName('name of the origin bucket'),
  domain: str('JetStream domain of the origin bucket'),
}

/** Buckets: the shape `kv info --json` and `object info --json` print (src/lib/kv/config.ts KvConfig). */
export const KV_FIELDS: Record<string, FieldDef> = {
  bucket: bucketName('bucket name'),
  compression: bool('s2 compression (2.10+)'),
  description: str('description'),
  history: int('values kept per key', 1, 64),
  marker_ttl_ms: durMs('how long limit markers stay (2.11+; milliseconds or 1h)'),
  max_bucket_size: size('largest bucket size (-1: unlimited)'),
  max_value_size: size('largest value (-1: unlimited)'),
  metadata: {description: 'string metadata (2.10+)', type: 'map'},
  mirror: {description: 'read-only copy of another bucket', fields: KV_ORIGIN_FIELDS, required: ['bucket'], type: 'object'},
  placement: {
    description: 'cluster placement',
    fields: {cluster: str('cluster name'), tags: {description: 'server tags', type: 'strings'}},
    type: 'object',
  },
  replicas: int('replicas', 1, 5),
  republish: {
    description: 'republish stored values',
    fields: {dest: str('destination subject'), headers_only: bool('headers only'), src: str('subject under $KV.<bucket>.>')},
    required: ['src', 'dest'],
    type: 'object',
  },
  sources: {description: 'buckets whose keys are copied in (2.10+)', fields: KV_ORIGIN_FIELDS, required: ['bucket'], type: 'objects'},
  storage: oneOf('storage', ['file', 'memory']),
  ttl_ms: durMs('how long a value lives (0: forever; milliseconds or 1h)'),
  // state that `info --json` prints next to the configuration: accepted and ignored
  created: state(),
  size: state(),
  values: state(),
}

export const OBJECT_FIELDS: Record<string, FieldDef> = {
  bucket: bucketName('bucket name'),
  compression: bool('s2 compression (2.10+)'),
  description: str('description'),
  max_bucket_size: size('largest bucket size (-1: unlimited)'),
  metadata: {description: 'string metadata (2.10+)', type: 'map'},
  replicas: int('replicas', 1, 5),
  storage: oneOf('storage', ['file', 'memory']),
  ttl_ms: durMs('how long an object lives (0: forever; milliseconds or 7d)'),
  // state that `info --json` prints next to the configuration: accepted and ignored
  created: state(),
  objects: state(),
  sealed: state(),
  size: state(),
}

export const TOP_LEVEL = {
  consumers: {fields: TOP_CONSUMER_FIELDS, name: 'name', required: ['stream']},
  kv: {fields: KV_FIELDS, name: 'bucket', required: ['bucket']},
  objects: {fields: OBJECT_FIELDS, name: 'bucket', required: ['bucket']},
  streams: {fields: STREAM_FIELDS, name: 'name', required: ['name']},
} as const

export type SectionName = keyof typeof TOP_LEVEL

const DURATION_PATTERN = String.raw`^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h|d|w))+$`
const SIZE_PATTERN = String.raw`^(-1|unlimited|[0-9]+(\.[0-9]+)?\s*([KMGTP]i?B?|B)?)$`

/** A value written as `${VAR}` (substituted before validation) is accepted wherever a scalar is. */
const ENV_REF_SCHEMA = {pattern: String.raw`\$\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\}`, type: 'string'}

function fieldSchema(def: FieldDef): Record<string, unknown> {
  const base = typeSchema(def)
  if (!['bool', 'duration', 'duration_ms', 'enum', 'int', 'size'].includes(def.type)) return base
  const {description, ...rest} = base
  return {anyOf: [rest, ENV_REF_SCHEMA], description}
}

function typeSchema(def: FieldDef): Record<string, unknown> {
  const d = {description: def.description}
  switch (def.type) {
    case 'bool': {
      return {...d, type: 'boolean'}
    }

    case 'duration': {
      return {...d, oneOf: [{minimum: 0, type: 'integer'}, {pattern: DURATION_PATTERN, type: 'string'}, {const: '0'}]}
    }

    case 'duration_ms': {
      return {...d, oneOf: [{minimum: 0, type: 'integer'}, {pattern: DURATION_PATTERN, type: 'string'}, {const: '0'}]}
    }

    case 'durations': {
      return {
        ...d,
        items: {oneOf: [{minimum: 0, type: 'integer'}, {pattern: DURATION_PATTERN, type: 'string'}]},
        type: 'array',
      }
    }

    case 'enum': {
      return {...d, enum: def.values}
    }

    case 'int': {
      return {
        ...d,
        type: 'integer',
        ...(def.min === undefined ? {} : {minimum: def.min}),
        ...(def.max === undefined ? {} : {maximum: def.max}),
      }
    }

    case 'map': {
      return {...d, additionalProperties: {type: 'string'}, type: 'object'}
    }

    case 'object': {
      return {...d, ...objectSchema(def.fields ?? {}, def.required ?? [])}
    }

    case 'objects': {
      return {...d, items: objectSchema(def.fields ?? {}, def.required ?? []), type: 'array'}
    }

    case 'size': {
      return {...d, oneOf: [{minimum: -1, type: 'integer'}, {pattern: SIZE_PATTERN, type: 'string'}]}
    }

    case 'state': {
      return d
    }

    case 'string': {
      return {...d, type: 'string', ...(def.pattern ? {pattern: def.pattern} : {})}
    }

    case 'strings': {
      return {...d, items: {type: 'string'}, type: 'array'}
    }
  }
}

function objectSchema(fields: Record<string, FieldDef>, required: string[]): Record<string, unknown> {
  const properties: Record<string, unknown> = {}
  for (const [k, def] of Object.entries(fields)) properties[k] = fieldSchema(def)
  return {additionalProperties: false, properties, ...(required.length > 0 ? {required} : {}), type: 'object'}
}

/**
 * The JSON Schema of a spec document. Values written as `${VAR}` are strings before substitution, so the schema
 * describes a spec after substitution (or one that does not use it).
 */
export function specSchema(): Record<string, unknown> {
  const named = (section: SectionName): Record<string, unknown> => {
    const s = TOP_LEVEL[section]
    const fields = section === 'streams' ? STREAM_FIELDS : s.fields
    const item = objectSchema(fields, [...s.required])
    if (section === 'consumers') item.anyOf = [{required: ['name']}, {required: ['durable_name']}]
    return item
  }

  const nested = objectSchema(CONSUMER_FIELDS, [])
  nested.anyOf = [{required: ['name']}, {required: ['durable_name']}]
  const streams = named('streams') as {properties: Record<string, Record<string, unknown>>}
  streams.properties.consumers = {...streams.properties.consumers, items: nested}
  return {
    $id: 'https://github.com/natsx/natsx/schema/natsx-spec.schema.json',
    $schema: 'http://json-schema.org/draft-07/schema#',
    additionalProperties: false,
    description:
      'natsx apply spec: streams (with nested consumers), consumers of other streams, KV buckets and object buckets. Durations: nanoseconds or "24h"; sizes: bytes or "10GiB".',
    properties: {
      $schema: {description: 'the schema, for editors', type: 'string'},
      consumers: {description: 'consumers, each naming its stream', items: named('consumers'), type: 'array'},
      kv: {description: 'key-value buckets', items: named('kv'), type: 'array'},
      objects: {description: 'object store buckets', items: named('objects'), type: 'array'},
      streams: {description: 'streams', items: streams, type: 'array'},
    },
    title: 'natsx spec',
    type: 'object',
  }
}
