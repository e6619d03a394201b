/**
 * The measured loops, one per mode. Each runs in a worker thread on its own connection and uses nats.js as fast
 * as it goes: callbacks (not iterators) for subscriptions, a flush every 10k publishes, a window of async
 * JetStream publishes refilled half at a time, and no stack capture (`noAsyncTraces`, `Error.stackTraceLimit = 0`
 * in the worker).
 */
import type {JsMsg} from '@nats-io/jetstream'
import type {Msg, NatsConnection} from '@nats-io/transport-node'

import {setTimeout as delay} from 'node:timers/promises'

import type {ClientSpec} from './types.js'

import {encodeHistogram, newHistogram} from './stats.js'

/** Slots of the shared control array. */
export const CONTROL = {
  /** messages claimed so far by all clients (modes that share one target) */
  CLAIMED: 1,
  /** 0 = run, 1 = interrupted, 2 = target reached */
  STOP: 0,
} as const

export interface LoopContext {
  client: ClientSpec
  control: Int32Array
  nc: NatsConnection
  progress: Float64Array
}

export interface LoopResult {
  bytes: number
  end: number
  histogram?: string
  msgs: number
  start: number
  warnings: string[]
}

export const now = (): number => performance.timeOrigin + performance.now()
const FLUSH_EVERY = 10_000

export function payload(size: number): Uint8Array {
  const p = new Uint8Array(size)
  for (let i = 0; i < size; i++) p[i] = 97 + (i % 26)
  return p
}

export class Run {
  readonly ctx: LoopContext
  readonly limit: number
  readonly perClientRate: number
  start = 0

  constructor(ctx: LoopContext) {
    this.ctx = ctx
    const {spec} = ctx.client
    this.limit = spec.durationMs ? Number.POSITIVE_INFINITY : ctx.client.msgs
    this.perClientRate = spec.rate > 0 ? spec.rate / spec.clients : 0
  }

  /** the deadline of a --duration run, counted from `begin()` */
  get until(): number {
    return this.ctx.client.spec.durationMs ? this.start + this.ctx.client.spec.durationMs : Number.POSITIVE_INFINITY
  }

  begin(): void {
    this.start = now()
  }

  /** messages to send before checking the clock, the stop flag and the pace again */
  chunk(): number {
    if (this.perClientRate > 0) return Math.max(1, Math.min(FLUSH_EVERY, Math.ceil(this.perClientRate / 100)))
    return FLUSH_EVERY
  }

  /** A shared target: claim one message; false once all clients together have reached it. */
  claim(): boolean {
    const n = Atomics.add(this.ctx.control, CONTROL.CLAIMED, 1)
    if (n >= this.limit) {
      Atomics.store(this.ctx.control, CONTROL.STOP, 2)
      return false
    }

    if (n + 1 >= this.limit) Atomics.store(this.ctx.control, CONTROL.STOP, 2)
    return true
  }

  /** under --rate: wait until message `sent` is due */
  async pace(sent: number): Promise<void> {
    if (this.perClientRate <= 0) return
    const due = this.start + (sent * 1000) / this.perClientRate
    const wait = due - now()
    if (wait > 1) await delay(wait)
  }

  report(id: number, count: number): void {
    this.ctx.progress[id - 1] = count
  }

  stopped(): boolean {
    return Atomics.load(this.ctx.control, CONTROL.STOP) !== 0 || now() >= this.until
  }
}

export function subjectFor(base: string, multisubject: number): (i: number) => string {
  if (multisubject <= 0) return () => base
  return (i) => `${base}.${i % multisubject}`
}

// ---------------------------------------------------------------- core

export async function pubLoop(ctx: LoopContext): Promise<LoopResult> {
  const {client, nc} = ctx
  const {spec} = client
  const run = new Run(ctx)
  const data = payload(spec.size)
  const subjectOf = subjectFor(spec.subject, spec.multisubject)
  const fixed = spec.multisubject <= 0
  let sent = 0
  run.begin()
  while (sent < run.limit && !run.stopped()) {
    const n = Math.min(run.chunk(), run.limit - sent)
    if (fixed) {
      for (let k = 0; k < n; k++) nc.publish(spec.subject, data)
    } else {
      for (let k = 0; k < n; k++) nc.publish(subjectOf(client.startIndex + sent + k), data)
    }

    sent += n
    run.report(client.id, sent)
    if (sent % FLUSH_EVERY === 0 || n < FLUSH_EVERY) await nc.flush()
    await run.pace(sent)
  }

  await nc.flush()
  return {bytes: sent * spec.size, end: now(), msgs: sent, start: run.start, warnings: []}
}

/** Resolve when the run must end: target reached, interrupted or out of time (polled: callbacks cannot await). */
function whenStopped(run: Run, done: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (done() || Atomics.load(run.ctx.control, CONTROL.STOP) !== 0 || (run.start > 0 && now() >= run.until)) {
        clearInterval(timer)
        resolve()
      }
    }, 20)
  })
}

