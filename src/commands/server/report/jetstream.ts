import type {ConsumerRow, StreamRow} from '../../../lib/monitoring/feed.js'

import {formatCount, formatSize} from '../../../lib/format/size.js'
import {renderTable} from '../../../lib/format/table.js'
import {MonitorCommand} from '../../../lib/monitoring/command.js'
import {monitorFlags} from '../../../lib/monitoring/options.js'
import {reportSnapshot, requireAnswer} from '../../../lib/monitoring/servers.js'

export interface ServerReportJetStreamResult {
  consumers: Array<Omit<ConsumerRow, 'delivery_rate'>>
  streams: Array<Omit<StreamRow, 'ingest_rate'>>
}

const rep = (rs: StreamRow['replicas']): string => rs.map((r) => `${r.name}${r.offline ? ' (offline)' : r.current ? '' : ` (lag ${r.lag ?? '?'})`}`).join(', ')

export default class ServerReportJetstream extends MonitorCommand<typeof ServerReportJetstream> {
  static description = "Streams and consumers of every account as their leader reports them, with replica health: a stream from its stream leader, each consumer from its own leader (a replicated consumer is a Raft group of its own, and other servers' view of its pending count and replicas is stale)."
  static examples = ['<%= config.bin %> server report jetstream --context sys', '<%= config.bin %> server report jetstream --monitor localhost:8222 --json']
  static flags = {...monitorFlags}
  static summary = 'Report JetStream streams and consumers across the servers.'

  async run(): Promise<ServerReportJetStreamResult> {
    const snap = await reportSnapshot(await this.transport(), {connections: false, details: ['jsz']})
    requireAnswer(snap.servers)
    this.say(
      renderTable(
        ['Stream', 'Account', 'Messages', 'Bytes', 'Consumers', 'Leader', 'Replicas'],
        snap.streams.map((s) => [s.name, s.account, formatCount(s.messages), formatSize(s.bytes), s.consumers, s.leader ?? '', (s.replicas_ok ? '' : '! ') + rep(s.replicas)]),
        {align: ['left', 'left', 'right', 'right', 'right', 'left', 'left'], title: `Streams (${snap.streams.length})`},
      ),
    )
    this.say(
      renderTable(
        ['Stream', 'Consumer', 'Pending', 'Ack pending', 'Redelivered', 'Waiting', 'Leader', 'Replicas'],
        snap.consumers.map((c) => [c.stream, c.name, formatCount(c.num_pending), formatCount(c.num_ack_pending), formatCount(c.num_redelivered), formatCount(c.num_waiting), c.leader ?? '', (c.replicas_ok ? '' : '! ') + rep(c.replicas)]),
        {align: ['left', 'left', 'right', 'right', 'right', 'right', 'left', 'left'], title: `\nConsumers (${snap.consumers.length})`},
      ),
    )
    return {
      consumers: snap.consumers.map(({delivery_rate: _d, ...c}) => c),
      streams: snap.streams.map(({ingest_rate: _i, ...s}) => s),
    }
  }
}
