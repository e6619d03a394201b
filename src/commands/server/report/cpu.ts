import {ExitCode} from '../../../lib/errors.js'
import {bar} from '../../../lib/format/bars.js'
import {renderTable} from '../../../lib/format/table.js'
import {MonitorCommand} from '../../../lib/monitoring/command.js'
import {expectFlag, monitorFlags} from '../../../lib/monitoring/options.js'
import {requireAnswer, unreachableLine} from '../../../lib/monitoring/servers.js'
import {type UsageReport, usageReport} from '../../../lib/monitoring/usage.js'

export type ServerReportCpuResult = UsageReport

export default class ServerReportCpu extends MonitorCommand<typeof ServerReportCpu> {
  static description = `The CPU use of every server from its own varz, busiest first, with a bar scaled to the busiest. CPU is in percent of one core, as the server reports it (a server using two cores fully shows 200%); Cores is what the server sees (GOMAXPROCS beside it when it differs). A server the cluster knows (or --expect asks for) that does not answer is listed, and the exit code is 6.
--json: {servers: [{name, cluster, ok, error, cpu_percent, cores, gomaxprocs, mem_bytes, jetstream_memory_bytes, jetstream_memory_limit_bytes, version}], totals: {servers, answered, cpu_percent, cpu_percent_mean, mem_bytes, mem_bytes_mean}}, the same shape as \`server report mem\`.`
  static examples = ['<%= config.bin %> server report cpu --context sys', '<%= config.bin %> server report cpu --monitor localhost:8222 --monitor localhost:8223 --json']
  static flags = {...monitorFlags, expect: expectFlag()}
  static summary = 'Report the CPU use of every server.'

  async run(): Promise<ServerReportCpuResult> {
    const report = await usageReport(await this.transport(), 'cpu', this.flags.expect)
    requireAnswer(report.servers)
    const max = Math.max(0, ...report.servers.map((s) => s.cpu_percent ?? 0))
    const rows = report.servers.map((s) =>
      s.ok
        ? [s.name, s.cluster ?? '', `${(s.cpu_percent ?? 0).toFixed(1)}%`, s.cores === undefined ? '' : `${s.cores}${s.gomaxprocs !== undefined && s.gomaxprocs !== s.cores ? ` (${s.gomaxprocs})` : ''}`, bar(max > 0 ? (s.cpu_percent ?? 0) / max : 0, 20)]
        : [s.name, '', 'DOWN', '', s.error ?? ''],
    )
    const {totals: t} = report
    this.say(
      renderTable(['Server', 'Cluster', 'CPU', 'Cores', ''], rows, {
        align: ['left', 'left', 'right', 'right', 'left'],
        title: `CPU (${t.answered} of ${t.servers} server(s) answered): ${t.cpu_percent.toFixed(1)}% in all, ${t.cpu_percent_mean.toFixed(1)}% on average`,
      }),
    )
    const missing = unreachableLine(report.servers)
    if (missing) {
      this.warnLine(missing)
      process.exitCode = ExitCode.CONNECTION
    }

    return report
  }
}
