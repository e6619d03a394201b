/**
 * Publishing: `count` messages of one body, or one message per line of stdin, to core NATS or to JetStream (waiting
 * for each acknowledgement), or all of them as one atomic batch. Takes an open connection and plain options; reports
 * through callbacks and never prints.
 *
 * Failover: with a ConnectionWatch that can fail over (several servers known), a dropped connection does not end the
 * run. Core messages handed to the client since the last confirmed flush before the drop may have been lost, and are
 * counted (`maybe_lost`); JetStream messages whose acknowledgement did not come are sent again with the same
 * `Nats-Msg-Id`, so the stream's duplicate window drops a repeat and nothing is stored twice (`resent`).
 */
import type {JetStreamClient} from '@nats-io/jetstream'
import type {MsgHdrs, NatsConnection} from '@nats-io/transport-node'

import {randomUUID} from 'node:crypto'

import {pause} from '../abort.js'
import {NatsxError, toNatsxError} from '../errors.js'
import {expandTemplate, hasTemplate} from '../templates.js'
import {type AtomicAck, type AtomicMessage, publishAtomic} from './atomic.js'
import {buildHeaders, checkControlLine} from './headers.js'
import {jsPublishError} from './js-errors.js'
import {type ConnectionWatch, isDisconnect} from './watch.js'

const enc = new TextEncoder()

/** core publishing confirms what the server has (a flush) after this many messages, or this long */
const FLUSH_EVERY = 10_000
const FLUSH_EVERY_MS = 250
/** a stream without a leader for a moment (an election after a node died) is asked again after this pause */
const RETRY_PAUSE_MS = 250

/**
 * What is published: `count` messages of one body (a string body is a template, expanded per message), or one
 * message per item of `lines` (`--send-on newline`), each published as it arrives, until the lines end. Line bodies
 * are data: never template-expanded.
 */
export type PublishBodies = {body: string | Uint8Array; count: number} | {lines: AsyncIterable<Uint8Array>}

export type PublishOptions = PublishBodies & {
  /** publish all messages as one atomic batch (JetStream, 2.12+) */
  atomic?: boolean
  /** the longest a dropped connection (or a stream without a leader) is waited for before the run fails */
  failoverMs?: number
  /** headers every message carries as they are (Nats-TTL, Nats-Schedule, …) */
  fixedHeaders?: Array<[string, string]>
  headers: Array<[string, string]>
  /** JetStream: wait for the PubAck of each message before the next */
  js?: JetStreamClient
  /** the server's max_control_line: a longer subject is refused before it is sent */
  maxControlLine: number
  msgId?: string
  reply?: string
  signal?: AbortSignal
  /** pause between messages */
  sleepMs?: number
  /** a template: {{Count}} is the message number (the line number with `lines`), from 1 */
  subject: string
  /** expand {{ }} templates in subject, body, header values and msg id (default true) */
  templates?: boolean
  timeoutMs: number
  /** the connection's state, for failover; without it a drop ends the run as before */
  watch?: ConnectionWatch
}

export interface PubAckRecord {
  duplicate: boolean
  seq: number
  stream: string
  subject: string
}

export interface PublishResult {
  /** --atomic: the batch's acknowledgement */
  atomic?: AtomicAck
  bytes: number
  /** times the connection dropped and another server took over (present after a drop) */
  disconnects?: number
  jetstream?: PubAckRecord[]
  /** core: messages handed to the client since the last confirmed flush before each drop; they may have been lost */
  maybe_lost?: number
  /** messages published: with --send-on newline, the lines */
  messages: number
  /** JetStream: messages sent again after a drop or while the stream had no leader (same Nats-Msg-Id) */
  resent?: number
  /** the last subject published to (templates expanded) */
  subject: string
}

interface Outgoing {
  data: Uint8Array
  headers?: MsgHdrs
  msgID?: string
  subject: string
}

