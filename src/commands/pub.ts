import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../lib/base-command.js'
import {enableReconnect} from '../lib/connection.js'
import {usageError} from '../lib/errors.js'
import {durationFlag, headerFlag, intFlag, parseHeaders, timerFlag} from '../lib/flags.js'
import {readLines, readStdin} from '../lib/io.js'
import {checkControlLine, maxControlLine} from '../lib/publish/headers.js'
import {publish, type PublishBodies, type PublishResult} from '../lib/publish/publish.js'
import {scheduleHeaders, type ScheduleRecord} from '../lib/publish/schedule.js'
import {ConnectionWatch} from '../lib/publish/watch.js'
import {validatePublishSubject} from '../lib/subjects.js'
import {expandTemplate, validateTemplate} from '../lib/templates.js'

/**
 * The --json result: what was published (`messages`, `bytes`, the last `subject`); with --jetstream each message's
 * acknowledgement (`jetstream`); with --atomic the batch's (`atomic`: batch, count, stream, seq); with a schedule what
 * was scheduled (`schedule`). After a dropped connection that another server took over: `disconnects`, and
 * `maybe_lost` (core: messages sent since the last confirmed flush before the drop) or `resent` (JetStream).
 */
export type PubResult = PublishResult & {schedule?: ScheduleRecord}

