import type {LeafRow} from '../../../lib/monitoring/feed.js'

import {formatCount} from '../../../lib/format/size.js'
import {renderTable} from '../../../lib/format/table.js'
import {MonitorCommand} from '../../../lib/monitoring/command.js'
import {monitorFlags} from '../../../lib/monitoring/options.js'
import {reportSnapshot, requireAnswer} from '../../../lib/monitoring/servers.js'
import {address} from '../../../lib/monitoring/view.js'

export interface ServerReportLeafnodesResult {
  leafnodes: LeafRow[]
  /** leaf connections per server */
  servers: Array<{leafnodes: number; server: string}>
}

export default class ServerReportLeafnodes extends MonitorCommand<typeof ServerReportLeafnodes> {
  static description = 'Every leafnode connection of every server (leafz): the remote name, account, address, round-trip time, messages each way and subscriptions.'
  static examples = ['<%= config.bin %> server report leafnodes --context sys', '<%= config.bin %> server report leafnodes --monitor localhost:8222 --json']
  static flags = {...monitorFlags}
  static summary = 'Report the leafnode connections of every server.'

  async run(): Promise<ServerReportLeafnodesResult> {
    const snap = await reportSnapshot(await this.transport(), {connections: false, details: ['leafz']})
    requireAnswer(snap.servers)
    const leafnodes = snap.leafs
    const servers = snap.servers.map((s) => ({leafnodes: leafnodes.filter((l) => l.server === s.name).length, server: s.name}))
    this.say(
      renderTable(
        ['SERVER', 'NAME', 'ACCOUNT', 'ADDRESS', 'RTT', 'IN MSGS', 'OUT MSGS', 'SUBS'],
        leafnodes.map((l) => [l.server, l.name ?? '', l.account ?? '', address(l), l.rtt_ms === undefined ? '' : `${l.rtt_ms.toFixed(3)}ms`, formatCount(l.in_msgs), formatCount(l.out_msgs), formatCount(l.subscriptions)]),
      ),
    )
    this.say(`\n${leafnodes.length} leafnode connection(s); ${servers.map((s) => `${s.server}: ${s.leafnodes}`).join(', ')}`)
    return {leafnodes, servers}
  }
}
