/**
 * Consumer configuration as data: from flags, from a JSON/YAML file (which may be `consumer info --json`
 * output), normalised to what the server fills in, compared field by field, checked for immutable changes and
 * for options the connected server cannot honour. Pure functions, no printing: `natsx apply` reuses them.
 */
import type {ConsumerConfig} from '@nats-io/jetstream'

import {type Capabilities, compareVersions, type Feature, FEATURES} from '../capabilities.js'
import {compact, diffFields, type FieldDiff, loadResourceConfig} from '../config-file.js'
import {usageError} from '../errors.js'
import {msToNanos} from '../format/duration.js'
import {parseKeyValues} from '../key-values.js'
import {validateFilterSubject, validateName, validatePublishSubject} from '../subjects.js'

export type ConsumerConfigInput = Partial<ConsumerConfig> & Record<string, unknown>

/** What `consumer add` / `consumer edit` flags carry (parsed: durations in ms, sizes in bytes). */
export interface ConsumerFlagValues {
  ack?: string
  backoff?: string
  deliver?: string
  'deliver-group'?: string
  description?: string
  filter?: string[]
  'flow-control'?: boolean
  'headers-only'?: boolean
  heartbeat?: number
  'inactive-threshold'?: number
  'max-deliver'?: number
  'max-pending'?: number
  'max-pull-batch'?: number
  'max-pull-bytes'?: number
  'max-pull-expire'?: number
  'max-waiting'?: number
  memory?: boolean
  metadata?: string[]
  'overflow-groups'?: string[]
  'pause-until'?: string
  'pinned-groups'?: string[]
  'pinned-ttl'?: number
  'prioritized-groups'?: string[]
  'priority-group'?: string[]
  'priority-policy'?: string
  'rate-limit'?: number
  replay?: string
  replicas?: number
  sample?: number
  'start-sequence'?: number
  'start-time'?: string
  target?: string
  wait?: number
}

const DELIVER: Record<string, string> = {
  all: 'all',
  last: 'last',
  'last-per-subject': 'last_per_subject',
  last_per_subject: 'last_per_subject',
  new: 'new',
}
const ACK = new Set(['all', 'explicit', 'flow_control', 'none'])
/** `--priority-policy` names → the server's `priority_policy` */
const PRIORITY_POLICY: Record<string, string> = {
  overflow: 'overflow',
  pinned: 'pinned_client',
  pinned_client: 'pinned_client',
  prioritized: 'prioritized',
}
const REPLAY = new Set(['instant', 'original'])

/** Fields the server does not let an update change, on every version natsx knows (2.9 → 2.15). */
export const CONSUMER_IMMUTABLE = [
  'durable_name',
  'name',
  'ack_policy',
  'deliver_policy',
  'opt_start_seq',
  'opt_start_time',
  'replay_policy',
  'flow_control',
  'idle_heartbeat',
  'max_waiting',
] as const

/** `mem_storage` can be changed in place up to 2.14 ("storage type can not be updated" on 2.15). */
const MEM_STORAGE_IMMUTABLE_SINCE = '2.15.0'

/** What the field needs of the server, for the fields 2.10 → 2.14 added to consumers. */
const FIELD_FEATURES: Record<string, Feature> = {
  filter_subjects: 'multi-filter',
  metadata: 'consumer-metadata',
  pause_until: 'consumer-pause',
  priority_groups: 'priority-groups',
  priority_policy: 'priority-groups',
  priority_timeout: 'priority-groups',
}

/**
 * How the connected server treats a change of one consumer field:
 * - `updatable`: an update request changes it in place;
 * - `pause-api`: the server keeps it out of updates; it changes through `$JS.API.CONSUMER.PAUSE` (pause_until, 2.11+);
 * - `create-only`: the server refuses the update; only a new consumer can have it;
 * - `unsupported`: the server does not know the field (it would drop it): natsx refuses it with exit 8.
 * Without `caps` the rules of the newest server natsx knows apply.
 */
export type ConsumerFieldRule = 'create-only' | 'pause-api' | 'unsupported' | 'updatable'

export function consumerFieldRule(field: string, caps?: Capabilities): ConsumerFieldRule {
  const feature = FIELD_FEATURES[field]
  if (feature && caps && !caps.has(feature)) return 'unsupported'
  if (field === 'pause_until') return 'pause-api'
  if ((CONSUMER_IMMUTABLE as readonly string[]).includes(field)) return 'create-only'
  if (field === 'mem_storage' && (!caps || compareVersions(caps.version, MEM_STORAGE_IMMUTABLE_SINCE) >= 0))
    return 'create-only'
  return 'updatable'
}

