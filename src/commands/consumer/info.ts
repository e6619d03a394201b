import type {ConsumerInfo} from '@nats-io/jetstream'

import * as Args from '@oclif/core/args'

import {BaseCommand} from '../../lib/base-command.js'
import {requireConsumer, streamConsumerLimits} from '../../lib/consumers/ops.js'
import {renderConsumerInfo} from '../../lib/consumers/render.js'
import {requireStream} from '../../lib/streams/ops.js'
import {validateName} from '../../lib/subjects.js'

/** The server's consumer info shape (stream_name, name, config, delivered, ack_floor, counts, cluster). */
export type ConsumerInfoResult = ConsumerInfo

export default class ConsumerInfoCommand extends BaseCommand<typeof ConsumerInfoCommand> {
  static aliases = ['con info', 'consumer show']
  static args = {
    stream: Args.string({description: 'stream name', required: true}),
    name: Args.string({description: 'consumer name', required: true}),
  }
  static description =
    'The --json output can be fed back to `consumer add --config` to create the same consumer elsewhere.'
  static examples = [
    '<%= config.bin %> consumer info ORDERS worker',
    '<%= config.bin %> consumer info ORDERS worker --json > worker.json',
  ]
  static summary = 'Show the configuration and state of a consumer.'

  async run(): Promise<ConsumerInfoResult> {
    const {args} = this
    validateName(args.stream, 'stream')
    validateName(args.name, 'consumer')
    const jsm = await this.jsm()
    const ci = await requireConsumer(jsm, args.stream, args.name)
    if (!this.jsonEnabled()) this.say(renderConsumerInfo(ci, streamConsumerLimits(await requireStream(jsm, args.stream))))
    return ci
  }
}
