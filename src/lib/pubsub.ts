/**
 * Core messaging: subscribe (core or JetStream replay through an ordered consumer) and reply. Publishing and requests
 * are in `publish/`. Functions take an open connection and plain options and report through callbacks; they never
 * print.
 */
import type {JetStreamClient, JetStreamManager} from '@nats-io/jetstream'
import type {Msg, NatsConnection, Subscription} from '@nats-io/transport-node'

import {pause} from './abort.js'
import {toNatsxError} from './errors.js'
import {jsMessageRecord, type MessageRecord, messageRecord} from './messages.js'
import {buildHeaders} from './publish/headers.js'
import {failureText, runShell, shellSafe, shellSafeText, succeeded} from './shell.js'
import {subjectMatches} from './subjects.js'
import {expandTemplate, subjectTokens, tokenReferences, usesRequest} from './templates.js'
import {translateRecord} from './translate.js'

export type {ReplyRecord, RequestResult} from './publish/request.js'

const enc = new TextEncoder()

// ---------------------------------------------------------------- subscribe

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
  signal: AbortSignal
  subjects: string[]
  /** pipe each body through this shell command (see translate.ts), one message at a time, in order */
  translate?: string
  /** end after this long without a message */
  waitMs?: number
}

export interface SubscribeSummary {
  ended: 'count' | 'idle' | 'interrupted'
  messages: number
}

/**
 * Deliver messages to `onMessage` until the count, an idle period or the signal ends the subscription. With
 * `translate`, `rec` carries the translated body and `original` the message as it arrived (otherwise both are the same).
 */
