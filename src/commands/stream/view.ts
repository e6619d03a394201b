import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../../lib/base-command.js'
import {usageError} from '../../lib/errors.js'
import {durationFlag, intFlag} from '../../lib/flags.js'
import {stdoutRecords} from '../../lib/io.js'
import {humanMessage, type MessageRecord} from '../../lib/messages.js'
import {viewStream} from '../../lib/streams/ops.js'
import {validateFilterSubject, validateName} from '../../lib/subjects.js'

/** Under --json each message is one line (NDJSON) of this shape; no final object is printed. */
export type StreamViewRecord = MessageRecord

export default class StreamView extends BaseCommand<typeof StreamView> {
  static aliases = ['str view']
  static args = {
    name: Args.string({description: 'stream name', required: true}),
  }
  static description =
    'It never pages and never waits for new messages: it stops at the end of the stream or after --count.'
  static examples = [
    '<%= config.bin %> stream view ORDERS --count 10',
    '<%= config.bin %> stream view ORDERS --subject "orders.eu.>" --since 1h --json',
    '<%= config.bin %> stream view ORDERS --start-sequence 1000 --count 50 --json',
  ]
  static flags = {
    count: intFlag({min: 1})({description: 'show at most this many messages'}),
    since: durationFlag({description: 'start with messages newer than this, e.g. 1h'}),
    'start-sequence': intFlag({min: 1})({description: 'start at this sequence'}),
    subject: Flags.string({description: 'only messages on this subject (wildcards allowed)'}),
  }
  static summary = 'Print the messages of a stream (NDJSON with --json).'

  async run(): Promise<void> {
    const {args, flags} = this
    validateName(args.name, 'stream')
    if (flags.subject) validateFilterSubject(flags.subject)
    if (flags.since !== undefined && flags['start-sequence'] !== undefined)
      throw usageError('--since and --start-sequence cannot be used together')
    const json = this.jsonEnabled()
    let n = 0
    const out = stdoutRecords()
    const read = await viewStream(
      await this.js(),
      await this.jsm(),
      args.name,
      {
        count: flags.count,
        ready: () => out.ready(),
        signal: this.interrupt.signal,
        sinceMs: flags.since,
        startSequence: flags['start-sequence'],
        subject: flags.subject,
      },
      (rec) => {
        n++
        out.send((json ? JSON.stringify(rec) : humanMessage(n, rec)) + '\n')
      },
    )
    await out.flushed()
    if (!json && !this.outputClosed()) process.stderr.write(`natsx: ${read} message${read === 1 ? '' : 's'} shown\n`)
  }
}
