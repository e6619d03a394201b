import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../../lib/base-command.js'
import {listStreams, streamReportRow, type StreamReportRow} from '../../lib/streams/ops.js'
import {renderStreamReport} from '../../lib/streams/render.js'

export type StreamReportResult = StreamReportRow[]

export default class StreamReport extends BaseCommand<typeof StreamReport> {
  static aliases = ['str report']
  static description =
    'Replicas: the leader is marked with *, lagging or offline replicas with !; `problems` in the JSON names them.'
  static examples = ['<%= config.bin %> stream report', '<%= config.bin %> stream report --json']
  static flags = {
    all: Flags.boolean({char: 'a', description: 'include internal KV_ and OBJ_ streams'}),
  }
  static summary = 'One table over all streams: storage, replicas, consumers, messages, bytes, deleted.'

  async run(): Promise<StreamReportResult> {
    const rows = (await listStreams(await this.jsm(), {all: this.flags.all})).map((si) => streamReportRow(si))
    this.say(renderStreamReport(rows))
    const problems = rows.filter((r) => r.problems.length > 0)
    if (problems.length > 0) this.warnLine(problems.map((r) => `${r.name}: ${r.problems.join(', ')}`).join('; '))
    return rows
  }
}
