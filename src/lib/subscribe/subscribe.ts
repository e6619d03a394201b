/**
 * Subscribing: a core subscription, a JetStream replay through an ordered consumer, or a read through a durable pull
 * consumer that acknowledges each message once it is printed (see durable-read.ts). Publishing and requests are in
 * `publish/`, answering requests in `reply/`. Functions take an open connection and plain options and report through
 * callbacks; they never print.
 */
import type {JetStreamClient, JetStreamManager} from '@nats-io/jetstream'
import type {NatsConnection, Subscription} from '@nats-io/transport-node'

import {toNatsxError} from '../errors.js'
import {jsMessageRecord, type MessageRecord, messageRecord} from '../messages.js'
import {subjectMatches} from '../subjects.js'
import {translateRecord} from '../translate.js'
import {type DurableRead, filterOf, readDurable} from './durable-read.js'

export type StartPolicy = 'all' | 'last' | 'last-per-subject' | 'new' | 'since' | 'start-sequence'

export interface SubscribeOptions {
  count?: number
  /**
   * messages on subjects matching one of these (wildcards allowed) are dropped as if never received: not delivered,
   * not counted towards `count`, and they do not reset the `waitMs` idle clock
   */
  ignore?: string[]
  /** JetStream replay */
  jetstream?: {
    /** read through this durable pull consumer (it stays); otherwise an ordered consumer removed afterwards */
    durable?: DurableRead
    headersOnly?: boolean
    js: JetStreamClient
    jsm: JetStreamManager
    policy: StartPolicy
    sinceMs?: number
    startSequence?: number
    stream: string
  }
  /** called once the subscription is in place on the server */
  onReady?: () => void
  queue?: string
  /**
   * resolves when the output can take more: a JetStream replay fetches nothing before (a slow reader slows the
   * replay); a core subscription cannot be slowed, the caller decides what to drop
   */
  ready?: () => Promise<void>
  /**
   * `--match-replies`: also subscribe to `subject` (the inboxes replies go to) and hand each message there to
   * `onReply`; they are not delivered or counted. Once `count` is reached the subscription waits (idle clock and
   * signal still apply) until `pending()` says no request waits for its reply.
   */
  replies?: {onReply: (rec: MessageRecord) => void; pending: () => number; subject: string}
  signal: AbortSignal
  subjects: string[]
  /** pipe each body through this shell command (see translate.ts), one message at a time, in order */
  translate?: string
  /** end after this long without a message */
  waitMs?: number
}

export interface SubscribeSummary {
  /** through a durable that takes acknowledgements: the messages acknowledged (each once printed) */
  acknowledged?: number
  ended: 'count' | 'idle' | 'interrupted'
  messages: number
}

/**
 * What `subscribe` hands each message to. `via` is the subscription it came through (the subject pattern subscribed to,
 * or the consumer's filter it matches; `>` for a consumer without one). Through an acknowledging durable, the promise
 * says whether the record was printed (true: it is acknowledged); otherwise the return value is not looked at.
 */
export type OnMessage = (rec: MessageRecord, n: number, original: MessageRecord, via: string) => Promise<boolean> | void

/**
 * Deliver messages to `onMessage` until the count, an idle period or the signal ends the subscription. With
 * `translate`, `rec` carries the translated body and `original` the message as it arrived (otherwise both are the same).
 */
