/**
 * Stream configuration as data: from flags, from a JSON/YAML file (which may be `stream info --json` output),
 * normalised to what the server fills in, compared field by field, checked for immutable changes and for
 * options the connected server cannot honour. Pure functions, no printing: `natsx apply` reuses them.
 */
import type {StreamConfig} from '@nats-io/jetstream'

import {type Capabilities, clusterNeeds, type Feature, FEATURES} from '../capabilities.js'
import {compact, diffFields, type FieldDiff, loadResourceConfig} from '../config-file.js'
import {instant} from '../consumers/config.js'
import {usageError} from '../errors.js'
import {msToNanos} from '../format/duration.js'
import {parseKeyValues} from '../key-values.js'
import {subjectList, validateFilterSubject, validateName, validatePublishSubject} from '../subjects.js'

export type StreamConfigInput = Partial<StreamConfig> & Record<string, unknown>

/** What `stream add` / `stream edit` flags carry (already parsed: durations in ms, sizes in bytes). */
export interface StreamFlagValues {
  'allow-batch'?: boolean
  'allow-counter'?: boolean
  'allow-direct'?: boolean
  'allow-fast'?: boolean
  'allow-mirror-direct'?: boolean
  'allow-msg-ttl'?: boolean
  'allow-rollup'?: boolean
  'allow-schedules'?: boolean
  cluster?: string
  compression?: string
  'deny-delete'?: boolean
  'deny-purge'?: boolean
  description?: string
  discard?: string
  'discard-per-subject'?: boolean
  'dupe-window'?: number
  'first-sequence'?: number
  'limit-consumer-inactive'?: number
  'limit-consumer-max-pending'?: number
  'max-age'?: number
  'max-bytes'?: number
  'max-consumers'?: number
  'max-msg-size'?: number
  'max-msgs'?: number
  'max-msgs-per-subject'?: number
  metadata?: string[]
  mirror?: string
  'mirror-api-prefix'?: string
  'mirror-domain'?: string
  'mirror-filter'?: string
  'mirror-start-seq'?: number
  'mirror-start-time'?: string
  'mirror-transform'?: string[]
  'no-ack'?: boolean
  /** edit only: promote a mirror to a stream of its own (2.12+) */
  'no-mirror'?: boolean
  /** edit only: stop republishing */
  'no-republish'?: boolean
  /** edit only: drop the stream's subject transform */
  'no-transform'?: boolean
  'persist-mode'?: string
  replicas?: number
  'republish-destination'?: string
  'republish-headers'?: boolean
  'republish-source'?: string
  retention?: string
  source?: string[]
  'source-api-prefix'?: string
  'source-domain'?: string
  'source-filter'?: string
  'source-start-seq'?: number
  'source-start-time'?: string
  'source-transform'?: string[]
  storage?: string
  'subject-del-markers-ttl'?: number
  subjects?: string[]
  tag?: string[]
  'transform-destination'?: string
  'transform-source'?: string
}

const RETENTION: Record<string, string> = {
  interest: 'interest',
  limits: 'limits',
  work: 'workqueue',
  workq: 'workqueue',
  workqueue: 'workqueue',
}
const STORAGE: Record<string, string> = {disk: 'file', file: 'file', memory: 'memory'}
const DISCARD = new Set(['new', 'old'])

/** Fields no server lets `edit` change (2.9's rules; `immutableStreamChanges` relaxes them per connected version). */
export const STREAM_IMMUTABLE = ['name', 'storage', 'retention', 'max_consumers', 'mirror', 'first_seq'] as const
/** Boolean fields that may be turned on by `edit` but never off again. */
export const STREAM_ONE_WAY = ['deny_delete', 'deny_purge', 'sealed', 'allow_msg_ttl', 'allow_msg_schedules'] as const
/** Fields set when the stream is created and never changed (2.12+). */
export const STREAM_CREATE_ONLY = ['allow_msg_counter', 'persist_mode'] as const

/** How a field may change in place on a server version (`stream edit`, `apply`). */
export type UpdateRule = 'create-only' | 'enable-only' | 'immutable' | 'in place'

/**
 * The rule for one field on the connected server (`caps`; without it, 2.9's rules): in place, enable-only (can be
 * turned on, never off), create-only, or immutable. `needs` names the feature of a newer server that would change it in
 * place. Checked against the real servers by test/commands/stream/update-matrix.test.ts.
 */
