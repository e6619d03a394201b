/** Human renderings of stream data (pure: they return strings). */
import type {StreamInfo, StreamSource} from '@nats-io/jetstream'

import {formatAge, formatNanos} from '../format/duration.js'
import {formatCount, formatSize} from '../format/size.js'
import {renderColumns, renderTable} from '../format/table.js'
import {type StreamReportRow} from './ops.js'

const lim = (n: number | undefined): string => (n === undefined || n < 0 ? 'unlimited' : formatCount(n))
const limSize = (n: number | undefined): string => (n === undefined || n < 0 ? 'unlimited' : formatSize(n))

export function renderStreamInfo(si: StreamInfo, stateOnly = false): string {
  const c = si.config
  const s = si.state
  const rows: Array<[string, number | string | undefined] | string> = []
  if (!stateOnly) {
    rows.push(
      `Information for Stream ${c.name} created ${si.created}`,
      '',
      ['Subjects', (c.subjects ?? []).join(', ')],
      ['Description', c.description],
      ['Replicas', c.num_replicas],
      ['Storage', c.storage],
      ['Retention', c.retention],
      ['Discard Policy', `${c.discard}${c.discard_new_per_subject ? ' (per subject)' : ''}`],
      ['Duplicate Window', formatNanos(c.duplicate_window)],
      ['Allows Rollups', String(c.allow_rollup_hdrs)],
      ['Allows Direct', String(c.allow_direct)],
      ['Mirror Direct', String(c.mirror_direct)],
      ['Deny Delete', String(c.deny_delete)],
      ['Deny Purge', String(c.deny_purge)],
      ['Sealed', String(c.sealed)],
      ['Maximum Messages', lim(c.max_msgs)],
      ['Maximum Per Subject', lim(c.max_msgs_per_subject)],
      ['Maximum Bytes', limSize(c.max_bytes)],
      ['Maximum Age', formatNanos(c.max_age, true)],
      ['Maximum Message Size', limSize(c.max_msg_size)],
      ['Maximum Consumers', lim(c.max_consumers)],
    )
    if (c.mirror) rows.push(['Mirror', originText(c.mirror)])
    if (c.sources?.length) rows.push(['Sources', c.sources.map((x) => originText(x)).join('; ')])
    if (c.republish)
      rows.push([
        'Republishing',
        `${c.republish.src} → ${c.republish.dest}${c.republish.headers_only ? ' (headers only)' : ''}`,
      ])
    if (c.placement?.cluster || c.placement?.tags?.length)
      rows.push(['Placement', `${c.placement.cluster ?? ''} ${(c.placement.tags ?? []).join(',')}`.trim()])
    rows.push(...newerSettings(c as unknown as NewerConfig))
    // a lone server reports no cluster name and no replicas: nothing to show
    if (si.cluster && (si.cluster.name || (si.cluster.replicas?.length ?? 0) > 0)) {
      rows.push('', 'Cluster Information:', '', ['Name', si.cluster.name], ['Leader', si.cluster.leader])
      for (const r of si.cluster.replicas ?? [])
        rows.push([
          'Replica',
          `${r.name}, ${r.offline ? 'offline' : r.current ? 'current' : 'outdated'}, seen ${formatNanos(r.active)} ago${r.lag ? `, ${r.lag} operations behind` : ''}`,
        ])
    }

    rows.push('', 'State:', '')
  }

  rows.push(
    ['Messages', formatCount(s.messages)],
    ['Bytes', formatSize(s.bytes)],
    ['First Sequence', `${s.first_seq}${s.first_ts && s.messages > 0 ? ` @ ${s.first_ts}` : ''}`],
    ['Last Sequence', `${s.last_seq}${s.last_ts && s.messages > 0 ? ` @ ${s.last_ts}` : ''}`],
    ['Deleted Messages', formatCount(s.num_deleted ?? 0)],
    ['Active Consumers', formatCount(s.consumer_count)],
    ['Number of Subjects', formatCount(s.num_subjects ?? 0)],
  )
  return renderColumns(rows)
}

/** A mirror or source: its stream and what it takes (filter, start, origin in another account or domain). */
function originText(o: StreamSource): string {
  const details: string[] = []
  if (o.filter_subject) details.push(`filter ${o.filter_subject}`)
  if (o.opt_start_seq) details.push(`from sequence ${o.opt_start_seq}`)
  if (o.opt_start_time && !String(o.opt_start_time).startsWith('0001-')) details.push(`from ${String(o.opt_start_time)}`)
  const api = o.external?.api
  const domain = api ? /^\$JS\.(.+)\.API$/.exec(api)?.[1] : undefined
  if (domain) details.push(`domain ${domain}`)
  else if (api) details.push(`API ${api}`)
  return details.length > 0 ? `${o.name} (${details.join(', ')})` : o.name
}

