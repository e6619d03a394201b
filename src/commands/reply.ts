import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../lib/base-command.js'
import {usageError} from '../lib/errors.js'
import {headerFlag, intFlag, parseHeaders, timerFlag} from '../lib/flags.js'
import {type ReplySummary, serveReplies} from '../lib/reply/serve.js'
import {validateFilterSubject} from '../lib/subjects.js'
import {validateTemplate} from '../lib/templates.js'

export default class Reply extends BaseCommand<typeof Reply> {
  static args = {
    subject: Args.string({description: 'subject to answer requests on (wildcards allowed)', required: true}),
    body: Args.string({description: 'reply body (templates, including {{Request}} and subject tokens {{0}}, {{1}}, …); echoes the request when omitted', ignoreStdin: true}),
  }
  static description = `Answers each request with BODY, with the request itself (--echo, the default without BODY), or with the output of --command.
--command runs through /bin/sh with the request body on stdin and NATS_REQUEST_SUBJECT / NATS_REQUEST_BODY set (NATS_REQUEST_BODY is left unset, with a "warning" in the record, for a body with a NUL byte); its stdout is the reply, and a non-zero exit sends no reply.
Subject tokens, as natscli numbers them: in BODY, --command and -H values, {{N}} is token N of the request's subject (split on "."), counting from 0. With SUBJECT "weather.>" a request on "weather.london" has {{0}} = weather and {{1}} = london; with "weather.*.*", "weather.uk.london" has {{1}} = uk and {{2}} = london. {{N}} past the end of the request's subject (possible after ">") is empty; {{N}} past the last token of a SUBJECT without ">" is exit 2. --command gets tokens as they are, unquoted, so a request whose token used there has anything but letters, digits and _-+=@%:, is not answered (the whole subject is in $NATS_REQUEST_SUBJECT); so is a request whose body has anything but those, spaces, "." and "/" when --command uses {{Request}} (read the body from stdin or $NATS_REQUEST_BODY).
--sleep MAX waits a random time from 0 up to MAX before each reply (a slow service); Ctrl-C ends the wait at once.
With --json every handled request is one line of JSON (NDJSON) with "responded" and, when no reply was sent, "error".`
  static examples = [
    '<%= config.bin %> reply svc.echo --echo',
    '<%= config.bin %> reply svc.time "it is {{TimeStamp}}"',
    '<%= config.bin %> reply svc.upper --command "tr a-z A-Z" --count 1',
    `<%= config.bin %> reply 'weather.>' --command "curl -s wttr.in/{{1}}?format=3"`,
    `<%= config.bin %> reply 'weather.*.*' 'forecast for {{2}} in {{1}}' --sleep 2s`,
  ]
  static flags = {
    command: Flags.string({description: 'shell command whose stdout is the reply', exclusive: ['echo']}),
    count: intFlag({min: 1})({description: 'exit after answering this many requests'}),
    echo: Flags.boolean({description: 'reply with the request body and headers'}),
    header: headerFlag,
    queue: Flags.string({char: 'q', default: 'NATS-RPLY-22', description: 'queue group to join'}),
    sleep: timerFlag({description: 'wait a random time up to this long before each reply, e.g. 2s'}),
  }
  static summary = 'Answer requests on a subject.'

  async run(): Promise<ReplySummary | void> {
    const {args, flags} = this
    validateFilterSubject(args.subject)
    if (args.body !== undefined && (flags.echo || flags.command)) throw usageError('BODY cannot be combined with --echo or --command', 'drop one of them')
    const listen = {listenSubject: args.subject}
    if (args.body !== undefined) validateTemplate(args.body, 'the body', listen)
    if (flags.command !== undefined) validateTemplate(flags.command, '--command', listen)
    const headers = parseHeaders(flags.header)
    for (const [k, v] of headers) validateTemplate(v, `header ${k}`, listen)
    const nc = await this.nc({reconnect: true})
    const json = this.jsonEnabled()
    const summary = await serveReplies(
      nc,
      {
        body: args.body,
        command: flags.command,
        count: flags.count,
        echo: flags.echo,
        headers,
        onReady: () => process.stderr.write(`natsx: listening on "${args.subject}" in queue group ${flags.queue}\n`),
        queue: flags.queue,
        signal: this.interrupt.signal,
        sleepMs: flags.sleep,
        subject: args.subject,
      },
      (rec, n) => {
        if (rec.warning && !json) process.stderr.write(`natsx: warning: request #${n} on "${rec.subject}": ${rec.warning}\n`)
        if (json) this.writeLine(JSON.stringify(rec))
        else this.writeLine(`[#${n}] ${rec.responded ? 'Answered' : 'Did not answer'} request on "${rec.subject}" (${rec.size} bytes)${rec.error ? `: ${rec.error}` : ''}`)
      },
    )
    if (!json) process.stderr.write(`natsx: ${summary.requests} request${summary.requests === 1 ? '' : 's'} handled (${summary.ended})\n`)
  }
}