export async function subscribe(
  nc: NatsConnection,
  o: SubscribeOptions,
  onMessage: (rec: MessageRecord, n: number, original: MessageRecord) => void,
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
  const deliver = (rec: MessageRecord, body: Uint8Array): void => {
    if (closed || (o.count !== undefined && n >= o.count) || ignored(rec.subject)) return
    n++
    const i = n
    const command = o.translate
    if (command === undefined) {
      onMessage(rec, i, rec)
    } else {
      chain = chain
        .then(async () => {
          if (failure || o.signal.aborted) return
          onMessage(await translateRecord(rec, body, command, o.signal), i, rec)
        })
        .catch((error: unknown) => {
          if (o.signal.aborted) return
          failure ??= error
          finish()
        })
    }

    armIdle()
    if (o.count !== undefined && n >= o.count) {
      ended = 'count'
      finish()
    }
  }

  const onAbort = (): void => finish()
  o.signal.addEventListener('abort', onAbort, {once: true})
  armIdle()
  const cleanups: Array<() => Promise<void>> = []
  try {
    if (o.jetstream) {
      await startReplay(o.jetstream, o.subjects, deliver, cleanups, o.ready, (error) => {
        failure = error
        finish()
      })
    } else {
      const subs: Subscription[] = o.subjects.map((subject) =>
        nc.subscribe(subject, {
          callback(err, msg) {
            if (err) {
              failure = err
              finish()
              return
            }

            deliver(messageRecord(msg), msg.data)
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

    if (!(o.count !== undefined && n >= o.count)) await done
    closed = true
    await chain
  } finally {
    if (idleTimer) clearTimeout(idleTimer)
    o.signal.removeEventListener('abort', onAbort)
    for (const c of cleanups) await c().catch(() => {})
  }

  if (failure) throw toNatsxError(failure)
  return {ended, messages: n}
}

async function startReplay(
  r: NonNullable<SubscribeOptions['jetstream']>,
  subjects: string[],
  deliver: (rec: MessageRecord, body: Uint8Array) => void,
  cleanups: Array<() => Promise<void>>,
  ready: (() => Promise<void>) | undefined,
  fail: (error: unknown) => void,
): Promise<void> {
  const {DeliverPolicy} = await import('./nats/jetstream.js')
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
      for await (const m of iter) deliver(jsMessageRecord(m), m.data)
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

// ---------------------------------------------------------------- reply

export interface ReplyOptions {
  /** a fixed (template) body; {{0}}, {{1}}, … are the tokens of the request subject */
  body?: string
  /**
   * run this shell command per request: request body on stdin, stdout is the reply. Subject tokens ({{1}}) are put in
   * as they are, so a request whose referenced token is not shellSafe gets no reply.
   */
  command?: string
  count?: number
  echo?: boolean
  headers: Array<[string, string]>
  /** called once the subscription is in place on the server */
  onReady?: () => void
  queue?: string
  signal: AbortSignal
  /** wait a random time from 0 up to this many milliseconds before each reply */
  sleepMs?: number
  subject: string
}

export interface HandledRequest extends MessageRecord {
  /** why no reply was sent (command failed) */
  error?: string
  responded: boolean
  /** something the command did not get as usual, e.g. NATS_REQUEST_BODY left unset (the body is still on stdin) */
  warning?: string
}

export interface ReplySummary {
  ended: 'count' | 'interrupted'
  requests: number
}

/**
 * Why the request's subject tokens or body may not go into `command` as they are (the shell would read them), if
 * they may not. Subject tokens and {{Request}} are put in unquoted.
 */
function unsafeForShell(command: string, tokens: string[], body: string): string | undefined {
  const token = tokenReferences(command).find((t) => tokens[t] !== undefined && !shellSafe(tokens[t]))
  if (token !== undefined) {
    return `subject token {{${token}}} "${tokens[token]}" is not safe in a shell command (letters, digits and _-+=@%:, only); read $NATS_REQUEST_SUBJECT instead`
  }

  if (usesRequest(command) && !shellSafeText(body)) {
    return 'the request body is not safe in a shell command as {{Request}} (letters, digits, spaces and _-+=@%:,./ only); read it from stdin or $NATS_REQUEST_BODY instead'
  }

  return undefined
}

export async function serveReplies(nc: NatsConnection, o: ReplyOptions, onRequest: (rec: HandledRequest, n: number) => void): Promise<ReplySummary> {
  let n = 0
  let ended: ReplySummary['ended'] = 'interrupted'
  let finish!: () => void
  const done = new Promise<void>((resolve) => {
    finish = resolve
  })
  const onAbort = (): void => finish()
  o.signal.addEventListener('abort', onAbort, {once: true})
  // Requests are answered one at a time, in order, so --count and command output stay predictable.
  let chain = Promise.resolve()
  const handle = async (m: Msg, i: number): Promise<void> => {
    // Interrupted while waiting: no reply and no record.
    if (o.sleepMs && !(await pause(Math.random() * o.sleepMs, o.signal))) return
    const rec: HandledRequest = {...messageRecord(m), responded: false}
    const tokens = subjectTokens(m.subject)
    let data: Uint8Array
    let headers = await buildHeaders(o.headers, i, tokens)
    if (o.command) {
      const text = new TextDecoder().decode(m.data)
      const env: NodeJS.ProcessEnv = {...process.env, NATS_REQUEST_SUBJECT: m.subject}
      // An environment value cannot hold a NUL byte: the body then reaches the command on stdin only.
      if (text.includes('\0')) rec.warning = 'NATS_REQUEST_BODY not set: the request body has a NUL byte, which an environment value cannot hold; the command has it on stdin'
      else env.NATS_REQUEST_BODY = text
      const unsafe = unsafeForShell(o.command, tokens, text)
      if (unsafe) {
        rec.error = unsafe
        onRequest(rec, i)
        return
      }

      let res
      try {
        res = await runShell(expandTemplate(o.command, {count: i, request: text, tokens}), m.data, env, o.signal)
      } catch (error) {
        if (o.signal.aborted) return
        // the command could not be started for this request (say, too large an environment): the service goes on
        rec.error = `command could not start: ${(error as Error).message}`
        onRequest(rec, i)
        return
      }

      if (!succeeded(res)) {
        rec.error = `command ${failureText(res)}`
        onRequest(rec, i)
        return
      }

      data = res.stdout
    } else if (o.echo || o.body === undefined) {
      data = m.data
      if (m.headers) headers = m.headers
    } else {
      data = enc.encode(expandTemplate(o.body, {count: i, request: new TextDecoder().decode(m.data), tokens}))
    }

    if (m.reply) {
      m.respond(data, {headers})
      rec.responded = true
    } else {
      rec.error = 'the request has no reply subject'
    }

    onRequest(rec, i)
  }

  const sub = nc.subscribe(o.subject, {
    callback(_err, m) {
      if (o.count !== undefined && n >= o.count) return
      n++
      const i = n
      chain = chain.then(async () => {
        try {
          await handle(m, i)
        } catch (error) {
          // one request that fails must not stop the service
          if (!o.signal.aborted) onRequest({...messageRecord(m), error: `not answered: ${(error as Error).message}`, responded: false}, i)
        }

        if (o.count !== undefined && i >= o.count) {
          ended = 'count'
          finish()
        }
      })
    },
    queue: o.queue,
  })
  await nc.flush()
  o.onReady?.()
  try {
    await done
    await chain
    await nc.flush()
  } finally {
    o.signal.removeEventListener('abort', onAbort)
    sub.unsubscribe()
  }

  return {ended, requests: n}
}