export default class Pub extends BaseCommand<typeof Pub> {
  static args = {
    subject: Args.string({description: 'subject to publish to; templates are expanded', required: true}),
    body: Args.string({description: 'message body; read from stdin when omitted', ignoreStdin: true}),
  }
  static description = `Templates in the subject, body and header values: {{Count}}, {{ID}}, {{Time}}, {{TimeStamp}}, {{Unix}}, {{UnixNano}}, {{Random min max}}; --no-templates sends them as written.
With --jetstream the command waits for the stream's acknowledgement and reports stream and sequence; --msg-id sets Nats-Msg-Id so the stream drops duplicates.
With --send-on newline and no BODY, every line of stdin is one message, published as it arrives, until stdin ends (or Ctrl-C); {{Count}} is the line number and, with --jetstream, each line waits for its acknowledgement.
Failover: when several servers are known (listed in --server, or announced by the cluster), a dropped connection moves to another server and publishing goes on. Core messages sent since the last confirmed flush before the drop may be lost: their number is on stderr and in --json as "maybe_lost". With --jetstream every message then carries a Nats-Msg-Id (--msg-id, or one natsx makes per message), and a message whose acknowledgement did not come is sent again ("resent"), so the stream's duplicate window stores it once. With one server, a drop ends the command (exit 6).
--ttl (Nats-TTL, nats-server 2.11), --atomic (2.12) and the schedules (--schedule-at/--schedule-after 2.12; --schedule-every/--schedule-cron/--schedule-source 2.14) publish to JetStream; on an older server they are refused with exit 8 before anything is sent. The stream must allow them (allow_msg_ttl, allow_atomic, allow_msg_schedules).
--atomic publishes the messages of the run (--count, or the lines of --send-on newline; {{Count}} in the subject spreads them over subjects) as one batch (at most 1000 messages unless the server's config raises its limit): all are stored or none; --json has the batch acknowledgement in "atomic".`
  static examples = [
    '<%= config.bin %> pub orders.new \'{"id":1}\'',
    '<%= config.bin %> pub orders.new --count 10 "order {{Count}} at {{TimeStamp}}"',
    'echo hello | <%= config.bin %> pub greet --header source:shell',
    '<%= config.bin %> pub orders.new "x" --jetstream --msg-id order-1 --json',
    'tail -f app.log | <%= config.bin %> pub logs.app --send-on newline',
    '<%= config.bin %> pub sessions.abc "token" --ttl 30m',
    '<%= config.bin %> pub orders.batch --atomic --count 100 "order {{Count}}" --json',
    '<%= config.bin %> pub reminders.1 "wake up" --schedule-after 10m --schedule-target reminders.fired',
    '<%= config.bin %> pub reports.tick "" --schedule-cron "0 0 * * * *" --schedule-target reports.run',
    '<%= config.bin %> pub tpl.raw "{{not a template}}" --no-templates',
  ]
  static flags = {
    atomic: Flags.boolean({description: 'publish all the messages of this run as one atomic batch (JetStream, nats-server 2.12+; at most 1000 messages by default): all or nothing'}),
    count: intFlag({min: 1})({description: 'publish this many messages [default: 1]; not with --send-on newline'}),
    header: headerFlag,
    jetstream: Flags.boolean({char: 'J', description: 'publish to JetStream and wait for the acknowledgement'}),
    'msg-id': Flags.string({description: 'Nats-Msg-Id for JetStream de-duplication (templates allowed)'}),
    quiet: Flags.boolean({char: 'q', description: 'print nothing on success'}),
    reply: Flags.string({description: 'reply subject to send with the message'}),
    'schedule-after': durationFlag({description: 'schedule the message to be published to --schedule-target after this long (Nats-Schedule @at; 2.12+)'}),
    'schedule-at': Flags.string({description: 'schedule the message to be published to --schedule-target at this time, RFC 3339 with a zone (2.12+)'}),
    'schedule-cron': Flags.string({description: 'publish to --schedule-target on a cron schedule: 6 fields, seconds first, or @hourly/@daily/… (2.14+)'}),
    'schedule-every': durationFlag({description: 'publish to --schedule-target every this long, at least 1s (Nats-Schedule @every; 2.14+)'}),
    'schedule-source': Flags.string({description: 'a schedule publishes the last message of this subject instead of its own body (2.14+)'}),
    'schedule-target': Flags.string({description: 'the subject a schedule publishes to: in the same stream, not the publish subject'}),
    'schedule-ttl': durationFlag({description: 'TTL of each message the schedule publishes (Nats-Schedule-TTL; the stream needs allow_msg_ttl)'}),
    'send-on': Flags.option({
      default: 'eof' as const,
      description:
        'with the body from stdin: eof = all of stdin is one message; newline = each line is a message (without its "\\n" or "\\r\\n"; an empty line is an empty message; line bodies are not templates)',
      options: ['eof', 'newline'] as const,
    })(),
    sleep: timerFlag({description: 'pause between messages (with --send-on newline, between lines), e.g. 100ms'}),
    templates: Flags.boolean({allowNo: true, default: true, description: 'expand {{ }} templates in subject, body, header values and --msg-id; --no-templates sends them as written'}),
    ttl: durationFlag({description: 'how long the stream keeps the message (Nats-TTL; JetStream, nats-server 2.11+, the stream needs allow_msg_ttl), at least 1s'}),
  }
  static hiddenAliases = ['publish']
  static summary = 'Publish messages, optionally to JetStream with acknowledgement.'

