import * as Args from '@oclif/core/args'

import {BaseCommand} from '../../lib/base-command.js'
import {type CounterIncrement, increment, parseDelta} from '../../lib/counters/counters.js'
import {validatePublishSubject} from '../../lib/subjects.js'

export type CounterDecrResult = CounterIncrement

export default class CounterDecr extends BaseCommand<typeof CounterDecr> {
  static aliases = ['counter:decrement', 'counter:dec']
  static args = {
    subject: Args.string({description: 'the counter subject (a stream with allow_msg_counter takes it)', required: true}),
    value: Args.string({default: '1', description: 'how much to subtract: a positive whole number, any size'}),
  }
  static description = `The same as \`counter incr\` with the amount negated: the server subtracts VALUE from the subject's total and answers with the new total (which may go below zero). Needs nats-server 2.12 or later.`
  static examples = ['<%= config.bin %> counter decr stock.sku-42', '<%= config.bin %> counter decr stock.sku-42 5 --json']
  static summary = 'Subtract from a counter (2.12+).'

  async run(): Promise<CounterDecrResult> {
    validatePublishSubject(this.args.subject)
    const delta = parseDelta(this.args.value, true)
    ;(await this.capabilities()).require('stream-counters', 'counters')
    const r = await increment(await this.js(), this.args.subject, delta)
    this.say(`${r.subject} = ${r.value} (stream ${r.stream}, sequence ${r.seq})`)
    return r
  }
}
