import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../../lib/base-command.js'
import {forceFlag, intFlag} from '../../lib/flags.js'
import {purgeOptions, requireStream} from '../../lib/streams/ops.js'
import {validateFilterSubject, validateName} from '../../lib/subjects.js'

export interface StreamPurgeResult {
  purged: number
  stream: string
}

export default class StreamPurge extends BaseCommand<typeof StreamPurge> {
  static aliases = ['str purge']
  static args = {
    name: Args.string({description: 'stream name', required: true}),
  }
  static examples = [
    '<%= config.bin %> stream purge ORDERS --force',
    '<%= config.bin %> stream purge ORDERS --subject orders.cancelled --keep 10 --force',
    '<%= config.bin %> stream purge ORDERS --seq 1000 --force',
  ]
  static flags = {
    force: forceFlag,
    keep: intFlag({min: 0})({description: 'keep this many of the newest messages'}),
    seq: intFlag({min: 1})({description: 'purge messages below this sequence'}),
    subject: Flags.string({description: 'purge only messages on this subject (wildcards allowed)'}),
  }
  static summary = 'Remove messages from a stream: all, by subject, below a sequence, or all but the newest N.'

  async run(): Promise<StreamPurgeResult> {
    const {args, flags} = this
    validateName(args.name, 'stream')
    if (flags.subject) validateFilterSubject(flags.subject)
    const opts = purgeOptions({keep: flags.keep, seq: flags.seq, subject: flags.subject})
    const jsm = await this.jsm()
    await requireStream(jsm, args.name)
    await this.confirm(`Purge ${flags.subject ? `subject ${flags.subject} of ` : ''}stream ${args.name}`, flags.force)
    const res = await jsm.streams.purge(args.name, opts)
    this.say(`Purged ${res.purged} message${res.purged === 1 ? '' : 's'} from stream ${args.name}`)
    return {purged: res.purged, stream: args.name}
  }
}
