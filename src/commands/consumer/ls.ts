import type {ConsumerInfo} from '@nats-io/jetstream'

import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../../lib/base-command.js'
import {listConsumers} from '../../lib/consumers/ops.js'
import {renderConsumerList} from '../../lib/consumers/render.js'
import {validateName} from '../../lib/subjects.js'

/** Full consumer infos sorted by name; `[]` when there are none. */
export type ConsumerLsResult = ConsumerInfo[]

export default class ConsumerLs extends BaseCommand<typeof ConsumerLs> {
  static aliases = ['consumer list', 'con ls', 'con list']
  static args = {
    stream: Args.string({description: 'stream name', required: true}),
  }
  static examples = [
    '<%= config.bin %> consumer ls ORDERS',
    '<%= config.bin %> consumer ls ORDERS --names',
    '<%= config.bin %> consumer ls ORDERS --json',
  ]
  static flags = {
    names: Flags.boolean({char: 'n', description: 'print only the names, one a line'}),
  }
  static summary = 'List the consumers of a stream.'

  async run(): Promise<ConsumerLsResult> {
    const {args, flags} = this
    validateName(args.stream, 'stream')
    const list = await listConsumers(await this.jsm(), args.stream)
    this.say(flags.names ? list.map((c) => c.name).join('\n') : renderConsumerList(args.stream, list))
    return list
  }
}