/** Consumer flags → a partial configuration (only what was given). Throws exit 2 on bad values. */
export function consumerConfigFromFlags(f: ConsumerFlagValues): ConsumerConfigInput {
  const c: ConsumerConfigInput = {}
  const set = <K extends keyof ConsumerConfig>(k: K, v: ConsumerConfig[K] | undefined): void => {
    if (v !== undefined) c[k] = v
  }

  if (f.ack !== undefined) {
    if (!ACK.has(f.ack)) throw usageError(`--ack "${f.ack}" is not explicit, all or none`)
    c.ack_policy = f.ack as ConsumerConfig['ack_policy']
  }

  if (f.deliver !== undefined) {
    const d = DELIVER[f.deliver]
    if (!d)
      throw usageError(
        `--deliver "${f.deliver}" is not all, last, new or last-per-subject`,
        'for a sequence or a time use --start-sequence or --start-time',
      )
    c.deliver_policy = d as ConsumerConfig['deliver_policy']
  }

  if (f['start-sequence'] !== undefined) {
    if (f.deliver) throw usageError('--start-sequence cannot be used with --deliver')
    c.deliver_policy = 'by_start_sequence' as ConsumerConfig['deliver_policy']
    c.opt_start_seq = f['start-sequence']
  }

  if (f['start-time'] !== undefined) {
    if (f.deliver || f['start-sequence'] !== undefined)
      throw usageError('--start-time cannot be used with --deliver or --start-sequence')
    const t = Date.parse(f['start-time'])
    if (Number.isNaN(t))
      throw usageError(`--start-time "${f['start-time']}" is not a time`, 'write it as 2024-05-01T12:00:00Z')
    c.deliver_policy = 'by_start_time' as ConsumerConfig['deliver_policy']
    c.opt_start_time = instant(f['start-time'])
  }

  if (f.replay !== undefined) {
    if (!REPLAY.has(f.replay)) throw usageError(`--replay "${f.replay}" is not instant or original`)
    c.replay_policy = f.replay as ConsumerConfig['replay_policy']
  }

  if (f.filter) {
    const filters = f.filter
      .flatMap((s) => s.split(','))
      .map((s) => s.trim())
      .filter(Boolean)
    for (const s of filters) validateFilterSubject(s, 'filter subject')
    if (filters.length === 1) c.filter_subject = filters[0]
    else if (filters.length > 1) c.filter_subjects = filters
  }

  if (f.backoff !== undefined) {
    c.backoff = f.backoff.split(',').map((s) => {
      const t = s.trim()
      const ms = Number.parseFloat(t)
      if (!/^\d+(\.\d+)?(ms|s|m|h)$/.test(t) || Number.isNaN(ms))
        throw usageError(`--backoff "${s}" is not a list of durations such as 1s,5s,30s`)
      const unit = t.replace(/^[\d.]+/, '')
      const factor = {h: 3_600_000, m: 60_000, ms: 1, s: 1000}[unit as 'h' | 'm' | 'ms' | 's']
      return msToNanos(ms * factor)
    })
  }

  if (f.target !== undefined) {
    validatePublishSubject(f.target, 'deliver subject')
    c.deliver_subject = f.target
  }

  if (f['deliver-group'] !== undefined) c.deliver_group = f['deliver-group']
  set('ack_wait', f.wait === undefined ? undefined : msToNanos(f.wait))
  set('max_deliver', f['max-deliver'])
  set('max_ack_pending', f['max-pending'])
  set('max_waiting', f['max-waiting'])
  set('max_batch', f['max-pull-batch'])
  set('max_expires', f['max-pull-expire'] === undefined ? undefined : msToNanos(f['max-pull-expire']))
  set('max_bytes', f['max-pull-bytes'])
  set('headers_only', f['headers-only'])
  set('flow_control', f['flow-control'])
  set('idle_heartbeat', f.heartbeat === undefined ? undefined : msToNanos(f.heartbeat))
  set('inactive_threshold', f['inactive-threshold'] === undefined ? undefined : msToNanos(f['inactive-threshold']))
  set('num_replicas', f.replicas)
  set('mem_storage', f.memory)
  set('description', f.description)
  set('rate_limit_bps', f['rate-limit'])
  if (f.sample !== undefined) {
    if (f.sample < 0 || f.sample > 100) throw usageError(`--sample ${f.sample} is not a percentage between 0 and 100`)
    c.sample_freq = `${f.sample}%`
  }

  if (f.metadata) c.metadata = parseKeyValues(f.metadata, 'metadata')

  if (f['pause-until'] !== undefined) {
    const t = Date.parse(f['pause-until'])
    if (Number.isNaN(t)) throw usageError(`--pause-until "${f['pause-until']}" is not a time`)
    c.pause_until = instant(f['pause-until'])
  }

  const groups: Array<[string, string[] | undefined, string | undefined]> = [
    ['--priority-group', f['priority-group'], f['priority-policy']],
    ['--pinned-groups', f['pinned-groups'], 'pinned'],
    ['--overflow-groups', f['overflow-groups'], 'overflow'],
    ['--prioritized-groups', f['prioritized-groups'], 'prioritized'],
  ]
  const given = groups.filter(([, g]) => g && g.length > 0)
  if (given.length > 1)
    throw usageError(`${given.map(([flag]) => flag).join(' and ')} cannot be used together`, 'give the groups once, with one policy')
  if (f['priority-policy'] !== undefined && !PRIORITY_POLICY[f['priority-policy']])
    throw usageError(`--priority-policy "${f['priority-policy']}" is not pinned, overflow or prioritized`)
  if (given.length === 1) {
    const [, g, policy] = given[0]
    c.priority_groups = g!.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean)
    // a group without a policy is a pinned-client group, as natsx has always made it
    c.priority_policy = PRIORITY_POLICY[policy ?? 'pinned'] as ConsumerConfig['priority_policy']
  } else if (f['priority-policy'] !== undefined) {
    c.priority_policy = PRIORITY_POLICY[f['priority-policy']] as ConsumerConfig['priority_policy']
  }

  if (f['pinned-ttl'] !== undefined) c.priority_timeout = msToNanos(f['pinned-ttl'])
  return c
}

