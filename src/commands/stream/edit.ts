import type {StreamInfo} from '@nats-io/jetstream'

import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../../lib/base-command.js'
import {type FieldDiff, renderDiff} from '../../lib/config-file.js'
import {ExitCode, NatsxError} from '../../lib/errors.js'
import {
  streamConfigFromFile,
  streamConfigFromFlags,
  type StreamFlagValues,
  validateStreamConfig,
} from '../../lib/streams/config.js'
import {streamConfigFlags, streamRemoverFlags} from '../../lib/streams/flags.js'
import {editStream, requireStream} from '../../lib/streams/ops.js'

export interface StreamEditResult {
  applied: boolean
  diff: FieldDiff[]
  stream: StreamInfo
}

export default class StreamEdit extends BaseCommand<typeof StreamEdit> {
  static aliases = ['stream update', 'str edit', 'str update']
  static args = {
    name: Args.string({description: 'stream name', required: true}),
  }
  static description = `Without --config the flags change the current configuration; with --config the file is the whole desired configuration (flags override it).
Changes in place whatever the connected server can: retention limits ↔ interest and republish from 2.10, removing a mirror (--no-mirror, the mirror becomes a stream of its own) from 2.12, max consumers from 2.15; atomic and fast batch publish can be turned on and off, per-message TTL and schedules only on. What no server changes (storage, retention to or from workqueue, a mirror's origin, counters, persist mode, turning off deny-delete/deny-purge/sealed/per-message TTL/schedules) is exit 2; what a newer server would change is exit 8 naming the version; nothing is sent.
--dry-run prints the difference and exits 5 when there is one, 0 when there is none.`
  static examples = [
    '<%= config.bin %> stream edit ORDERS --max-age 24h --description "orders, one day"',
    '<%= config.bin %> stream edit ORDERS --config orders.yaml --dry-run',
    '<%= config.bin %> stream edit ORDERS --allow-batch --subject-del-markers-ttl 5m --limit-consumer-inactive 1h',
    '<%= config.bin %> stream edit ORDERS_COPY --no-mirror --subjects "orders.>"',
  ]
  static flags = {
    config: Flags.string({description: 'the desired configuration as a JSON or YAML file'}),
    'dry-run': Flags.boolean({description: 'show the difference without changing anything (exit 5 when there is one)'}),
    force: Flags.boolean({
      char: 'f',
      description: 'accepted for natscli compatibility; edit never prompts',
      hidden: true,
    }),
    ...streamConfigFlags,
    ...streamRemoverFlags,
  }
  static summary = 'Change a stream, printing a field-level diff.'

  async run(): Promise<StreamEditResult> {
    const {args, flags} = this
    const fromFlags = streamConfigFromFlags(flags as StreamFlagValues)
    const file = flags.config ? await streamConfigFromFile(flags.config) : undefined
    const jsm = await this.jsm()
    const base = file ?? (await requireStream(jsm, args.name)).config
    const desired = {...base, ...fromFlags, name: args.name}
    // one consumer limit given: the other stays as it is
    if (fromFlags.consumer_limits) desired.consumer_limits = {...base.consumer_limits, ...fromFlags.consumer_limits}
    validateStreamConfig(desired)
    const res = await editStream(jsm, await this.capabilities(), desired, flags['dry-run'])
    if (res.diff.length === 0) this.say(`Stream ${args.name}: no differences`)
    else this.say(`Stream ${args.name} ${res.applied ? 'changed' : 'would change'}:\n${renderDiff(res.diff)}`)
    if (flags['dry-run'] && res.diff.length > 0) {
      const result = {applied: false, diff: res.diff, stream: res.info}
      if (this.jsonEnabled()) this.writeLine(JSON.stringify(result, null, 2))
      throw new NatsxError(
        ExitCode.DRIFT,
        `stream "${args.name}" differs in ${res.diff.length} field(s): ${res.diff.map((d) => d.field).join(', ')}`,
        {details: {diff: res.diff}},
      )
    }

    return {applied: res.applied, diff: res.diff, stream: res.info}
  }
}
