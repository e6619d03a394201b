/**
 * Moving JetStream assets off a peer (2.15): a whole server (`$JS.API.SERVER.EVACUATE`, system account), one stream
 * (`$JS.API.STREAM.PEER.EVACUATE.<s>`), one consumer (`$JS.API.CONSUMER.PEER.EVACUATE.<s>.<c>`), and cancelling a
 * stream's move (`$JS.API.STREAM.CANCEL_MOVE.<s>`). Each request only starts the move; the callers poll until the peer
 * holds nothing more.
 */
import type {NatsConnection} from '@nats-io/transport-node'

import {conflict, connectionError, NatsxError, notFound} from '../errors.js'

interface ApiReply {
  error?: {code?: number; description?: string; err_code?: number}
  success?: boolean
}

/** The server said why it refused: 404 not found (exit 3), no move in progress and the like (exit 4). */
function refused(what: string, e: NonNullable<ApiReply['error']>): NatsxError {
  const text = `${what}: ${e.description ?? 'refused'}${e.err_code ? ` (${e.err_code})` : ''}`
  if (e.code === 404) return notFound(text)
  if (e.err_code === 10_129) return conflict(text, 'nothing is moving: see natsx stream info')
  return conflict(text)
}

/** One JetStream API request with a JSON body; an API error becomes a NatsxError, no answer exit 6. */
export async function jsApi(nc: NatsConnection, subject: string, body: unknown, timeoutMs: number, what: string): Promise<ApiReply> {
  let reply: ApiReply
  try {
    const m = await nc.request(subject, JSON.stringify(body), {timeout: timeoutMs})
    reply = m.json<ApiReply>()
  } catch (error) {
    const err = error as Error & {code?: string}
    if (/no responders/i.test(err.message) || err.code === '503') throw connectionError(`${what}: no responders on ${subject}`, 'connect to a JetStream server (for a server: as a system-account user)')
    throw error
  }

  if (reply.error) throw refused(what, reply.error)
  return reply
}

export interface StreamPlacement {
  /** the move the server is making, as it describes it (2.15 `cluster.desired.status`) */
  moving?: string
  /** the servers that hold the stream now: leader first */
  peers: string[]
}

interface StreamInfoCluster {
  cluster?: {
    desired?: {status?: {description?: string; type?: string}}
    leader?: string
    replicas?: Array<{name: string}>
  }
  error?: ApiReply['error']
}

export async function streamPlacement(nc: NatsConnection, prefix: string, stream: string, timeoutMs: number): Promise<StreamPlacement> {
  const info = (await jsApi(nc, `${prefix}.STREAM.INFO.${stream}`, {}, timeoutMs, `stream ${stream}`)) as StreamInfoCluster
  const c = info.cluster ?? {}
  const peers = [c.leader, ...(c.replicas ?? []).map((r) => r.name)].flatMap((p) => (p ? [p] : []))
  const d = c.desired?.status
  return {moving: c.desired ? (d?.description ?? d?.type ?? 'moving') : undefined, peers}
}

/** Poll until `done` says so, calling `progress` with each new state; false at the deadline. */
export async function pollUntil<T>(
  read: () => Promise<T>,
  done: (s: T) => boolean,
  o: {intervalMs?: number; progress?: (s: T) => void; signal?: AbortSignal; waitMs: number},
): Promise<{done: boolean; last: T}> {
  const until = Date.now() + o.waitMs
  let last = await read()
  let shown = ''
  for (;;) {
    const key = JSON.stringify(last)
    if (key !== shown) {
      o.progress?.(last)
      shown = key
    }

    if (done(last)) return {done: true, last}
    if (Date.now() >= until || o.signal?.aborted) return {done: false, last}
    await new Promise((r) => {
      setTimeout(r, o.intervalMs ?? 250)
    })
    try {
      last = await read()
    } catch (error) {
      // an asset in the middle of a move may not answer its info request for a moment: look again
      if (!isTimeout(error)) throw error
    }
  }
}

function isTimeout(error: unknown): boolean {
  const e = error as {code?: string; message?: string; name?: string}
  return e.name === 'TimeoutError' || e.code === 'TIMEOUT' || /timed? ?out/i.test(e.message ?? '')
}