/** Read a consumer configuration from JSON or YAML; `consumer info --json` output (with `config`) is accepted. */
export async function consumerConfigFromFile(path: string): Promise<ConsumerConfigInput> {
  // the loader `natsx apply` uses: field names, types and units checked, each problem with its line (exit 2)
  return (await loadResourceConfig(path, 'consumer')) as ConsumerConfigInput
}

export function consumerConfigFromDocument(
  doc: Record<string, unknown>,
  where = 'the configuration',
): ConsumerConfigInput {
  const cfg =
    doc.config && typeof doc.config === 'object' && !Array.isArray(doc.config)
      ? (doc.config as ConsumerConfigInput)
      : (doc as ConsumerConfigInput)
  if (Object.keys(cfg).length === 0) throw usageError(`${where} is empty`)
  const out = structuredClone(cfg)
  // a `consumer info` document names the consumer outside its config on ephemeral consumers
  if (!out.name && !out.durable_name && typeof doc.name === 'string' && doc.config) out.name = doc.name
  return out
}

/** The consumer's name: `durable_name` or `name`. */
export const consumerName = (c: ConsumerConfigInput): string | undefined => c.durable_name || c.name || undefined

export const isPushConfig = (c: ConsumerConfigInput): boolean => Boolean(c.deliver_subject)

/** A stream's `consumer_limits` (2.10+): the server gives new consumers these as defaults. */
export interface ConsumerLimits {
  inactive_threshold?: number
  max_ack_pending?: number
}

/** The zero time a server writes for an unset time. */
const isZeroTime = (v: unknown): boolean => !v || String(v).startsWith('0001-')
const isUnixEpoch = (v: unknown): boolean => Date.parse(String(v)) === 0

/**
 * A time as one spelling of its instant, so `…T00:00:00Z`, `…T00:00:00.000Z` and `…T02:00:00+02:00` compare
 * equal: RFC 3339 in UTC, milliseconds only when there are some. Fractions beyond milliseconds are kept as
 * written when the instant has them (the server keeps nanoseconds).
 */
export function instant(v: string): string {
  const frac = /\.(\d{4,})(Z|[+-]\d\d:\d\d)$/.exec(v)
  const t = Date.parse(v)
  if (Number.isNaN(t)) return v
  const iso = new Date(t).toISOString()
  if (frac && (v.endsWith('Z') || frac[2] === '+00:00')) {
    const digits = frac[1].replace(/0+$/, '')
    return digits.length > 3 ? iso.replace(/\.\d{3}Z$/, `.${digits}Z`) : iso.replace(/\.000Z$/, 'Z')
  }

  return iso.replace(/\.000Z$/, 'Z')
}

