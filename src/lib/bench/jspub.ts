/**
 * The JetStream publish loops that keep work in flight: per-message async publish (a window of acknowledgements),
 * atomic batches (2.12: `Nats-Batch-Id`/`-Sequence`/`-Commit` headers, a commit acknowledged for the whole batch)
 * and fast batches (2.14: the batch, its sequence and operation in the reply subject, flow acknowledgements from
 * the server). They speak the protocol on the connection itself: one reply subscription per client and a plain
 * publish per message, the way the C client publishes asynchronously, instead of one request (with its own timer
 * and promise) per message. The frames are written by `Wire` (wire.ts): many messages to one buffer, the headers and
 * reply subjects as text built from a per-batch prefix and a number. Each timed operation goes into an HDR histogram:
 * - async: one message, publish → its acknowledgement;
 * - atomic: one batch, its first publish → the commit's acknowledgement;
 * - fast: one flow acknowledgement, the publish of the last message it covers → the acknowledgement.
 */
import type {MsgHdrs, NatsConnection} from '@nats-io/transport-node'

import {connectionError, NatsxError, toNatsxError, usageError} from '../errors.js'
import {type LoopContext, type LoopResult, now, payload, Run, subjectFor} from './loops.js'
import {encodeHistogram, newHistogram} from './stats.js'
import {Wire} from './wire.js'

/** A point the loop waits on until a reply callback says there is room again (or the run failed). */
class Gate {
  failure?: Error
  /** ms (performance.now) of the last reply: the watchdog's measure of progress */
  lastReply = performance.now()
  private wake?: () => void

  fail(error: Error): void {
    this.failure ??= error
    this.open()
  }

  open(): void {
    const w = this.wake
    this.wake = undefined
    w?.()
  }

  /** Wait until `ready` holds (checked again at each reply that opens the gate). */
  async until(ready: () => boolean): Promise<void> {
    while (!ready()) await this.wait()
  }

  async wait(): Promise<void> {
    if (this.failure) throw this.failure
    await new Promise<void>((resolve) => {
      this.wake = resolve
    })
    if (this.failure) throw this.failure
  }
}

/** Fails the gate when work is outstanding and no reply came for `timeoutMs`. */
function watchdog(gate: Gate, outstanding: () => boolean, timeoutMs: number): () => void {
  const timer = setInterval(() => {
    if (outstanding() && performance.now() - gate.lastReply > timeoutMs) {
      gate.fail(connectionError(`no acknowledgement from the server for ${Math.round(timeoutMs / 1000)}s`, 'raise --timeout, lower the window, or check the server'))
    }
  }, Math.max(50, Math.min(1000, timeoutMs / 4)))
  return () => clearInterval(timer)
}

function inboxOf(nc: NatsConnection, id: string): string {
  const prefix = (nc as unknown as {options?: {inboxPrefix?: string}}).options?.inboxPrefix ?? '_INBOX'
  return `${prefix}.${id}`
}

const DECODER = new TextDecoder()
const OPEN_BRACE = 0x7B
const QUOTE = 0x22
const S = 0x73

/** A pub ack starts `{"stream"`; anything else is parsed to find out what it is. */
const looksLikeAck = (d: Uint8Array): boolean => d.length > 10 && d[0] === OPEN_BRACE && d[1] === QUOTE && d[2] === S

interface ApiErrorBody {
  code?: number
  description?: string
  err_code?: number
}

/** The server refused a publish: one line with its words, and the exit code its error code stands for. */
export function publishRefused(e: ApiErrorBody | undefined, context: string): NatsxError {
  const description = e?.description ?? 'unknown error'
  const code = e?.err_code ?? 0
  const line = `the server refused ${context}: ${description}${code ? ` (${code})` : ''}`
  // 10199: atomic batch larger than the server allows
  if (code === 10_199) {
    const most = /(\d+)\s*$/.exec(description)?.[1] ?? '1000'
    return usageError(line, `pass --batch-size ${most} or less, the server's limit (raised in its config by jetstream { limits { batch { max_msgs: N } } })`)
  }

  // 10210 / 10211: too many atomic / fast batches in flight on the stream or the server (2.14+)
  if (code === 10_210 || code === 10_211) return usageError(line, 'lower --max-outstanding-acks or --clients')
  // the exit code (and hint) natsx gives that API error anywhere else, with this line
  const mapped = toNatsxError({apiError: () => e, message: description, name: 'JetStreamApiError'})
  return new NatsxError(mapped.exitCode, line, {hint: mapped.hint})
}

