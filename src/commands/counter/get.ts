import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../../lib/base-command.js'
import {type CounterValue, counterValue} from '../../lib/counters/counters.js'
import {validateName, validatePublishSubject} from '../../lib/subjects.js'

export type CounterGetResult = CounterValue

export default class CounterGet extends BaseCommand<typeof CounterGet> {
  static args = {
    subject: Args.string({description: 'the counter subject', required: true}),
  }
  static description = `Reads the last message on SUBJECT in its counter stream (found from the subject, or --stream). A subject with no counter is exit 3; a stream that does not keep counters is exit 2. With --json the value is a string (totals pass 2^53).`
  static examples = ['<%= config.bin %> counter get orders.count', '<%= config.bin %> counter get orders.count --stream COUNTERS --json']
  static flags = {
    stream: Flags.string({description: 'the counter stream (default: the stream that takes SUBJECT)'}),
  }
  static summary = 'Read the total of a counter (2.12+).'

  async run(): Promise<CounterGetResult> {
    validatePublishSubject(this.args.subject)
    if (this.flags.stream) validateName(this.flags.stream, 'stream')
    ;(await this.capabilities()).require('stream-counters', 'counters')
    const r = await counterValue(await this.jsm(), this.args.subject, this.flags.stream)
    this.say(r.value)
    return r
  }
}
