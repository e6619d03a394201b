import * as Flags from '@oclif/core/flags'

import {ExitCode} from '../../lib/errors.js'
import {formatDuration} from '../../lib/format/duration.js'
import {formatCount, formatSize} from '../../lib/format/size.js'
import {renderTable} from '../../lib/format/table.js'
import {MonitorCommand} from '../../lib/monitoring/command.js'
import {expectFlag, monitorFlags} from '../../lib/monitoring/options.js'
import {LIST_SORT, listServers, requireAnswer, type ServerListRow, unreachableLine} from '../../lib/monitoring/servers.js'

export interface ServerListResult {
  servers: ServerListRow[]
}

export default class ServerList extends MonitorCommand<typeof ServerList> {
  static aliases = ['server ls']
  static description = 'One row per server: name, cluster, version, JetStream API level (2.11+), connections, subscriptions, routes (peers; 2.10+ pools several connections per peer), memory, CPU, slow consumers, uptime and round trip. Numbers sort largest first; --reverse flips it. A server known but silent (named by the cluster, counted by it, or missing from --expect) is a DOWN row, and the exit code is 6.'
  static examples = ['<%= config.bin %> server list --context sys', '<%= config.bin %> server list --sort conns --json', '<%= config.bin %> server ls --monitor localhost:8222 --monitor localhost:8223']
  static flags = {
    ...monitorFlags,
    expect: expectFlag(),
    reverse: Flags.boolean({char: 'R', description: 'reverse the sort order'}),
    sort: Flags.string({default: 'name', description: 'sort by this column', options: [...LIST_SORT]}),
  }
  static summary = 'List the servers of a cluster with their load.'

  async run(): Promise<ServerListResult> {
    const {flags} = this
    const servers = await listServers(await this.transport(), flags.sort as (typeof LIST_SORT)[number], flags.reverse, flags.expect)
    requireAnswer(servers)
    const rows = servers.map((s) =>
      s.ok
        ? [s.name, s.cluster ?? '', s.version ?? '', s.jetstream ? (s.api_level ? `yes (api ${s.api_level})` : 'yes') : 'no', formatCount(s.connections), formatCount(s.subscriptions), s.routes, formatSize(s.mem), `${s.cpu.toFixed(1)}%`, s.slow_consumers, formatDuration(Math.floor(s.uptime_ms / 1000) * 1000), s.rtt_ms === undefined ? '' : formatDuration(s.rtt_ms)]
        : [s.name, `DOWN: ${s.error}`, '', '', '', '', '', '', '', '', '', ''],
    )
    const right = 'right' as const
    const left = 'left' as const
    this.say(
      renderTable(['Name', 'Cluster', 'Version', 'JS', 'Conns', 'Subs', 'Routes', 'Memory', 'CPU', 'Slow', 'Uptime', 'RTT'], rows, {
        align: [left, left, left, left, right, right, right, right, right, right, right, right],
        title: `Servers (${servers.filter((s) => s.ok).length} of ${servers.length} answered)`,
      }),
    )
    const missing = unreachableLine(servers)
    if (missing) {
      this.warnLine(missing)
      process.exitCode = ExitCode.CONNECTION
    }

    return {servers}
  }
}
