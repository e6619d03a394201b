import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../lib/base-command.js'
import {enableReconnect} from '../lib/connection.js'
import {headerFlag, intFlag, parseHeaders, waitFlag} from '../lib/flags.js'
import {readStdin, stdoutRecords} from '../lib/io.js'
import {recordBytes} from '../lib/messages.js'
import {type ReplyRecord, request, type RequestResult} from '../lib/publish/request.js'
import {validatePublishSubject} from '../lib/subjects.js'
import {expandTemplate, validateTemplate} from '../lib/templates.js'
import {displayData, translateWarning} from '../lib/translate.js'

export default class Request extends BaseCommand<typeof Request> {
  static args = {
    subject: Args.string({description: 'subject to send the request to', required: true}),
    body: Args.string({description: 'request body; read from stdin when omitted', ignoreStdin: true}),
  }
  static description = `Waits --timeout for the reply. --replies N collects up to N replies; --replies 0 collects all that arrive before the timeout.
No responders exits 6. --json prints {"subject","replies":[{...message, "rtt_ms"}]}.
--translate CMD pipes each reply body through /bin/sh -c CMD (one reply at a time, in order; NATS_SUBJECT is the
reply's subject) and shows its stdout instead, also in --raw and in --json ("data", "encoding", "size").
A request is sent once. --retries N sends it again, up to N more times (--retry-wait apart), after a timeout, no
responders or a lost connection, moving to another known server if the connection dropped; --json then has "attempts".
Only use it where the responder may safely see a request twice.`
  static examples = [
    '<%= config.bin %> request svc.echo "hello"',
    '<%= config.bin %> request svc.time --json',
    '<%= config.bin %> request svc.ping "" --replies 0 --timeout 1s',
    `<%= config.bin %> request svc.orders.get 42 --translate 'jq .status'`,
    '<%= config.bin %> request svc.time "" --retries 3 --retry-wait 500ms --timeout 1s',
  ]
  static flags = {
    header: headerFlag,
    raw: Flags.boolean({char: 'r', description: 'print only the reply bodies, byte for byte (each followed by a newline)'}),
    replies: intFlag()({default: 1, description: 'replies to wait for; 0 waits for all until the timeout'}),
    retries: intFlag({max: 1000})({default: 0, description: 'send the request again up to this many times after a timeout, no responders or a lost connection (default: never)'}),
    'retry-wait': waitFlag({default: 250, description: 'pause before each retry'}),
    translate: Flags.string({
      description:
        'pipe each reply body through this shell command (body on stdin, NATS_SUBJECT set) and show its stdout; when the command fails the body is shown untranslated, with a warning on stderr and "translate_error" in --json',
    }),
  }
  static hiddenAliases = ['req']
  static summary = 'Send a request and print the reply.'

  async run(): Promise<RequestResult> {
    const {args, flags} = this
    validatePublishSubject(args.subject)
    if (args.body !== undefined) validateTemplate(args.body, 'the body')
    const headers = parseHeaders(flags.header)
    const body = args.body === undefined ? await readStdin() : Buffer.from(expandTemplate(args.body, {count: 1}))
    // With retries the connection may move to another known server between attempts.
    const nc = await this.nc()
    if (flags.retries > 0) enableReconnect(nc)
    const settings = await this.connectionSettings()
    const show = (rec: ReplyRecord): void => {
      const r = flags.translate === undefined ? rec : displayData(rec)
      if (flags.raw) {
        if (!this.jsonEnabled()) stdoutRecords().send(Buffer.concat([recordBytes(r), Buffer.from('\n')]))
      } else {
        this.say(`Received reply on "${r.subject}" with rtt ${r.rtt_ms.toFixed(3)}ms`)
        for (const [k, vs] of Object.entries(r.headers ?? {})) for (const v of vs) this.say(`${k}: ${v}`)
        this.say(r.encoding === 'utf8' ? r.data : `(${r.size} bytes, base64) ${r.data}`)
      }
    }

    // People see each reply as it arrives (translated ones once all are in); --json prints one document at the end.
    const live = !this.jsonEnabled() && flags.translate === undefined
    const result = await request(nc, {
      body,
      headers,
      ...(live ? {onReply: show} : {}),
      onRetry: (attempt, why) => this.warnLine(`${why.message}; sending again (attempt ${attempt} of ${flags.retries + 1})`),
      replies: flags.replies,
      retries: flags.retries,
      retryWaitMs: flags['retry-wait'],
      servers: settings.displayServers.join(','),
      signal: this.interrupt.signal,
      subject: args.subject,
      timeoutMs: settings.timeoutMs,
      translate: flags.translate,
    })
    if (!live) {
      for (const rec of result.replies) {
        if (rec.translate_error) process.stderr.write(`natsx: warning: ${translateWarning(rec)}\n`)
        show(rec)
      }
    }

    await stdoutRecords().flushed()
    return result
  }
}
