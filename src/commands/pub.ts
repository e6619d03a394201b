import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../lib/base-command.js'
import {usageError} from '../lib/errors.js'
import {headerFlag, intFlag, parseHeaders, timerFlag} from '../lib/flags.js'
import {readLines, readStdin} from '../lib/io.js'
import {publish, type PublishBodies, type PublishResult} from '../lib/pubsub.js'
import {validatePublishSubject} from '../lib/subjects.js'
import {expandTemplate, validateTemplate} from '../lib/templates.js'

export type PubResult = PublishResult

export default class Pub extends BaseCommand<typeof Pub> {
  static args = {
    subject: Args.string({description: 'subject to publish to; templates are expanded', required: true}),
    body: Args.string({description: 'message body; read from stdin when omitted', ignoreStdin: true}),
  }
  static description = `Templates in the subject, body and header values: {{Count}}, {{ID}}, {{Time}}, {{TimeStamp}}, {{Unix}}, {{UnixNano}}, {{Random min max}}.
With --jetstream the command waits for the stream's acknowledgement and reports stream and sequence; --msg-id sets Nats-Msg-Id so the stream drops duplicates.
With --send-on newline and no BODY, every line of stdin is one message, published as it arrives, until stdin ends (or Ctrl-C); {{Count}} is the line number and, with --jetstream, each line waits for its acknowledgement.`
  static examples = [
    '<%= config.bin %> pub orders.new \'{"id":1}\'',
    '<%= config.bin %> pub orders.new --count 10 "order {{Count}} at {{TimeStamp}}"',
    'echo hello | <%= config.bin %> pub greet --header source:shell',
    '<%= config.bin %> pub orders.new "x" --jetstream --msg-id order-1 --json',
    'tail -f app.log | <%= config.bin %> pub logs.app --send-on newline',
  ]
  static flags = {
    count: intFlag({min: 1})({description: 'publish this many messages [default: 1]; not with --send-on newline'}),
    header: headerFlag,
    jetstream: Flags.boolean({char: 'J', description: 'publish to JetStream and wait for the acknowledgement'}),
    'msg-id': Flags.string({description: 'Nats-Msg-Id for JetStream de-duplication (templates allowed)'}),
    quiet: Flags.boolean({char: 'q', description: 'print nothing on success'}),
    reply: Flags.string({description: 'reply subject to send with the message'}),
    'send-on': Flags.option({
      default: 'eof' as const,
      description:
        'with the body from stdin: eof = all of stdin is one message; newline = each line is a message (without its "\\n" or "\\r\\n"; an empty line is an empty message; line bodies are not templates)',
      options: ['eof', 'newline'] as const,
    })(),
    sleep: timerFlag({description: 'pause between messages (with --send-on newline, between lines), e.g. 100ms'}),
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
    const newline = flags['send-on'] === 'newline'
    if (newline && flags.count !== undefined) throw usageError('--count cannot be used with --send-on newline', 'each line of stdin is one message; drop --count')
    if (newline && args.body !== undefined) throw usageError('--send-on newline cannot be used with a BODY argument', 'pipe the lines to stdin, or drop --send-on newline')
    if (args.body !== undefined) validateTemplate(args.body, 'the body')
    const count = flags.count ?? 1
    // readLines is lazy: publish() reads each line as it goes, once connected.
    const bodies: PublishBodies = newline ? {lines: readLines(process.stdin, this.interrupt.signal)} : {body: args.body ?? (await readStdin()), count}

    const nc = await this.nc()
    const result = await publish(
      nc,
      {
        ...bodies,
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
        if (!flags.quiet && (newline || count <= 100)) {
          this.say(`[#${n}] Stored in stream ${ack.stream} sequence ${ack.seq}${ack.duplicate ? ' (duplicate, not stored again)' : ''}`)
        }
      },
    )
    if (!flags.quiet) this.say(`Published ${result.messages} message${result.messages === 1 ? '' : 's'} (${result.bytes} bytes) to "${result.subject}"`)
    return result
  }
}
