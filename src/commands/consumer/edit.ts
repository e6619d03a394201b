import type {ConsumerInfo} from '@nats-io/jetstream'

import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../../lib/base-command.js'
import {type FieldDiff, renderDiff} from '../../lib/config-file.js'
import {consumerConfigFromFile, consumerConfigFromFlags, type ConsumerFlagValues} from '../../lib/consumers/config.js'
import {consumerConfigFlags} from '../../lib/consumers/flags.js'
import {editConsumer, requireConsumer} from '../../lib/consumers/ops.js'
import {ExitCode, NatsxError} from '../../lib/errors.js'
import {validateName} from '../../lib/subjects.js'

export interface ConsumerEditResult {
  applied: boolean
  consumer: ConsumerInfo
  diff: FieldDiff[]
}

export default class ConsumerEdit extends BaseCommand<typeof ConsumerEdit> {
  static aliases = ['consumer update', 'con edit', 'con update']
  static args = {
    stream: Args.string({description: 'stream name', required: true}),
    name: Args.string({description: 'consumer name', required: true}),
  }
  static description = `Without --config the flags change the current configuration; with --config the file is the whole desired configuration (flags override it).
Fields the connected server cannot change (ack policy, deliver policy, replay policy, push/pull, heartbeat, flow control, max waiting; storage on 2.15+) are refused with exit 2 and nothing is changed. A new --pause-until pauses the consumer through the server's pause API (2.11+).
--dry-run prints the difference and exits 5 when there is one, 0 when there is none.`
  static examples = [
    '<%= config.bin %> consumer edit ORDERS worker --max-deliver 10 --wait 1m',
    '<%= config.bin %> consumer edit ORDERS worker --config worker.yaml --dry-run',
    '<%= config.bin %> consumer edit ORDERS jobs --pinned-ttl 5m',
  ]
  static flags = {
    config: Flags.string({description: 'the desired configuration as a JSON or YAML file'}),
    'dry-run': Flags.boolean({description: 'show the difference without changing anything (exit 5 when there is one)'}),
    ...consumerConfigFlags,
  }
  static summary = 'Change a consumer, printing a field-level diff.'

  async run(): Promise<ConsumerEditResult> {
    const {args, flags} = this
    validateName(args.stream, 'stream')
    validateName(args.name, 'consumer')
    const fromFlags = consumerConfigFromFlags(flags as ConsumerFlagValues)
    const file = flags.config ? await consumerConfigFromFile(flags.config) : undefined
    const jsm = await this.jsm()
    const current = await requireConsumer(jsm, args.stream, args.name)
    const base = file ?? current.config
    const desired = {
      ...base,
      ...fromFlags,
      name: args.name,
      ...(current.config.durable_name ? {durable_name: args.name} : {}),
    }
    // one filter replaces several and several replace one
    if (fromFlags.filter_subject) delete desired.filter_subjects
    if (fromFlags.filter_subjects) delete desired.filter_subject
    // a new backoff brings its own ack wait (its first step) unless --wait says otherwise
    if (fromFlags.backoff && fromFlags.ack_wait === undefined) desired.ack_wait = fromFlags.backoff[0]
    const res = await editConsumer(jsm, await this.capabilities(), args.stream, desired, flags['dry-run'])
    if (res.diff.length === 0) this.say(`Consumer ${args.name}: no differences`)
    else this.say(`Consumer ${args.name} ${res.applied ? 'changed' : 'would change'}:\n${renderDiff(res.diff)}`)
    if (flags['dry-run'] && res.diff.length > 0) {
      if (this.jsonEnabled())
        this.writeLine(JSON.stringify({applied: false, consumer: res.info, diff: res.diff}, null, 2))
      throw new NatsxError(
        ExitCode.DRIFT,
        `consumer "${args.name}" differs in ${res.diff.length} field(s): ${res.diff.map((d) => d.field).join(', ')}`,
        {details: {diff: res.diff}},
      )
    }

    return {applied: res.applied, consumer: res.info, diff: res.diff}
  }
}
