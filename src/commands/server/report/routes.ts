import type {RouteRow} from '../../../lib/monitoring/feed.js'

import {formatCount, formatSize} from '../../../lib/format/size.js'
import {renderTable} from '../../../lib/format/table.js'
import {MonitorCommand} from '../../../lib/monitoring/command.js'
import {monitorFlags} from '../../../lib/monitoring/options.js'
import {reportSnapshot, requireAnswer} from '../../../lib/monitoring/servers.js'
import {address} from '../../../lib/monitoring/view.js'

export interface ServerReportRoutesResult {
  routes: Array<Omit<RouteRow, 'rates'>>
  /** routes per server: a healthy full mesh of N servers has N-1 each */
  servers: Array<{routes: number; server: string}>
}

export default class ServerReportRoutes extends MonitorCommand<typeof ServerReportRoutes> {
  static description = 'Every cluster route of every server (routez): the remote server, its address, round-trip time, messages each way and bytes waiting to be sent. In a healthy full mesh of N servers each has N-1 routes.'
  static examples = ['<%= config.bin %> server report routes --context sys', '<%= config.bin %> server report routes --monitor localhost:8222 --json']
  static flags = {...monitorFlags}
  static summary = 'Report the cluster routes of every server.'

  async run(): Promise<ServerReportRoutesResult> {
    const snap = await reportSnapshot(await this.transport(), {connections: false, details: ['routez']})
    requireAnswer(snap.servers)
    const routes = snap.routes.map(({rates: _r, ...r}) => r)
    const servers = snap.servers.map((s) => ({routes: routes.filter((r) => r.server === s.name).length, server: s.name}))
    this.say(
      renderTable(
        ['SERVER', 'REMOTE', 'ADDRESS', 'RTT', 'IN MSGS', 'OUT MSGS', 'PENDING'],
        routes.map((r) => [r.server, r.remote, address(r), r.rtt_ms === undefined ? '' : `${r.rtt_ms.toFixed(3)}ms`, formatCount(r.in_msgs), formatCount(r.out_msgs), formatSize(r.pending_bytes)]),
      ),
    )
    this.say(`\n${routes.length} route(s); ${servers.map((s) => `${s.server}: ${s.routes}`).join(', ')}`)
    return {routes, servers}
  }
}
