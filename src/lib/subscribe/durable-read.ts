/**
 * Reading a durable pull consumer for `sub --durable`, with the rule of `consumer next`: a message is acknowledged
 * only once its record has been printed, each batch's acknowledgements are confirmed by a flush, and a lost
 * connection leaves acknowledged exactly what was printed. Messages delivered but not printed when the read ends
 * are negatively acknowledged, so the next reader of the durable gets them at once.
 */
import type {JetStreamClient, JsMsg} from '@nats-io/jetstream'
import type {NatsConnection} from '@nats-io/transport-node'

import {connectionError, ExitCode, NatsxError, toNatsxError} from '../errors.js'
import {jsMessageRecord, type MessageRecord} from '../messages.js'
import {subjectMatches} from '../subjects.js'

/** A batch: small enough that a stopped reader holds little, large enough to stream fast. */
const BATCH = 256

export interface DurableReadOptions {
  /** acknowledge each message once printed (the consumer takes acknowledgements) */
  acks: boolean
  /** resolves once the server has read everything sent so far, rejects when it cannot say so in time */
  confirm: () => Promise<void>
  js: JetStreamClient
  name: string
  nc: NatsConnection
  stream: string
}

/** One read of a durable, with its tally. */
export class DurableRead {
  /** acknowledgements the server confirmed */
  acknowledged = 0
  readonly acks: boolean
  /** records printed */
  printed = 0
  /** acknowledgements sent */
  sent = 0

  constructor(readonly o: DurableReadOptions) {
    this.acks = o.acks
  }

  /** The error a read that stopped on `error` ends with: exit 6 for the connection, with what was printed and acknowledged. */
  lost(error: unknown, delivered: number): NatsxError {
    const err = toNatsxError(error)
    const printed = this.acks ? this.printed : delivered
    const what = this.acks
      ? `${printed} message(s) printed, ${this.acknowledged} of them acknowledged${this.sent > this.acknowledged ? `; the server did not confirm ${this.sent - this.acknowledged} acknowledgement(s) sent for printed ones (it acts on them if it got them, otherwise they are redelivered)` : ''}; nothing else was acknowledged`
      : `${printed} message(s) printed; consumer "${this.o.name}" takes no acknowledgements`
    const code = err.exitCode === ExitCode.UNEXPECTED ? ExitCode.CONNECTION : err.exitCode
    return new NatsxError(code, `reading consumer "${this.o.name}" stopped: ${err.message} (${what})`, {hint: err.hint ?? 'check the server and run the same sub --durable again: it resumes where this one stopped'})
  }
}

export interface DurableHooks {
  fail: (error: unknown) => void
  /** the output can take more */
  ready?: () => Promise<void>
  /** how many more messages are wanted (Infinity: no --count) */
  remaining: () => number
}

/**
 * `deliver` returns whether it takes the message (false: ignored, and then `settle` is never called); it calls `settle`
 * once with whether the record was printed.
 */
export type DurableDeliver = (rec: MessageRecord, body: Uint8Array, via: string, settle?: (printed: boolean) => void) => boolean

/** Start pulling; `cleanups` gets what stops the read and settles what is left. */
export async function readDurable(
  d: DurableRead,
  subjects: string[],
  deliver: DurableDeliver,
  cleanups: Array<() => Promise<void>>,
  h: DurableHooks,
): Promise<void> {
  const consumer = await d.o.js.consumers.get(d.o.stream, d.o.name)
  const state = {stopped: false}
  /** delivered but never printed: negatively acknowledged once the pulling has stopped */
  const unprinted: JsMsg[] = []
  /** the acknowledgements of earlier batches under confirmation: a few batches may overlap, no more */
  const inflight: Array<Promise<void>> = []
  const confirmSent = async (): Promise<void> => {
    const upTo = d.sent
    await d.o.confirm()
    d.acknowledged = Math.max(d.acknowledged, upTo)
  }

  const settle = (m: JsMsg, printed: boolean): void => {
    if (!printed) {
      unprinted.push(m)
      return
    }

    d.printed++
    if (!d.acks) return
    m.ack()
    d.sent++
  }

  d.o.nc.closed().then((error) => {
    if (!state.stopped) h.fail(error ?? connectionError('the connection closed', 'check the server'))
  })
  const loop = (async (): Promise<void> => {
    while (!state.stopped) {
      await h.ready?.()
      while (inflight.length > 2) await inflight.shift()
      const want = Math.min(BATCH, h.remaining())
      if (state.stopped || want <= 0) break
      // A short wait: a stopped read lets its last pull run out instead of dropping what it holds (see cleanup).
      const iter = await consumer.fetch({expires: 2000, max_messages: want})
      const settling: Array<Promise<void>> = []
      for await (const m of iter) {
        let done!: () => void
        const settled = new Promise<void>((resolve) => {
          done = resolve
        })
        const taken = deliver(jsMessageRecord(m), m.data, filterOf(subjects, m.subject), (printed) => {
          settle(m, printed)
          done()
        })
        if (taken) settling.push(settled)
      }

      const err = await iter.closed()
      inflight.push(
        Promise.all(settling).then(async () => {
          if (d.acks && d.sent > d.acknowledged) await confirmSent()
        }),
      )
      if (err && !state.stopped) throw err
    }
  })()
  loop.catch((error: unknown) => {
    if (!state.stopped) h.fail(error)
  })
  cleanups.push(async () => {
    state.stopped = true
    // The last pull is not stopped but read to its end: what the server sent it is handed back (nak) below, where a
    // stopped pull would drop it unseen, leaving it pending until the ack wait.
    await loop.catch(() => {})
    try {
      await Promise.all(inflight)
      // What was delivered and not printed comes back at once for the next reader (a nak is no acknowledgement).
      if (d.acks) for (const m of unprinted) m.nak()
      if (d.acks && (d.sent > d.acknowledged || unprinted.length > 0)) await confirmSent()
    } catch (error) {
      h.fail(error)
    }
  })
}

/** The consumer filter a message came through: the first of `filters` it matches (`>` when there are none). */
export function filterOf(filters: string[], subject: string): string {
  return filters.find((f) => subjectMatches(f, subject)) ?? '>'
}