export async function subLoop(ctx: LoopContext, onReady: () => Promise<void>): Promise<LoopResult> {
  const {client, nc} = ctx
  const {spec} = client
  const run = new Run(ctx)
  let count = 0
  let bytes = 0
  let last = 0
  const subject = spec.multisubject > 0 ? `${spec.subject}.>` : spec.subject
  const sub = nc.subscribe(subject, {
    callback(_err, m: Msg) {
      if (count >= run.limit) return
      if (count === 0) run.begin()
      count++
      bytes += m.data.length
      // the clock is read every 256 messages and at the last one, not per message (an interrupted run's end
      // is the last multiple of 256 received: at most 255 messages early)
      if (count % 256 === 0 || count === run.limit) {
        last = now()
        run.report(client.id, count)
      }
    },
  })
  await nc.flush()
  await onReady()
  await whenStopped(run, () => count >= run.limit)
  sub.unsubscribe()
  if (count > 0 && last === 0) last = now()
  run.report(client.id, count)
  return {
    bytes,
    end: last,
    msgs: count,
    start: run.start,
    warnings: count < run.limit && Number.isFinite(run.limit) ? [`received ${count} of ${run.limit} messages`] : [],
  }
}

export async function requestLoop(ctx: LoopContext): Promise<LoopResult> {
  const {client, nc} = ctx
  const {spec} = client
  const run = new Run(ctx)
  const data = payload(spec.size)
  const hist = newHistogram()
  let sent = 0
  let bytes = 0
  run.begin()
  while (sent < run.limit && !run.stopped()) {
    const t0 = performance.now()
    const reply = await nc.request(spec.subject, data, {timeout: spec.timeoutMs})
    hist.recordValue(Math.max(1, Math.round((performance.now() - t0) * 1e6)))
    sent++
    bytes += spec.size + reply.data.length
    if (sent % 64 === 0) run.report(client.id, sent)
    await run.pace(sent)
  }

  run.report(client.id, sent)
  return {bytes, end: now(), histogram: encodeHistogram(hist), msgs: sent, start: run.start, warnings: []}
}

export async function replyLoop(ctx: LoopContext, onReady: () => Promise<void>): Promise<LoopResult> {
  const {client, nc} = ctx
  const {spec} = client
  const run = new Run(ctx)
  let count = 0
  let bytes = 0
  let last = 0
  const sleep = spec.sleepMs ?? 0
  const sub = nc.subscribe(spec.subject, {
    callback(_err, m: Msg) {
      if (!run.claim()) return
      if (count === 0) run.begin()
      count++
      bytes += m.data.length
      last = now()
      if (sleep > 0) {
        setTimeout(() => m.respond(m.data), sleep)
      } else {
        m.respond(m.data)
      }

      if (count % 64 === 0) run.report(client.id, count)
    },
    queue: 'natsx-bench',
  })
  await nc.flush()
  await onReady()
  await whenStopped(run, () => false)
  if (sleep > 0) await delay(sleep)
  await nc.flush()
  sub.unsubscribe()
  run.report(client.id, count)
  return {bytes, end: last, msgs: count, start: run.start, warnings: []}
}

// ---------------------------------------------------------------- JetStream

async function jetstreamClient(ctx: LoopContext) {
  const {jetstream} = await import('../nats/jetstream.js')
  const s = ctx.client.settings
  return jetstream(ctx.nc, {
    timeout: ctx.client.spec.timeoutMs,
    ...(s.jsDomain ? {domain: s.jsDomain} : {}),
    ...(s.jsApiPrefix ? {apiPrefix: s.jsApiPrefix} : {}),
  })
}

export async function jsPubLoop(ctx: LoopContext): Promise<LoopResult> {
  const {client} = ctx
  const {spec} = client
  if (spec.jsPubMode !== 'sync' || spec.batchMode) {
    // the windowed async publish and the batch modes keep work in flight: jspub.ts
    const {jsPubAsyncLoop, jsPubAtomicLoop, jsPubFastLoop} = await import('./jspub.js')
    if (spec.batchMode === 'atomic') return jsPubAtomicLoop(ctx)
    if (spec.batchMode === 'fast') return jsPubFastLoop(ctx)
    return jsPubAsyncLoop(ctx)
  }

  const js = await jetstreamClient(ctx)
  const run = new Run(ctx)
  const data = payload(spec.size)
  const subjectOf = subjectFor(spec.subject, spec.multisubject)
  const idPrefix = `${spec.runId}-`
  const opts = (i: number) => (spec.dedup ? {msgID: idPrefix + i, timeout: spec.timeoutMs} : {timeout: spec.timeoutMs})
  let sent = 0
  const warnings: string[] = []
  let duplicates = 0
  const hist = newHistogram()
  run.begin()
  while (sent < run.limit && !run.stopped()) {
    const i = client.startIndex + sent
    const t0 = performance.now()
    const ack = await js.publish(subjectOf(i), data, opts(i))
    hist.recordValue(Math.max(1, Math.round((performance.now() - t0) * 1e6)))
    if (ack.duplicate) duplicates++
    sent++
    if (sent % 64 === 0) run.report(client.id, sent)
    await run.pace(sent)
  }

  run.report(client.id, sent)
  if (duplicates > 0) warnings.push(`${duplicates} messages were duplicates`)
  return {
    bytes: sent * spec.size,
    end: now(),
    histogram: encodeHistogram(hist),
    msgs: sent,
    start: run.start,
    warnings,
  }
}

