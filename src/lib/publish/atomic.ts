/**
 * Atomic batch publish (nats-server 2.12, ADR-50): the messages of one `pub` stored all together or not at all. Every
 * message carries `Nats-Batch-Id` and `Nats-Batch-Sequence` (from 1); the last also `Nats-Batch-Commit: 1`. The first
 * and the last are requests, so a refusal (a stream without allow_atomic, say) is heard before the rest is sent and the
 * commit's answer is the batch's acknowledgement.
 */
import type {MsgHdrs, NatsConnection} from '@nats-io/transport-node'

import {randomUUID} from 'node:crypto'

import {type NatsxError, usageError} from '../errors.js'
import {apiErrorOf, jsPublishError} from './js-errors.js'

/** The most messages a server takes in one atomic batch unless its config raises the limit (jetstream.limits.batch.max_msgs). */
export const DEFAULT_ATOMIC_BATCH_LIMIT = 1000

export interface AtomicMessage {
  data: Uint8Array
  headers?: MsgHdrs
  subject: string
}

/** The acknowledgement of a committed batch. */
export interface AtomicAck {
  /** the batch id (Nats-Batch-Id) */
  batch: string
  /** messages stored, as the server counted them */
  count: number
  /** the sequence of the last message of the batch */
  seq: number
  stream: string
}

/** Error code of the server's refusal of a batch over its size limit (its description ends with the limit). */
const TOO_LARGE = 10_199

/**
 * The server's refusal of a batch larger than its limit, as one line with the limit and the fix. The limit is the
 * server's (1000 unless its config raises it), so natsx sends the batch and lets the server judge: a batch it refuses
 * is dropped whole, nothing stored.
 */
export function atomicTooLarge(description: string | undefined, count: number): NatsxError {
  const limit = /(\d+)\s*$/.exec(description ?? '')?.[1]
  const most = limit ?? String(DEFAULT_ATOMIC_BATCH_LIMIT)
  return usageError(
    `the server takes at most ${most} messages in an atomic batch; this one has ${count}, and nothing was stored`,
    `publish at most ${most} messages with --atomic, or raise the server's limit (jetstream { limits { batch { max_msgs: N } } })`,
  )
}

export async function publishAtomic(nc: NatsConnection, messages: AtomicMessage[], timeoutMs: number): Promise<AtomicAck> {
  if (messages.length === 0) throw usageError('an atomic batch needs at least one message', 'give a body, or lines on stdin')
  const {headers} = await import('../nats/core.js')
  const batch = randomUUID().replaceAll('-', '')
  const last = messages.length
  for (const [i, m] of messages.entries()) {
    const seq = i + 1
    const h = m.headers ?? headers()
    h.set('Nats-Batch-Id', batch)
    h.set('Nats-Batch-Sequence', String(seq))
    if (seq === last) h.set('Nats-Batch-Commit', '1')
    if (seq !== 1 && seq !== last) {
      nc.publish(m.subject, m.data, {headers: h})
      continue
    }

    let reply
    try {
      reply = await nc.request(m.subject, m.data, {headers: h, timeout: timeoutMs})
    } catch (error) {
      throw jsPublishError(error, m.subject)
    }

    if (reply.headers?.code === 503) throw jsPublishError(Object.assign(new Error('503'), {name: 'NoRespondersError'}), m.subject)
    if (reply.data.length === 0) continue
    const body = JSON.parse(new TextDecoder().decode(reply.data)) as Partial<AtomicAck> & {error?: {code?: number; description?: string; err_code?: number}}
    if (body.error?.err_code === TOO_LARGE) throw atomicTooLarge(body.error.description, last)
    if (body.error) throw jsPublishError(apiErrorOf(body.error), m.subject)
    if (seq === last) {
      if (body.count !== last) throw usageError(`the server committed ${body.count ?? 0} of the ${last} messages of batch ${batch}`, 'publish the batch again')
      return {batch: body.batch ?? batch, count: body.count, seq: body.seq ?? 0, stream: body.stream ?? ''}
    }
  }

  // not reached: the last message is a request
  throw usageError('the atomic batch was not committed')
}
