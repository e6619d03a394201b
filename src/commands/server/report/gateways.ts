import {formatCount, formatSize} from '../../../lib/format/size.js'
import {renderTable} from '../../../lib/format/table.js'
import {MonitorCommand} from '../../../lib/monitoring/command.js'
import {type GatewayRow, gatewaysReport} from '../../../lib/monitoring/gateways.js'
import {monitorFlags} from '../../../lib/monitoring/options.js'
import {requireAnswer} from '../../../lib/monitoring/servers.js'
import {address} from '../../../lib/monitoring/view.js'

export interface ServerReportGatewaysResult {
  gateways: GatewayRow[]
  servers: Array<{error?: string; gateway?: string; ok: boolean; server: string}>
}

export default class ServerReportGateways extends MonitorCommand<typeof ServerReportGateways> {
  static description = 'Every gateway connection of every server (gatewayz), outbound and inbound: the remote gateway, whether it is configured or was learned, address, round-trip time, messages each way and bytes waiting.'
  static examples = ['<%= config.bin %> server report gateways --context sys', '<%= config.bin %> server report gateways --monitor localhost:8222 --json']
  static flags = {...monitorFlags}
  static summary = 'Report the gateway connections of every server.'

  async run(): Promise<ServerReportGatewaysResult> {
    const report = await gatewaysReport(await this.transport())
    requireAnswer(report.servers)
    this.say(
      renderTable(
        ['SERVER', 'GATEWAY', 'DIRECTION', 'REMOTE', 'CONFIGURED', 'ADDRESS', 'RTT', 'IN MSGS', 'OUT MSGS', 'PENDING'],
        report.gateways.map((g) => [
          g.server,
          g.gateway ?? '',
          g.direction,
          g.remote,
          g.configured ? 'yes' : 'learned',
          address(g),
          g.rtt_ms === undefined ? '' : `${g.rtt_ms.toFixed(3)}ms`,
          formatCount(g.in_msgs),
          formatCount(g.out_msgs),
          formatSize(g.pending_bytes),
        ]),
      ),
    )
    this.say(`\n${report.gateways.length} gateway connection(s) on ${report.servers.filter((s) => s.ok).length} server(s)`)
    return report
  }
}
