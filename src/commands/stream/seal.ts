import type {StreamInfo} from '@nats-io/jetstream'

import * as Args from '@oclif/core/args'

import {BaseCommand} from '../../lib/base-command.js'
import {forceFlag} from '../../lib/flags.js'
import {requireStream, sealStream} from '../../lib/streams/ops.js'
import {validateName} from '../../lib/subjects.js'

export type StreamSealResult = StreamInfo

export default class StreamSeal extends BaseCommand<typeof StreamSeal> {
  static aliases = ['str seal']
  static args = {
    name: Args.string({description: 'stream name', required: true}),
  }
  static description = 'A sealed stream takes no more messages and allows no deletes or purges; it cannot be unsealed.'
  static examples = ['<%= config.bin %> stream seal ORDERS --force']
  static flags = {force: forceFlag}
  static summary = 'Seal a stream for ever.'

  async run(): Promise<StreamSealResult> {
    const {args, flags} = this
    validateName(args.name, 'stream')
    const jsm = await this.jsm()
    await requireStream(jsm, args.name)
    await this.confirm(`Seal stream ${args.name} (this cannot be undone)`, flags.force)
    const si = await sealStream(jsm, args.name)
    this.say(`Stream ${args.name} is sealed`)
    return si
  }
}
