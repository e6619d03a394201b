import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../../lib/base-command.js'
import {usageError} from '../../lib/errors.js'
import {intFlag} from '../../lib/flags.js'
import {humanMessage} from '../../lib/messages.js'
import {directGetMessages, getStreamMessage, type StoredMessageRecord} from '../../lib/streams/ops.js'
import {validateFilterSubject, validateName, validatePublishSubject} from '../../lib/subjects.js'

/** One message (a SEQ, or one --last-for subject), or an array in stream order (several subjects, a wildcard, --batch). */
export type StreamGetResult = StoredMessageRecord | StoredMessageRecord[]

export default class StreamGet extends BaseCommand<typeof StreamGet> {
  static aliases = ['str get']
  static args = {
    name: Args.string({description: 'stream name', required: true}),
    seq: Args.integer({description: 'sequence of the message (with --batch: the first one, default 1)', min: 1}),
  }
  static description = `A SEQ or one --last-for SUBJECT reads one message; --json prints it as an object.
Several --last-for subjects (or one with a wildcard) read the last message of each matching subject in one request, and
--batch N reads N messages from SEQ on; --json prints those as one JSON array in stream order. Both use batch direct get:
they need nats-server 2.11 (exit 8 before) and a stream with direct get on (exit 2 otherwise; \`stream edit --allow-direct\`).`
  static examples = [
    '<%= config.bin %> stream get ORDERS 12',
    '<%= config.bin %> stream get ORDERS --last-for orders.eu.1 --json',
    '<%= config.bin %> stream get ORDERS --last-for orders.eu.1 --last-for orders.us.1 --json',
    '<%= config.bin %> stream get ORDERS --last-for "orders.*.1"',
    '<%= config.bin %> stream get ORDERS 100 --batch 50 --json',
  ]
  static flags = {
    batch: intFlag({min: 1})({description: 'read this many messages from SEQ on (batch direct get, nats-server 2.11+)'}),
    'last-for': Flags.string({
      description: 'the last message on this subject; repeat it, or use a wildcard, for several (nats-server 2.11+)',
      multiple: true,
      multipleNonGreedy: true,
    }),
  }
  static summary = 'Get messages from a stream: by sequence, the last for one or more subjects, or a batch.'

  async run(): Promise<StreamGetResult> {
    const {args, flags} = this
    validateName(args.name, 'stream')
    const subjects = flags['last-for'] ?? []
    for (const s of subjects) validateFilterSubject(s, '--last-for subject')
    if (flags.batch !== undefined && subjects.length > 0) throw usageError('give --batch or --last-for, not both')
    if (flags.batch === undefined && args.seq === undefined && subjects.length === 0)
      throw usageError('give a sequence or --last-for SUBJECT')
    if (args.seq !== undefined && subjects.length > 0) throw usageError('give a sequence or --last-for, not both')
    const many = flags.batch !== undefined || subjects.length > 1 || subjects.some((s) => /(^|\.)[*>](\.|$)/.test(s))
    if (!many) {
      if (subjects.length === 1) validatePublishSubject(subjects[0], '--last-for subject')
      const rec = await getStreamMessage(await this.jsm(), args.name, {lastFor: subjects[0], seq: args.seq})
      this.say(humanMessage(rec.jetstream.sequence, rec).trimEnd())
      return rec
    }

    const s = await this.connectionSettings()
    const recs = await directGetMessages(
      await this.nc(),
      await this.jsm(),
      await this.capabilities(),
      args.name,
      flags.batch === undefined ? {multiLast: subjects} : {batch: flags.batch, seq: args.seq ?? 1},
      {
        apiPrefix: s.jsApiPrefix ?? (s.jsDomain ? `$JS.${s.jsDomain}.API` : undefined),
        inboxPrefix: s.inboxPrefix,
        timeoutMs: s.timeoutMs,
      },
    )
    this.say(recs.map((rec) => humanMessage(rec.jetstream.sequence, rec).trimEnd()).join('\n\n'))
    return recs
  }
}
