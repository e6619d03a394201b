import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../lib/base-command.js'
import {usageError} from '../lib/errors.js'
import {headerFlag, intFlag, parseHeaders} from '../lib/flags.js'
import {type ReplySummary, serveReplies} from '../lib/pubsub.js'
import {validateFilterSubject} from '../lib/subjects.js'
import {validateTemplate} from '../lib/templates.js'

export default class Reply extends BaseCommand<typeof Reply> {
  static args = {
    subject: Args.string({description: 'subject to answer requests on (wildcards allowed)', required: true}),
    body: Args.string({description: 'reply body (templates, including {{Request}}); echoes the request when omitted', ignoreStdin: true}),
  }
  static description = `Answers each request with BODY, with the request itself (--echo, the default without BODY), or with the output of --command.
--command runs through /bin/sh with the request body on stdin and NATS_REQUEST_SUBJECT / NATS_REQUEST_BODY set; its stdout is the reply, and a non-zero exit sends no reply.
With --json every handled request is one line of JSON (NDJSON) with "responded" and, when no reply was sent, "error".`
  static examples = [
    '<%= config.bin %> reply svc.echo --echo',
    '<%= config.bin %> reply svc.time "it is {{TimeStamp}}"',
    '<%= config.bin %> reply svc.upper --command "tr a-z A-Z" --count 1',
  ]
  static flags = {
    command: Flags.string({description: 'shell command whose stdout is the reply', exclusive: ['echo']}),
    count: intFlag({min: 1})({description: 'exit after answering this many requests'}),
    echo: Flags.boolean({description: 'reply with the request body and headers'}),
    header: headerFlag,
    queue: Flags.string({char: 'q', default: 'NATS-RPLY-22', description: 'queue group to join'}),
  }
  static summary = 'Answer requests on a subject.'

  async run(): Promise<ReplySummary | void> {
    const {args, flags} = this
    validateFilterSubject(args.subject)
    if (args.body !== undefined && (flags.echo || flags.command)) throw usageError('BODY cannot be combined with --echo or --command', 'drop one of them')
    if (args.body !== undefined) validateTemplate(args.body, 'the body')
    const headers = parseHeaders(flags.header)
    const nc = await this.nc({reconnect: true})
    const json = this.jsonEnabled()
    const summary = await serveReplies(
      nc,
      {
        body: args.body,
        command: flags.command,
        count: flags.count, echo: flags.echo, headers, onReady: () => process.stderr.write(`natsx: listening on "${args.subject}" in queue group ${flags.queue}\n`), queue: flags.queue, signal: this.interrupt.signal, subject: args.subject},
      (rec, n) => {
        if (json) this.writeLine(JSON.stringify(rec))
        else this.writeLine(`[#${n}] ${rec.responded ? 'Answered' : 'Did not answer'} request on "${rec.subject}" (${rec.size} bytes)${rec.error ? `: ${rec.error}` : ''}`)
      },
    )
    if (!json) process.stderr.write(`natsx: ${summary.requests} request${summary.requests === 1 ? '' : 's'} handled (${summary.ended})\n`)
  }
}
