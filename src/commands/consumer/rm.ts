import * as Args from '@oclif/core/args'

import {BaseCommand} from '../../lib/base-command.js'
import {requireConsumer} from '../../lib/consumers/ops.js'
import {forceFlag} from '../../lib/flags.js'
import {validateName} from '../../lib/subjects.js'

export interface ConsumerRmResult {
  consumer: string
  deleted: boolean
  stream: string
}

export default class ConsumerRm extends BaseCommand<typeof ConsumerRm> {
  static aliases = ['consumer delete', 'consumer del', 'con rm', 'con delete']
  static args = {
    stream: Args.string({description: 'stream name', required: true}),
    name: Args.string({description: 'consumer name', required: true}),
  }
  static examples = ['<%= config.bin %> consumer rm ORDERS worker --force']
  static flags = {force: forceFlag}
  static summary = 'Delete a consumer.'

  async run(): Promise<ConsumerRmResult> {
    const {args, flags} = this
    validateName(args.stream, 'stream')
    validateName(args.name, 'consumer')
    const jsm = await this.jsm()
    await requireConsumer(jsm, args.stream, args.name)
    await this.confirm(`Delete consumer ${args.name} of stream ${args.stream}`, flags.force)
    await jsm.consumers.delete(args.stream, args.name)
    this.say(`Consumer ${args.name} deleted from stream ${args.stream}`)
    return {consumer: args.name, deleted: true, stream: args.stream}
  }
}
