import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../../lib/base-command.js'
import {type ConsumerPauseResult, parsePauseUntil, pauseConsumer} from '../../lib/consumers/admin.js'
import {forceFlag} from '../../lib/flags.js'
import {formatNanos} from '../../lib/format/duration.js'
import {validateName} from '../../lib/subjects.js'

export type {ConsumerPauseResult} from '../../lib/consumers/admin.js'

export default class ConsumerPause extends BaseCommand<typeof ConsumerPause> {
  static aliases = ['con pause']
  static args = {
    stream: Args.string({description: 'stream name', required: true}),
    name: Args.string({description: 'consumer name', required: true}),
  }
  static description = `A paused consumer delivers nothing until the time passes or \`consumer resume\`; its state is kept. Needs nats-server 2.11+ (exit 8 before, nothing sent).
--until takes a duration from now (30m, 2h) or an RFC 3339 time. Asks for confirmation; --force skips it (needed without a terminal).
--json: {stream, consumer, paused, pause_until (RFC 3339, when paused), pause_remaining (nanoseconds)}.`
  static examples = [
    '<%= config.bin %> consumer pause ORDERS worker --until 30m --force',
    '<%= config.bin %> consumer pause ORDERS worker --until 2030-01-02T15:04:05Z --force --json',
  ]
  static flags = {
    force: forceFlag,
    until: Flags.string({description: 'pause until this time (RFC 3339) or for this long (30m, 2h)', required: true}),
  }
  static summary = 'Pause a consumer until a time (nats-server 2.11+).'

  async run(): Promise<ConsumerPauseResult> {
    const {args, flags} = this
    validateName(args.stream, 'stream')
    validateName(args.name, 'consumer')
    const until = parsePauseUntil(flags.until)
    const res = await pauseConsumer(await this.jsm(), await this.capabilities(), args.stream, args.name, until, () =>
      this.confirm(`Pause consumer ${args.name} of stream ${args.stream} until ${until.toISOString()}`, flags.force),
    )
    this.say(
      res.paused
        ? `Consumer ${args.stream} > ${args.name} paused until ${res.pause_until} (${formatNanos(res.pause_remaining)} left)`
        : `Consumer ${args.stream} > ${args.name} is not paused: the server did not keep the pause`,
    )
    return res
  }
}