/** The pinned-client TTL a server gives a pinned-client group without one (2 minutes). */
const DEFAULT_PINNED_TTL = 120_000_000_000

/**
 * Fill in what the server fills in and drop empty optional fields, so a hand-written configuration, one read
 * back from the server and one from `consumer info --json` compare equal when they mean the same.
 * `limits` are the stream's `consumer_limits`: on 2.10+ the server takes its max ack pending and inactive
 * threshold from them when the consumer sets none. Ephemerals get an inactive threshold of 5s otherwise.
 */
export function normalizeConsumerConfig(input: ConsumerConfigInput, limits: ConsumerLimits = {}): ConsumerConfigInput {
  const c: ConsumerConfigInput = structuredClone(input)
  if (c.durable_name && !c.name) c.name = c.durable_name
  if (!c.deliver_policy) c.deliver_policy = 'all' as ConsumerConfig['deliver_policy']
  if (!c.ack_policy) c.ack_policy = 'explicit' as ConsumerConfig['ack_policy']
  if (!c.replay_policy) c.replay_policy = 'instant' as ConsumerConfig['replay_policy']
  if (!c.max_deliver) c.max_deliver = -1
  const acks = c.ack_policy !== 'none' && c.ack_policy !== 'flow_control'
  if (acks) {
    // the server sets the ack wait to the first backoff step when there is a backoff
    if (c.backoff && c.backoff.length > 0) c.ack_wait = c.backoff[0]
    else if (!c.ack_wait) c.ack_wait = 30_000_000_000
  } else if (!c.ack_wait) delete c.ack_wait

  if (!c.max_ack_pending) {
    if (limits.max_ack_pending) c.max_ack_pending = limits.max_ack_pending
    else if (acks) c.max_ack_pending = 1000
    else delete c.max_ack_pending
  }

  if (isPushConfig(c)) {
    if (!c.max_waiting) delete c.max_waiting
  } else if (!c.max_waiting) c.max_waiting = 512
  if (!c.num_replicas) c.num_replicas = 0
  if (!c.inactive_threshold) {
    if (limits.inactive_threshold) c.inactive_threshold = limits.inactive_threshold
    else if (!c.durable_name) c.inactive_threshold = 5_000_000_000
  }

  for (const k of [
    'description',
    'deliver_subject',
    'deliver_group',
    'filter_subject',
    'sample_freq',
    'durable_name',
  ] as const) {
    if (!c[k]) delete c[k]
  }

  for (const k of [
    'flow_control',
    'headers_only',
    'mem_storage',
    'idle_heartbeat',
    'rate_limit_bps',
    'max_batch',
    'max_expires',
    'max_bytes',
    'inactive_threshold',
    'opt_start_seq',
  ] as const) {
    if (!c[k]) delete c[k]
  }

  if (isZeroTime(c.opt_start_time)) delete c.opt_start_time
  else c.opt_start_time = instant(String(c.opt_start_time))
  if (!c.backoff || c.backoff.length === 0) delete c.backoff
  if (c.filter_subjects && c.filter_subjects.length === 1 && !c.filter_subject) {
    c.filter_subject = c.filter_subjects[0]
    delete c.filter_subjects
  }

  if (!c.filter_subjects || c.filter_subjects.length === 0) delete c.filter_subjects
  // `_nats.*` metadata is written by 2.11+ servers themselves (API level, versions): not part of a desired config
  if (c.metadata) c.metadata = userMetadata(c.metadata)
  if (!c.metadata || Object.keys(c.metadata).length === 0) delete c.metadata
  // a resumed consumer keeps the time it was resumed with (nats.js sends the epoch): not paused is not paused
  if (isZeroTime(c.pause_until) || isUnixEpoch(c.pause_until)) delete c.pause_until
  else c.pause_until = instant(String(c.pause_until))
  if (!c.priority_groups || c.priority_groups.length === 0) {
    delete c.priority_groups
    if (!c.priority_policy || c.priority_policy === 'none') delete c.priority_policy
  }

  if (c.priority_policy === 'pinned_client' && !c.priority_timeout) c.priority_timeout = DEFAULT_PINNED_TTL
  if (!c.priority_timeout) delete c.priority_timeout
  return compact(c)
}

