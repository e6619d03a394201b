import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../lib/base-command.js'
import {headerFlag, intFlag, parseHeaders} from '../lib/flags.js'
import {readStdin} from '../lib/io.js'
import {request, type RequestResult} from '../lib/pubsub.js'
import {validatePublishSubject} from '../lib/subjects.js'
import {expandTemplate, validateTemplate} from '../lib/templates.js'

export default class Request extends BaseCommand<typeof Request> {
  static args = {
    subject: Args.string({description: 'subject to send the request to', required: true}),
    body: Args.string({description: 'request body; read from stdin when omitted', ignoreStdin: true}),
  }
  static description = `Waits --timeout for the reply. --replies N collects up to N replies; --replies 0 collects all that arrive before the timeout.
No responders exits 6. --json prints {"subject","replies":[{...message, "rtt_ms"}]}.`
  static examples = [
    '<%= config.bin %> request svc.echo "hello"',
    '<%= config.bin %> request svc.time --json',
    '<%= config.bin %> request svc.ping "" --replies 0 --timeout 1s',
  ]
  static flags = {
    header: headerFlag,
    raw: Flags.boolean({char: 'r', description: 'print only the reply bodies'}),
    replies: intFlag()({default: 1, description: 'replies to wait for; 0 waits for all until the timeout'}),
  }
  static hiddenAliases = ['req']
  static summary = 'Send a request and print the reply.'

  async run(): Promise<RequestResult> {
    const {args, flags} = this
    validatePublishSubject(args.subject)
    if (args.body !== undefined) validateTemplate(args.body, 'the body')
    const headers = parseHeaders(flags.header)
    const body = args.body === undefined ? await readStdin() : Buffer.from(expandTemplate(args.body, {count: 1}))
    const nc = await this.nc()
    const settings = await this.connectionSettings()
    const result = await request(nc, {body, headers, replies: flags.replies, subject: args.subject, timeoutMs: settings.timeoutMs})
    for (const r of result.replies) {
      if (flags.raw) this.say(r.encoding === 'utf8' ? r.data : Buffer.from(r.data, 'base64').toString('latin1'))
      else {
        this.say(`Received reply on "${r.subject}" with rtt ${r.rtt_ms.toFixed(3)}ms`)
        for (const [k, vs] of Object.entries(r.headers ?? {})) for (const v of vs) this.say(`${k}: ${v}`)
        this.say(r.encoding === 'utf8' ? r.data : `(${r.size} bytes, base64) ${r.data}`)
      }
    }

    return result
  }
}
