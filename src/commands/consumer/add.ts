import type {ConsumerInfo} from '@nats-io/jetstream'

import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../../lib/base-command.js'
import {
  buildConsumerConfig,
  consumerConfigFromFile,
  consumerConfigFromFlags,
  type ConsumerFlagValues,
  consumerName,
} from '../../lib/consumers/config.js'
import {consumerConfigFlags} from '../../lib/consumers/flags.js'
import {addConsumer} from '../../lib/consumers/ops.js'
import {renderConsumerInfo} from '../../lib/consumers/render.js'
import {usageError} from '../../lib/errors.js'
import {validateName} from '../../lib/subjects.js'

export interface ConsumerAddResult {
  action: 'created' | 'unchanged'
  consumer: ConsumerInfo
}

export default class ConsumerAdd extends BaseCommand<typeof ConsumerAdd> {
  static aliases = ['consumer create', 'consumer new', 'con add', 'con create']
  static args = {
    stream: Args.string({description: 'stream name', required: true}),
    name: Args.string({description: 'consumer name (or "durable_name"/"name" in --config)'}),
  }
  static description = `A pull consumer unless --target gives a deliver subject (push). Durable unless --ephemeral.
Safe to re-run: the same configuration again exits 0 with "unchanged"; a different one exits 4 with the differing fields.
--config reads JSON or YAML, including what \`consumer info --json\` prints; flags override fields of the file.`
  static examples = [
    '<%= config.bin %> consumer add ORDERS worker --ack explicit --max-deliver 5 --backoff 1s,10s,1m --filter "orders.eu.>"',
    '<%= config.bin %> consumer add ORDERS monitor --target monitor.orders --heartbeat 5s --flow-control --deliver new',
    '<%= config.bin %> consumer add ORDERS --config worker.yaml',
    '<%= config.bin %> consumer add ORDERS jobs --pinned-groups jobs --pinned-ttl 2m',
    '<%= config.bin %> consumer add ORDERS batch --overflow-groups bulk',
  ]
  static flags = {
    config: Flags.string({description: 'read the configuration from a JSON or YAML file'}),
    ephemeral: Flags.boolean({description: 'an ephemeral consumer (removed after --inactive-threshold, default 5s)'}),
    pull: Flags.boolean({description: 'a pull consumer (the default; refuses --target)'}),
    ...consumerConfigFlags,
  }
  static summary = 'Create a consumer (idempotent).'

  async run(): Promise<ConsumerAddResult> {
    const {args, flags} = this
    validateName(args.stream, 'stream')
    if (args.name) validateName(args.name, 'consumer')
    if (flags.pull && flags.target) throw usageError('--pull and --target cannot be used together')
    const fromFlags = consumerConfigFromFlags(flags as ConsumerFlagValues)
    const file = flags.config ? await consumerConfigFromFile(flags.config) : undefined
    const desired = buildConsumerConfig(args.name, !flags.ephemeral, file, fromFlags)
    if (!flags.ephemeral && !consumerName(desired))
      throw usageError('a durable consumer needs a name', 'give NAME or --ephemeral')
    const res = await addConsumer(await this.jsm(), await this.capabilities(), args.stream, desired)
    if (res.action === 'unchanged')
      this.say(`Consumer ${res.info.name} unchanged: it exists with the same configuration`)
    else this.say(`Consumer ${res.info.name} was created on stream ${args.stream}\n\n${renderConsumerInfo(res.info)}`)
    return {action: res.action, consumer: res.info}
  }
}
