import * as Args from '@oclif/core/args'

import {BaseCommand} from '../../lib/base-command.js'
import {consumerReportRow, type ConsumerReportRow, listConsumers} from '../../lib/consumers/ops.js'
import {renderConsumerReport} from '../../lib/consumers/render.js'
import {validateName} from '../../lib/subjects.js'

export type ConsumerReportResult = ConsumerReportRow[]

export default class ConsumerReport extends BaseCommand<typeof ConsumerReport> {
  static aliases = ['con report']
  static args = {
    stream: Args.string({description: 'stream name', required: true}),
  }
  static examples = ['<%= config.bin %> consumer report ORDERS', '<%= config.bin %> consumer report ORDERS --json']
  static summary =
    'One table over the consumers of a stream: ack pending, redelivered, unprocessed, waiting pulls, last delivery, ack floor.'

  async run(): Promise<ConsumerReportResult> {
    validateName(this.args.stream, 'stream')
    const rows = (await listConsumers(await this.jsm(), this.args.stream)).map((ci) => consumerReportRow(ci))
    this.say(renderConsumerReport(this.args.stream, rows))
    return rows
  }
}
