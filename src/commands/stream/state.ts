import * as Args from '@oclif/core/args'

import {BaseCommand} from '../../lib/base-command.js'
import {streamState, type StreamStateResult} from '../../lib/find/gaps.js'
import {renderState} from '../../lib/find/render.js'
import {requireStream} from '../../lib/streams/ops.js'
import {validateName} from '../../lib/subjects.js'

export type {StreamStateResult} from '../../lib/find/gaps.js'

export default class StreamState extends BaseCommand<typeof StreamState> {
  static aliases = ['str state']
  static args = {
    name: Args.string({description: 'stream name', required: true}),
  }
  static examples = ['<%= config.bin %> stream state ORDERS', '<%= config.bin %> stream state ORDERS --json']
  static summary = 'Show the state of a stream alone: messages, bytes, first and last sequence and time, deleted, subjects, consumers.'

  async run(): Promise<StreamStateResult> {
    const {args} = this
    validateName(args.name, 'stream')
    const result = streamState(await requireStream(await this.jsm(), args.name))
    this.say(renderState(result))
    return result
  }
}
