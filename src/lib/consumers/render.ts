/** Human renderings of consumer data (pure: they return strings). */
import type {ConsumerInfo} from '@nats-io/jetstream'

import {formatAge, formatNanos} from '../format/duration.js'
import {formatCount} from '../format/size.js'
import {renderColumns, renderTable} from '../format/table.js'
import {type ConsumerLimits} from './config.js'
import {type ConsumerReportRow, pauseAndGroups} from './ops.js'

/** What 2.11+ servers add to a consumer's info: the pause and the pinned client of each priority group. */
type ConsumerInfoExtras = {
  pause_remaining?: number
  paused?: boolean
  priority_groups?: Array<{group: string; pinned_client_id?: string; pinned_ts?: string}>
}

const POLICY_NAMES: Record<string, string> = {
  overflow: 'overflow',
  pinned_client: 'pinned client',
  prioritized: 'prioritized',
}

/** `limits` are the stream's `consumer_limits` (2.10+), shown when they set the consumer's defaults. */
export function renderConsumerInfo(ci: ConsumerInfo, limits: ConsumerLimits = {}): string {
  const c = ci.config
  const x = ci as ConsumerInfo & ConsumerInfoExtras
  const metadata = Object.entries(c.metadata ?? {}).filter(([k]) => !k.startsWith('_nats.'))
  const pauseUntil = c.pause_until && !String(c.pause_until).startsWith('0001-') ? c.pause_until : undefined
  const pinned = (x.priority_groups ?? []).filter((g) => g.pinned_client_id)
  const limitText = [
    limits.max_ack_pending ? `max ack pending ${limits.max_ack_pending}` : '',
    limits.inactive_threshold ? `inactive threshold ${formatNanos(limits.inactive_threshold)}` : '',
  ]
    .filter(Boolean)
    .join(', ')
  const cluster: Array<[string, string | undefined] | string> = ci.cluster?.name
    ? [
        '',
        'Cluster Information:',
        '',
        ['Name', ci.cluster.name],
        ['Leader', ci.cluster.leader],
        ...(ci.cluster.replicas ?? []).map(
          (r): [string, string] => ['Replica', `${r.name}, ${r.offline ? 'offline' : r.current ? 'current' : 'lagging'}`],
        ),
      ]
    : []
  const rows: Array<[string, number | string | undefined] | string> = [
    `Information for Consumer ${ci.stream_name} > ${ci.name} created ${ci.created}`,
    '',
    ['Name', ci.name],
    ['Durable', c.durable_name ? 'yes' : 'no (ephemeral)'],
    ['Description', c.description],
    ['Mode', c.deliver_subject ? `push to ${c.deliver_subject}` : 'pull'],
    [
      'Deliver Policy',
      `${c.deliver_policy}${c.opt_start_seq ? ` from sequence ${c.opt_start_seq}` : ''}${c.opt_start_time ? ` since ${c.opt_start_time}` : ''}`,
    ],
    (c.filter_subjects?.length ?? 0) > 1
      ? ['Filter Subjects', (c.filter_subjects ?? []).join(', ')]
      : ['Filter Subject', c.filter_subject ?? (c.filter_subjects ?? []).join(', ')],
    ['Ack Policy', c.ack_policy],
    ['Ack Wait', formatNanos(c.ack_wait)],
    ['Replay Policy', c.replay_policy],
    ['Max Deliver', c.max_deliver === -1 ? 'unlimited' : c.max_deliver],
    ['Backoff', (c.backoff ?? []).map((b) => formatNanos(b)).join(', ')],
    ['Max Ack Pending', c.max_ack_pending],
    ['Max Waiting Pulls', c.max_waiting],
    ['Inactive Threshold', c.inactive_threshold ? formatNanos(c.inactive_threshold) : ''],
    ['Headers Only', c.headers_only ? 'true' : ''],
    ['Flow Control', c.flow_control ? 'true' : ''],
    ['Heartbeat', c.idle_heartbeat ? formatNanos(c.idle_heartbeat) : ''],
    ['Deliver Group', c.deliver_group],
    ['Metadata', metadata.map(([k, v]) => `${k}=${v}`).join(', ')],
    ['Paused', x.paused ? `yes, until ${pauseUntil ?? '?'} (${formatNanos(x.pause_remaining)} left)` : pauseUntil ? `no (pause until ${pauseUntil} has passed)` : ''],
    ['Priority Groups', c.priority_groups?.length ? `${c.priority_groups.join(', ')} (${POLICY_NAMES[c.priority_policy ?? ''] ?? c.priority_policy})` : ''],
    ['Pinned TTL', c.priority_timeout ? formatNanos(c.priority_timeout) : ''],
    ...pinned.map((g): [string, string] => ['Pinned Client', `${g.group}: ${g.pinned_client_id}${g.pinned_ts ? ` since ${g.pinned_ts}` : ''}`]),
    ['Stream Consumer Limits', limitText],
    ...cluster,
    '',
    'State:',
    '',
    ['Last Delivered', `consumer sequence ${ci.delivered.consumer_seq}, stream sequence ${ci.delivered.stream_seq}`],
    ['Ack Floor', `consumer sequence ${ci.ack_floor.consumer_seq}, stream sequence ${ci.ack_floor.stream_seq}`],
    ['Outstanding Acks', formatCount(ci.num_ack_pending)],
    ['Redelivered', formatCount(ci.num_redelivered)],
    ['Unprocessed', formatCount(ci.num_pending)],
    ['Waiting Pulls', formatCount(ci.num_waiting)],
  ]
  return renderColumns(rows.filter((r) => !Array.isArray(r) || (r[1] !== undefined && r[1] !== '')))
}

