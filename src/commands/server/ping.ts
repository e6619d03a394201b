import {ExitCode} from '../../lib/errors.js'
import {padWidth} from '../../lib/format/width.js'
import {MonitorCommand} from '../../lib/monitoring/command.js'
import {expectFlag, monitorFlags} from '../../lib/monitoring/options.js'
import {type PingRow, pingServers, requireAnswer, unreachableLine} from '../../lib/monitoring/servers.js'

export interface ServerPingResult {
  servers: PingRow[]
}

export default class ServerPing extends MonitorCommand<typeof ServerPing> {
  static description = 'Over the system account every server of the cluster answers one request; with --monitor each URL is asked. Every server known and silent is listed as unreachable: those named by the cluster (routes, the JetStream meta group), those it only counts, and up to --expect. Exit 6 when one is missing; the wait ends as soon as the cluster\'s own count of servers has answered.'
  static examples = ['<%= config.bin %> server ping --context sys', '<%= config.bin %> server ping --monitor localhost:8222 --json']
  static flags = {...monitorFlags, expect: expectFlag()}
  static summary = 'Ping every server and show the round-trip time of each.'

  async run(): Promise<ServerPingResult> {
    const servers = await pingServers(await this.transport(), this.flags.expect)
    requireAnswer(servers)
    for (const s of servers) {
      this.say(s.ok ? `${padWidth(s.name, 20)} rtt ${s.rtt_ms?.toFixed(3)}ms  ${s.cluster ?? ''}` : `${padWidth(s.name, 20)} FAILED: ${s.error}`)
    }

    this.say(`\n${servers.filter((s) => s.ok).length} of ${servers.length} server(s) answered`)
    const missing = unreachableLine(servers)
    if (missing) {
      this.warnLine(missing)
      process.exitCode = ExitCode.CONNECTION
    }

    return {servers}
  }
}
