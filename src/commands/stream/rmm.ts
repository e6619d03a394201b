import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../../lib/base-command.js'
import {forceFlag} from '../../lib/flags.js'
import {getStreamMessage} from '../../lib/streams/ops.js'
import {validateName} from '../../lib/subjects.js'

export interface StreamRmmResult {
  deleted: boolean
  sequence: number
  stream: string
}

export default class StreamRmm extends BaseCommand<typeof StreamRmm> {
  static aliases = ['str rmm']
  static args = {
    name: Args.string({description: 'stream name', required: true}),
    seq: Args.integer({description: 'sequence of the message to delete', min: 1, required: true}),
  }
  static examples = [
    '<%= config.bin %> stream rmm ORDERS 12 --force',
    '<%= config.bin %> stream rmm ORDERS 12 --erase --force',
  ]
  static flags = {
    erase: Flags.boolean({description: 'overwrite the message data on disk as well'}),
    force: forceFlag,
  }
  static summary = 'Delete one message from a stream.'

  async run(): Promise<StreamRmmResult> {
    const {args, flags} = this
    validateName(args.name, 'stream')
    const jsm = await this.jsm()
    await getStreamMessage(jsm, args.name, {seq: args.seq})
    await this.confirm(`Delete message ${args.seq} from stream ${args.name}`, flags.force)
    await jsm.streams.deleteMessage(args.name, args.seq, flags.erase)
    this.say(`Message ${args.seq} deleted from stream ${args.name}`)
    return {deleted: true, sequence: args.seq, stream: args.name}
  }
}