export function streamUpdateRule(field: string, caps?: Capabilities): {needs?: Feature; rule: UpdateRule} {
  if ((STREAM_ONE_WAY as readonly string[]).includes(field)) return {rule: 'enable-only'}
  if ((STREAM_CREATE_ONLY as readonly string[]).includes(field)) return {rule: 'create-only'}
  const relaxed = (feature: Feature): {needs?: Feature; rule: UpdateRule} =>
    caps?.has(feature) ? {rule: 'in place'} : {needs: feature, rule: 'immutable'}
  switch (field) {
    case 'first_seq': {
      // a 2.10+ server takes a new first_seq in an update (it only matters at creation); 2.9 does not know it
      return caps ? {rule: 'in place'} : {rule: 'immutable'}
    }

    case 'max_consumers': {
      return relaxed('update-max-consumers')
    }

    case 'mirror': {
      return relaxed('mirror-removal')
    }

    case 'name':
    case 'storage': {
      return {rule: 'immutable'}
    }

    case 'republish': {
      // without caps, as before: the server's own refusal is mapped to exit 8 (errors.ts)
      return caps ? relaxed('republish-update') : {rule: 'in place'}
    }

    case 'retention': {
      return relaxed('retention-limits-interest')
    }

    default: {
      return {rule: 'in place'}
    }
  }
}