function parseReply(data: Uint8Array): Record<string, unknown> {
  try {
    return JSON.parse(DECODER.decode(data)) as Record<string, unknown>
  } catch {
    return {error: {description: `an unreadable reply ${JSON.stringify(DECODER.decode(data).slice(0, 80))}`}}
  }
}

/** A reply with no body: a status (503 no responders) or nothing at all. */
function emptyReply(headers: MsgHdrs | undefined, subject: string): NatsxError {
  if (headers?.code === 503)
    return connectionError(`no stream answered a publish on "${subject}"`, 'check that the stream captures the subject')
  return connectionError(`an empty reply to a publish on "${subject}" (status ${headers?.code ?? 'none'})`, 'check the stream')
}

interface Publisher {
  data: Uint8Array
  gate: Gate
  hist: ReturnType<typeof newHistogram>
  inbox: string
  run: Run
  subjectOf: (i: number) => string
  wire: Wire
}

async function setUp(ctx: LoopContext): Promise<Publisher> {
  const {headers, nuid} = await import('../nats/core.js')
  const {spec} = ctx.client
  return {
    data: payload(spec.size),
    gate: new Gate(),
    hist: newHistogram(),
    inbox: inboxOf(ctx.nc, nuid.next()),
    run: new Run(ctx),
    subjectOf: subjectFor(spec.subject, spec.multisubject),
    wire: new Wire(ctx.nc, headers),
  }
}

/** A header block of one `Nats-Msg-Id` (--dedup). */
const msgIdHeaders = (id: string): string => `NATS/1.0\r\nNats-Msg-Id: ${id}\r\n\r\n`

const ns = (since: number): number => Math.max(1, Math.round((performance.now() - since) * 1e6))

// ---------------------------------------------------------------- async: a window of acknowledgements

export async function jsPubAsyncLoop(ctx: LoopContext): Promise<LoopResult> {
  const {client, nc} = ctx
  const {spec} = client
  const {data, gate, hist, inbox, run, subjectOf, wire} = await setUp(ctx)
  const window = Math.max(2, spec.batch ?? 256)
  const half = Math.max(1, Math.floor(window / 2))
  const sentAt = new Float64Array(window)
  const replyPrefix = `${inbox}.`
  const idPrefix = `${spec.runId}-`
  let sent = 0
  let acked = 0
  let duplicates = 0
  const sub = nc.subscribe(`${inbox}.*`, {
    callback(err, m) {
      if (err) {
        gate.fail(err)
        return
      }

      gate.lastReply = performance.now()
      const d = m.data
      if (d.length === 0) {
        gate.fail(emptyReply(m.headers, spec.subject))
        return
      }

      if (!looksLikeAck(d)) {
        const r = parseReply(d)
        gate.fail(publishRefused(r.error as ApiErrorBody, `a publish on "${spec.subject}"`))
        return
      }

      if (spec.dedup && DECODER.decode(d).includes('"duplicate":true')) duplicates++
      const i = Number(m.subject.slice(replyPrefix.length))
      hist.recordValue(ns(sentAt[i % window]))
      acked++
      // room for the next half window
      if (sent - acked <= half) gate.open()
    },
  })
  const stop = watchdog(gate, () => sent > acked, spec.timeoutMs)
  try {
    await nc.flush()
    run.begin()
    while (sent < run.limit && !run.stopped()) {
      // never more than the window holds: the send times of the outstanding messages live in `sentAt`
      const free = window - (sent - acked)
      const n = Math.min(free, run.perClientRate > 0 ? run.chunk() : free, run.limit - sent)
      for (let k = 0; k < n; k++) {
        const i = client.startIndex + sent + k
        wire.pub(subjectOf(i), replyPrefix + (sent + k), spec.dedup ? msgIdHeaders(idPrefix + i) : '', data)
      }

      // they leave together (no acknowledgement is read before this returns): one send time for them all
      wire.flush()
      const t = performance.now()
      for (let k = 0; k < n; k++) sentAt[(sent + k) % window] = t
      sent += n
      run.report(client.id, acked)
      if (sent - acked > half) await gate.wait()
      await run.pace(sent)
    }

    await gate.until(() => acked >= sent)
  } finally {
    stop()
    sub.unsubscribe()
  }

  run.report(client.id, sent)
  return {
    bytes: sent * spec.size,
    end: now(),
    histogram: encodeHistogram(hist),
    msgs: sent,
    start: run.start,
    warnings: duplicates > 0 ? [`${duplicates} messages were duplicates`] : [],
  }
}

