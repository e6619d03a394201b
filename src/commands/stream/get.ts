import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../../lib/base-command.js'
import {usageError} from '../../lib/errors.js'
import {humanMessage} from '../../lib/messages.js'
import {getStreamMessage, type StoredMessageRecord} from '../../lib/streams/ops.js'
import {validateName, validatePublishSubject} from '../../lib/subjects.js'

export type StreamGetResult = StoredMessageRecord

export default class StreamGet extends BaseCommand<typeof StreamGet> {
  static aliases = ['str get']
  static args = {
    name: Args.string({description: 'stream name', required: true}),
    seq: Args.integer({description: 'sequence of the message', min: 1}),
  }
  static examples = [
    '<%= config.bin %> stream get ORDERS 12',
    '<%= config.bin %> stream get ORDERS --last-for orders.eu.1 --json',
  ]
  static flags = {
    'last-for': Flags.string({description: 'the last message on this subject'}),
  }
  static summary = 'Get one message from a stream by sequence or the last for a subject.'

  async run(): Promise<StreamGetResult> {
    const {args, flags} = this
    validateName(args.name, 'stream')
    if (flags['last-for']) validatePublishSubject(flags['last-for'])
    if (args.seq === undefined && !flags['last-for']) throw usageError('give a sequence or --last-for SUBJECT')
    if (args.seq !== undefined && flags['last-for']) throw usageError('give a sequence or --last-for, not both')
    const rec = await getStreamMessage(await this.jsm(), args.name, {lastFor: flags['last-for'], seq: args.seq})
    this.say(humanMessage(rec.jetstream.sequence, rec).trimEnd())
    return rec
  }
}
