/**
 * `consumer next`: pull messages from a pull consumer in small batches and settle each one (ack, nak, term) only
 * once its record has been handed to the output. A slow reader of stdout stops the pulling; a lost connection
 * leaves acknowledged exactly what was printed.
 */
import type {ConsumerInfo, JetStreamClient, JetStreamManager, JsMsg} from '@nats-io/jetstream'

import {ExitCode, NatsxError, toNatsxError, usageError} from '../errors.js'
import {jsMessageRecord, type MessageRecord} from '../messages.js'
import {requireConsumer} from './ops.js'

export type NextAction = 'ack' | 'nak' | 'none' | 'term'

export interface NextOptions {
  action: NextAction
  count: number
  /** how long to wait for messages, in all (time spent waiting on the output does not count) */
  expiresMs: number
  signal?: AbortSignal
}

/** Where the records go. */
export interface NextOutput {
  /** resolves when the output can take more (pulling waits for it) */
  ready(): Promise<void>
  /** called once before any message, with the action that will be taken */
  start?(action: NextAction): void
  /** show one record; resolves true once it has been handed to the output, false when it never will be */
  show(rec: MessageRecord): Promise<boolean>
}

export interface NextOutcome {
  /** the action taken on each message: 'none' when the consumer takes no acknowledgements (ack policy none) */
  action: NextAction
  /** messages shown (and settled as asked) */
  shown: number
}

/** A batch: small enough that a stopped reader holds little, large enough to stream fast. */
export const NEXT_BATCH = 128

/**
 * Why `consumer next` cannot settle as asked on this consumer, if it cannot: a consumer with ack policy `none` takes
 * no acknowledgement (nats-server 2.10+ does not even answer one: "no responders"). `--ack` is then a no-op; `--nak`
 * and `--term` would silently do nothing, so they are refused before anything is pulled.
 */
export function settleAction(ci: ConsumerInfo, asked: NextAction): NextAction {
  if (ci.config.ack_policy !== 'none') return asked
  if (asked === 'nak' || asked === 'term')
    throw usageError(
      `consumer "${ci.name}" takes no acknowledgements (ack policy none): --${asked} cannot apply`,
      'drop --' + asked + '; every delivered message is final on this consumer',
    )
  return 'none'
}

async function settle(m: JsMsg, action: NextAction): Promise<void> {
  switch (action) {
    case 'ack': {
      await m.ackAck()
      break
    }

    case 'nak': {
      m.nak()
      break
    }

    case 'term': {
      m.term()
      break
    }

    default:
  }
}

export async function pullNext(
  js: JetStreamClient,
  jsm: JetStreamManager,
  stream: string,
  name: string,
  o: NextOptions,
  out: NextOutput,
): Promise<NextOutcome> {
  const ci = await requireConsumer(jsm, stream, name)
  if (ci.config.deliver_subject)
    throw usageError(
      `consumer "${name}" is a push consumer`,
      'next works on pull consumers; use `natsx sub --stream` for push',
    )
  const action = settleAction(ci, o.action)
  out.start?.(action)
  const consumer = await js.consumers.get(stream, name)
  let shown = 0
  /** printed, but the server never confirmed the acknowledgement */
  let unsettled = 0
  let budget = o.expiresMs
  let failure: unknown
  while (shown < o.count && !o.signal?.aborted && failure === undefined) {
    // Nothing more is asked of the server while the reader is behind.
    await out.ready()
    if (o.signal?.aborted) break
    const want = Math.min(NEXT_BATCH, o.count - shown)
    const started = Date.now()
    const iter = await consumer.fetch({expires: Math.max(1000, budget), max_messages: want})
    const stop = (): void => iter.stop()
    o.signal?.addEventListener('abort', stop, {once: true})
    const settling: Array<Promise<void>> = []
    let got = 0
    try {
      for await (const m of iter) {
        got++
        const rec = jsMessageRecord(m)
        settling.push(
          out.show(rec).then(async (printed) => {
            if (!printed) return
            shown++
            try {
              await settle(m, action)
            } catch (error) {
              unsettled++
              failure ??= error
            }
          }),
        )
        if (o.signal?.aborted) break
      }

      const closed = await iter.closed()
      if (closed) failure ??= closed
    } catch (error) {
      failure ??= error
    } finally {
      o.signal?.removeEventListener('abort', stop)
    }

    await Promise.all(settling)
    budget -= Date.now() - started
    // The server had no more within the wait: done.
    if (got < want || budget <= 0) break
  }

  if (failure !== undefined && !o.signal?.aborted) throw lostDuringPull(failure, shown, unsettled, action)
  return {action, shown}
}

function lostDuringPull(error: unknown, shown: number, unsettled: number, action: NextAction): NatsxError {
  const err = toNatsxError(error)
  const settled = action === 'none' ? shown : shown - unsettled
  const what =
    action === 'none'
      ? `${shown} message(s) printed`
      : `${shown} message(s) printed, ${settled} of them ${action === 'ack' ? 'acknowledged' : `${action}ed`}${unsettled > 0 ? `; ${unsettled} printed but not confirmed will be redelivered` : ''}`
  // Anything but a refusal from the server is the connection's fault: exit 6.
  const code = err.exitCode === ExitCode.UNEXPECTED ? ExitCode.CONNECTION : err.exitCode
  return new NatsxError(code, `pull stopped: ${err.message} (${what}; nothing else was acknowledged)`, {hint: err.hint ?? 'check the server and run the command again'})
}
