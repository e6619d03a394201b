import * as Flags from '@oclif/core/flags'

import type {ConsumerRow, StreamRow} from '../../../lib/monitoring/feed.js'

import {barChart} from '../../../lib/format/bars.js'
import {formatDuration} from '../../../lib/format/duration.js'
import {formatCount, formatSize} from '../../../lib/format/size.js'
import {renderTable} from '../../../lib/format/table.js'
import {apiLevels, levelCell} from '../../../lib/monitoring/api-levels.js'
import {MonitorCommand} from '../../../lib/monitoring/command.js'
import {type JetStreamServerRow, jetStreamServers, type JetStreamTotals, jetStreamTotals, type MetaGroup, metaGroup} from '../../../lib/monitoring/jetstream-summary.js'
import {monitorFlags} from '../../../lib/monitoring/options.js'
import {reportSnapshot, requireAnswer} from '../../../lib/monitoring/servers.js'

/**
 * `required_api_level`: the JetStream API level the asset needs (its `_nats.req.level` metadata, 2.11+; null when
 * it carries none); `leader_api_level`: the API level of the server that leads it (null before 2.11 or leaderless).
 */
interface Levels {
  leader_api_level: null | number
  required_api_level: null | number
}

export interface ServerReportJetStreamResult {
  consumers: Array<Levels & Omit<ConsumerRow, 'delivery_rate'>>
  /** the JetStream meta group as its leader sees it; null when the servers form none (a lone server) */
  meta: MetaGroup | null
  /** one row per server: its own /jsz numbers and the stream and consumer groups it leads */
  servers: JetStreamServerRow[]
  streams: Array<Levels & Omit<StreamRow, 'ingest_rate'>>
  /** the servers' rows summed (replicas count once per server that holds them) */
  totals: JetStreamTotals
}

const rep = (rs: StreamRow['replicas']): string => rs.map((r) => `${r.name}${r.offline ? ' (offline)' : r.current ? '' : ` (lag ${r.lag ?? '?'})`}`).join(', ')

export default class ServerReportJetstream extends MonitorCommand<typeof ServerReportJetstream> {
  static description = `Three parts, each from the servers' own /jsz:
- JetStream Summary: one row per server with its streams, consumers, messages, bytes, memory and file storage in use, JetStream API requests and errors since it started, the stream and consumer groups it leads, and meta operations pending (2.10+); the meta leader is marked *, and a Total row sums them (a replicated stream counts once per server holding it).
- Meta Group: the meta leader and each peer as the leader sees it (current, offline, last seen, operations behind); a follower's view of the others is stale, so when the leader did not answer those columns are unknown.
- Streams and consumers of every account as their leader reports them, with replica health and, for each, the JetStream API level it needs (its _nats.req.level metadata, 2.11+) beside its leader's (column API needs / has, marked ! when the leader is below the need): a stream from its stream leader, each consumer from its own leader (a replicated consumer is a Raft group of its own, and other servers' view of its pending count and replicas is stale).
--json: {servers: [{name, cluster, domain, ok, error, streams, consumers, messages, bytes, memory_bytes, file_bytes, api_requests, api_errors, stream_leaders, consumer_leaders, meta_leader, meta_pending}], totals: {the same sums}, meta: null | {name, leader, cluster_size, reported_by, peers: [{name, id, leader, current, offline, active_ms, lag}]} (id, the Raft peer id, where reported; current, active_ms and lag are null where unknown), streams: [...], consumers: [...]}.`
  static examples = [
    '<%= config.bin %> server report jetstream --context sys',
    '<%= config.bin %> server report jetstream --context sys --graph',
    '<%= config.bin %> server report jetstream --monitor localhost:8222 --json',
  ]
  static flags = {
    ...monitorFlags,
    graph: Flags.boolean({description: 'after the tables, bars for the servers by messages and by bytes, and the 10 largest streams by messages and by bytes'}),
  }
  static summary = 'Report JetStream across the servers: per-server summary, meta group, streams and consumers.'

  async run(): Promise<ServerReportJetStreamResult> {
    const t = await this.transport()
    const [snap, jsz] = await Promise.all([reportSnapshot(t, {connections: false, details: ['jsz']}), t.gather('jsz')])
    requireAnswer(snap.servers)
    const levels = await apiLevels(t)
    const lone = levels.servers.size === 1 ? [...levels.servers.values()][0] : null
    const levelsOf = (key: string, leader: string | undefined): Levels => ({
      leader_api_level: leader ? (levels.servers.get(leader) ?? null) : lone,
      required_api_level: levels.required.get(key) ?? null,
    })
    const streams = snap.streams.map(({ingest_rate: _i, ...s}) => ({...s, ...levelsOf(`${s.account}/${s.name}`, s.leader)}))
    const consumers = snap.consumers.map(({delivery_rate: _d, ...c}) => ({...c, ...levelsOf(`${c.account}/${c.stream}/${c.name}`, c.leader)}))
    const servers = jetStreamServers(jsz, snap.servers, streams, consumers)
    const totals = jetStreamTotals(servers)
    const meta = metaGroup(jsz)
    this.say(summaryTable(servers, totals))
    this.say('')
    this.say(meta ? metaTable(meta) : 'Meta Group: none (JetStream is not clustered)')
    this.say('')
    this.say(
      renderTable(
        ['Stream', 'Account', 'Messages', 'Bytes', 'Consumers', 'Leader', 'API needs / has', 'Replicas'],
        streams.map((s) => [s.name, s.account, formatCount(s.messages), formatSize(s.bytes), s.consumers, s.leader ?? '', levelCell(s.required_api_level, s.leader_api_level), (s.replicas_ok ? '' : '! ') + rep(s.replicas)]),
        {align: ['left', 'left', 'right', 'right', 'right', 'left', 'right', 'left'], title: `Streams (${streams.length})`},
      ),
    )
    this.say('')
    this.say(
      renderTable(
        ['Stream', 'Consumer', 'Pending', 'Ack pending', 'Redelivered', 'Waiting', 'Leader', 'API needs / has', 'Replicas'],
        consumers.map((c) => [c.stream, c.name, formatCount(c.num_pending), formatCount(c.num_ack_pending), formatCount(c.num_redelivered), formatCount(c.num_waiting), c.leader ?? '', levelCell(c.required_api_level, c.leader_api_level), (c.replicas_ok ? '' : '! ') + rep(c.replicas)]),
        {align: ['left', 'left', 'right', 'right', 'right', 'right', 'left', 'right', 'left'], title: `Consumers (${consumers.length})`},
      ),
    )
    if (this.flags.graph) this.say(graphs(servers, streams))
    return {consumers, meta, servers, streams, totals}
  }
}

