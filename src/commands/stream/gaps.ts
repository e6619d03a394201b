import * as Args from '@oclif/core/args'

import {BaseCommand} from '../../lib/base-command.js'
import {streamGaps, type StreamGapsResult} from '../../lib/find/gaps.js'
import {renderGaps} from '../../lib/find/render.js'
import {validateName} from '../../lib/subjects.js'

export type {StreamGapsResult} from '../../lib/find/gaps.js'

export default class StreamGaps extends BaseCommand<typeof StreamGaps> {
  static aliases = ['str gaps']
  static args = {
    name: Args.string({description: 'stream name', required: true}),
  }
  static description = 'Messages removed one by one (`stream rmm`, acknowledged work-queue messages, per-subject limits) leave gaps between the first and last sequence; purged messages before the first sequence are not gaps.'
  static examples = ['<%= config.bin %> stream gaps ORDERS', '<%= config.bin %> stream gaps ORDERS --json']
  static summary = 'Show the ranges of deleted messages in a stream, with a count for each.'

  async run(): Promise<StreamGapsResult> {
    const {args} = this
    validateName(args.name, 'stream')
    const result = await streamGaps(await this.jsm(), args.name)
    this.say(renderGaps(result))
    return result
  }
}
