import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../../lib/base-command.js'
import {type NextAction, pullNext} from '../../lib/consumers/ops.js'
import {durationFlag, intFlag} from '../../lib/flags.js'
import {humanMessage, type MessageRecord} from '../../lib/messages.js'
import {validateName} from '../../lib/subjects.js'

export interface ConsumerNextResult {
  action: NextAction
  consumer: string
  messages: MessageRecord[]
  stream: string
}

export default class ConsumerNext extends BaseCommand<typeof ConsumerNext> {
  static aliases = ['con next']
  static args = {
    stream: Args.string({description: 'stream name', required: true}),
    name: Args.string({description: 'pull consumer name', required: true}),
  }
  static description =
    'Waits up to --wait for the messages; fewer (or none) is not an error. Each message is acknowledged as asked (--ack, the default, waits for the server to confirm).'
  static examples = [
    '<%= config.bin %> consumer next ORDERS worker',
    '<%= config.bin %> consumer next ORDERS worker --count 10 --json',
    '<%= config.bin %> consumer next ORDERS worker --nak',
  ]
  static flags = {
    ack: Flags.boolean({description: 'acknowledge each message (default)', exclusive: ['nak', 'term', 'no-ack']}),
    count: intFlag({min: 1})({default: 1, description: 'pull this many messages'}),
    nak: Flags.boolean({
      description: 'negatively acknowledge (redeliver) each message',
      exclusive: ['ack', 'term', 'no-ack'],
    }),
    'no-ack': Flags.boolean({description: 'leave the messages unacknowledged', exclusive: ['ack', 'nak', 'term']}),
    term: Flags.boolean({
      description: 'terminate each message (never redelivered)',
      exclusive: ['ack', 'nak', 'no-ack'],
    }),
    wait: durationFlag({default: 5000, description: 'how long to wait for messages'}),
  }
  static summary = 'Pull messages from a pull consumer and acknowledge them.'

  async run(): Promise<ConsumerNextResult> {
    const {args, flags} = this
    validateName(args.stream, 'stream')
    validateName(args.name, 'consumer')
    const action: NextAction = flags.nak ? 'nak' : flags.term ? 'term' : flags['no-ack'] ? 'none' : 'ack'
    let n = 0
    const messages = await pullNext(
      await this.js(),
      await this.jsm(),
      args.stream,
      args.name,
      {action, count: flags.count, expiresMs: flags.wait, signal: this.interrupt.signal},
      (rec) => {
        n++
        this.say(humanMessage(n, rec).trimEnd())
      },
    )
    if (messages.length < flags.count)
      this.warnLine(`${messages.length} of ${flags.count} message(s) received within ${flags.wait} ms`)
    return {action, consumer: args.name, messages, stream: args.stream}
  }
}