const userMetadata = (m: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(m).filter(([k]) => !k.startsWith('_nats.')))

/** Field differences between a consumer on the server and a desired configuration (both normalised). */
export function diffConsumerConfig(
  current: ConsumerConfigInput,
  desired: ConsumerConfigInput,
  limits: ConsumerLimits = {},
): FieldDiff[] {
  return diffFields(normalizeConsumerConfig(current, limits), normalizeConsumerConfig(desired, limits))
}

/**
 * The changes in `diff` that the connected server cannot make in place (`caps`; without it the newest server's
 * rules). Fields the server does not know are left to the capability check (exit 8).
 */
export function immutableConsumerChanges(
  diff: FieldDiff[],
  caps?: Capabilities,
): Array<FieldDiff & {reason: string}> {
  const out: Array<FieldDiff & {reason: string}> = []
  for (const d of diff) {
    if (consumerFieldRule(d.field, caps) === 'create-only')
      out.push({...d, reason: `${d.field} cannot be changed after the consumer is created`})
    else if (d.field === 'deliver_subject' && (!d.current || !d.desired))
      out.push({...d, reason: 'a consumer cannot change between push and pull'})
  }

  return out
}

/** Check names, subjects and enumerations before anything is sent: exit 2 with a one-line reason. */
export function validateConsumerConfig(c: ConsumerConfigInput): void {
  if (c.durable_name) validateName(c.durable_name, 'consumer')
  if (c.name) validateName(c.name, 'consumer')
  if (c.durable_name && c.name && c.durable_name !== c.name)
    throw usageError(`durable_name "${c.durable_name}" and name "${c.name}" differ`)
  if (c.ack_policy && !ACK.has(c.ack_policy))
    throw usageError(`ack_policy "${c.ack_policy}" is not explicit, all or none`)
  if (c.replay_policy && !REPLAY.has(c.replay_policy))
    throw usageError(`replay_policy "${c.replay_policy}" is not instant or original`)
  const policies = ['all', 'last', 'new', 'last_per_subject', 'by_start_sequence', 'by_start_time']
  if (c.deliver_policy && !policies.includes(c.deliver_policy))
    throw usageError(`deliver_policy "${c.deliver_policy}" is not one of ${policies.join(', ')}`)
  if (c.deliver_policy === 'by_start_sequence' && !c.opt_start_seq)
    throw usageError('deliver policy by_start_sequence needs a start sequence')
  if (c.deliver_policy === 'by_start_time' && !c.opt_start_time)
    throw usageError('deliver policy by_start_time needs a start time')
  if (c.deliver_policy === 'last_per_subject' && !c.filter_subject && !c.filter_subjects?.length) {
    throw usageError('deliver policy last-per-subject needs a filter subject', 'add --filter, e.g. --filter ">"')
  }

  if (c.filter_subject) validateFilterSubject(c.filter_subject, 'filter subject')
  for (const s of c.filter_subjects ?? []) validateFilterSubject(s, 'filter subject')
  if (c.deliver_subject) validatePublishSubject(c.deliver_subject, 'deliver subject')
  const push = isPushConfig(c)
  if (push) {
    for (const [k, flag] of [
      ['max_waiting', '--max-waiting'],
      ['max_batch', '--max-pull-batch'],
      ['max_expires', '--max-pull-expire'],
      ['max_bytes', '--max-pull-bytes'],
    ] as const) {
      if (c[k]) throw usageError(`${flag} is for pull consumers`, 'leave out --target to make a pull consumer')
    }

    if (c.flow_control && !c.idle_heartbeat) throw usageError('flow control needs a heartbeat', 'add --heartbeat 5s')
    if (c.deliver_group && (c.flow_control || c.idle_heartbeat)) throw usageError('a push consumer with a deliver group cannot use flow control or heartbeats')
  } else {
    for (const [k, flag] of [
      ['flow_control', '--flow-control'],
      ['idle_heartbeat', '--heartbeat'],
      ['deliver_group', '--deliver-group'],
      ['rate_limit_bps', '--rate-limit'],
    ] as const) {
      if (c[k]) throw usageError(`${flag} is for push consumers`, 'add --target SUBJECT to make a push consumer')
    }
  }

  if (c.backoff?.length && c.max_deliver !== undefined && c.max_deliver !== -1 && c.max_deliver <= c.backoff.length) {
    throw usageError(`max_deliver ${c.max_deliver} must be larger than the ${c.backoff.length} backoff steps`)
  }

  if (c.backoff?.length && c.ack_wait && c.ack_wait !== c.backoff[0]) throw usageError('with --backoff the ack wait is the first backoff step', 'leave out --wait')
  if (c.ack_policy === 'none' && c.backoff?.length)
    throw usageError('backoff needs acknowledgements', 'use --ack explicit')
  if (c.num_replicas !== undefined && (c.num_replicas < 0 || c.num_replicas > 5))
    throw usageError(`replicas ${c.num_replicas} is not between 0 and 5`)
}

