import * as Args from '@oclif/core/args'

import type {Varz} from '../../lib/monitoring/types.js'

import {connectionError, notFound} from '../../lib/errors.js'
import {formatDuration} from '../../lib/format/duration.js'
import {formatCount, formatSize} from '../../lib/format/size.js'
import {renderColumns} from '../../lib/format/table.js'
import {MonitorCommand} from '../../lib/monitoring/command.js'
import {parseTime} from '../../lib/monitoring/json.js'
import {monitorFlags} from '../../lib/monitoring/options.js'
import {serverInfo} from '../../lib/monitoring/servers.js'

export interface ServerInfoResult {
  rtt_ms: number
  server: string
  varz: Varz
}

export default class ServerInfo extends MonitorCommand<typeof ServerInfo> {
  static args = {
    server: Args.string({description: 'server name or id (or monitoring URL); the first server that answers when omitted'}),
  }
  static description = 'The full /varz of one server; --json prints it unchanged under "varz".'
  static examples = ['<%= config.bin %> server info n1 --context sys', '<%= config.bin %> server info --monitor localhost:8222 --json']
  static flags = {...monitorFlags}
  static summary = 'Show the configuration and load of one server.'

  async run(): Promise<ServerInfoResult> {
    const r = await serverInfo(await this.transport(), this.args.server)
    if (!r) throw notFound(`no server named "${this.args.server}" answered`, 'list the servers with `natsx server list`')
    if (!r.ok) throw connectionError(`${r.server?.name ?? r.target}: ${r.error}`)
    const v = r.data
    const js = v.jetstream
    this.say(
      renderColumns([
        `Server ${v.server_name ?? v.server_id}`,
        '',
        ['ID', v.server_id],
        ['Version', v.version],
        ['Cluster', v.cluster?.name ?? '(none)'],
        ['Host', `${v.host}:${v.port}`],
        ['Uptime', formatDuration(Math.max(0, parseTime(v.now) - parseTime(v.start)))],
        ['CPU', `${v.cpu ?? 0}% of one core (${v.cores ?? '?'} cores)`],
        ['Memory', formatSize(v.mem)],
        ['Connections', `${formatCount(v.connections)} (max ${formatCount(v.max_connections)}, total ${formatCount(v.total_connections)})`],
        ['Subscriptions', formatCount(v.subscriptions)],
        ['Routes', v.routes ?? 0],
        ['Leafnodes', v.leafnodes ?? 0],
        ['Slow consumers', v.slow_consumers ?? 0],
        ['Messages in/out', `${formatCount(v.in_msgs)} / ${formatCount(v.out_msgs)}`],
        ['Bytes in/out', `${formatSize(v.in_bytes)} / ${formatSize(v.out_bytes)}`],
        ['Max payload', formatSize(v.max_payload)],
        ['JetStream', js?.config ? `memory ${formatSize(js.stats?.memory)} of ${formatSize(js.config.max_memory)}, storage ${formatSize(js.stats?.storage)} of ${formatSize(js.config.max_storage)}` : 'disabled'],
        ...(js?.meta ? [['Meta leader', `${js.meta.leader ?? '(none)'} (cluster size ${js.meta.cluster_size ?? '?'})`] as [string, string]] : []),
        ['Round trip', formatDuration(r.rtt_ms)],
      ]),
    )
    return {rtt_ms: r.rtt_ms, server: r.server.name, varz: v}
  }
}