/** consume / fetch / ordered: count what arrives, ack by the policy. */
export async function jsConsumeLoop(ctx: LoopContext, onReady: () => Promise<void>): Promise<LoopResult> {
  const {client} = ctx
  const {spec} = client
  const js = await jetstreamClient(ctx)
  const run = new Run(ctx)
  const ordered = spec.mode === 'js ordered'
  const shared = !ordered
  const batch = spec.batch ?? 500
  const acks = ordered ? 'none' : (spec.acks ?? 'explicit')
  let count = 0
  let bytes = 0
  let last = 0
  const warnings: string[] = []
  const consumer = ordered
    ? await js.consumers.get(spec.stream!, spec.filter ? {filter_subjects: spec.filter} : {})
    : await js.consumers.get(spec.stream!, spec.consumer!)
  const take = (m: JsMsg): boolean => {
    if (shared ? !run.claim() : count >= run.limit) return false
    if (count === 0) run.begin()
    count++
    bytes += m.data.length
    last = now()
    if (acks === 'explicit' || (acks === 'all' && count % batch === 0)) m.ack()
    if (count % 256 === 0) run.report(client.id, count)
    return true
  }

  await onReady()
  if (spec.mode === 'js fetch') {
    let lastMsg: JsMsg | undefined
    let emptyFetches = 0
    for (;;) {
      const left = shared ? run.limit - Atomics.load(ctx.control, CONTROL.CLAIMED) : run.limit - count
      if (left <= 0 || run.stopped()) break
      const iter = await consumer.fetch({
        expires: Math.max(1000, Math.min(spec.timeoutMs, 5000)),
        max_messages: Math.min(batch, left),
      })
      const poll = setInterval(() => {
        if (Atomics.load(ctx.control, CONTROL.STOP) !== 0) iter.stop()
      }, 20)
      let got = 0
      const receive = (m: JsMsg): void => {
        got++
        if (take(m)) lastMsg = m
      }

      try {
        for await (const m of iter) receive(m)
      } finally {
        clearInterval(poll)
      }

      if (got === 0 && !run.stopped()) {
        emptyFetches++
        if (emptyFetches >= 2) {
          warnings.push('fetch timed out: the stream has no more messages for the consumer')
          break
        }
      } else {
        emptyFetches = 0
      }
    }

    if (acks === 'all' && lastMsg) lastMsg.ack()
  } else {
    let lastMsg: JsMsg | undefined
    const messages = await consumer.consume({
      callback(m) {
        if (take(m)) lastMsg = m
      },
      max_messages: batch,
    })
    await whenStopped(run, () => !shared && count >= run.limit)
    if (acks === 'all' && lastMsg) lastMsg.ack()
    await messages.close()
  }

  await ctx.nc.flush()
  run.report(client.id, count)
  return {bytes, end: last, msgs: count, start: run.start, warnings}
}

// ---------------------------------------------------------------- KV

export async function kvLoop(ctx: LoopContext): Promise<LoopResult> {
  const {client} = ctx
  const {spec} = client
  const js = await jetstreamClient(ctx)
  const {Kvm} = await import('../nats/kv.js')
  const kv = await new Kvm(js).open(spec.bucket!)
  const run = new Run(ctx)
  const data = payload(spec.size)
  const hist = newHistogram()
  const randomize = spec.randomize ?? 0
  const keyOf = (i: number): string => `k${randomize > 0 ? Math.floor(Math.random() * randomize) : i}`
  const put = spec.mode === 'kv put'
  let done = 0
  let bytes = 0
  let misses = 0
  run.begin()
  while (done < run.limit && !run.stopped()) {
    const key = keyOf(client.startIndex + done)
    const t0 = performance.now()
    if (put) {
      await kv.put(key, data)
      bytes += spec.size
    } else {
      const e = await kv.get(key)
      if (e && e.operation === 'PUT') bytes += e.value.length
      else misses++
    }

    hist.recordValue(Math.max(1, Math.round((performance.now() - t0) * 1e6)))
    done++
    if (done % 64 === 0) run.report(client.id, done)
    await run.pace(done)
  }

  run.report(client.id, done)
  const warnings = misses > 0 ? [`${misses} of ${done} gets found no value`] : []
  return {bytes, end: now(), histogram: encodeHistogram(hist), msgs: done, start: run.start, warnings}
}
