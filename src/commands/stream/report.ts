import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../../lib/base-command.js'
import {barChart} from '../../lib/format/bars.js'
import {formatSize} from '../../lib/format/size.js'
import {listStreams, streamReportRow, type StreamReportRow} from '../../lib/streams/ops.js'
import {renderStreamReport} from '../../lib/streams/render.js'

export type StreamReportResult = StreamReportRow[]

export default class StreamReport extends BaseCommand<typeof StreamReport> {
  static aliases = ['str report']
  static description =
    'Replicas: the leader is marked with *, lagging or offline replicas with !; `problems` in the JSON names them.'
  static examples = ['<%= config.bin %> stream report', '<%= config.bin %> stream report --graph', '<%= config.bin %> stream report --json']
  static flags = {
    all: Flags.boolean({char: 'a', description: 'include internal KV_ and OBJ_ streams'}),
    graph: Flags.boolean({description: 'after the table, bars for the 10 largest streams by messages and by bytes'}),
  }
  static summary = 'One table over all streams: storage, replicas, consumers, messages, bytes, deleted.'

  async run(): Promise<StreamReportResult> {
    const rows = (await listStreams(await this.jsm(), {all: this.flags.all})).map((si) => streamReportRow(si))
    this.say(renderStreamReport(rows))
    if (this.flags.graph) {
      const width = process.stdout.columns ?? (Number(process.env.COLUMNS) || 80)
      this.say(
        [
          '',
          ...barChart('Largest streams by messages:', rows.map((r) => ({label: r.name, value: r.messages})), width),
          '',
          ...barChart('Largest streams by bytes:', rows.map((r) => ({label: r.name, shown: formatSize(r.bytes), value: r.bytes})), width),
        ].join('\n'),
      )
    }

    const problems = rows.filter((r) => r.problems.length > 0)
    if (problems.length > 0) this.warnLine(problems.map((r) => `${r.name}: ${r.problems.join(', ')}`).join('; '))
    return rows
  }
}
