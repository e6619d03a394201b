import type {StreamInfo} from '@nats-io/jetstream'

import * as Args from '@oclif/core/args'

import {BaseCommand} from '../../lib/base-command.js'
import {buildStreamConfig, streamConfigFromFlags, type StreamFlagValues} from '../../lib/streams/config.js'
import {streamConfigFlags} from '../../lib/streams/flags.js'
import {addStream, requireStream} from '../../lib/streams/ops.js'
import {validateName} from '../../lib/subjects.js'

export interface StreamCopyResult {
  action: 'created' | 'unchanged'
  source: string
  stream: StreamInfo
}

export default class StreamCopy extends BaseCommand<typeof StreamCopy> {
  static aliases = ['stream cp', 'str cp', 'str copy']
  static args = {
    source: Args.string({description: 'stream to copy the configuration from', required: true}),
    destination: Args.string({description: 'name of the new stream', required: true}),
  }
  static description =
    'Only the configuration is copied, not the messages (use --source or --mirror for that). Subjects usually must differ: give --subjects.'
  static examples = ['<%= config.bin %> stream copy ORDERS ORDERS_ARCHIVE --subjects "archive.orders.>" --storage file']
  static flags = streamConfigFlags
  static summary = 'Create a stream with the configuration of another.'

  async run(): Promise<StreamCopyResult> {
    const {args, flags} = this
    validateName(args.source, 'stream')
    validateName(args.destination, 'stream')
    const fromFlags = streamConfigFromFlags(flags as StreamFlagValues)
    const jsm = await this.jsm()
    const src = await requireStream(jsm, args.source)
    const base = {...src.config}
    if (
      src.config.subjects?.length &&
      src.config.subjects.length === 1 &&
      src.config.subjects[0] === args.source &&
      !fromFlags.subjects
    )
      delete (base as {subjects?: string[]}).subjects
    const desired = buildStreamConfig(args.destination, base, fromFlags)
    const res = await addStream(jsm, await this.capabilities(), desired)
    this.say(
      `Stream ${args.destination} ${res.action === 'created' ? 'created' : 'unchanged'} from the configuration of ${args.source}`,
    )
    return {action: res.action, source: args.source, stream: res.info}
  }
}