  async run(): Promise<PubResult> {
    const {args, flags} = this
    const templates = flags.templates
    if (templates) validateTemplate(args.subject, 'the subject')
    const first = templates ? expandTemplate(args.subject, {count: 1}) : args.subject
    validatePublishSubject(first)
    if (flags.reply) validatePublishSubject(flags.reply, 'reply subject')
    const scheduled = ['schedule-at', 'schedule-after', 'schedule-every', 'schedule-cron'].some((k) => flags[k as keyof typeof flags] !== undefined)
    const jetstream = flags.jetstream || flags.atomic || flags.ttl !== undefined || scheduled
    if (flags['msg-id'] !== undefined && !jetstream) throw usageError('--msg-id needs --jetstream', 'add --jetstream')
    if (flags.reply && jetstream) throw usageError('--reply cannot be used with --jetstream (nor --atomic, --ttl, a schedule)', 'drop one of them')
    const headers = parseHeaders(flags.header).map(([k, v]): [string, string] => {
      if (templates) validateTemplate(v, `header ${k}`)
      return [k, v]
    })
    const newline = flags['send-on'] === 'newline'
    if (newline && flags.count !== undefined) throw usageError('--count cannot be used with --send-on newline', 'each line of stdin is one message; drop --count')
    if (newline && args.body !== undefined) throw usageError('--send-on newline cannot be used with a BODY argument', 'pipe the lines to stdin, or drop --send-on newline')
    if (args.body !== undefined && templates) validateTemplate(args.body, 'the body')
    if (flags.atomic && scheduled) throw usageError('--atomic cannot be used with a schedule', 'publish the schedule on its own')
    if (flags.atomic && flags['msg-id'] !== undefined) throw usageError('--atomic cannot be used with --msg-id', 'an atomic batch is stored once or not at all; drop --msg-id')
    if (scheduled && ((flags.count ?? 1) > 1 || newline)) throw usageError('a schedule is one message', 'drop --count / --send-on newline')
    const count = flags.count ?? 1
    // Input errors in the schedule flags come before any connection.
    scheduleHeaders(flags, first, undefined)

    const nc = await this.nc()
    enableReconnect(nc)
    const settings = await this.connectionSettings()
    const limit = maxControlLine(nc)
    checkControlLine(first, flags.reply, limit)
    const caps = jetstream && (flags.atomic || flags.ttl !== undefined || scheduled) ? await this.capabilities() : undefined
    if (flags.atomic) caps?.require('atomic-batch-headers', 'an atomic batch (--atomic)')
    const {headers: fixedHeaders, schedule} = scheduleHeaders(flags, first, caps)

    const servers = settings.displayServers.join(',')
    const watch = new ConnectionWatch(nc, {
      failover: true,
      onDisconnect: (server) => {
        if (watch.canFailover()) this.warnLine(`lost the connection to ${server}; moving to another known server`)
      },
      onReconnect: (server) => this.warnLine(`reconnected to ${server}; publishing again`),
      servers,
    })
    watch.start()

    // readLines is lazy: publish() reads each line as it goes, once connected.
    const bodies: PublishBodies = newline ? {lines: readLines(process.stdin, this.interrupt.signal)} : {body: args.body ?? (await readStdin()), count}
    const result: PubResult = await publish(
      nc,
      {
        ...bodies,
        atomic: flags.atomic,
        fixedHeaders,
        headers,
        js: jetstream && !flags.atomic ? await this.js() : undefined,
        maxControlLine: limit,
        msgId: flags['msg-id'],
        reply: flags.reply,
        signal: this.interrupt.signal,
        sleepMs: flags.sleep,
        subject: args.subject,
        templates,
        timeoutMs: settings.timeoutMs,
        watch,
      },
      (ack, n) => {
        if (!flags.quiet && (newline || count <= 100)) {
          this.say(`[#${n}] Stored in stream ${ack.stream} sequence ${ack.seq}${ack.duplicate ? ' (duplicate, not stored again)' : ''}`)
        }
      },
    )
    if (schedule) result.schedule = schedule
    if (result.disconnects) {
      const gap =
        result.maybe_lost === undefined
          ? `${result.resent ?? 0} message${result.resent === 1 ? '' : 's'} sent again with the same Nats-Msg-Id (stored once)`
          : `up to ${result.maybe_lost} message${result.maybe_lost === 1 ? '' : 's'} sent before the drop may have been lost`
      this.warnLine(`the connection dropped ${result.disconnects} time${result.disconnects === 1 ? '' : 's'} and another server took over: ${gap}`)
    }

    if (!flags.quiet) {
      if (result.atomic) this.say(`Stored atomic batch ${result.atomic.batch}: ${result.atomic.count} messages in stream ${result.atomic.stream}, last sequence ${result.atomic.seq}`)
      if (schedule) this.say(`Scheduled "${schedule.schedule}" on "${result.subject}", publishing to "${schedule.target}"`)
      this.say(`Published ${result.messages} message${result.messages === 1 ? '' : 's'} (${result.bytes} bytes) to "${result.subject}"`)
    }

    return result
  }
}
