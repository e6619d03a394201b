import type {ConsumerRow, StreamRow} from '../../../lib/monitoring/feed.js'

import {formatCount, formatSize} from '../../../lib/format/size.js'
import {renderTable} from '../../../lib/format/table.js'
import {apiLevels, levelCell} from '../../../lib/monitoring/api-levels.js'
import {MonitorCommand} from '../../../lib/monitoring/command.js'
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
  streams: Array<Levels & Omit<StreamRow, 'ingest_rate'>>
}

const rep = (rs: StreamRow['replicas']): string => rs.map((r) => `${r.name}${r.offline ? ' (offline)' : r.current ? '' : ` (lag ${r.lag ?? '?'})`}`).join(', ')

export default class ServerReportJetstream extends MonitorCommand<typeof ServerReportJetstream> {
  static description = "Streams and consumers of every account as their leader reports them, with replica health and, for each, the JetStream API level it needs (its _nats.req.level metadata, 2.11+) beside its leader's (column API needs / has, marked ! when the leader is below the need): a stream from its stream leader, each consumer from its own leader (a replicated consumer is a Raft group of its own, and other servers' view of its pending count and replicas is stale)."
  static examples = ['<%= config.bin %> server report jetstream --context sys', '<%= config.bin %> server report jetstream --monitor localhost:8222 --json']
  static flags = {...monitorFlags}
  static summary = 'Report JetStream streams and consumers across the servers.'

  async run(): Promise<ServerReportJetStreamResult> {
    const t = await this.transport()
    const snap = await reportSnapshot(t, {connections: false, details: ['jsz']})
    requireAnswer(snap.servers)
    const levels = await apiLevels(t)
    const lone = levels.servers.size === 1 ? [...levels.servers.values()][0] : null
    const levelsOf = (key: string, leader: string | undefined): Levels => ({
      leader_api_level: leader ? (levels.servers.get(leader) ?? null) : lone,
      required_api_level: levels.required.get(key) ?? null,
    })
    const streams = snap.streams.map(({ingest_rate: _i, ...s}) => ({...s, ...levelsOf(`${s.account}/${s.name}`, s.leader)}))
    const consumers = snap.consumers.map(({delivery_rate: _d, ...c}) => ({...c, ...levelsOf(`${c.account}/${c.stream}/${c.name}`, c.leader)}))
    this.say(
      renderTable(
        ['Stream', 'Account', 'Messages', 'Bytes', 'Consumers', 'Leader', 'API needs / has', 'Replicas'],
        streams.map((s) => [s.name, s.account, formatCount(s.messages), formatSize(s.bytes), s.consumers, s.leader ?? '', levelCell(s.required_api_level, s.leader_api_level), (s.replicas_ok ? '' : '! ') + rep(s.replicas)]),
        {align: ['left', 'left', 'right', 'right', 'right', 'left', 'right', 'left'], title: `Streams (${streams.length})`},
      ),
    )
    this.say(
      renderTable(
        ['Stream', 'Consumer', 'Pending', 'Ack pending', 'Redelivered', 'Waiting', 'Leader', 'API needs / has', 'Replicas'],
        consumers.map((c) => [c.stream, c.name, formatCount(c.num_pending), formatCount(c.num_ack_pending), formatCount(c.num_redelivered), formatCount(c.num_waiting), c.leader ?? '', levelCell(c.required_api_level, c.leader_api_level), (c.replicas_ok ? '' : '! ') + rep(c.replicas)]),
        {align: ['left', 'left', 'right', 'right', 'right', 'right', 'left', 'right', 'left'], title: `\nConsumers (${consumers.length})`},
      ),
    )
    return {consumers, streams}
  }
}
