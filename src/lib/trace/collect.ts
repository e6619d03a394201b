/**
 * Publish one traced message and collect the trace messages the servers send back. Collection ends as soon as the
 * path is complete (the origin server's message is in and every hop a server forwarded to has sent its own), or
 * after a quiet window with nothing new, and never later than the timeout.
 */
import {type NatsConnection, headers as natsHeaders} from '@nats-io/transport-node'

import {hopOf, type TraceMessage} from './types.js'

export interface TraceOptions {
  body: Uint8Array
  /** the subject the servers publish their trace messages to */
  dest: string
  headers: Array<[string, string]>
  /** end after this long without a new trace message (once at least one has come) */
  quietMs: number
  signal?: AbortSignal
  subject: string
  timeoutMs: number
  /** `Nats-Trace-Only: true`: the servers trace the path without delivering the message */
  traceOnly: boolean
}

export interface Collected {
  /** why collection ended */
  ended: 'complete' | 'interrupted' | 'quiet' | 'timeout'
  /** trace messages that were not JSON, as their first bytes */
  malformed: string[]
  messages: TraceMessage[]
}

/** The hops some server forwarded to that have sent no trace message, and whether the origin's message is in. */
export function pathGaps(messages: readonly TraceMessage[]): {missingHops: string[]; origin: boolean} {
  const seen = new Set(messages.map((m) => hopOf(m)))
  const wanted = messages.flatMap((m) => m.events.flatMap((e) => (e.type === 'eg' && e.hop ? [e.hop] : [])))
  return {missingHops: wanted.filter((h) => !seen.has(h)), origin: seen.has(undefined)}
}

export async function collectTrace(nc: NatsConnection, o: TraceOptions): Promise<Collected> {
  const messages: TraceMessage[] = []
  const malformed: string[] = []
  let ended: Collected['ended'] = 'timeout'
  let done!: () => void
  const finished = new Promise<void>((resolve) => {
    done = resolve
  })
  let quiet: NodeJS.Timeout | undefined
  const sub = nc.subscribe(o.dest, {
    callback(_err, msg) {
      try {
        messages.push(JSON.parse(msg.string()) as TraceMessage)
      } catch {
        malformed.push(msg.string().slice(0, 80))
      }

      const gaps = pathGaps(messages)
      if (gaps.origin && gaps.missingHops.length === 0) {
        ended = 'complete'
        done()
        return
      }

      clearTimeout(quiet)
      quiet = setTimeout(() => {
        ended = 'quiet'
        done()
      }, o.quietMs)
    },
  })
  const timer = setTimeout(done, o.timeoutMs)
  const onAbort = (): void => {
    ended = 'interrupted'
    done()
  }

  o.signal?.addEventListener('abort', onAbort, {once: true})
  try {
    // the subscription must be in place on the server before the first trace message can come back
    await nc.flush()
    const h = natsHeaders()
    for (const [k, v] of o.headers) h.append(k, v)
    h.set('Nats-Trace-Dest', o.dest)
    if (o.traceOnly) h.set('Nats-Trace-Only', 'true')
    nc.publish(o.subject, o.body, {headers: h})
    await nc.flush()
    await finished
  } finally {
    clearTimeout(timer)
    clearTimeout(quiet)
    o.signal?.removeEventListener('abort', onAbort)
    sub.unsubscribe()
  }

  return {ended, malformed, messages}
}