/** The stream settings 2.10 → 2.15 added, as the server reports them; each only when it is set. */
interface NewerConfig {
  allow_atomic?: boolean
  allow_batched?: boolean
  allow_msg_counter?: boolean
  allow_msg_schedules?: boolean
  allow_msg_ttl?: boolean
  compression?: string
  consumer_limits?: {inactive_threshold?: number; max_ack_pending?: number}
  first_seq?: number
  metadata?: Record<string, string>
  mirror?: {consumer?: {name?: string}; subject_transforms?: Array<{dest: string; src: string}>}
  persist_mode?: string
  placement?: {preferred?: string}
  sources?: Array<{consumer?: {name?: string}; name: string; subject_transforms?: Array<{dest: string; src: string}>}>
  subject_delete_marker_ttl?: number
  subject_transform?: {dest: string; src: string}
}

function newerSettings(c: NewerConfig): Array<[string, string]> {
  const rows: Array<[string, string]> = []
  const transforms = (t?: Array<{dest: string; src: string}>): string =>
    (t ?? []).map((x) => `${x.src || '>'} → ${x.dest}`).join(', ')
  if (c.placement?.preferred) rows.push(['Preferred Leader', c.placement.preferred])
  if (c.compression && c.compression !== 'none') rows.push(['Compression', c.compression])
  if (c.subject_transform && (c.subject_transform.src || c.subject_transform.dest))
    rows.push(['Subject Transform', transforms([c.subject_transform])])
  if (c.mirror?.subject_transforms?.length) rows.push(['Mirror Transforms', transforms(c.mirror.subject_transforms)])
  if (c.mirror?.consumer?.name) rows.push(['Mirror Consumer', c.mirror.consumer.name])
  for (const src of c.sources ?? []) {
    if (src.subject_transforms?.length) rows.push([`Source ${src.name} Transforms`, transforms(src.subject_transforms)])
    if (src.consumer?.name) rows.push([`Source ${src.name} Consumer`, src.consumer.name])
  }

  if (c.first_seq && c.first_seq > 1) rows.push(['First Sequence (configured)', String(c.first_seq)])
  if (c.allow_msg_ttl) rows.push(['Per-Message TTL', 'allowed'])
  if (c.subject_delete_marker_ttl) rows.push(['Subject Delete Markers TTL', formatNanos(c.subject_delete_marker_ttl)])
  if (c.allow_msg_counter) rows.push(['Counters', 'true'])
  if (c.allow_atomic) rows.push(['Atomic Batch Publish', 'true'])
  if (c.allow_batched) rows.push(['Fast Batch Publish', 'true'])
  if (c.allow_msg_schedules) rows.push(['Message Schedules', 'true'])
  if (c.persist_mode && c.persist_mode !== 'default') rows.push(['Persist Mode', c.persist_mode])
  const limits = c.consumer_limits
  if (limits?.inactive_threshold) rows.push(['Consumer Inactive Threshold', formatNanos(limits.inactive_threshold)])
  if (limits?.max_ack_pending) rows.push(['Consumer Max Ack Pending', formatCount(limits.max_ack_pending)])
  const meta = Object.entries(c.metadata ?? {}).filter(([k]) => !k.startsWith('_nats.'))
  if (meta.length > 0) rows.push(['Metadata', meta.map(([k, v]) => `${k}=${v}`).join(', ')])
  return rows
}

export function renderStreamList(list: StreamInfo[]): string {
  if (list.length === 0) return 'No streams defined'
  return renderTable(
    ['Name', 'Subjects', 'Messages', 'Size', 'Consumers', 'Last Message'],
    list.map((si) => [
      si.config.name,
      (si.config.subjects ?? []).join(', ') || (si.config.mirror ? `mirror of ${si.config.mirror.name}` : ''),
      formatCount(si.state.messages),
      formatSize(si.state.bytes),
      si.state.consumer_count,
      si.state.messages > 0 ? formatAge(si.state.last_ts) : 'never',
    ]),
    {align: ['left', 'left', 'right', 'right', 'right', 'right'], title: `Streams (${list.length})`},
  )
}

export function renderStreamReport(rows: StreamReportRow[]): string {
  if (rows.length === 0) return 'No streams defined'
  return renderTable(
    ['Stream', 'Storage', 'Replicas', 'Consumers', 'Messages', 'Bytes', 'Deleted', 'Cluster'],
    rows.map((r) => [
      r.name,
      r.storage,
      r.replicas.length === 0
        ? String(r.replicas_configured)
        : r.replicas
            .map((x) => (x.leader ? `${x.name}*` : x.status === 'current' ? x.name : `${x.name}!(${x.status})`))
            .join(', '),
      r.consumers,
      formatCount(r.messages),
      formatSize(r.bytes),
      formatCount(r.deleted),
      r.cluster ?? '',
    ]),
    {
      align: ['left', 'left', 'left', 'right', 'right', 'right', 'right', 'left'],
      title: 'Stream Report (* leader, ! replica needs attention)',
    },
  )
}