export function consumerCapabilityNeeds(c: ConsumerConfigInput): Array<{feature: Feature; field: string}> {
  const n = normalizeConsumerConfig(c)
  const needs: Array<{feature: Feature; field: string}> = []
  if (n.filter_subjects) needs.push({feature: 'multi-filter', field: 'filter_subjects'})
  if (n.metadata) needs.push({feature: 'consumer-metadata', field: 'metadata'})
  if (n.pause_until) needs.push({feature: 'consumer-pause', field: 'pause_until'})
  if (n.priority_groups || n.priority_policy || c.priority_timeout)
    needs.push({feature: 'priority-groups', field: 'priority_groups'})
  if (n.priority_policy === 'prioritized') needs.push({feature: 'prioritized-policy', field: 'priority_policy'})
  if (n.ack_policy === 'flow_control') needs.push({feature: 'flow-control-ack', field: 'ack_policy'})
  return needs
}

/** Refuse (exit 8, one line naming the version it needs) what the connected server would drop. */
export function checkConsumerCapabilities(c: ConsumerConfigInput, caps: Capabilities): void {
  // name the newest version needed: the one the configuration as a whole needs
  const needs = consumerCapabilityNeeds(c).sort((x, y) =>
    compareVersions(FEATURES[y.feature].version, FEATURES[x.feature].version),
  )
  for (const need of needs) caps.require(need.feature, `${FEATURES[need.feature].label} (${need.field})`)
}

/**
 * The configuration to send: the fields that are set, nothing the server fills in itself (a stream's
 * `consumer_limits` fill in max ack pending and the inactive threshold on 2.10+, and a larger value sent by
 * natsx would be refused), and nothing a server would not know (`_nats.*` metadata, zero times, one filter
 * sent as `filter_subject` because 2.9 ignores the array). natsx's one default of its own: explicit acks.
 * Call after the capability check.
 */
export function wireConsumerConfig(c: ConsumerConfigInput): ConsumerConfigInput {
  const w: ConsumerConfigInput = structuredClone(c)
  if (!w.ack_policy) w.ack_policy = 'explicit' as ConsumerConfig['ack_policy']
  if (w.durable_name && !w.name) w.name = w.durable_name
  if (w.filter_subjects?.length === 1 && !w.filter_subject) {
    w.filter_subject = w.filter_subjects[0]
    delete w.filter_subjects
  }

  if (w.metadata) w.metadata = userMetadata(w.metadata)
  for (const k of ['opt_start_time', 'pause_until'] as const) if (isZeroTime(w[k])) delete w[k]
  if (w.priority_policy === 'none') delete w.priority_policy
  for (const [k, v] of Object.entries(w)) {
    const empty =
      v === undefined ||
      v === null ||
      v === '' ||
      v === false ||
      v === 0 ||
      (Array.isArray(v) && v.length === 0) ||
      (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0)
    if (empty) delete w[k]
  }

  return w
}

/** Desired configuration for `add`: file first, flags over it, then the name. */
export function buildConsumerConfig(
  name: string | undefined,
  durable: boolean,
  file: ConsumerConfigInput | undefined,
  flags: ConsumerConfigInput,
): ConsumerConfigInput {
  const c: ConsumerConfigInput = {...file, ...flags}
  if (flags.filter_subject) delete c.filter_subjects
  if (flags.filter_subjects) delete c.filter_subject
  // a backoff given as a flag brings its own ack wait (its first step) unless --wait says otherwise
  if (flags.backoff?.length && flags.ack_wait === undefined) c.ack_wait = flags.backoff[0]
  if (name) {
    c.name = name
    if (durable) c.durable_name = name
    else delete c.durable_name
  } else if (!durable) {
    delete c.durable_name
  }

  validateConsumerConfig(c)
  return c
}