export async function publish(nc: NatsConnection, o: PublishOptions, onAck?: (ack: PubAckRecord, n: number) => void): Promise<PublishResult> {
  const result: PublishResult = {bytes: 0, messages: 0, subject: o.subject}
  if (o.js) result.jetstream = []
  const templates = o.templates !== false
  const expand = (s: string, n: number): string => (templates ? expandTemplate(s, {count: n}) : s)
  const failoverMs = o.failoverMs ?? Math.max(3 * o.timeoutMs, 15_000)
  const watch = o.watch
  // With failover possible, every JetStream message gets an id of its own, so a message sent again is stored once.
  const autoIds = o.js && o.msgId === undefined && !o.atomic && watch?.canFailover() ? randomUUID().replaceAll('-', '') : undefined

  /** false when interrupted during the pause between messages */
  const between = async (n: number): Promise<boolean> => !o.sleepMs || n === 1 || pause(o.sleepMs, o.signal)

  const prepare = async (n: number, data: Uint8Array): Promise<Outgoing> => {
    const subject = expand(o.subject, n)
    checkControlLine(subject, o.reply, o.maxControlLine)
    let headers = await buildHeaders(o.headers, n, undefined, templates)
    if (o.fixedHeaders?.length) {
      const {headers: make} = await import('../nats/core.js')
      headers ??= make()
      for (const [k, v] of o.fixedHeaders) headers.set(k, v)
    }

    const msgID = o.msgId === undefined ? (autoIds ? `${autoIds}-${n}` : undefined) : expand(o.msgId, n)
    return {data, headers, msgID, subject}
  }

  const counted = (m: Outgoing): void => {
    result.messages++
    result.bytes += m.data.length
    result.subject = m.subject
  }

  // ------------------------------------------------------------ core
  let sent = 0
  let confirmed = 0
  let flushedAt = Date.now()
  let seenDrops = 0
  /** what was sent since the last confirmed flush before a drop may be lost */
  const account = (): void => {
    if (!watch || watch.disconnects === seenDrops) return
    seenDrops = watch.disconnects
    result.maybe_lost = (result.maybe_lost ?? 0) + (sent - confirmed)
    confirmed = sent
  }

  const failed = (error: unknown): NatsxError => {
    const e = toNatsxError(error, {maxPayload: nc.info?.max_payload})
    const unconfirmed = sent - confirmed
    if (o.js || unconfirmed === 0 || !(e instanceof NatsxError) || e.exitCode !== 6) return e
    return new NatsxError(e.exitCode, `${e.message} (up to ${unconfirmed} of the ${sent} messages published may not have reached the server)`, {hint: e.hint})
  }

  const upAgain = async (): Promise<void> => {
    if (!watch) return
    account()
    if (watch.down) await watch.whenUp(failoverMs, o.signal)
    account()
  }

  const flush = async (): Promise<void> => {
    for (;;) {
      await upAgain()
      const epoch = watch?.disconnects ?? 0
      const mark = sent
      // a drop rejects the wait at once (a connection closed by the server would otherwise hold it until --timeout)
      const drop = watch?.dropAfter(epoch)
      try {
        await (drop ? Promise.race([nc.flush(), drop.promise]) : nc.flush())
        flushedAt = Date.now()
        if ((watch?.disconnects ?? 0) === epoch) {
          confirmed = mark
          return
        }
      } catch (error) {
        if (!watch || !(isDisconnect(error) || watch.down || watch.disconnects > epoch)) throw error
        // wait until the watch has seen the drop, so what was sent before it is not taken as confirmed
        const until = Date.now() + 2000
        while (watch.disconnects === epoch && !nc.isClosed() && Date.now() < until) await watch.changed(until - Date.now(), o.signal)
        if (watch.disconnects === epoch && !nc.isClosed()) throw error
      } finally {
        drop?.cancel()
      }
    }
  }

  const sendCore = async (m: Outgoing): Promise<void> => {
    await upAgain()
    nc.publish(m.subject, m.data, {headers: m.headers, reply: o.reply})
    sent++
    counted(m)
    // Keep client buffers bounded on long runs, and know what the server has.
    if (sent % FLUSH_EVERY === 0 || (watch && Date.now() - flushedAt >= FLUSH_EVERY_MS)) await flush()
  }

  // ------------------------------------------------------------ JetStream
  const retriable = (error: unknown): boolean => {
    if (!watch?.canFailover()) return false
    if (isDisconnect(error)) return true
    const recentDrop = watch.disconnects > 0 && Date.now() - watch.lastDisconnectAt < failoverMs
    const e = error as {apiError?: () => {code?: number}; message?: string; name?: string}
    const unavailable = e.name === 'TimeoutError' || e.name === 'JetStreamNotEnabled' || e.name === 'NoRespondersError' || e.apiError?.().code === 503
    return recentDrop && unavailable
  }

  const sendJs = async (m: Outgoing, n: number): Promise<void> => {
    const js = o.js!
    let firstFailure = 0
    let again = false
    for (;;) {
      await upAgain()
      const drop = watch?.dropAfter(watch.disconnects)
      try {
        const p = js.publish(m.subject, m.data, {headers: m.headers, msgID: m.msgID, timeout: o.timeoutMs})
        p.catch(() => {})
        const ack = await (drop ? Promise.race([p, drop.promise]) : p)
        const rec = {duplicate: Boolean(ack.duplicate), seq: ack.seq, stream: ack.stream, subject: m.subject}
        result.jetstream!.push(rec)
        onAck?.(rec, n)
        counted(m)
        return
      } catch (error) {
        if (!retriable(error)) throw jsPublishError(error, m.subject)
        firstFailure ||= Date.now()
        if (Date.now() - firstFailure > failoverMs) throw jsPublishError(error, m.subject)
        if (!again) result.resent = (result.resent ?? 0) + 1
        again = true
        if (!isDisconnect(error) && !(await pause(RETRY_PAUSE_MS, o.signal))) throw error
      } finally {
        drop?.cancel()
      }
    }
  }

  // ------------------------------------------------------------ the messages
  async function* messages(): AsyncGenerator<{data: Uint8Array; n: number}> {
    if ('lines' in o) {
      let n = 0
      for await (const line of o.lines) {
        if (o.signal?.aborted) return
        n++
        yield {data: line, n}
      }
    } else {
      const isTemplate = templates && typeof o.body === 'string' && hasTemplate(o.body)
      const fixed = typeof o.body === 'string' ? enc.encode(o.body) : o.body
      for (let n = 1; n <= o.count; n++) {
        if (o.signal?.aborted) return
        yield {data: isTemplate ? enc.encode(expandTemplate(o.body as string, {count: n})) : fixed, n}
      }
    }
  }

  if (o.atomic) {
    // All or nothing: every message is made (and checked) before the first is sent.
    const batch: AtomicMessage[] = []
    for await (const {data, n} of messages()) {
      const m = await prepare(n, data)
      batch.push(m)
    }

    if (o.signal?.aborted) return result
    result.atomic = await publishAtomic(nc, batch, o.timeoutMs)
    for (const m of batch) counted(m)
    return result
  }

  try {
    for await (const {data, n} of messages()) {
      if (!(await between(n))) break
      const m = await prepare(n, data)
      await (o.js ? sendJs(m, n) : sendCore(m))
    }

    await flush()
  } catch (error) {
    throw failed(error)
  }

  account()
  if (watch && watch.disconnects > 0) result.disconnects = watch.disconnects
  return result
}
