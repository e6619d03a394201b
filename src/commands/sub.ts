import type {NatsConnection} from '@nats-io/transport-node'

import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {mkdir, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {BaseCommand} from '../lib/base-command.js'
import {directMessageRecord, readDirect} from '../lib/direct-read.js'
import {connectionError, notFound, usageError} from '../lib/errors.js'
import {durationFlag, intFlag, timerFlag} from '../lib/flags.js'
import {flushWithin} from '../lib/flush.js'
import {graphMode, runGraph} from '../lib/graph/run.js'
import {SubjectRateSampler, subjectsView} from '../lib/graph/subjects.js'
import {stdoutRecords} from '../lib/io.js'
import {type MessageRecord} from '../lib/messages.js'
import {intervalFlag} from '../lib/monitoring/options.js'
import {subjectMatches, validateFilterSubject, validateName} from '../lib/subjects.js'
import {DurableRead} from '../lib/subscribe/durable-read.js'
import {openDurable, streamForSubjects} from '../lib/subscribe/durable.js'
import {checkSubOutputFlags, humanReply, noReplyLine, subPrinter} from '../lib/subscribe/output.js'
import {repliesSubject, ReplyMatcher} from '../lib/subscribe/replies.js'
import {renderSubReport, SubjectReport, type SubReport} from '../lib/subscribe/report.js'
import {type OnMessage, type StartPolicy, subscribe, type SubscribeOptions, type SubscribeSummary} from '../lib/subscribe/subscribe.js'
import {displayData, translateRecord, translateWarning} from '../lib/translate.js'

export default class Sub extends BaseCommand<typeof Sub> {
  static args = {
    subjects: Args.string({description: 'subjects to subscribe to (wildcards * and >); with --stream, filters'}),
  }
  static description = `Prints each message as it arrives. With --json every message is one line of JSON (NDJSON):
{"subject","reply","headers","data","encoding","size","received","jetstream":{"stream","sequence","time",...}}.
With --stream, messages are replayed from a JetStream stream through an ordered consumer that is removed afterwards;
with --stream and --direct (nats-server 2.11+, a stream that allows direct get) they are read by batched direct get,
without a consumer, from the start given (--all, --since, --start-sequence) up to the stream's last message when the
read began, and the command ends there.
--translate CMD pipes each body through /bin/sh -c CMD (one message at a time, in order; NATS_SUBJECT is set) and
shows its stdout instead, also in --raw and in the JSON records ("data", "encoding", "size").
--subjects-only, --timestamp and --delta-time shape the output for people; --json records are always whole.
--ignore-subject drops matching messages before anything else: not shown, dumped or counted.
A slow reader of stdout slows a --stream replay (nothing more is fetched until it reads). A core subscription cannot
be slowed: once 4 MiB of output wait for the reader, further messages are dropped (a slow consumer), with a warning
on stderr and the count in the summary ("dropped"; under --json a last {"summary":…} line on stderr); a connection
the server drops (as it drops a slow consumer) is a warning and a count too ("disconnects"), and is resumed.
JetStream without --stream (--durable, or a start flag such as --all): the stream is the one that holds the subjects
(exit 3 when none does, exit 2 naming them when several do).
--durable NAME reads through a durable pull consumer that stays: made when missing (filter: the subjects; start: --all
unless a start flag says otherwise; ack policy explicit with --ack, none without, as natscli makes it) and resumed when
it exists (a subject or start flag given must be the one it has: exit 4 otherwise). On a consumer that takes
acknowledgements each message is acknowledged once its record is written to stdout, with or without --ack (natscli
does the same): a lost connection (exit 6) leaves acknowledged exactly what was printed, messages delivered but not
printed when the run ends are handed back (nak) for the next run, and ignored (-I) ones are left unacknowledged (they
come back after the ack wait). On one without, every message the server delivers counts as read.
--match-replies (core subscriptions) also listens on the inboxes (_INBOX.>, or the connection's inbox prefix) and shows
each request together with its reply, as the reply arrives; requests still unanswered at the end are shown then. In
--json the request's record carries "response": the reply's record, or null when none came.
--graph draws messages per second live (a terminal); --graph --iterations N prints N samples instead, one line each, under
--json NDJSON: {"subjects":[{"subject","messages","messages_per_sec"}],"time","total","total_per_sec","disconnected"}, the
busiest subjects first; "disconnected": true marks a sample during which the connection was down (it reconnects as
sub does; what was published meanwhile is not counted, and the live view draws a gap and says so). An end with the
connection still down is exit 6.
--report-subjects / --report-subscriptions count the messages instead of printing them, per subject / per
subscription (the subject pattern subscribed to, or the consumer filter), busiest first (--report-top N: the first N),
and print the counts when the run ends: tables, or under --json one last line on stdout,
{"summary":{"ended","messages","bytes","dropped","disconnects","subjects":[{"subject","messages","bytes"}],"subjects_seen",
"subscriptions":[{"subscription","messages","bytes"}],"subscriptions_seen"}}. Under --json the {"summary":…} line on
stderr also carries "acknowledged", "consumer" and "stream" for --durable and "unanswered" for --match-replies.`
  static examples = [
    '<%= config.bin %> sub "orders.>"',
    '<%= config.bin %> sub orders.new --count 10 --json',
    '<%= config.bin %> sub --stream ORDERS --all --count 100 --json',
    '<%= config.bin %> sub --stream ORDERS --since 1h "orders.eu.>"',
    '<%= config.bin %> sub --stream ORDERS --direct --start-sequence 1000 "orders.eu.>" --json',
    '<%= config.bin %> sub "orders.eu.>" --durable eu-reader --ack --count 100 --json',
    '<%= config.bin %> sub "svc.>" --match-replies --json',
    '<%= config.bin %> sub "orders.>" --report-subjects --report-top 5 --wait 10s',
    `<%= config.bin %> sub "orders.>" --translate 'jq .id'`,
    `<%= config.bin %> sub ">" --subjects-only --timestamp -I "_INBOX.>" -I '$JS.>'`,
  ]
  static flags = {
    ack: Flags.boolean({description: 'with --durable: acknowledge each message once it is printed (a new durable is made with ack policy explicit)'}),
    all: Flags.boolean({description: 'replay: every message in the stream', exclusive: ['new', 'last', 'last-per-subject', 'since', 'start-sequence']}),
    count: intFlag({min: 1})({description: 'exit after this many messages'}),
    'delta-time': Flags.boolean({
      char: 'd',
      description: 'lead each message with the time since the previous one (the first: since subscribing), as +0.250s; people only, --json records are unchanged',
    }),
    direct: Flags.boolean({
      description:
        'with --stream: read by batched direct get (nats-server 2.11+; the stream must allow direct get) without a consumer, up to the last message when the read began; one subject filter at most',
    }),
    durable: Flags.string({description: 'read through this durable pull consumer (JetStream): made when missing, resumed where the last run stopped'}),
    dump: Flags.string({description: 'write each message as JSON to DIR/<n>.json'}),
    'headers-only': Flags.boolean({description: 'show headers only'}),
    'ignore-subject': Flags.string({
      char: 'I',
      description: 'ignore messages on subjects matching this (wildcards * and >; repeatable): not shown, dumped, or counted for --count and --wait',
      multiple: true,
      multipleNonGreedy: true,
    }),
    last: Flags.boolean({description: 'replay: the last message of the stream', exclusive: ['all', 'new', 'last-per-subject', 'since', 'start-sequence']}),
    'last-per-subject': Flags.boolean({description: 'replay: the last message of each subject', exclusive: ['all', 'new', 'last', 'since', 'start-sequence']}),
    graph: Flags.boolean({description: 'draw messages per second (in all, and for the busiest subjects) live instead of printing the messages; core subscriptions. Keys: q quit (exit 0), Ctrl-C (exit 130)'}),
    interval: intervalFlag({default: 1000, defaultHelp: async () => '1s', description: 'with --graph: time between samples (seconds or a duration such as 500ms)'}),
    iterations: intFlag({min: 1})({description: 'with --graph: print this many samples and exit (the batch form: NDJSON under --json)'}),
    'match-replies': Flags.boolean({description: 'show each request with its reply (core subscriptions; replies are caught on the inboxes)'}),
    new: Flags.boolean({description: 'replay: only messages stored from now on (default with --stream)', exclusive: ['all', 'last', 'last-per-subject', 'since', 'start-sequence']}),
    queue: Flags.string({description: 'join this queue group'}),
    raw: Flags.boolean({char: 'r', description: 'print only the message bodies'}),
    'report-subjects': Flags.boolean({description: 'count the messages per subject instead of printing them; the counts are printed when the run ends'}),
    'report-subscriptions': Flags.boolean({description: 'count the messages per subscription (subject pattern or consumer filter) instead of printing them; printed when the run ends'}),
    'report-top': intFlag({min: 1})({description: 'with a report: only the N busiest subjects / subscriptions (the totals still count every message)'}),
    since: durationFlag({description: 'replay: messages stored in the last DURATION, e.g. 1h', exclusive: ['all', 'new', 'last', 'last-per-subject', 'start-sequence']}),
    'start-sequence': intFlag({min: 1})({description: 'replay: from this stream sequence', exclusive: ['all', 'new', 'last', 'last-per-subject', 'since']}),
    stream: Flags.string({description: 'replay from this JetStream stream (found from the subject when one stream holds it)'}),
    'subjects-only': Flags.boolean({
      description: "print only each message's subject, one a line; --json records stay whole; not with --raw, --headers-only or --translate",
    }),
    timestamp: Flags.boolean({
      char: 't',
      description: 'lead each message with the time it was received (UTC, RFC 3339 with milliseconds); people only, --json records have "received"',
    }),
    translate: Flags.string({
      description:
        'pipe each body through this shell command (body on stdin, NATS_SUBJECT set) and show its stdout; when the command fails the body is shown untranslated, with a warning on stderr and "translate_error" in --json records; --dump keeps the original',
    }),
    wait: timerFlag({description: 'exit after this long without a message'}),
  }
  static hiddenAliases = ['subscribe']
  static strict = false
  static summary = 'Subscribe to subjects or replay a stream, printing the messages.'

  async run(): Promise<SubscribeSummary | void> {
    const {flags} = this
    const subjects = this.rest.filter((s) => s.length > 0)
    const policy = checkSubFlags(flags, subjects)
    if (flags.graph) return this.graph(subjects)
    checkSubOutputFlags(flags)
    if (flags.dump) await mkdir(flags.dump, {recursive: true})

    // a durable's acknowledgements are confirmed on one connection: it is not silently resumed (see durable-read.ts)
    const nc = await this.nc({reconnect: !flags.direct && !flags.durable})
    const stream = flags.stream ?? (isJetStream(flags, policy) ? await streamForSubjects(await this.jsm(), subjects) : undefined)
    let direct: undefined | {lastSeq: number}
    if (flags.direct) direct = await this.directStart(stream!)

    let jetstream: SubscribeOptions['jetstream']
    if (stream && !flags.direct) {
      if (subjects.length > 1) (await this.capabilities()).require('multi-filter', 'replaying several subjects at once (multiple filter subjects)')
      jetstream = {
        durable: flags.durable ? await this.durableRead(stream, subjects, policy) : undefined,
        headersOnly: flags['headers-only'],
        js: await this.js(),
        jsm: await this.jsm(),
        policy: policy ?? 'new',
        sinceMs: flags.since,
        startSequence: flags['start-sequence'],
        stream,
      }
    }

    const json = this.jsonEnabled()
    const out = stdoutRecords()
    const tally = {disconnects: 0, down: false, dropped: 0}
    if (!stream) this.watchConnection(nc, json, tally)

    const ignore = flags['ignore-subject']
    const pending: Array<Promise<void>> = []
    const print = subPrinter({
      clock: clockOf(flags),
      headersOnly: flags['headers-only'],
      startedMs: Date.now(),
      view: flags.raw ? 'raw' : flags['subjects-only'] ? 'subjects' : 'human',
    })
    const report = flags['report-subjects'] || flags['report-subscriptions']
      ? new SubjectReport({subjects: Boolean(flags['report-subjects']), subscriptions: Boolean(flags['report-subscriptions']), top: flags['report-top']})
      : undefined
    const matcher = flags['match-replies'] ? new ReplyMatcher() : undefined
    /** a message's text for people (or its JSON line), and `response` for --match-replies */
    const render = (rec: MessageRecord, n: number, response?: MessageRecord | null): Buffer | string => {
      const shown = flags.translate === undefined ? rec : displayData(rec)
      if (json) return JSON.stringify(response === undefined ? rec : {...rec, response}) + '\n'
      const text = print(shown, n)
      const block = typeof text === 'string' ? text + '\n' : Buffer.concat([text, NL])
      if (response === undefined) return block
      const second = response === null ? noReplyLine(n) : view(flags) === 'human' ? humanReply(n, response, {headersOnly: flags['headers-only']}) + '\n' : print(response, n)
      return Buffer.concat([Buffer.from(block), Buffer.from(second), ...(typeof second === 'string' && view(flags) === 'human' ? [] : [NL])])
    }

    const show: OnMessage = (rec, n, original, via) => {
      if (flags['headers-only'] && (!stream || flags.direct || flags.durable)) {
        rec.data = ''
        rec.encoding = 'utf8'
      }

      if (report) {
        report.add(rec.subject, via, original.size)
        return
      }

      // Dumps keep the message as it arrived.
      const dumped = flags.dump ? writeFile(join(flags.dump, `${n}.json`), JSON.stringify(original) + '\n') : undefined
      if (dumped) pending.push(dumped)
      if (rec.translate_error) process.stderr.write(`natsx: warning: ${translateWarning(rec)}\n`)
      if (!stream && out.backlog > SUB_BACKLOG_BYTES) {
        // A core subscription cannot be slowed: drop, say so once, count.
        if (tally.dropped++ === 0) this.note(json, `stdout is not keeping up: dropping messages (slow consumer) while ${SUB_BACKLOG_BYTES / 1_048_576} MiB wait for the reader; the count is in the summary`)
        return
      }

      if (matcher?.hold(rec, n)) return
      // Through an acknowledging durable: printed once stdout (and the dump file) have it.
      if (jetstream?.durable?.acks) return Promise.all([dumped, out.write(render(rec, n))]).then(([, printed]) => printed)
      out.send(render(rec, n))
    }

    const onReply = (reply: MessageRecord): void => {
      const held = matcher?.match(reply)
      if (held) out.send(render(held.request, held.n, reply))
    }

    const summary: {acknowledged?: number; ended: string; messages: number} = direct
      ? await this.readDirect(flags, subjects[0], direct.lastSeq, () => out.ready(), show)
      : await subscribe(
      nc,
      {
        count: flags.count,
        ignore,
        jetstream,
        onReady() {
          const on = stream ? `stream ${stream}${flags.durable ? ` through consumer ${flags.durable}${jetstream?.durable?.acks ? ' (acknowledging each message once printed)' : ''}` : ''}` : subjects.map((s) => `"${s}"`).join(', ')
          const ignoring = ignore?.length ? ` (ignoring ${ignore.map((s) => `"${s}"`).join(', ')})` : ''
          process.stderr.write(`natsx: listening on ${on}${ignoring}\n`)
        },
        queue: flags.queue,
        ready: () => out.ready(),
        replies: matcher && {onReply, pending: () => matcher.pending, subject: repliesSubject((await this.connectionSettings()).inboxPrefix)},
        signal: this.interrupt.signal,
        subjects,
        translate: flags.translate,
        waitMs: flags.wait,
      },
      show,
    )
    const unanswered = matcher?.unanswered() ?? []
    for (const h of unanswered) out.send(render(h.request, h.n, null))
    await Promise.all(pending)
    await out.flushed()
    if (this.outputClosed()) return
    const shownCount = summary.messages - tally.dropped
    const extra = {
      ...(summary.acknowledged === undefined ? {} : {acknowledged: summary.acknowledged}),
      ...(flags.durable ? {consumer: flags.durable, stream} : {}),
      ...(matcher ? {unanswered: unanswered.length} : {}),
    }
    const whole = {disconnects: tally.disconnects, dropped: tally.dropped, ended: summary.ended, messages: shownCount, ...extra}
    if (report) this.writeReport(json, whole, report.result())
    else if (json) {
      if (tally.dropped > 0 || tally.disconnects > 0 || Object.keys(extra).length > 0) process.stderr.write(JSON.stringify({summary: whole}) + '\n')
    } else {
      const lost =
        (summary.acknowledged === undefined ? '' : `, ${summary.acknowledged} acknowledged`) +
        (matcher ? `, ${unanswered.length} request${unanswered.length === 1 ? '' : 's'} unanswered` : '') +
        (tally.dropped > 0 ? `, ${tally.dropped} dropped: stdout did not keep up (slow consumer)` : '') +
        (tally.disconnects > 0 ? `, ${tally.disconnects} disconnect${tally.disconnects === 1 ? '' : 's'} by the server: messages published meanwhile are lost` : '')
      process.stderr.write(`natsx: ${shownCount} message${shownCount === 1 ? '' : 's'} received (${summary.ended}${lost})\n`)
    }

    // An end while the server is away is the server's doing: what it did not deliver is lost (exit 6).
    if (tally.down && !this.interrupt.signal.aborted) {
      throw connectionError('the server went away and was not back when the subscription ended: messages published meanwhile are lost', 'check the server and subscribe again')
    }

    // NDJSON is the --json output; no final object is printed.
  }

  /** `--direct`: the stream must allow it; the read ends at its last message now. */
  private async directStart(stream: string): Promise<{lastSeq: number}> {
    const caps = await this.capabilities()
    caps.require('direct-get-batch', 'reading a stream by direct get (sub --direct)')
    const si = await (await this.jsm()).streams.info(stream).catch((error: unknown) => {
      if (/stream not found/i.test((error as Error).message)) throw notFound(`stream "${stream}" not found`, 'check the name with `natsx stream ls`')
      throw error
    })
    if (!si.config.allow_direct) throw usageError(`stream "${stream}" does not allow direct get`, `read it without --direct, or let it: natsx stream edit ${stream} --allow-direct`)
    return {lastSeq: si.state.last_seq}
  }

  /** `--durable`: the consumer (made or resumed, see durable.ts) and the read that acknowledges as it prints. */

  private async durableRead(stream: string, subjects: string[], policy: StartPolicy | undefined): Promise<DurableRead> {
    const {flags} = this
    const d = await openDurable(await this.jsm(), {
      ack: flags.ack,
      caps: await this.capabilities(),
      headersOnly: flags['headers-only'],
      name: flags.durable!,
      policy,
      report: Boolean(flags['report-subjects'] || flags['report-subscriptions']),
      sinceMs: flags.since,
      startSequence: flags['start-sequence'],
      stream,
      subjects,
    })
    if (!flags.ack && d.acks) process.stderr.write(`natsx: consumer ${flags.durable} takes acknowledgements (ack policy ${d.info.config.ack_policy}): each message is acknowledged once printed\n`)
    const nc = await this.nc()
    const {timeoutMs} = await this.connectionSettings()
    return new DurableRead({acks: d.acks, confirm: () => flushWithin(nc, timeoutMs), js: await this.js(), name: flags.durable!, nc, stream})
  }

  /** `sub --graph`: core subscriptions counted by subject and drawn live (or sampled in the batch form). */
  private async graph(subjects: string[]): Promise<void> {
    const {flags} = this
    const json = this.jsonEnabled()
    const mode = graphMode('sub --graph', {iterations: flags.iterations, json, tty: Boolean(process.stdout.isTTY && process.stdin.isTTY)})
    // the batch form says on stderr when the connection drops and comes back; the live view says it in its subtitle
    const note = mode === 'batch' ? (e: 'disconnect' | 'reconnect', server?: string) => this.note(json, e === 'disconnect' ? 'the connection to the server was lost: reconnecting; messages published until it is back are not counted' : `reconnected to ${server}; counting again`) : undefined
    // a dropped connection is resumed, as a core `sub` resumes it
    const nc = await this.nc({reconnect: true})
    const sampler = new SubjectRateSampler(nc, subjects, flags.queue, note)
    await nc.flush()
    try {
      await runGraph({
        interval: flags.interval,
        iterations: flags.iterations,
        json,
        mode,
        sampler,
        signal: this.interrupt.signal,
        view: (history) => subjectsView(history, `Subscription ${subjects.join(', ')}${flags.queue ? ` (queue ${flags.queue})` : ''}`),
        writeLine: (l) => this.writeLine(l),
      })
      // as `sub --wait` does: an end while the connection is still down is the server's doing
      if (sampler.down && !this.interrupt.signal.aborted)
        throw connectionError('the connection to the server was down when the sampling ended: the last samples undercount', 'check the server, then run the command again')
    } finally {
      await sampler.close()
    }
  }

  /** A warning on stderr: a line for people, a JSON object under --json (never silent). */
  private note(json: boolean, message: string): void {
    process.stderr.write(json ? JSON.stringify({warning: message}) + '\n' : `natsx: warning: ${message}\n`)
  }

  /**
   * `--direct`: the stream's messages by batched direct get, through `show` as a replay shows them; ignored subjects
   * are skipped without counting, as in a subscription.
   */
  private async readDirect(
    flags: {count?: number; 'ignore-subject'?: string[]; since?: number; 'start-sequence'?: number; stream?: string; translate?: string},
    subject: string | undefined,
    lastSeq: number,
    ready: () => Promise<void>,
    show: OnMessage,
  ): Promise<{ended: string; messages: number}> {
    const stream = flags.stream!
    const signal = this.interrupt.signal
    const ignore = flags['ignore-subject'] ?? []
    let n = 0
    process.stderr.write(`natsx: reading stream ${stream}${subject ? ` subject "${subject}"` : ''} by direct get, up to sequence ${lastSeq}\n`)
    const result = await readDirect(
      await this.jsm(),
      {count: flags.count, lastSeq, ready, signal, sinceMs: flags.since, startSequence: flags['start-sequence'], stream, subject},
      async (m) => {
        if (ignore.some((pattern) => subjectMatches(pattern, m.subject))) return false
        const original = directMessageRecord(stream, m)
        const rec = flags.translate === undefined ? original : await translateRecord({...original}, m.data, flags.translate, signal)
        if (signal.aborted) return false
        show(rec, ++n, original, subject ?? ">")
        return true
      },
    )
    return {ended: result.ended === 'end' ? 'end of stream' : result.ended, messages: n}
  }

  /** Core subscriptions: a dropped connection is a warning and a count (and an exit 6 if it is still down at the end). */
  private watchConnection(nc: NatsConnection, json: boolean, tally: {disconnects: number; down: boolean}): void {
    const watch = async (): Promise<void> => {
      for await (const st of nc.status()) {
        if (st.type === 'disconnect') {
          tally.disconnects++
          tally.down = true
          this.note(json, `the server dropped the connection (a slow consumer is dropped this way): messages published until it is back are lost`)
        } else if (st.type === 'reconnect') {
          tally.down = false
          this.note(json, `reconnected to ${st.server}; receiving again`)
        }
      }
    }

    watch().catch(() => {})
  }

  /** `--report-*`: tables for people, or the summary with the counts as the last line of --json. */
  private writeReport(json: boolean, summary: Record<string, unknown> & {messages: number}, report: SubReport): void {
    if (json) this.writeLine(JSON.stringify({summary: {...summary, ...report}}))
    else {
      this.writeLine(renderSubReport(report, summary.messages))
      process.stderr.write(`natsx: ${summary.messages} message${summary.messages === 1 ? '' : 's'} counted (${String(summary.ended)})\n`)
    }
  }
}

/** a core subscription drops messages once this much output waits for a slow reader */
const SUB_BACKLOG_BYTES = 4 * 1_048_576
const NL = Buffer.from('\n')

/** `--direct` reads from a start to the end of the stream: exit 2 on what does not fit that. */
function checkDirectFlags(flags: {stream?: string; wait?: number}, policy: StartPolicy | undefined, subjects: string[]): void {
  if (!flags.stream) throw usageError('--direct needs --stream', 'add --stream NAME')
  if (policy === 'new' || policy === 'last' || policy === 'last-per-subject') {
    throw usageError(`--${policy} cannot be used with --direct`, 'a direct read starts at --all (the default), --since or --start-sequence; or drop --direct')
  }

  if (subjects.length > 1) throw usageError('--direct reads one subject filter', 'give one subject (wildcards allowed), or drop --direct')
  if (flags.wait !== undefined) throw usageError('--wait cannot be used with --direct', 'a direct read ends at the last message of the stream; drop --wait')
}

/** The flags that do not go together, and the start policy asked for; exit 2 before connecting. */
function checkSubFlags(flags: SubFlags, subjects: string[]): StartPolicy | undefined {
  for (const s of subjects) validateFilterSubject(s)
  const policy = startPolicy(flags)
  if (flags.stream) validateName(flags.stream, 'stream')
  if (flags.durable) validateName(flags.durable, 'consumer')
  const js = isJetStream(flags, policy)
  if (flags.ack && !flags.durable) throw usageError('--ack needs --durable', 'add --durable NAME (a replay through --stream takes no acknowledgements)')
  if (!js && subjects.length === 0) throw usageError('no subject given', 'pass a subject such as "orders.>" or --stream NAME')
  if (js && !flags.stream && subjects.length === 0) throw usageError(`--${flags.durable ? 'durable' : policy} needs --stream or a subject`, 'add --stream NAME, or a subject that one stream holds')
  if (js && flags.queue) throw usageError(`--queue cannot be used with ${flags.stream ? '--stream' : flags.durable ? '--durable' : `--${policy}`}`, 'drop --queue')
  if (js && flags['match-replies']) throw usageError('--match-replies works on core subscriptions, not on a stream', 'drop --match-replies, or --stream/--durable and the start flags')
  if (flags.ack && (flags['report-subjects'] || flags['report-subscriptions'])) throw usageError('--ack cannot be used with --report-subjects or --report-subscriptions', 'a report prints no messages, so none could be acknowledged as printed; drop one of them')
  if (flags['report-top'] !== undefined && !flags['report-subjects'] && !flags['report-subscriptions']) throw usageError('--report-top needs --report-subjects or --report-subscriptions', 'add one of them')
  if (flags.direct) checkDirectFlags(flags, policy, subjects)
  if (flags.graph) checkGraphFlags(flags as Record<string, unknown> & SubFlags, js)
  else if (flags.iterations !== undefined) throw usageError('--iterations needs --graph', 'add --graph (the batch form prints N samples)')
  return policy
}

/** What `sub --graph` cannot do: it counts core messages, it prints none. */
function checkGraphFlags(flags: Record<string, unknown> & SubFlags, js: boolean): void {
  if (js) throw usageError('--graph draws core subscriptions, not a stream', 'drop --stream/--durable and the start flags, or use `natsx stream graph NAME`')
  const clash = ['ack', 'count', 'delta-time', 'dump', 'headers-only', 'ignore-subject', 'match-replies', 'raw', 'report-subjects', 'report-subscriptions', 'subjects-only', 'timestamp', 'translate', 'wait'].find(
    (f) => flags[f] !== undefined && flags[f] !== false,
  )
  if (clash) throw usageError(`--graph cannot be used with --${clash}`, `--graph draws rates and prints no messages; drop --${clash}`)
}

interface SubFlags {
  ack?: boolean
  all?: boolean
  direct?: boolean
  durable?: string
  graph?: boolean
  iterations?: number
  last?: boolean
  'last-per-subject'?: boolean
  'match-replies'?: boolean
  new?: boolean
  queue?: string
  'report-subjects'?: boolean
  'report-subscriptions'?: boolean
  'report-top'?: number
  since?: number
  'start-sequence'?: number
  stream?: string
  wait?: number
}

/** JetStream is asked for: a stream, a durable or a start flag (as natscli decides). */
function isJetStream(flags: {direct?: boolean; durable?: string; stream?: string}, policy: StartPolicy | undefined): boolean {
  return Boolean(flags.stream || flags.durable || flags.direct || policy)
}

const view = (flags: {raw?: boolean; 'subjects-only'?: boolean}): 'human' | 'raw' | 'subjects' => (flags.raw ? 'raw' : flags['subjects-only'] ? 'subjects' : 'human')

function clockOf(flags: {'delta-time'?: boolean; timestamp?: boolean}): 'delta' | 'timestamp' | undefined {
  if (flags.timestamp) return 'timestamp'
  return flags['delta-time'] ? 'delta' : undefined
}

function startPolicy(flags: {all?: boolean; last?: boolean; 'last-per-subject'?: boolean; new?: boolean; since?: number; 'start-sequence'?: number}): StartPolicy | undefined {
  if (flags.all) return 'all'
  if (flags.last) return 'last'
  if (flags['last-per-subject']) return 'last-per-subject'
  if (flags.new) return 'new'
  if (flags.since !== undefined) return 'since'
  if (flags['start-sequence'] !== undefined) return 'start-sequence'
  return undefined
}
