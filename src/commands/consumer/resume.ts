import * as Args from '@oclif/core/args'

import {BaseCommand} from '../../lib/base-command.js'
import {type ConsumerPauseResult, resumeConsumer} from '../../lib/consumers/admin.js'
import {forceFlag} from '../../lib/flags.js'
import {validateName} from '../../lib/subjects.js'

/** The pause state after the resume, and whether the consumer was paused before it. */
export type ConsumerResumeResult = ConsumerPauseResult & {was_paused: boolean}

export default class ConsumerResume extends BaseCommand<typeof ConsumerResume> {
  static aliases = ['con resume', 'consumer unpause']
  static args = {
    stream: Args.string({description: 'stream name', required: true}),
    name: Args.string({description: 'consumer name', required: true}),
  }
  static description = `Ends a pause now; resuming a consumer that is not paused is not an error ("was_paused": false). Needs nats-server 2.11+ (exit 8 before, nothing sent).
Asks for confirmation; --force skips it (needed without a terminal).
--json: {stream, consumer, paused, pause_until?, pause_remaining, was_paused}.`
  static examples = ['<%= config.bin %> consumer resume ORDERS worker --force', '<%= config.bin %> consumer resume ORDERS worker --force --json']
  static flags = {force: forceFlag}
  static summary = 'Resume a paused consumer (nats-server 2.11+).'

  async run(): Promise<ConsumerResumeResult> {
    const {args, flags} = this
    validateName(args.stream, 'stream')
    validateName(args.name, 'consumer')
    const res = await resumeConsumer(await this.jsm(), await this.capabilities(), args.stream, args.name, () =>
      this.confirm(`Resume consumer ${args.name} of stream ${args.stream}`, flags.force),
    )
    this.say(
      res.paused
        ? `Consumer ${args.stream} > ${args.name} is still paused until ${res.pause_until}`
        : `Consumer ${args.stream} > ${args.name} ${res.was_paused ? 'resumed' : 'was not paused; it delivers as before'}`,
    )
    return res
  }
}
