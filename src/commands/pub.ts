import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../lib/base-command.js'
import {usageError} from '../lib/errors.js'
import {durationFlag, headerFlag, intFlag, parseHeaders} from '../lib/flags.js'
import {readStdin} from '../lib/io.js'
import {publish, type PublishResult} from '../lib/pubsub.js'
import {validatePublishSubject} from '../lib/subjects.js'
import {expandTemplate, validateTemplate} from '../lib/templates.js'

export type PubResult = PublishResult

export default class Pub extends BaseCommand<typeof Pub> {
  static args = {
    subject: Args.string({description: 'subject to publish to; templates are expanded', required: true}),
    body: Args.string({description: 'message body; read from stdin when omitted', ignoreStdin: true}),
  }
  static description = `Templates in the subject, body and header values: {{Count}}, {{ID}}, {{Time}}, {{TimeStamp}}, {{Unix}}, {{UnixNano}}, {{Random min max}}.
With --jetstream the command waits for the stream's acknowledgement and reports stream and sequence; --msg-id sets Nats-Msg-Id so the stream drops duplicates.`
  static examples = [
    '<%= config.bin %> pub orders.new \'{"id":1}\'',
    '<%= config.bin %> pub orders.new --count 10 "order {{Count}} at {{TimeStamp}}"',
    'echo hello | <%= config.bin %> pub greet --header source:shell',
    '<%= config.bin %> pub orders.new "x" --jetstream --msg-id order-1 --json',
  ]
  static flags = {
    count: intFlag({min: 1})({default: 1, description: 'publish this many messages'}),
    header: headerFlag,
    jetstream: Flags.boolean({char: 'J', description: 'publish to JetStream and wait for the acknowledgement'}),
    'msg-id': Flags.string({description: 'Nats-Msg-Id for JetStream de-duplication (templates allowed)'}),
    quiet: Flags.boolean({char: 'q', description: 'print nothing on success'}),
    reply: Flags.string({description: 'reply subject to send with the message'}),
    sleep: durationFlag({description: 'pause between messages, e.g. 100ms'}),
  }
  static hiddenAliases = ['publish']
  static summary = 'Publish messages, optionally to JetStream with acknowledgement.'

  async run(): Promise<PubResult> {
    const {args, flags} = this
    validateTemplate(args.subject, 'the subject')
    validatePublishSubject(expandTemplate(args.subject, {count: 1}))
    if (flags.reply) validatePublishSubject(flags.reply, 'reply subject')
    if (flags['msg-id'] !== undefined && !flags.jetstream) throw usageError('--msg-id needs --jetstream', 'add --jetstream')
    if (flags.reply && flags.jetstream) throw usageError('--reply cannot be used with --jetstream', 'drop one of them')
    const headers = parseHeaders(flags.header).map(([k, v]): [string, string] => {
      validateTemplate(v, `header ${k}`)
      return [k, v]
    })
    if (args.body !== undefined) validateTemplate(args.body, 'the body')
    const body = args.body ?? (await readStdin())

    const nc = await this.nc()
    const result = await publish(
      nc,
      {
        body,
        count: flags.count,
        headers,
        js: flags.jetstream ? await this.js() : undefined,
        msgId: flags['msg-id'],
        reply: flags.reply,
        signal: this.interrupt.signal,
        sleepMs: flags.sleep,
        subject: args.subject,
        timeoutMs: (await this.connectionSettings()).timeoutMs,
      },
      (ack, n) => {
        if (!flags.quiet && flags.count <= 100) {
          this.say(`[#${n}] Stored in stream ${ack.stream} sequence ${ack.seq}${ack.duplicate ? ' (duplicate, not stored again)' : ''}`)
        }
      },
    )
    if (!flags.quiet) this.say(`Published ${result.messages} message${result.messages === 1 ? '' : 's'} (${result.bytes} bytes) to "${result.subject}"`)
    return result
  }
}