/** Stream flags → a partial configuration (only what was given). Throws exit 2 on bad values. */
export function streamConfigFromFlags(f: StreamFlagValues): StreamConfigInput {
  const c: StreamConfigInput = {}
  if (f.subjects) c.subjects = subjectList(f.subjects, '--subjects')

  if (f.storage !== undefined) {
    const s = STORAGE[f.storage.toLowerCase()]
    if (!s) throw usageError(`--storage "${f.storage}" is not file or memory`)
    c.storage = s as StreamConfig['storage']
  }

  if (f.retention !== undefined) {
    const r = RETENTION[f.retention.toLowerCase()]
    if (!r) throw usageError(`--retention "${f.retention}" is not limits, interest or work`)
    c.retention = r as StreamConfig['retention']
  }

  if (f.discard !== undefined) {
    if (!DISCARD.has(f.discard.toLowerCase())) throw usageError(`--discard "${f.discard}" is not old or new`)
    c.discard = f.discard.toLowerCase() as StreamConfig['discard']
  }

  const set = <K extends keyof StreamConfig>(k: K, v: StreamConfig[K] | undefined): void => {
    if (v !== undefined) c[k] = v
  }

  set('discard_new_per_subject', f['discard-per-subject'])
  set('num_replicas', f.replicas)
  set('max_msgs', f['max-msgs'])
  set('max_bytes', f['max-bytes'])
  set('max_msg_size', f['max-msg-size'])
  set('max_msgs_per_subject', f['max-msgs-per-subject'])
  set('max_consumers', f['max-consumers'])
  set('max_age', f['max-age'] === undefined ? undefined : msToNanos(f['max-age']))
  set('duplicate_window', f['dupe-window'] === undefined ? undefined : msToNanos(f['dupe-window']))
  set('allow_rollup_hdrs', f['allow-rollup'])
  set('allow_direct', f['allow-direct'])
  set('mirror_direct', f['allow-mirror-direct'])
  set('deny_delete', f['deny-delete'])
  set('deny_purge', f['deny-purge'])
  set('no_ack', f['no-ack'])
  set('description', f.description)
  set('allow_msg_ttl', f['allow-msg-ttl'])
  set('first_seq', f['first-sequence'])
  if (f.compression !== undefined) {
    if (!['none', 's2'].includes(f.compression)) throw usageError(`--compression "${f.compression}" is not none or s2`)
    c.compression = f.compression as StreamConfig['compression']
  }

  set('allow_atomic', f['allow-batch'])
  set('allow_batched', f['allow-fast'])
  set('allow_msg_counter', f['allow-counter'])
  set('allow_msg_schedules', f['allow-schedules'])
  if (f['persist-mode'] !== undefined) {
    if (!['async', 'default'].includes(f['persist-mode']))
      throw usageError(`--persist-mode "${f['persist-mode']}" is not default or async`)
    c.persist_mode = f['persist-mode'] as StreamConfig['persist_mode']
  }

  if (f['subject-del-markers-ttl'] !== undefined) {
    const ms = f['subject-del-markers-ttl']
    if (ms !== 0 && ms < 1000) throw usageError('--subject-del-markers-ttl must be at least 1s (0 turns the markers off)')
    c.subject_delete_marker_ttl = msToNanos(ms)
  }

  // delete markers and schedules need roll-ups (the server turns them on by itself): say so rather than be overruled
  if ((c.subject_delete_marker_ttl || c.allow_msg_schedules) && f['allow-rollup'] === false)
    throw usageError(`${c.allow_msg_schedules ? '--allow-schedules' : '--subject-del-markers-ttl'} needs roll-ups: drop --no-allow-rollup`)
  if ((c.subject_delete_marker_ttl || c.allow_msg_schedules) && f['deny-purge'])
    throw usageError(`${c.allow_msg_schedules ? '--allow-schedules' : '--subject-del-markers-ttl'} needs purges (roll-ups): drop --deny-purge`)
  // what the server turns on by itself, asked for, so that the same flags again find the stream unchanged
  if (c.subject_delete_marker_ttl) c.allow_msg_ttl = true
  if (c.subject_delete_marker_ttl || c.allow_msg_schedules) c.allow_rollup_hdrs = true

  if (f['limit-consumer-inactive'] !== undefined || f['limit-consumer-max-pending'] !== undefined) {
    c.consumer_limits = {
      ...(f['limit-consumer-inactive'] === undefined ? {} : {inactive_threshold: msToNanos(f['limit-consumer-inactive'])}),
      ...(f['limit-consumer-max-pending'] === undefined ? {} : {max_ack_pending: f['limit-consumer-max-pending']}),
    }
  }

  const mirrorDetails = originDetails('mirror', f)
  if (f.mirror === undefined) {
    if (mirrorDetails) throw usageError(`--${mirrorDetails.flag} needs --mirror`, 'add --mirror STREAM')
  } else {
    validateName(f.mirror, 'mirror stream')
    c.mirror = {name: f.mirror, ...mirrorDetails?.details}
  }

  const sourceDetails = originDetails('source', f)
  if (f.source) {
    c.sources = f.source.map((name) => {
      validateName(name, 'source stream')
      return {name, ...sourceDetails?.details}
    })
  } else if (sourceDetails) {
    throw usageError(`--${sourceDetails.flag} needs --source`, 'add --source STREAM (the details apply to each --source)')
  }

  if (f['no-mirror']) {
    if (f.mirror !== undefined) throw usageError('--mirror and --no-mirror exclude each other')
    c.mirror = undefined
  }

  if (f['no-transform']) {
    if (f['transform-source'] !== undefined || f['transform-destination'] !== undefined)
      throw usageError('--no-transform cannot be used with --transform-source or --transform-destination')
    c.subject_transform = undefined
  }

  if (f['no-republish']) {
    if (f['republish-source'] !== undefined || f['republish-destination'] !== undefined || f['republish-headers'])
      throw usageError('--no-republish cannot be used with the --republish-* flags')
    c.republish = undefined
  }

  if (f['republish-source'] !== undefined || f['republish-destination'] !== undefined) {
    if (!f['republish-source'] || !f['republish-destination']) {
      throw usageError('republishing needs both --republish-source and --republish-destination')
    }

    c.republish = {
      dest: f['republish-destination'],
      src: f['republish-source'],
      ...(f['republish-headers'] ? {headers_only: true} : {}),
    }
  } else if (f['republish-headers']) {
    throw usageError('--republish-headers needs --republish-source and --republish-destination')
  }

  if (f.cluster !== undefined || f.tag) c.placement = {cluster: f.cluster ?? '', tags: f.tag ?? []}
  if (f.metadata) c.metadata = parseKeyValues(f.metadata, 'metadata')

  if (f['transform-source'] !== undefined || f['transform-destination'] !== undefined) {
    c.subject_transform = {dest: f['transform-destination'] ?? '', src: f['transform-source'] ?? ''}
  }

  return c
}

type OriginFlags = 'api-prefix' | 'domain' | 'filter' | 'start-seq' | 'start-time' | 'transform'

/**
 * The `--mirror-*` or `--source-*` details (filter, start, transforms, another account's API prefix or a domain) as
 * stream source fields, with the first flag given (for messages); undefined when none was given.
 */
