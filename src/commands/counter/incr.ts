import * as Args from '@oclif/core/args'

import {BaseCommand} from '../../lib/base-command.js'
import {type CounterIncrement, increment, parseDelta} from '../../lib/counters/counters.js'
import {validatePublishSubject} from '../../lib/subjects.js'

export type CounterIncrResult = CounterIncrement

export default class CounterIncr extends BaseCommand<typeof CounterIncr> {
  static aliases = ['counter:increment', 'counter:inc']
  static args = {
    subject: Args.string({description: 'the counter subject (a stream with allow_msg_counter takes it)', required: true}),
    value: Args.string({default: '1', description: 'how much to add: a whole number, negative to subtract, any size'}),
  }
  static description = `Sends an empty message with the Nats-Incr header to the counter stream that takes SUBJECT; the server adds VALUE to the subject's total and answers with the new total. Totals are big integers: JSON carries them as strings. Needs nats-server 2.12 or later (exit 8 before anything is sent on an older one); a subject no stream takes is exit 3, a stream without allow_msg_counter exit 2.`
  static examples = ['<%= config.bin %> counter incr orders.count', '<%= config.bin %> counter incr orders.count 25 --json', '<%= config.bin %> counter incr orders.count -- -3']
  static summary = 'Add to a counter (2.12+).'

  async run(): Promise<CounterIncrResult> {
    validatePublishSubject(this.args.subject)
    const delta = parseDelta(this.args.value)
    ;(await this.capabilities()).require('stream-counters', 'counters')
    const r = await increment(await this.js(), this.args.subject, delta)
    this.say(`${r.subject} = ${r.value} (stream ${r.stream}, sequence ${r.seq})`)
    return r
  }
}
