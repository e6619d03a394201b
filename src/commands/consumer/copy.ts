import type {ConsumerInfo} from '@nats-io/jetstream'

import * as Args from '@oclif/core/args'

import {BaseCommand} from '../../lib/base-command.js'
import {buildConsumerConfig, consumerConfigFromFlags, type ConsumerFlagValues} from '../../lib/consumers/config.js'
import {consumerConfigFlags} from '../../lib/consumers/flags.js'
import {addConsumer, requireConsumer} from '../../lib/consumers/ops.js'
import {validateName} from '../../lib/subjects.js'

export interface ConsumerCopyResult {
  action: 'created' | 'unchanged'
  consumer: ConsumerInfo
  source: string
}

export default class ConsumerCopy extends BaseCommand<typeof ConsumerCopy> {
  static aliases = ['consumer cp', 'con cp', 'con copy']
  static args = {
    stream: Args.string({description: 'stream name', required: true}),
    source: Args.string({description: 'consumer to copy the configuration from', required: true}),
    destination: Args.string({description: 'name of the new consumer', required: true}),
  }
  static description =
    'Only the configuration is copied, not the delivery state. Flags change fields of the copy; push consumers usually need a new --target.'
  static examples = ['<%= config.bin %> consumer copy ORDERS worker worker2 --max-deliver 3']
  static flags = consumerConfigFlags
  static summary = 'Create a consumer with the configuration of another.'

  async run(): Promise<ConsumerCopyResult> {
    const {args, flags} = this
    validateName(args.stream, 'stream')
    validateName(args.source, 'consumer')
    validateName(args.destination, 'consumer')
    const fromFlags = consumerConfigFromFlags(flags as ConsumerFlagValues)
    const jsm = await this.jsm()
    const src = await requireConsumer(jsm, args.stream, args.source)
    const base = {...src.config}
    delete base.durable_name
    delete base.name
    const desired = buildConsumerConfig(args.destination, true, base, fromFlags)
    const res = await addConsumer(jsm, await this.capabilities(), args.stream, desired)
    this.say(`Consumer ${args.destination} ${res.action} from the configuration of ${args.source}`)
    return {action: res.action, consumer: res.info, source: args.source}
  }
}