function originDetails(kind: 'mirror' | 'source', f: StreamFlagValues): undefined | {details: Record<string, unknown>; flag: string} {
  const get = (k: OriginFlags): number | string | string[] | undefined => f[`${kind}-${k}` as keyof StreamFlagValues] as never
  const given = (['filter', 'start-seq', 'start-time', 'transform', 'api-prefix', 'domain'] as const).filter((k) => get(k) !== undefined)
  if (given.length === 0) return undefined
  const flag = (k: OriginFlags): string => `--${kind}-${k}`
  const d: Record<string, unknown> = {}
  const filter = get('filter') as string | undefined
  if (filter !== undefined) {
    validateFilterSubject(filter, `${kind} filter`)
    d.filter_subject = filter
  }

  if (get('start-seq') !== undefined && get('start-time') !== undefined)
    throw usageError(`${flag('start-seq')} and ${flag('start-time')} exclude each other`)
  if (get('start-seq') !== undefined) d.opt_start_seq = get('start-seq')
  const time = get('start-time') as string | undefined
  if (time !== undefined) {
    if (Number.isNaN(Date.parse(time))) throw usageError(`${flag('start-time')} "${time}" is not a time`, 'give an RFC 3339 time, e.g. 2026-01-02T15:04:05Z')
    d.opt_start_time = instant(time)
  }

  const transforms = get('transform') as string[] | undefined
  if (transforms) {
    if (filter !== undefined) throw usageError(`${flag('filter')} and ${flag('transform')} exclude each other`, `a transform's source filters too: ${flag('transform')} FILTER=DEST`)
    d.subject_transforms = transforms.map((t) => {
      const parts = t.split('=')
      if (parts.length !== 2 || !parts[0] || !parts[1]) throw usageError(`${flag('transform')} "${t}" is not SOURCE=DESTINATION`, `e.g. ${flag('transform')} "orders.>=copy.orders.>"`)
      validateFilterSubject(parts[0], `${kind} transform source`)
      validateFilterSubject(parts[1], `${kind} transform destination`)
      return {dest: parts[1], src: parts[0]}
    })
  }

  const api = get('api-prefix') as string | undefined
  const domain = get('domain') as string | undefined
  if (api !== undefined && domain !== undefined) throw usageError(`${flag('api-prefix')} and ${flag('domain')} exclude each other`)
  if (api !== undefined) {
    validatePublishSubject(api, `${kind} API prefix`)
    d.external = {api}
  }

  if (domain !== undefined) {
    validateName(domain, `${kind} domain`)
    d.external = {api: `$JS.${domain}.API`}
  }

  return {details: d, flag: flag(given[0])}
}

/**
 * Read a stream configuration from a JSON or YAML file. A `stream info --json` document (with `config`) is
 * accepted too: its `config` is used and the state is ignored.
 */
export async function streamConfigFromFile(path: string): Promise<StreamConfigInput> {
  // the loader `natsx apply` uses: field names, types and units checked, each problem with its line (exit 2)
  return (await loadResourceConfig(path, 'stream')) as StreamConfigInput
}

export function streamConfigFromDocument(doc: Record<string, unknown>, where = 'the configuration'): StreamConfigInput {
  const cfg =
    doc.config && typeof doc.config === 'object' && !Array.isArray(doc.config)
      ? (doc.config as StreamConfigInput)
      : (doc as StreamConfigInput)
  if (Object.keys(cfg).length === 0) throw usageError(`${where} is empty`)
  return structuredClone(cfg)
}

function cleanSource(s: Record<string, unknown>): Record<string, unknown> {
  const o: Record<string, unknown> = {...s}
  if (!o.opt_start_seq) delete o.opt_start_seq
  if (!o.opt_start_time || String(o.opt_start_time).startsWith('0001-')) delete o.opt_start_time
  else o.opt_start_time = instant(String(o.opt_start_time))
  if (o.external && typeof o.external === 'object') {
    const ext = {...(o.external as Record<string, unknown>)}
    if (!ext.deliver) delete ext.deliver
    o.external = ext.api ? ext : undefined
  }

  if (!o.filter_subject) delete o.filter_subject
  if (!o.external) delete o.external
  if (!o.domain) delete o.domain
  if (Array.isArray(o.subject_transforms) && o.subject_transforms.length === 0) delete o.subject_transforms
  if (!o.consumer) delete o.consumer
  return compact(o)
}

