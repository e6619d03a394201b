import type {RouteRow} from '../../../lib/monitoring/feed.js'

import {formatCount, formatSize} from '../../../lib/format/size.js'
import {renderTable} from '../../../lib/format/table.js'
import {MonitorCommand} from '../../../lib/monitoring/command.js'
import {monitorFlags} from '../../../lib/monitoring/options.js'
import {reportSnapshot, requireAnswer} from '../../../lib/monitoring/servers.js'
import {address} from '../../../lib/monitoring/view.js'

export interface ServerReportRoutesResult {
  /** one row per server and peer; `pool` is how many route connections link them (2.10+ pools them) */
  routes: Array<Omit<RouteRow, 'rates'>>
  /** peers per server (a healthy full mesh of N servers has N-1 each) and the route connections to them */
  servers: Array<{connections: number; routes: number; server: string}>
}

export default class ServerReportRoutes extends MonitorCommand<typeof ServerReportRoutes> {
  static description = 'Every cluster route of every server (routez), one row per peer: the remote server, how many route connections link them (2.10+ opens a pool per peer, plus one per pinned account such as the system account), its address, the lowest round-trip time, and messages and bytes waiting summed over the pool. In a healthy full mesh of N servers each has N-1 peers.'
  static examples = ['<%= config.bin %> server report routes --context sys', '<%= config.bin %> server report routes --monitor localhost:8222 --json']
  static flags = {...monitorFlags}
  static summary = 'Report the cluster routes of every server.'

  async run(): Promise<ServerReportRoutesResult> {
    const snap = await reportSnapshot(await this.transport(), {connections: false, details: ['routez']})
    requireAnswer(snap.servers)
    const routes = snap.routes.map(({rates: _r, ...r}) => r)
    const servers = snap.servers.map((s) => {
      const mine = routes.filter((r) => r.server === s.name)
      return {connections: mine.reduce((n, r) => n + r.pool, 0), routes: mine.length, server: s.name}
    })
    this.say(
      renderTable(
        ['SERVER', 'REMOTE', 'POOL', 'PINNED', 'ADDRESS', 'RTT', 'IN MSGS', 'OUT MSGS', 'PENDING'],
        routes.map((r) => [r.server, r.remote, r.pool, r.accounts.join(', '), address(r), r.rtt_ms === undefined ? '' : `${r.rtt_ms.toFixed(3)}ms`, formatCount(r.in_msgs), formatCount(r.out_msgs), formatSize(r.pending_bytes)]),
        {align: ['left', 'left', 'right', 'left', 'left', 'right', 'right', 'right', 'right']},
      ),
    )
    const connections = servers.reduce((n, s) => n + s.connections, 0)
    this.say(`\n${routes.length} route(s) over ${connections} connection(s); ${servers.map((s) => `${s.server}: ${s.routes}`).join(', ')}`)
    return {routes, servers}
  }
}