/** The largest servers and streams drawn to scale (servers that did not answer are left out). */
function graphs(servers: JetStreamServerRow[], streams: ReadonlyArray<Pick<StreamRow, 'account' | 'bytes' | 'messages' | 'name'>>): string {
  const width = Number(process.env.COLUMNS) || process.stdout.columns || 80
  const up = servers.filter((s) => s.ok && !s.error)
  const accounts = new Set(streams.map((s) => s.account)).size > 1
  const label = (s: Pick<StreamRow, 'account' | 'name'>): string => (accounts ? `${s.account}/${s.name}` : s.name)
  return [
    '',
    ...barChart('Servers by messages:', up.map((s) => ({label: s.name, value: s.messages})), width, up.length),
    '',
    ...barChart('Servers by bytes:', up.map((s) => ({label: s.name, shown: formatSize(s.bytes), value: s.bytes})), width, up.length),
    '',
    ...barChart('Largest streams by messages:', streams.map((s) => ({label: label(s), value: s.messages})), width),
    '',
    ...barChart('Largest streams by bytes:', streams.map((s) => ({label: label(s), shown: formatSize(s.bytes), value: s.bytes})), width),
  ].join('\n')
}

function summaryTable(servers: JetStreamServerRow[], totals: JetStreamTotals): string {
  const domains = servers.some((s) => s.domain)
  const pending = servers.some((s) => s.meta_pending !== undefined)
  const head = ['Server', 'Cluster', ...(domains ? ['Domain'] : []), 'Streams', 'Consumers', 'Messages', 'Bytes', 'Memory', 'File', 'API Req', 'API Err', 'Stream Leaders', 'Consumer Leaders', ...(pending ? ['Pending'] : [])]
  const cells = (r: JetStreamTotals): Array<number | string> => [formatCount(r.streams), formatCount(r.consumers), formatCount(r.messages), formatSize(r.bytes), formatSize(r.memory_bytes), formatSize(r.file_bytes), formatCount(r.api_requests), formatCount(r.api_errors), formatCount(r.stream_leaders), formatCount(r.consumer_leaders)]
  const rows = servers.map((s) =>
    s.ok && !s.error
      ? [`${s.name}${s.meta_leader ? '*' : ''}`, s.cluster ?? '', ...(domains ? [s.domain ?? ''] : []), ...cells(s), ...(pending ? [s.meta_pending === undefined ? '' : formatCount(s.meta_pending)] : [])]
      : [s.name, s.cluster ?? '', ...(domains ? [''] : []), `DOWN: ${s.error}`, ...Array.from({length: 9 + (pending ? 1 : 0)}, () => '')],
  )
  rows.push(['Total', '', ...(domains ? [''] : []), ...cells(totals), ...(pending ? [formatCount(servers.reduce((n, s) => n + (s.meta_pending ?? 0), 0))] : [])])
  const align = head.map((_h, i) => (i < (domains ? 3 : 2) ? 'left' : 'right') as 'left' | 'right')
  return renderTable(head, rows, {align, title: `JetStream Summary (${servers.filter((s) => s.ok).length} of ${servers.length} server(s) answered; * meta leader)`})
}

const yes = (b: boolean | null): string => (b === null ? '?' : b ? 'yes' : 'no')

function metaTable(m: MetaGroup): string {
  const rows = m.peers.map((p) => [p.name, p.leader ? 'yes' : '', yes(p.current), p.offline ? 'OFFLINE' : 'online', p.active_ms === null ? '?' : p.leader ? 'now' : `${formatDuration(p.active_ms)} ago`, p.lag === null ? '?' : formatCount(p.lag)])
  return renderTable(['Server', 'Leader', 'Current', 'Online', 'Active', 'Lag'], rows, {
    align: ['left', 'left', 'left', 'left', 'right', 'right'],
    title: `Meta Group${m.name ? ` ${m.name}` : ''}: leader ${m.leader ?? 'NONE'}, ${m.cluster_size} peer(s), as ${m.reported_by} sees it`,
  })
}