/**
 * Fill in the defaults the server fills in and drop empty optional fields, so that a configuration written by
 * hand, one read back from the server and one from `stream info --json` compare equal when they mean the same.
 */
export function normalizeStreamConfig(input: StreamConfigInput): StreamConfigInput {
  const c: StreamConfigInput = structuredClone(input)
  const or = <K extends keyof StreamConfig>(k: K, v: StreamConfig[K]): void => {
    if (c[k] === undefined || c[k] === null) c[k] = v
  }

  const unlimited = (k: keyof StreamConfig): void => {
    if (c[k] === undefined || c[k] === null || c[k] === 0) (c as Record<string, unknown>)[k] = -1
  }

  or('retention', 'limits')
  or('storage', 'file')
  or('discard', 'old')
  for (const k of ['max_consumers', 'max_msgs', 'max_bytes', 'max_msg_size', 'max_msgs_per_subject'] as const)
    unlimited(k)
  or('max_age', 0)
  if (!c.num_replicas) c.num_replicas = 1
  if (!c.duplicate_window) {
    const twoMinutes = 120_000_000_000
    c.duplicate_window = c.max_age && c.max_age > 0 && c.max_age < twoMinutes ? c.max_age : twoMinutes
  }

  for (const k of [
    'allow_direct',
    'mirror_direct',
    'sealed',
    'deny_delete',
    'deny_purge',
    'allow_rollup_hdrs',
  ] as const)
    or(k, false)
  // omitted by the server when false / empty
  for (const k of [
    'discard_new_per_subject',
    'no_ack',
    'allow_msg_ttl',
    'allow_msg_schedules',
    'allow_msg_counter',
    'allow_atomic',
    'allow_batched',
  ] as const) {
    if (!c[k]) delete c[k]
  }

  if (!c.description) delete c.description
  if (!c.first_seq) delete c.first_seq
  if (!c.compression || c.compression === 'none') delete c.compression
  // `_nats.*` metadata is written by 2.11+ servers themselves (API level, versions): not part of a desired config
  if (c.metadata) c.metadata = Object.fromEntries(Object.entries(c.metadata).filter(([k]) => !k.startsWith('_nats.')))
  if (!c.metadata || Object.keys(c.metadata).length === 0) delete c.metadata
  if (!c.subject_transform || (!c.subject_transform.src && !c.subject_transform.dest)) delete c.subject_transform
  if (c.consumer_limits)
    c.consumer_limits = Object.fromEntries(Object.entries(c.consumer_limits).filter(([, v]) => v)) as StreamConfig['consumer_limits']
  if (!c.consumer_limits || Object.keys(c.consumer_limits).length === 0) delete c.consumer_limits
  if (!c.subject_delete_marker_ttl) delete c.subject_delete_marker_ttl
  if (!c.persist_mode || c.persist_mode === 'default') delete c.persist_mode
  if (!c.republish || (!c.republish.src && !c.republish.dest)) delete c.republish
  else if (!c.republish.headers_only) delete c.republish.headers_only
  if (c.placement) {
    const p = c.placement as {cluster?: string; preferred?: string; tags?: string[]}
    if (!p.tags || p.tags.length === 0) delete p.tags
    if (!p.cluster) delete p.cluster
    if (!p.preferred) delete p.preferred
    if (Object.keys(p).length === 0) delete c.placement
  }

  if (c.mirror)
    c.mirror = cleanSource(c.mirror as unknown as Record<string, unknown>) as unknown as StreamConfig['mirror']
  else delete c.mirror
  if (c.sources && c.sources.length > 0)
    c.sources = c.sources.map((s) =>
      cleanSource(s as unknown as Record<string, unknown>),
    ) as unknown as StreamConfig['sources']
  else delete c.sources
  if ((!c.subjects || c.subjects.length === 0) && !c.mirror && !c.sources && c.name) c.subjects = [c.name]
  if (c.subjects && c.subjects.length === 0) delete c.subjects
  return compact(c)
}

/** Field-level differences between two configurations, after normalising both. */
export function diffStreamConfig(current: StreamConfigInput, desired: StreamConfigInput): FieldDiff[] {
  const a = normalizeStreamConfig(current)
  const b = normalizeStreamConfig(desired)
  // a 2.9 server sets mirror_direct on a mirror from its origin's allow_direct, whatever was asked
  const ignore = a.mirror && b.mirror ? ['mirror_direct'] : []
  return diffFields(a, b, ignore)
}