// ---------------------------------------------------------------- atomic batches (2.12)

export async function jsPubAtomicLoop(ctx: LoopContext): Promise<LoopResult> {
  const {client, nc} = ctx
  const {spec} = client
  const {data, gate, hist, inbox, run, subjectOf, wire} = await setUp(ctx)
  const size = Math.max(1, spec.batchSize ?? 1000)
  const inFlight = Math.max(1, spec.maxOutstanding ?? 2)
  const idPrefix = `${spec.runId}-`
  const batchStart = new Map<string, {count: number; t0: number}>()
  let batches = 0
  let acked = 0
  let ackedMsgs = 0
  let sent = 0
  const sub = nc.subscribe(`${inbox}.*`, {
    callback(err, m) {
      if (err) {
        gate.fail(err)
        return
      }

      gate.lastReply = performance.now()
      if (m.data.length === 0) {
        gate.fail(emptyReply(m.headers, spec.subject))
        return
      }

      const r = parseReply(m.data)
      const id = m.subject.slice(inbox.length + 1)
      const b = batchStart.get(id)
      if (r.error || !b) {
        gate.fail(publishRefused(r.error as ApiErrorBody, `an atomic batch on "${spec.subject}"`))
        return
      }

      if (r.count !== b.count) {
        gate.fail(new NatsxError(1, `the commit of atomic batch ${id} acknowledged ${String(r.count)} messages, ${b.count} were sent`))
        return
      }

      hist.recordValue(ns(b.t0))
      batchStart.delete(id)
      acked++
      ackedMsgs += b.count
      gate.open()
    },
  })
  const stop = watchdog(gate, () => batches > acked, spec.timeoutMs)
  try {
    await nc.flush()
    run.begin()
    while (sent < run.limit && !run.stopped()) {
      const count = Math.min(size, run.limit - sent)
      const id = `${spec.runId}${client.id}n${batches}`
      // every message's header block is this, its sequence, and the commit header on the last
      const head = `NATS/1.0\r\nNats-Batch-Id: ${id}\r\nNats-Batch-Sequence: `
      batchStart.set(id, {count, t0: performance.now()})
      batches++
      for (let k = 1; k <= count; k++) {
        const i = client.startIndex + sent + k - 1
        const dedup = spec.dedup ? `\r\nNats-Msg-Id: ${idPrefix}${i}` : ''
        if (k === count) wire.pub(subjectOf(i), `${inbox}.${id}`, `${head}${k}${dedup}\r\nNats-Batch-Commit: 1\r\n\r\n`, data)
        else wire.pub(subjectOf(i), '', `${head}${k}${dedup}\r\n\r\n`, data)
      }

      wire.flush()
      sent += count
      run.report(client.id, ackedMsgs)
      await gate.until(() => batches - acked < inFlight)
      await run.pace(sent)
    }

    await gate.until(() => acked >= batches)
  } finally {
    stop()
    sub.unsubscribe()
  }

  run.report(client.id, sent)
  return {bytes: sent * spec.size, end: now(), histogram: encodeHistogram(hist), msgs: sent, start: run.start, warnings: []}
}

// ---------------------------------------------------------------- fast batches (2.14)

const FAST = {APPEND: 1, COMMIT: 2, EOB: 3, START: 0} as const