/** `paused 4m59s left` (or `` when not paused): the pause of a consumer in a table cell. */
function pauseCell(p: Pick<ConsumerReportRow, 'pause_remaining' | 'paused'>): string {
  return p.paused ? `${formatNanos(p.pause_remaining)} left` : ''
}

/** `jobs: pinned abc123 (pinned client)`: the priority groups of a consumer in a table cell. */
function groupsCell(p: Pick<ConsumerReportRow, 'priority_groups' | 'priority_policy'>): string {
  if (!p.priority_groups) return ''
  const groups = p.priority_groups.map((g) => (g.pinned_client_id ? `${g.group} (pinned ${g.pinned_client_id})` : g.group)).join(', ')
  return `${groups} [${POLICY_NAMES[p.priority_policy ?? ''] ?? p.priority_policy}]`
}

export function renderConsumerList(stream: string, list: ConsumerInfo[]): string {
  if (list.length === 0) return `No consumers on stream ${stream}`
  const extras = list.map((ci) => pauseAndGroups(ci))
  // the pause and priority-group columns appear when a consumer has one (2.11+ servers)
  const paused = extras.some((e) => e.paused)
  const groups = extras.some((e) => e.priority_groups)
  return renderTable(
    ['Name', 'Mode', 'Filter', 'Ack Pending', 'Unprocessed', 'Last Delivery', ...(paused ? ['Paused'] : []), ...(groups ? ['Priority Groups'] : [])],
    list.map((ci, i) => [
      ci.name,
      ci.config.deliver_subject ? 'push' : 'pull',
      ci.config.filter_subject ?? (ci.config.filter_subjects ?? []).join(', '),
      formatCount(ci.num_ack_pending),
      formatCount(ci.num_pending),
      formatAge((ci.delivered as unknown as {last_active?: string}).last_active),
      ...(paused ? [pauseCell(extras[i])] : []),
      ...(groups ? [groupsCell(extras[i])] : []),
    ]),
    {
      align: ['left', 'left', 'left', 'right', 'right', 'right', ...(paused ? ['right' as const] : []), ...(groups ? ['left' as const] : [])],
      title: `Consumers on stream ${stream} (${list.length})`,
    },
  )
}

export function renderConsumerReport(stream: string, rows: ConsumerReportRow[]): string {
  if (rows.length === 0) return `No consumers on stream ${stream}`
  const paused = rows.some((r) => r.paused)
  const groups = rows.some((r) => r.priority_groups)
  return renderTable(
    [
      'Consumer',
      'Mode',
      'Ack Pending',
      'Redelivered',
      'Unprocessed',
      'Waiting Pulls',
      'Last Delivery',
      'Ack Floor',
      ...(paused ? ['Paused'] : []),
      ...(groups ? ['Priority Groups'] : []),
      'Cluster',
    ],
    rows.map((r) => [
      r.name,
      r.mode,
      formatCount(r.ack_pending),
      formatCount(r.redelivered),
      formatCount(r.unprocessed),
      formatCount(r.waiting_pulls),
      formatAge(r.last_delivery),
      r.ack_floor,
      ...(paused ? [pauseCell(r)] : []),
      ...(groups ? [groupsCell(r)] : []),
      r.replicas
        .map((x) => (x.leader ? `${x.name}*` : x.status === 'current' ? x.name : `${x.name}!(${x.status})`))
        .join(', '),
    ]),
    {
      align: ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', ...(paused ? ['right' as const] : []), ...(groups ? ['left' as const] : []), 'left'],
      title: `Consumer report for stream ${stream}`,
    },
  )
}