export type ImmutableChange = FieldDiff & {
  /** a newer server would make this change in place: the feature it needs */
  needs?: Feature
  reason: string
}

/**
 * The differences `edit` cannot apply on the connected server (`caps`; without it, 2.9's rules): immutable fields,
 * enable-only switches turned off, create-only fields changed, each with a reason. An entry with `needs` is one a
 * newer server changes in place (2.10: retention limits ↔ interest and republish; 2.12: removing a mirror; 2.15:
 * max_consumers).
 */
export function immutableStreamChanges(diff: FieldDiff[], caps?: Capabilities): ImmutableChange[] {
  const out: ImmutableChange[] = []
  const lacks = (needs: Feature): string =>
    `; nats-server ${FEATURES[needs].version} changes it in place${caps ? `, the connected server is ${caps.version}` : ''}`
  for (const d of diff) {
    const {needs, rule} = streamUpdateRule(d.field, caps)
    if (rule === 'in place' && d.field !== 'retention' && d.field !== 'mirror') continue
    if (rule === 'enable-only') {
      if (d.current === true && !d.desired) out.push({...d, reason: `${d.field} cannot be turned off once it is on`})
      continue
    }

    if (rule === 'create-only') {
      out.push({...d, reason: `${d.field} is set when the stream is created and cannot be changed`})
      continue
    }

    if (d.field === 'retention') {
      // workqueue never; limits ↔ interest in place from 2.10
      const limitsInterest = ['interest', 'limits'].includes(String(d.current)) && ['interest', 'limits'].includes(String(d.desired))
      if (!limitsInterest) out.push({...d, reason: 'retention cannot be changed to or from workqueue after the stream is created'})
      else if (needs) out.push({...d, needs, reason: `retention ${String(d.current)} → ${String(d.desired)} cannot be changed in place${lacks(needs)}`})
      continue
    }

    if (d.field === 'mirror') {
      // never changed; removed (the mirror promoted) in place from 2.12
      if (d.desired !== undefined) out.push({...d, reason: 'mirror cannot be changed after the stream is created (only removed, from nats-server 2.12)'})
      else if (needs) out.push({...d, needs, reason: `the mirror cannot be removed in place${lacks(needs)}`})
      continue
    }

    out.push(
      needs
        ? {...d, needs, reason: `${d.field} cannot be changed in place${lacks(needs)}`}
        : {...d, reason: `${d.field} cannot be changed after the stream is created`},
    )
  }

  return out
}

/** Check names, subjects and enumerations before anything is sent: exit 2 with a one-line reason. */
export function validateStreamConfig(c: StreamConfigInput): void {
  if (!c.name) throw usageError('the stream has no name')
  validateName(c.name, 'stream')
  for (const s of c.subjects ?? []) validateFilterSubject(s, 'stream subject')
  if (c.retention && !['interest', 'limits', 'workqueue'].includes(c.retention))
    throw usageError(`retention "${c.retention}" is not limits, interest or workqueue`)
  if (c.storage && !['file', 'memory'].includes(c.storage))
    throw usageError(`storage "${c.storage}" is not file or memory`)
  if (c.discard && !['new', 'old'].includes(c.discard)) throw usageError(`discard "${c.discard}" is not old or new`)
  if (c.num_replicas !== undefined && (c.num_replicas < 0 || c.num_replicas > 5))
    throw usageError(`replicas ${c.num_replicas} is not between 1 and 5`)
  if (c.mirror && c.subjects && c.subjects.length > 0)
    throw usageError('a mirror cannot have subjects', 'drop --subjects or --mirror')
  if (c.mirror && c.sources && c.sources.length > 0)
    throw usageError('a stream cannot be both a mirror and have sources')
  if (c.mirror) validateName(c.mirror.name, 'mirror stream')
  for (const s of c.sources ?? []) validateName(s.name, 'source stream')
  if (c.republish) {
    validateFilterSubject(c.republish.src, 'republish source')
    validateFilterSubject(c.republish.dest, 'republish destination')
  }

  if (c.allow_rollup_hdrs && c.deny_purge) throw usageError('roll-ups need purges: --allow-rollup cannot be used with --deny-purge')
  if (c.deny_purge && (c.subject_delete_marker_ttl || c.allow_msg_schedules))
    throw usageError(`${c.allow_msg_schedules ? 'message schedules' : 'subject delete markers'} need roll-ups, which need purges: they cannot be used with deny purge`)
  if (c.discard_new_per_subject && c.discard !== 'new')
    throw usageError('discard per subject needs discard new', 'add --discard new')
  for (const k of ['max_msgs', 'max_bytes', 'max_msg_size', 'max_msgs_per_subject', 'max_consumers'] as const) {
    const v = c[k]
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < -1))
      throw usageError(`${k} ${String(v)} is not a whole number ≥ -1`)
  }

  for (const k of ['max_age', 'duplicate_window'] as const) {
    const v = c[k]
    if (v !== undefined && (typeof v !== 'number' || v < 0))
      throw usageError(`${k} ${String(v)} is not a duration in nanoseconds ≥ 0`)
  }

  for (const s of c.subjects ?? [])
    if (s.startsWith('$JS.') || s === '>') throw usageError(`stream subject "${s}" would capture the JetStream API`)
  if (c.mirror?.filter_subject)
    validatePublishSubject(c.mirror.filter_subject.replaceAll('*', 'x').replaceAll('>', 'x'), 'mirror filter')
}