export async function jsPubFastLoop(ctx: LoopContext): Promise<LoopResult> {
  const {client, nc} = ctx
  const {spec} = client
  const {data, gate, hist, inbox, run, subjectOf, wire} = await setUp(ctx)
  // messages per flow acknowledgement asked of the server (it grants at most 500), and how many may be outstanding
  const flow = Math.min(65_535, Math.max(1, spec.batch ?? 500))
  const outstanding = Math.max(1, spec.maxOutstanding ?? 2)
  const perBatch = spec.batchSize && spec.batchSize > 0 ? spec.batchSize : Number.POSITIVE_INFINITY
  const idPrefix = `${spec.runId}-`
  // the batch's own state: id, its sequence, what the server has acknowledged and its flow
  let batchNo = 0
  let batchId = ''
  let batchSubject = spec.subject
  let seq = 0
  let ackedSeq = 0
  let ackMsgs = flow
  let committing = false
  let commits = 0
  let batchesAcked = 0
  let sent = 0
  let persisted = 0
  // publish time of each batch sequence, kept for a window's worth
  const ring = 2 ** Math.ceil(Math.log2(Math.max(1024, flow * outstanding * 2)))
  const sentAt = new Float64Array(ring)
  const room = (): boolean => seq - ackedSeq < ackMsgs * outstanding
  const sub = nc.subscribe(`${inbox}.>`, {
    callback(err, m) {
      if (err) {
        gate.fail(err)
        return
      }

      gate.lastReply = performance.now()
      if (m.data.length === 0) {
        gate.fail(emptyReply(m.headers, spec.subject))
        return
      }

      // only the current batch's replies count (a late flow ack of a committed batch is dropped)
      const token = m.subject.slice(inbox.length + 1)
      const ofBatch = token.slice(0, token.indexOf('.'))
      const r = parseReply(m.data)
      if (r.error) {
        gate.fail(publishRefused(r.error as ApiErrorBody, `a fast batch on "${spec.subject}"`))
        return
      }

      if (typeof r.batch === 'string') {
        // the commit's pub ack: the whole batch is stored
        batchesAcked++
        persisted += Number(r.count ?? 0)
        committing = false
        gate.open()
        return
      }

      if (ofBatch !== batchId) return
      if (r.type === 'gap') {
        gate.fail(new NatsxError(1, `the server saw a gap in fast batch ${batchId}: expected ${String(r.last_seq)}, got ${String(r.seq)}`))
        return
      }

      if (r.type === 'ack') {
        if (typeof r.msgs === 'number' && r.msgs > 0) ackMsgs = r.msgs
        const s = Number(r.seq ?? 0)
        if (s > ackedSeq) {
          hist.recordValue(ns(sentAt[s % ring]))
          ackedSeq = s
        }

        if (room()) gate.open()
      }
    },
  })
  // the reply subject carries the batch, the flow asked, gaps refused, the sequence and the operation
  let replyHead = ''
  const replyOf = (op: number): string => `${replyHead}${seq}.${op}.$FI`
  const stop = watchdog(gate, () => committing || seq > ackedSeq, spec.timeoutMs)
  try {
    await nc.flush()
    run.begin()
    let inBatch = 0
    while (sent < run.limit && !run.stopped()) {
      const n = Math.min(run.perClientRate > 0 ? run.chunk() : ackMsgs, run.limit - sent)
      for (let k = 0; k < n; k++) {
        if (inBatch === 0) {
          // a new batch waits for the last one's commit: a second batch in flight slows both to one ack a message
          wire.flush()
          await gate.until(() => !committing)
          batchId = `${spec.runId}${client.id}n${batchNo++}`
          batchSubject = subjectOf(client.startIndex + sent)
          seq = 0
          ackedSeq = 0
          ackMsgs = flow
          replyHead = `${inbox}.${batchId}.${flow}.fail.`
        }

        const i = client.startIndex + sent
        seq++
        inBatch++
        sent++
        const last = inBatch >= perBatch || sent >= run.limit
        const op = seq === 1 ? (last ? FAST.COMMIT : FAST.START) : last ? FAST.COMMIT : FAST.APPEND
        sentAt[seq % ring] = performance.now()
        wire.pub(subjectOf(i), replyOf(op), spec.dedup ? msgIdHeaders(idPrefix + i) : '', data)
        if (last) {
          committing = true
          commits++
          inBatch = 0
        } else if (!room()) {
          wire.flush()
          await gate.until(room)
        }
      }

      wire.flush()
      run.report(client.id, persisted + ackedSeq)
      await run.pace(sent)
    }

    // a run stopped by time or Ctrl-C ends its open batch with an end-of-batch commit (not stored)
    if (inBatch > 0 && !committing) {
      seq++
      committing = true
      commits++
      wire.pub(batchSubject, replyOf(FAST.EOB), '', new Uint8Array(0))
      wire.flush()
    }

    await gate.until(() => batchesAcked >= commits)
  } finally {
    stop()
    sub.unsubscribe()
  }

  run.report(client.id, sent)
  return {bytes: sent * spec.size, end: now(), histogram: encodeHistogram(hist), msgs: sent, start: run.start, warnings: []}
}
