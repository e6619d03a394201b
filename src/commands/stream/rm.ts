import * as Args from '@oclif/core/args'

import {BaseCommand} from '../../lib/base-command.js'
import {forceFlag} from '../../lib/flags.js'
import {requireStream} from '../../lib/streams/ops.js'
import {validateName} from '../../lib/subjects.js'

export interface StreamRmResult {
  deleted: boolean
  stream: string
}

export default class StreamRm extends BaseCommand<typeof StreamRm> {
  static aliases = ['stream delete', 'stream del', 'str rm', 'str delete']
  static args = {
    name: Args.string({description: 'stream name', required: true}),
  }
  static examples = ['<%= config.bin %> stream rm ORDERS --force']
  static flags = {force: forceFlag}
  static summary = 'Delete a stream and all its messages and consumers.'

  async run(): Promise<StreamRmResult> {
    const {args, flags} = this
    validateName(args.name, 'stream')
    const jsm = await this.jsm()
    await requireStream(jsm, args.name)
    await this.confirm(`Delete stream ${args.name} and all its messages`, flags.force)
    await jsm.streams.delete(args.name)
    this.say(`Stream ${args.name} deleted`)
    return {deleted: true, stream: args.name}
  }
}