/** Options that need a newer server than the one connected: refused with exit 8 before anything is sent. */
export function streamCapabilityNeeds(c: StreamConfigInput): Array<{feature: Feature; field: string}> {
  const needs: Array<{feature: Feature; field: string}> = []
  const n = normalizeStreamConfig(c)
  if (n.compression) needs.push({feature: 'stream-compression', field: 'compression'})
  if (n.metadata) needs.push({feature: 'stream-metadata', field: 'metadata'})
  if (
    n.subject_transform ||
    [...(n.sources ?? []), ...(n.mirror ? [n.mirror] : [])].some((s) => s.subject_transforms)
  ) {
    needs.push({feature: 'subject-transform', field: 'subject_transform'})
  }

  if (n.first_seq) needs.push({feature: 'first-sequence', field: 'first_seq'})
  if (n.consumer_limits) needs.push({feature: 'stream-consumer-limits', field: 'consumer_limits'})
  if (n.allow_msg_ttl) needs.push({feature: 'msg-ttl', field: 'allow_msg_ttl'})
  if (n.subject_delete_marker_ttl) needs.push({feature: 'subject-delete-markers', field: 'subject_delete_marker_ttl'})
  if (n.allow_msg_schedules) needs.push({feature: 'stream-schedules', field: 'allow_msg_schedules'})
  if (n.allow_msg_counter) needs.push({feature: 'stream-counters', field: 'allow_msg_counter'})
  if (n.allow_atomic) needs.push({feature: 'stream-atomic-batch', field: 'allow_atomic'})
  if (n.persist_mode) needs.push({feature: 'persist-mode', field: 'persist_mode'})
  if (n.allow_batched) needs.push({feature: 'fast-batch', field: 'allow_batched'})
  if ((n.placement as undefined | {preferred?: string})?.preferred)
    needs.push({feature: 'placement-preferred', field: 'placement.preferred'})
  if ([...(n.sources ?? []), ...(n.mirror ? [n.mirror] : [])].some((s) => (s as {consumer?: unknown}).consumer))
    needs.push({feature: 'durable-sourcing', field: 'mirror.consumer / sources[].consumer'})
  return needs
}

/** Fields only a clustered JetStream honours; a lone 2.9 server keeps placement and ignores it. */
export function streamClusterNeeds(c: StreamConfigInput): Array<{field: string; what: string}> {
  return clusterNeeds({placement: c.placement, replicas: c.num_replicas}, {replicasField: 'num_replicas'})
}

export function checkStreamCapabilities(c: StreamConfigInput, caps: Capabilities): void {
  for (const need of streamCapabilityNeeds(c))
    caps.require(need.feature, `${FEATURES[need.feature].label} (${need.field})`)
  for (const need of streamClusterNeeds(c)) caps.requireCluster(need.what)
}

/** Desired configuration for `add`: file first, flags over it, the name argument over both. */
export function buildStreamConfig(
  name: string | undefined,
  file: StreamConfigInput | undefined,
  flags: StreamConfigInput,
): StreamConfigInput {
  const c: StreamConfigInput = {...file, ...flags}
  if (name) c.name = name
  validateStreamConfig(c)
  return c
}

export {sameValue} from '../config-file.js'
