import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../lib/base-command.js'
import {connectionError, usageError} from '../lib/errors.js'
import {cloudEvent, eventLine, eventRecord, type EventRecord, eventSubjects} from '../lib/events/events.js'
import {intFlag} from '../lib/flags.js'
import {escapeControls} from '../lib/format/escape.js'
import {stdoutRecords} from '../lib/io.js'
import {validateFilterSubject} from '../lib/subjects.js'

/** `--json` prints one EventRecord a line (NDJSON); `--cloudevent` one CloudEvents v1 envelope a line. */
export type EventsRecord = EventRecord

export default class Events extends BaseCommand<typeof Events> {
  static description = `Listens until Ctrl-C (exit 130), --count events, or the server going away (exit 6), and prints each event on one
line: time, type, then the stream, consumer, action, client and server it names. As natscli: --srv-advisory (on by
default; --no-srv-advisory turns it off) listens on $SYS.ACCOUNT.*.CONNECT, $SYS.ACCOUNT.*.DISCONNECT and
$SYS.SERVER.*.CLIENT.AUTH.ERR, which only a system-account user receives; --js-advisory on $JS.EVENT.ADVISORY.>
(stream and consumer actions, leader elections, API audit, max deliveries, terminations, snapshots);
--js-metric on $JS.EVENT.METRIC.> (consumer acknowledgement samples); --all on all three; --subjects on more.
--filter keeps events whose JSON matches a regular expression (case-insensitive).
--json prints one line of JSON per event: {"subject","received","type","id","time","event"}; --cloudevent prints a
CloudEvents v1.0 envelope per line instead. A reader that falls 16 MiB behind loses events (counted on stderr).`
  static examples = [
    '<%= config.bin %> events --context sys',
    '<%= config.bin %> events --js-advisory --no-srv-advisory',
    '<%= config.bin %> events --all --json --context sys',
    '<%= config.bin %> events --js-metric --cloudevent --count 10',
    '<%= config.bin %> events --js-advisory --filter "ORDERS"',
  ]
  static flags = {
    all: Flags.boolean({char: 'a', description: 'every kind of event: JetStream advisories and metrics, and server advisories'}),
    cloudevent: Flags.boolean({description: 'print each event as a CloudEvents v1.0 JSON envelope, one a line'}),
    count: intFlag({min: 1})({description: 'exit after this many events'}),
    filter: Flags.string({description: 'show only events whose JSON matches this regular expression (case-insensitive)'}),
    'js-advisory': Flags.boolean({description: 'JetStream advisories ($JS.EVENT.ADVISORY.>)'}),
    'js-metric': Flags.boolean({description: 'JetStream metrics ($JS.EVENT.METRIC.>)'}),
    'srv-advisory': Flags.boolean({
      allowNo: true,
      default: true,
      description: 'server advisories: client connect, disconnect and authentication errors (a system-account user sees them)',
    }),
    subjects: Flags.string({description: 'also listen on this subject (repeatable)', multiple: true, multipleNonGreedy: true}),
  }
  static hiddenAliases = ['event']
  static summary = 'Show JetStream and server advisories and metrics, live.'

  async run(): Promise<void> {
    const {flags} = this
    for (const s of flags.subjects ?? []) validateFilterSubject(s)
    let filter: RegExp | undefined
    if (flags.filter !== undefined) {
      try {
        filter = new RegExp(flags.filter, 'i')
      } catch (error) {
        throw usageError(`--filter is not a regular expression: ${(error as Error).message}`, 'pass a JavaScript regular expression such as "ORDERS|BILLING"')
      }
    }

    const subjects = eventSubjects({all: flags.all, jsAdvisory: flags['js-advisory'], jsMetric: flags['js-metric'], srvAdvisory: flags['srv-advisory'], subjects: flags.subjects})
    if (subjects.length === 0) throw usageError('no events chosen', 'pass --js-advisory, --js-metric, --all or --subjects, or leave --srv-advisory on')
    const nc = await this.nc()
    const out = stdoutRecords()
    const json = this.jsonEnabled() || flags.cloudevent
    const {signal} = this.interrupt
    let shown = 0
    let dropped = 0
    const decoder = new TextDecoder()
    const ended = new Promise<'count' | 'lost' | 'stopped'>((resolve) => {
      signal.addEventListener('abort', () => resolve('stopped'), {once: true})
      nc.closed().then(() => resolve('lost'), () => resolve('lost'))
      for (const {subject} of subjects) {
        nc.subscribe(subject, {
          callback: (_err, msg) => {
            if (flags.count !== undefined && shown >= flags.count) return
            const body = decoder.decode(msg.data)
            if (filter && !filter.test(body)) return
            if (out.backlog > BACKLOG_BYTES) {
              if (dropped++ === 0) this.note(json, `stdout is not keeping up: dropping events while ${BACKLOG_BYTES / 1_048_576} MiB wait for the reader`)
              return
            }

            const rec = eventRecord(msg.subject, body)
            shown++
            out.send((flags.cloudevent ? JSON.stringify(cloudEvent(rec)) : json ? JSON.stringify(rec) : escapeControls(eventLine(rec))) + '\n')
            if (flags.count !== undefined && shown >= flags.count) resolve('count')
          },
        })
      }
    })
    await nc.flush()
    process.stderr.write(`natsx: listening on ${subjects.map((s) => s.subject).join(', ')}\n`)
    const why = await ended
    await out.flushed()
    if (dropped > 0) this.note(json, `${dropped} event(s) dropped: stdout did not keep up`)
    if (why === 'lost') throw connectionError('lost the connection to the server: events sent meanwhile are lost', 'check the server, then run `natsx events` again')
  }

  /** A warning on stderr: a line for people, a JSON object under --json. */
  private note(json: boolean, message: string): void {
    process.stderr.write(json ? JSON.stringify({warning: message}) + '\n' : `natsx: warning: ${message}\n`)
  }
}

/** events are dropped once this much output waits for a slow reader */
const BACKLOG_BYTES = 16 * 1_048_576
