import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {mkdir, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {BaseCommand} from '../lib/base-command.js'
import {directMessageRecord, readDirect} from '../lib/direct-read.js'
import {connectionError, notFound, usageError} from '../lib/errors.js'
import {durationFlag, intFlag, timerFlag} from '../lib/flags.js'
import {stdoutRecords} from '../lib/io.js'
import {type MessageRecord} from '../lib/messages.js'
import {subjectMatches, validateFilterSubject, validateName} from '../lib/subjects.js'
import {checkSubOutputFlags, subPrinter} from '../lib/subscribe/output.js'
import {type StartPolicy, subscribe, type SubscribeSummary} from '../lib/subscribe/subscribe.js'
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
the server drops (as it drops a slow consumer) is a warning and a count too ("disconnects"), and is resumed.`
  static examples = [
    '<%= config.bin %> sub "orders.>"',
    '<%= config.bin %> sub orders.new --count 10 --json',
    '<%= config.bin %> sub --stream ORDERS --all --count 100 --json',
    '<%= config.bin %> sub --stream ORDERS --since 1h "orders.eu.>"',
    '<%= config.bin %> sub --stream ORDERS --direct --start-sequence 1000 "orders.eu.>" --json',
    `<%= config.bin %> sub "orders.>" --translate 'jq .id'`,
    `<%= config.bin %> sub ">" --subjects-only --timestamp -I "_INBOX.>" -I '$JS.>'`,
  ]
  static flags = {
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
    new: Flags.boolean({description: 'replay: only messages stored from now on (default with --stream)', exclusive: ['all', 'last', 'last-per-subject', 'since', 'start-sequence']}),
    queue: Flags.string({description: 'join this queue group'}),
    raw: Flags.boolean({char: 'r', description: 'print only the message bodies'}),
    since: durationFlag({description: 'replay: messages stored in the last DURATION, e.g. 1h', exclusive: ['all', 'new', 'last', 'last-per-subject', 'start-sequence']}),
    'start-sequence': intFlag({min: 1})({description: 'replay: from this stream sequence', exclusive: ['all', 'new', 'last', 'last-per-subject', 'since']}),
    stream: Flags.string({description: 'replay from this JetStream stream'}),
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
    for (const s of subjects) validateFilterSubject(s)
    const policy = startPolicy(flags)
    if (!flags.stream && policy) throw usageError(`--${policy} needs --stream`, 'add --stream NAME')
    if (!flags.stream && subjects.length === 0) throw usageError('no subject given', 'pass a subject such as "orders.>" or --stream NAME')
    if (flags.stream) validateName(flags.stream, 'stream')
    if (flags.stream && flags.queue) throw usageError('--queue cannot be used with --stream', 'drop --queue')
    if (flags.direct) checkDirectFlags(flags, policy, subjects)
    checkSubOutputFlags(flags)
    if (flags.dump) await mkdir(flags.dump, {recursive: true})

    const nc = await this.nc({reconnect: !flags.direct})
    let direct: undefined | {lastSeq: number}
    if (flags.direct) {
      const caps = await this.capabilities()
      caps.require('direct-get-batch', 'reading a stream by direct get (sub --direct)')
      const si = await (await this.jsm()).streams.info(flags.stream!).catch((error: unknown) => {
        if (/stream not found/i.test((error as Error).message)) throw notFound(`stream "${flags.stream}" not found`, 'check the name with `natsx stream ls`')
        throw error
      })
      if (!si.config.allow_direct) throw usageError(`stream "${flags.stream}" does not allow direct get`, `read it without --direct, or let it: natsx stream edit ${flags.stream} --allow-direct`)
      direct = {lastSeq: si.state.last_seq}
    }

    let jetstream
    if (flags.stream && !flags.direct) {
      if (subjects.length > 1) (await this.capabilities()).require('multi-filter', 'replaying several subjects at once (multiple filter subjects)')
      jetstream = {
        headersOnly: flags['headers-only'],
        js: await this.js(),
        jsm: await this.jsm(),
        policy: policy ?? 'new',
        sinceMs: flags.since,
        startSequence: flags['start-sequence'],
        stream: flags.stream,
      }
    }

    const json = this.jsonEnabled()
    const out = stdoutRecords()
    /** core messages dropped because stdout did not keep up */
    let dropped = 0
    /** times the server dropped the connection (it drops a slow consumer that way) */
    let disconnects = 0
    /** the connection is down now (the server went away and has not come back) */
    let down = false
    if (!flags.stream) {
      const watch = async (): Promise<void> => {
        for await (const st of nc.status()) {
          if (st.type === 'disconnect') {
            disconnects++
            down = true
            this.note(json, `the server dropped the connection (a slow consumer is dropped this way): messages published until it is back are lost`)
          } else if (st.type === 'reconnect') {
            down = false
            this.note(json, `reconnected to ${st.server}; receiving again`)
          }
        }
      }

      watch().catch(() => {})
    }

    const ignore = flags['ignore-subject']
    const pending: Array<Promise<void>> = []
    const print = subPrinter({
      clock: clockOf(flags),
      headersOnly: flags['headers-only'],
      startedMs: Date.now(),
      view: flags.raw ? 'raw' : flags['subjects-only'] ? 'subjects' : 'human',
    })
    const show = (rec: MessageRecord, n: number, original: MessageRecord): void => {
      if (flags['headers-only'] && (!flags.stream || flags.direct)) {
        rec.data = ''
        rec.encoding = 'utf8'
      }

      // Dumps keep the message as it arrived.
      if (flags.dump) pending.push(writeFile(join(flags.dump, `${n}.json`), JSON.stringify(original) + '\n'))
      if (rec.translate_error) process.stderr.write(`natsx: warning: ${translateWarning(rec)}\n`)
      if (!flags.stream && out.backlog > SUB_BACKLOG_BYTES) {
        // A core subscription cannot be slowed: drop, say so once, count.
        if (dropped++ === 0) this.note(json, `stdout is not keeping up: dropping messages (slow consumer) while ${SUB_BACKLOG_BYTES / 1_048_576} MiB wait for the reader; the count is in the summary`)
        return
      }

      const shown = flags.translate === undefined ? rec : displayData(rec)
      if (json) out.send(JSON.stringify(rec) + '\n')
      else {
        const text = print(shown, n)
        if (typeof text === 'string') out.send(text + '\n')
        else out.send(Buffer.concat([text, NL]))
      }
    }

    const summary: {ended: string; messages: number} = direct
      ? await this.readDirect(flags, subjects[0], direct.lastSeq, () => out.ready(), show)
      : await subscribe(
      nc,
      {
        count: flags.count,
        ignore,
        jetstream,
        onReady() {
          const on = flags.stream ? `stream ${flags.stream}` : subjects.map((s) => `"${s}"`).join(', ')
          const ignoring = ignore?.length ? ` (ignoring ${ignore.map((s) => `"${s}"`).join(', ')})` : ''
          process.stderr.write(`natsx: listening on ${on}${ignoring}\n`)
        },
        queue: flags.queue,
        ready: () => out.ready(),
        signal: this.interrupt.signal,
        subjects,
        translate: flags.translate,
        waitMs: flags.wait,
      },
      show,
    )
    await Promise.all(pending)
    await out.flushed()
    if (this.outputClosed()) return
    const shownCount = summary.messages - dropped
    if (json) {
      if (dropped > 0 || disconnects > 0) process.stderr.write(JSON.stringify({summary: {disconnects, dropped, ended: summary.ended, messages: shownCount}}) + '\n')
    } else {
      const lost =
        (dropped > 0 ? `, ${dropped} dropped: stdout did not keep up (slow consumer)` : '') +
        (disconnects > 0 ? `, ${disconnects} disconnect${disconnects === 1 ? '' : 's'} by the server: messages published meanwhile are lost` : '')
      process.stderr.write(`natsx: ${shownCount} message${shownCount === 1 ? '' : 's'} received (${summary.ended}${lost})\n`)
    }

    // An end while the server is away is the server's doing: what it did not deliver is lost (exit 6).
    if (down && !this.interrupt.signal.aborted) {
      throw connectionError('the server went away and was not back when the subscription ended: messages published meanwhile are lost', 'check the server and subscribe again')
    }

    // NDJSON is the --json output; no final object is printed.
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
    show: (rec: MessageRecord, n: number, original: MessageRecord) => void,
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
        show(rec, ++n, original)
        return true
      },
    )
    return {ended: result.ended === 'end' ? 'end of stream' : result.ended, messages: n}
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
