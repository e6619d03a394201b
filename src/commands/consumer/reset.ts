import * as Args from '@oclif/core/args'

import {BaseCommand} from '../../lib/base-command.js'
import {type ConsumerResetResult, resetConsumer} from '../../lib/consumers/admin.js'
import {forceFlag, intFlag} from '../../lib/flags.js'
import {validateName} from '../../lib/subjects.js'

export type {ConsumerResetResult} from '../../lib/consumers/admin.js'

export default class ConsumerReset extends BaseCommand<typeof ConsumerReset> {
  static aliases = ['con reset']
  static args = {
    stream: Args.string({description: 'stream name', required: true}),
    name: Args.string({description: 'consumer name', required: true}),
  }
  static description = `Without --seq delivery restarts after the ack floor (every unacknowledged message again); with --seq it starts at that stream sequence. Pending acknowledgements are dropped. Needs nats-server 2.14+ (exit 8 before, nothing sent).
Asks for confirmation; --force skips it (needed without a terminal).
--json: {stream, consumer (the consumer info after the reset), reset_seq (the stream sequence delivery starts from)}.`
  static examples = [
    '<%= config.bin %> consumer reset ORDERS worker --force',
    '<%= config.bin %> consumer reset ORDERS worker --seq 1000 --force --json',
  ]
  static flags = {
    force: forceFlag,
    seq: intFlag({min: 1})({description: 'start delivering again at this stream sequence'}),
  }
  static summary = 'Move where a consumer delivers from (nats-server 2.14+).'

  async run(): Promise<ConsumerResetResult> {
    const {args, flags} = this
    validateName(args.stream, 'stream')
    validateName(args.name, 'consumer')
    const res = await resetConsumer(await this.jsm(), await this.capabilities(), args.stream, args.name, flags.seq, () =>
      this.confirm(`Reset consumer ${args.name} of stream ${args.stream}${flags.seq === undefined ? '' : ` to sequence ${flags.seq}`}`, flags.force),
    )
    this.say(`Consumer ${args.stream} > ${args.name} reset: next delivery from stream sequence ${res.reset_seq}`)
    return res
  }
}