export async function subscribe(
  nc: NatsConnection,
  o: SubscribeOptions,
  onMessage: OnMessage,
): Promise<SubscribeSummary> {
  let n = 0
  /** no more deliveries once the subscription has ended */
  let closed = false
  /** translations run one after the other, so messages come out in the order they arrived */
  let chain = Promise.resolve()
  let failure: unknown
  let ended: SubscribeSummary['ended'] = 'interrupted'
  let idleTimer: NodeJS.Timeout | undefined
  let finish!: () => void
  const done = new Promise<void>((resolve) => {
    finish = resolve
  })
  const armIdle = (): void => {
    if (!o.waitMs) return
    if (idleTimer) clearTimeout(idleTimer)
    idleTimer = setTimeout(() => {
      ended = 'idle'
      finish()
    }, o.waitMs)
  }

  const ignored = (subject: string): boolean => o.ignore !== undefined && o.ignore.some((pattern) => subjectMatches(pattern, subject))
  const countReached = (): boolean => o.count !== undefined && n >= o.count
  /** once the count is reached: done, unless requests still wait for their replies */
  const endAtCount = (): void => {
    if (!countReached() || (o.replies && o.replies.pending() > 0)) return
    ended = 'count'
    finish()
  }

  /**
   * `settle(printed)` is called once for each message of an acknowledging durable: true once it was printed; false
   * when it was not and never will be; not at all for an ignored message (left unacknowledged, as natscli leaves it).
   */
  const deliver = (rec: MessageRecord, body: Uint8Array, via: string, settle?: (printed: boolean) => void): boolean => {
    if (ignored(rec.subject)) return false
    if (closed || countReached()) {
      settle?.(false)
      return true
    }

    n++
    const i = n
    const command = o.translate
    const shown = (out: Promise<boolean> | void): void => {
      if (!settle) return
      if (out === undefined) settle(true)
      else out.then(settle, () => settle(false))
    }

    if (command === undefined) {
      shown(onMessage(rec, i, rec, via))
    } else {
      chain = chain
        .then(async () => {
          if (failure || o.signal.aborted) {
            settle?.(false)
            return
          }

          shown(onMessage(await translateRecord(rec, body, command, o.signal), i, rec, via))
        })
        .catch((error: unknown) => {
          settle?.(false)
          if (o.signal.aborted) return
          failure ??= error
          finish()
        })
    }

    armIdle()
    endAtCount()
    return true
  }

  const onAbort = (): void => finish()
  o.signal.addEventListener('abort', onAbort, {once: true})
  armIdle()
  const cleanups: Array<() => Promise<void>> = []
  try {
    if (o.replies) {
      const replies = o.replies
      const rsub = nc.subscribe(replies.subject, {
        callback(err, msg) {
          if (err || closed) return
          replies.onReply(messageRecord(msg))
          armIdle()
          endAtCount()
        },
      })
      cleanups.push(async () => rsub.unsubscribe())
    }

    const fail = (error: unknown): void => {
      failure = error
      finish()
    }

    if (o.jetstream?.durable) {
      const d = o.jetstream.durable
      await readDurable(d, o.subjects, deliver, cleanups, {fail, ready: o.ready, remaining: () => (o.count === undefined ? Infinity : o.count - n)})
    } else if (o.jetstream) {
      await startReplay(o.jetstream, o.subjects, deliver, cleanups, o.ready, fail)
    } else {
      const subs: Subscription[] = o.subjects.map((subject) =>
        nc.subscribe(subject, {
          callback(err, msg) {
            if (err) {
              fail(err)
              return
            }

            deliver(messageRecord(msg), msg.data, subject)
          },
          queue: o.queue,
        }),
      )
      cleanups.push(async () => {
        for (const s of subs) s.unsubscribe()
      })
      // Make sure the server has the interest before anyone relies on it.
      await nc.flush()
    }

    o.onReady?.()

    endAtCount()
    await done
    closed = true
    await chain
  } finally {
    if (idleTimer) clearTimeout(idleTimer)
    o.signal.removeEventListener('abort', onAbort)
    for (const c of cleanups) await c().catch(() => {})
  }

  if (failure) throw o.jetstream?.durable ? o.jetstream.durable.lost(failure, n) : toNatsxError(failure)
  return {...(o.jetstream?.durable?.acks ? {acknowledged: o.jetstream.durable.acknowledged} : {}), ended, messages: n}
}

async function startReplay(
  r: NonNullable<SubscribeOptions['jetstream']>,
  subjects: string[],
  deliver: (rec: MessageRecord, body: Uint8Array, via: string) => void,
  cleanups: Array<() => Promise<void>>,
  ready: (() => Promise<void>) | undefined,
  fail: (error: unknown) => void,
): Promise<void> {
  const {DeliverPolicy} = await import('../nats/jetstream.js')
  const opts: Record<string, unknown> = {}
  switch (r.policy) {
    case 'all': {
      opts.deliver_policy = DeliverPolicy.All
      break
    }

    case 'last': {
      opts.deliver_policy = DeliverPolicy.Last
      break
    }

    case 'last-per-subject': {
      opts.deliver_policy = DeliverPolicy.LastPerSubject
      break
    }

    case 'new': {
      opts.deliver_policy = DeliverPolicy.New
      break
    }

    case 'since': {
      opts.deliver_policy = DeliverPolicy.StartTime
      opts.opt_start_time = new Date(Date.now() - (r.sinceMs ?? 0)).toISOString()
      break
    }

    case 'start-sequence': {
      opts.deliver_policy = DeliverPolicy.StartSequence
      opts.opt_start_seq = r.startSequence
      break
    }
  }

  // A 2.9 server takes a single filter as a string only (nats.js gates arrays behind 2.10).
  if (subjects.length === 1) opts.filter_subjects = subjects[0]
  else if (subjects.length > 1) opts.filter_subjects = subjects
  if (r.headersOnly) opts.headers_only = true
  // Make sure the stream exists: a clear "not found" instead of a consumer error.
  await r.jsm.streams.info(r.stream)
  const consumer = await r.js.consumers.get(r.stream, opts)
  // Batches fetched one after the other, each only once the output has room: a paused reader stops the replay
  // instead of filling memory (consume() would keep pulling).
  const state = {stopped: false}
  let current: undefined | {stop(): void}
  const loop = (async (): Promise<void> => {
    while (!state.stopped) {
      await ready?.()
      if (state.stopped) break
      const iter = await consumer.fetch({expires: 5000, max_messages: 256})
      current = iter
      for await (const m of iter) deliver(jsMessageRecord(m), m.data, filterOf(subjects, m.subject))
      const err = await iter.closed()
      if (err && !state.stopped) throw err
    }
  })()
  loop.catch((error: unknown) => {
    if (!state.stopped) fail(error)
  })
  cleanups.push(async () => {
    state.stopped = true
    current?.stop()
    await loop.catch(() => {})
    // Leave nothing behind on the server.
    await consumer.delete().catch(() => {})
  })
}


