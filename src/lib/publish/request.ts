/**
 * Request and reply collection. A request is sent once unless retries are asked for (`--retries N`): then a request
 * that timed out, met no responders or lost its connection is sent again, up to N more times, `retryWaitMs` apart.
 */
import type {Msg, NatsConnection} from '@nats-io/transport-node'

import {pause, untilAborted} from '../abort.js'
import {ExitCode, interrupted, NatsxError, toNatsxError} from '../errors.js'
import {type MessageRecord, messageRecord} from '../messages.js'
import {translateRecord} from '../translate.js'
import {buildHeaders, checkControlLine, maxControlLine} from './headers.js'
import {ConnectionWatch} from './watch.js'

export interface RequestOptions {
  body: Uint8Array
  headers: Array<[string, string]>
  /** called with each reply as it arrives (without --translate, which runs once all are in) */
  onReply?: (rec: ReplyRecord) => void
  /** called before each retry with the attempt number (from 2) and why the last one failed */
  onRetry?: (attempt: number, why: NatsxError) => void
  /** 1 = first reply; 0 = all until the timeout; N = up to N */
  replies: number
  /** send again this many times after a timeout, no responders or a lost connection (default 0: never) */
  retries?: number
  /** pause before each retry */
  retryWaitMs?: number
  /** the servers as they may be printed */
  servers?: string
  /** Ctrl-C: stops waiting for replies and aborts a running --translate command */
  signal?: AbortSignal
  subject: string
  timeoutMs: number
  /** pipe each reply body through this shell command (see translate.ts), one reply at a time, in order */
  translate?: string
}

export interface ReplyRecord extends MessageRecord {
  rtt_ms: number
}

export interface RequestResult {
  /** requests sent (1 + retries used); present when --retries was given */
  attempts?: number
  replies: ReplyRecord[]
  subject: string
}

export async function request(nc: NatsConnection, o: RequestOptions): Promise<RequestResult> {
  checkControlLine(o.subject, '_INBOX.' + 'x'.repeat(44), maxControlLine(nc))
  const retries = o.retries ?? 0
  // a connection the server closed for a protocol error is named as such
  const watch = new ConnectionWatch(nc, {failover: retries > 0, servers: o.servers ?? 'the server'})
  watch.start()
  let received: Array<{body: Uint8Array; rec: ReplyRecord}> | undefined
  let attempt = 1
  for (;;) {
    try {
      received = await collectReplies(nc, o)
      break
    } catch (error) {
      const e = watch.closedByServer ?? toNatsxError(error, {subject: o.subject})
      if (attempt > retries || e.exitCode !== ExitCode.CONNECTION || o.signal?.aborted || nc.isClosed()) throw e
      attempt++
      o.onRetry?.(attempt, e)
      if (o.retryWaitMs && !(await pause(o.retryWaitMs, o.signal))) throw interrupted()
    }
  }

  const base = {subject: o.subject, ...(retries > 0 ? {attempts: attempt} : {})}
  // Translated after all replies are in, so the command's run time is not part of any rtt_ms.
  if (o.translate === undefined) return {...base, replies: received.map((r) => r.rec)}
  const replies: ReplyRecord[] = []
  for (const r of received) replies.push(await translateRecord(r.rec, r.body, o.translate, o.signal))
  return {...base, replies}
}

async function collectReplies(nc: NatsConnection, o: RequestOptions): Promise<Array<{body: Uint8Array; rec: ReplyRecord}>> {
  const headers = await buildHeaders(o.headers, 1)
  const started = performance.now()
  const stamp = (m: Msg): {body: Uint8Array; rec: ReplyRecord} => {
    const r = {body: m.data, rec: {...messageRecord(m), rtt_ms: Number((performance.now() - started).toFixed(3))}}
    if (o.translate === undefined) o.onReply?.(r.rec)
    return r
  }

  try {
    if (o.replies === 1) {
      const m = await untilAborted(nc.request(o.subject, o.body, {headers, timeout: o.timeoutMs}), o.signal)
      return [stamp(m)]
    }

    const it = await nc.requestMany(o.subject, o.body, {
      headers,
      maxMessages: o.replies > 0 ? o.replies : undefined,
      maxWait: o.timeoutMs,
      strategy: o.replies > 0 ? 'count' : 'timer',
    })
    const replies: Array<{body: Uint8Array; rec: ReplyRecord}> = []
    // Ctrl-C ends the wait: the replies in so far are the result (and the exit code 130)
    const stop = (): void => (it as unknown as {stop(): void}).stop()
    o.signal?.addEventListener('abort', stop, {once: true})
    try {
      for await (const m of it) {
        if (m.headers?.code === 503) throw new NatsxError(ExitCode.CONNECTION, `no responders on "${o.subject}"`, {hint: 'nothing is subscribed to that subject; start a responder or check the subject'})
        replies.push(stamp(m))
      }
    } finally {
      o.signal?.removeEventListener('abort', stop)
    }

    if (o.signal?.aborted && replies.length === 0) throw interrupted()

    if (replies.length === 0) throw new NatsxError(ExitCode.CONNECTION, `no reply on "${o.subject}" within ${o.timeoutMs}ms`, {hint: 'raise --timeout or check the responder'})
    return replies
  } catch (error) {
    throw toNatsxError(error, {subject: o.subject})
  }
}
