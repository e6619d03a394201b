import {ExitCode} from '../../../lib/errors.js'
import {bar} from '../../../lib/format/bars.js'
import {formatSize} from '../../../lib/format/size.js'
import {renderTable} from '../../../lib/format/table.js'
import {MonitorCommand} from '../../../lib/monitoring/command.js'
import {expectFlag, monitorFlags} from '../../../lib/monitoring/options.js'
import {requireAnswer, unreachableLine} from '../../../lib/monitoring/servers.js'
import {type UsageReport, usageReport} from '../../../lib/monitoring/usage.js'

export type ServerReportMemResult = UsageReport

export default class ServerReportMem extends MonitorCommand<typeof ServerReportMem> {
  static description = `The memory of every server from its own varz, largest first, with a bar scaled to the largest: the process's resident memory, and the JetStream memory storage in use beside its limit where JetStream is on. A server the cluster knows (or --expect asks for) that does not answer is listed, and the exit code is 6.
--json: {servers: [{name, cluster, ok, error, mem_bytes, jetstream_memory_bytes, jetstream_memory_limit_bytes, cpu_percent, cores, gomaxprocs, version}], totals: {servers, answered, mem_bytes, mem_bytes_mean, cpu_percent, cpu_percent_mean}}, the same shape as \`server report cpu\`.`
  static examples = ['<%= config.bin %> server report mem --context sys', '<%= config.bin %> server report mem --monitor localhost:8222 --json']
  static flags = {...monitorFlags, expect: expectFlag()}
  static summary = 'Report the memory of every server.'

  async run(): Promise<ServerReportMemResult> {
    const report = await usageReport(await this.transport(), 'mem', this.flags.expect)
    requireAnswer(report.servers)
    const max = Math.max(0, ...report.servers.map((s) => s.mem_bytes ?? 0))
    const rows = report.servers.map((s) =>
      s.ok
        ? [s.name, s.cluster ?? '', formatSize(s.mem_bytes), s.jetstream_memory_bytes === undefined ? '' : `${formatSize(s.jetstream_memory_bytes)} of ${formatSize(s.jetstream_memory_limit_bytes)}`, bar(max > 0 ? (s.mem_bytes ?? 0) / max : 0, 20)]
        : [s.name, '', 'DOWN', '', s.error ?? ''],
    )
    const {totals: t} = report
    this.say(
      renderTable(['Server', 'Cluster', 'Memory', 'JetStream Memory', ''], rows, {
        align: ['left', 'left', 'right', 'right', 'left'],
        title: `Memory (${t.answered} of ${t.servers} server(s) answered): ${formatSize(t.mem_bytes)} in all, ${formatSize(t.mem_bytes_mean)} on average`,
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
