/**
 * How `sub` shows messages to people: natscli's block per message, only the bodies (`--raw`) or only the subjects
 * (`--subjects-only`), the block and the subject line optionally led by the time the message was received
 * (`--timestamp`) or the time since the previous message (`--delta-time`). Also the output flags that cannot go
 * together, refused before connecting. `--json` records are not shaped here: they are always whole.
 */
import {usageError} from '../errors.js'
import {escapeControls as esc} from '../format/escape.js'
import {humanMessage, type MessageRecord, recordBytes} from '../messages.js'
import {validateFilterSubject} from '../subjects.js'

export interface SubOutputFlags {
  'delta-time'?: boolean
  dump?: string
  'headers-only'?: boolean
  'ignore-subject'?: string[]
  'match-replies'?: boolean
  raw?: boolean
  'report-subjects'?: boolean
  'report-subscriptions'?: boolean
  'subjects-only'?: boolean
  timestamp?: boolean
  translate?: string
}

/** Pairs of flags that contradict each other: the first named first in the error. */
const CONFLICTS: Array<[keyof SubOutputFlags, keyof SubOutputFlags]> = [
  ['translate', 'headers-only'],
  ['subjects-only', 'headers-only'],
  ['subjects-only', 'translate'],
  // --raw prints the bodies and nothing else: no subjects, no times
  ['subjects-only', 'raw'],
  ['timestamp', 'delta-time'],
  ['timestamp', 'raw'],
  ['delta-time', 'raw'],
  // a request is shown with its reply as they arrived; a translated body has no reply to pair with
  ['match-replies', 'translate'],
  // a report counts the messages instead of printing them
  ...(['report-subjects', 'report-subscriptions'] as const).flatMap((report) =>
    (['raw', 'subjects-only', 'headers-only', 'translate', 'timestamp', 'delta-time', 'dump', 'match-replies'] as const).map(
      (other): [keyof SubOutputFlags, keyof SubOutputFlags] => [report, other],
    ),
  ),
]

const given = (v: SubOutputFlags[keyof SubOutputFlags]): boolean => v !== undefined && v !== false

/** Exit 2 on contradicting output flags and on an `--ignore-subject` that is not a subject (wildcards allowed). */
export function checkSubOutputFlags(flags: SubOutputFlags): void {
  for (const [a, b] of CONFLICTS) {
    if (given(flags[a]) && given(flags[b])) throw usageError(`--${a} cannot be used with --${b}`, 'drop one of them')
  }

  for (const pattern of flags['ignore-subject'] ?? []) validateFilterSubject(pattern, '--ignore-subject subject')
}

export interface SubPrinterOptions {
  /** lead each message with the time it was received, or with the time since the previous one */
  clock?: 'delta' | 'timestamp'
  headersOnly?: boolean
  /** when the subscription started (ms since the epoch): the first `--delta-time` counts from here */
  startedMs: number
  view: 'human' | 'raw' | 'subjects'
}

/**
 * The text for each message, called once per message in the order they arrived (the delta clock runs from one to the
 * next). The times are those of the records' `received`: UTC, RFC 3339 with milliseconds. `--raw` gives the body's
 * bytes unchanged (binary stays binary).
 */
export function subPrinter(o: SubPrinterOptions): (rec: MessageRecord, n: number) => Buffer | string {
  let previous = o.startedMs
  const lead = (rec: MessageRecord): string | undefined => {
    if (o.clock === 'timestamp') return rec.received
    if (o.clock !== 'delta') return undefined
    const at = Date.parse(rec.received)
    const delta = formatDelta(at - previous)
    previous = at
    return delta
  }

  return (rec, n) => {
    if (o.view === 'raw') return recordBytes(rec)
    const prefix = lead(rec)
    if (o.view === 'subjects') return prefix === undefined ? esc(rec.subject) : `${prefix} ${esc(rec.subject)}`
    return humanMessage(n, shownSafely(rec), {headersOnly: o.headersOnly, prefix})
  }
}

/**
 * The block for the reply to request #n (`--match-replies`), shown right after the request's: as a message's block,
 * led by "Reply on" instead of "Received on".
 */
export function humanReply(n: number, reply: MessageRecord, o: {headersOnly?: boolean; prefix?: string} = {}): string {
  const block = humanMessage(n, shownSafely({...reply, reply: undefined}), o)
  return block.replace(`[#${n}] Received on "`, `[#${n}] Reply on "`)
}

/** The line after an unanswered request's block (`--match-replies`): no reply came by the end of the run. */
export const noReplyLine = (n: number): string => `[#${n}] No reply received\n`

/**
 * The record with its subject, reply subject, stream name and headers escaped for a terminal (see format/escape.ts);
 * the body is the message's data and stays as it is, as natscli shows it.
 */
function shownSafely(rec: MessageRecord): MessageRecord {
  const headers = rec.headers && Object.fromEntries(Object.entries(rec.headers).map(([k, vs]) => [esc(k), vs.map((v) => esc(v))]))
  return {
    ...rec,
    subject: esc(rec.subject),
    ...(rec.reply === undefined ? {} : {reply: esc(rec.reply)}),
    ...(headers === undefined ? {} : {headers}),
    ...(rec.jetstream === undefined ? {} : {jetstream: {...rec.jetstream, stream: esc(rec.jetstream.stream)}}),
  }
}

/** `--delta-time`: seconds with milliseconds and a plus sign, `+0.004s`, `+61.250s` (never negative). */
export function formatDelta(ms: number): string {
  return `+${(Math.max(0, ms) / 1000).toFixed(3)}s`
}
