import type {StreamInfo} from '@nats-io/jetstream'

import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../../lib/base-command.js'
import {requireStream} from '../../lib/streams/ops.js'
import {renderStreamInfo} from '../../lib/streams/render.js'
import {validateName} from '../../lib/subjects.js'

/** The server's stream info shape (config, state, created, cluster, mirror, sources). */
export type StreamInfoResult = StreamInfo

export default class StreamInfoCommand extends BaseCommand<typeof StreamInfoCommand> {
  static aliases = ['str info']
  static args = {
    name: Args.string({description: 'stream name', required: true}),
  }
  static description = 'The --json output can be fed back to `stream add --config` to create the same stream elsewhere.'
  static examples = [
    '<%= config.bin %> stream info ORDERS',
    '<%= config.bin %> stream info ORDERS --json > orders.json',
    '<%= config.bin %> stream info ORDERS --state',
  ]
  static flags = {
    state: Flags.boolean({description: 'show only the state'}),
  }
  static summary = 'Show the configuration and state of a stream.'

  async run(): Promise<StreamInfoResult> {
    const {args, flags} = this
    validateName(args.name, 'stream')
    const si = await requireStream(await this.jsm(), args.name)
    this.say(renderStreamInfo(si, flags.state))
    return si
  }
}
