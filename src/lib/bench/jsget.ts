/**
 * `bench js get`: read a stream by direct get (`$JS.API.DIRECT.GET.<stream>`, the stream allows direct gets), one
 * message per request (sync, every server since 2.9) or a batch of messages per request (batch, 2.11+: the server
 * sends the messages, then a `204 EOB` status carrying `Nats-Last-Sequence`). Sequences are read in order from the
 * stream's first, wrapping round at its last; a sequence with no message (deleted) counts as a miss.
 */
import type {NatsConnection} from '@nats-io/transport-node'

import {connectionError, NatsxError} from '../errors.js'
import {type LoopContext, type LoopResult, now, Run} from './loops.js'
import {encodeHistogram, newHistogram} from './stats.js'

const ENCODER = new TextEncoder()

/** The JetStream API prefix of the connection settings: a domain, a prefix, or the default. */
export function apiPrefix(s: {jsApiPrefix?: string; jsDomain?: string}): string {
  if (s.jsDomain) return `$JS.${s.jsDomain}.API`
  if (s.jsApiPrefix) return s.jsApiPrefix.replace(/\.$/, '')
  return '$JS.API'
}

export async function jsGetLoop(ctx: LoopContext): Promise<LoopResult> {
  const {client, nc} = ctx
  const {spec} = client
  const run = new Run(ctx)
  const subject = `${apiPrefix(client.settings)}.DIRECT.GET.${spec.stream}`
  const first = spec.firstSeq ?? 1
  const span = Math.max(1, spec.spanSeqs ?? 1)
  return spec.jsGetMode === 'batch' ? batchGets(ctx, run, nc, subject, first, span) : singleGets(ctx, run, nc, subject, first, span)
}

async function singleGets(ctx: LoopContext, run: Run, nc: NatsConnection, subject: string, first: number, span: number): Promise<LoopResult> {
  const {client} = ctx
  const {spec} = client
  const hist = newHistogram()
  let done = 0
  let bytes = 0
  let misses = 0
  run.begin()
  while (done < run.limit && !run.stopped()) {
    const seq = first + ((client.startIndex + done) % span)
    const t0 = performance.now()
    const reply = await nc.request(subject, ENCODER.encode(`{"seq":${seq}}`), {timeout: spec.timeoutMs})
    hist.recordValue(Math.max(1, Math.round((performance.now() - t0) * 1e6)))
    const code = reply.data.length === 0 ? (reply.headers?.code ?? 0) : 0
    if (code === 404) misses++
    else if (code === 0) {bytes += reply.data.length}
    else {throw new NatsxError(1, `direct get of sequence ${seq} answered ${code} ${reply.headers?.description ?? ''}`.trim())}

    done++
    if (done % 64 === 0) run.report(client.id, done)
    await run.pace(done)
  }

  run.report(client.id, done)
  const warnings = misses > 0 ? [`${misses} of ${done} gets found no message (deleted sequences)`] : []
  return {bytes, end: now(), histogram: encodeHistogram(hist), msgs: done, start: run.start, warnings}
}

async function batchGets(ctx: LoopContext, run: Run, nc: NatsConnection, subject: string, first: number, span: number): Promise<LoopResult> {
  const {client} = ctx
  const {spec} = client
  const {nuid} = await import('../nats/core.js')
  const hist = newHistogram()
  const batch = Math.max(1, spec.batch ?? 500)
  const inbox = `${(nc as unknown as {options?: {inboxPrefix?: string}}).options?.inboxPrefix ?? '_INBOX'}.${nuid.next()}`
  const end = first + span - 1
  let done = 0
  let bytes = 0
  let inBatch = 0
  let lastSeq = 0
  let wake: ((error?: Error) => void) | undefined
  const sub = nc.subscribe(inbox, {
    callback(err, m) {
      if (err) {
        wake?.(err)
        return
      }

      if (m.data.length > 0) {
        inBatch++
        bytes += m.data.length
        return
      }

      const h = m.headers
      const code = h?.code ?? 0
      switch (code) {
      case 0: {
        // a stored message without a body
        inBatch++
      
      break;
      }

      case 204: {
        lastSeq = Number(h?.get('Nats-Last-Sequence') ?? 0)
        wake?.()
      
      break;
      }

      case 404: {
        // nothing at or after the sequence asked for: start again from the first
        lastSeq = end
        wake?.()
      
      break;
      }

      default: {
        wake?.(new NatsxError(1, `direct get batch answered ${code} ${h?.description ?? ''}`.trim()))
      }
      }
    },
  })
  try {
    await nc.flush()
    // each client starts at its own place in the stream
    let seq = first + (client.startIndex % span)
    run.begin()
    while (done < run.limit && !run.stopped()) {
      const want = Math.min(batch, run.limit - done)
      inBatch = 0
      const t0 = performance.now()
      const settled = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(connectionError(`no end of batch from the server within ${Math.round(spec.timeoutMs / 1000)}s`, 'raise --timeout or check the server')), spec.timeoutMs)
        wake = (error) => {
          clearTimeout(timer)
          wake = undefined
          if (error) reject(error)
          else resolve()
        }
      })
      nc.publish(subject, ENCODER.encode(`{"seq":${seq},"batch":${want}}`), {reply: inbox})
      await settled
      hist.recordValue(Math.max(1, Math.round((performance.now() - t0) * 1e6)))
      done += inBatch
      seq = lastSeq >= end || lastSeq === 0 ? first : lastSeq + 1
      run.report(client.id, done)
      await run.pace(done)
    }
  } finally {
    sub.unsubscribe()
  }

  run.report(client.id, done)
  return {bytes, end: now(), histogram: encodeHistogram(hist), msgs: done, start: run.start, warnings: []}
}
