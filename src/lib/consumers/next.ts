/**
 * `consumer next`: pull messages from a pull consumer in small batches and settle each one (ack, nak, term) only
 * once its record has been handed to the output. A slow reader of stdout stops the pulling; a lost connection
 * leaves acknowledged exactly what was printed.
 */
import type {ConsumerInfo, JetStreamClient, JetStreamManager, JsMsg} from '@nats-io/jetstream'

import type {Capabilities} from '../capabilities.js'

import {ExitCode, NatsxError, toNatsxError, usageError} from '../errors.js'
import {jsMessageRecord, type MessageRecord} from '../messages.js'
import {requireConsumer} from './ops.js'

export type NextAction = 'ack' | 'nak' | 'none' | 'term'

export interface NextOptions {
  action: NextAction
  /** what the connected server can do (the priority-group options need 2.11/2.12) */
  caps: Capabilities
  /**
   * resolves once the server has read everything sent so far (a flush), rejects when it cannot say so in time: each
   * batch's acknowledgements are confirmed this way (one round trip a batch, not one a message)
   */
  confirm: () => Promise<void>
  count: number
  /** how long to wait for more messages once the server has none (time spent waiting on the output does not count) */
  expiresMs: number
  /** the priority group to pull from, and what its policy takes (`group`, `min_pending`, … of the pull request) */
  priority?: PriorityPull
  signal?: AbortSignal
}

/** `consumer next --group G [--min-pending N] [--min-ack-pending N] [--priority P]`. */
export interface PriorityPull {
  group?: string
  min_ack_pending?: number
  min_pending?: number
  priority?: number
}

/** Where the records go. */
export interface NextOutput {
  /** resolves when the output can take more (pulling waits for it) */
  ready(): Promise<void>
  /** show one record; resolves true once it has been handed to the output, false when it never will be */
  show(rec: MessageRecord): Promise<boolean>
  /** called once before any message, with the action that will be taken */
  start?(action: NextAction): void
}

export interface NextOutcome {
  /** the action taken on each message: 'none' when the consumer takes no acknowledgements (ack policy none) */
  action: NextAction
  /** messages shown (and settled as asked) */
  shown: number
}

/** A batch: small enough that a stopped reader holds little, large enough to stream fast. */
export const NEXT_BATCH = 256

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

/**
 * The priority-group fields of the pull request, checked against the consumer and the server: a consumer with
 * priority groups is read through one of them (the server refuses a pull without), `--min-pending` and
 * `--min-ack-pending` need the overflow policy, `--priority` the prioritized one (2.12+). What the server lacks is
 * exit 8, what does not fit the consumer exit 2, both before anything is pulled.
 */
/** What the priority options need of the server (exit 8) and of each other (exit 2), before the consumer is read. */
export function checkPriorityPull(caps: Capabilities, asked: PriorityPull = {}): void {
  const flags = [
    asked.min_pending === undefined ? '' : '--min-pending',
    asked.min_ack_pending === undefined ? '' : '--min-ack-pending',
    asked.priority === undefined ? '' : '--priority',
  ].filter(Boolean)
  if (asked.group === undefined && flags.length > 0) throw usageError(`${flags.join(' and ')} need --group`, 'give --group with the priority group to pull from')
  if (asked.group !== undefined) caps.require('pull-priority-group', 'pulling from a priority group (--group)')
  if (asked.priority !== undefined) caps.require('pull-priority', 'a pull priority (--priority)')
}

export function priorityPull(ci: ConsumerInfo, caps: Capabilities, asked: PriorityPull = {}): PriorityPull | undefined {
  checkPriorityPull(caps, asked)
  const groups = ci.config.priority_groups ?? []
  const policy = ci.config.priority_policy
  if (asked.group === undefined) {
    if (groups.length > 0 && policy && policy !== 'none')
      throw usageError(`consumer "${ci.name}" is read through its priority groups (${groups.join(', ')})`, `give --group ${groups[0]}`)
    return undefined
  }

  if (groups.length === 0 || !policy || policy === 'none')
    throw usageError(`consumer "${ci.name}" has no priority groups`, 'leave --group out, or add groups with `natsx consumer edit --pinned-groups/--overflow-groups/--prioritized-groups`')
  if (!groups.includes(asked.group)) throw usageError(`consumer "${ci.name}" has no priority group "${asked.group}"`, `give one of its groups: ${groups.join(', ')}`)
  if ((asked.min_pending !== undefined || asked.min_ack_pending !== undefined) && policy !== 'overflow')
    throw usageError(`--min-pending and --min-ack-pending apply to overflow groups; group "${asked.group}" of consumer "${ci.name}" is ${policy}`, 'leave them out')
  if (asked.priority !== undefined && policy !== 'prioritized')
    throw usageError(`--priority applies to prioritized groups; group "${asked.group}" of consumer "${ci.name}" is ${policy}`, 'leave --priority out')
  const out: PriorityPull = {group: asked.group}
  if (asked.min_pending !== undefined) out.min_pending = asked.min_pending
  if (asked.min_ack_pending !== undefined) out.min_ack_pending = asked.min_ack_pending
  if (asked.priority !== undefined) out.priority = asked.priority
  return out
}

/** Settle one message: a publish of the acknowledgement (confirmed per batch, see `confirm`). */
function settle(m: JsMsg, action: NextAction): void {
  switch (action) {
    case 'ack': {
      m.ack()
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
  checkPriorityPull(o.caps, o.priority)
  const ci = await requireConsumer(jsm, stream, name)
  if (ci.config.deliver_subject)
    throw usageError(
      `consumer "${name}" is a push consumer`,
      'next works on pull consumers; use `natsx sub --stream` for push',
    )
  const action = settleAction(ci, o.action)
  const priority = priorityPull(ci, o.caps, o.priority)
  /**
   * A pinned client keeps its pin by sending the pin id with each pull, and nats.js keeps that id within one fetch
   * only: on a pinned-client group the whole count is one pull request, so the next batch is not a stranger's.
   */
  const pinned = priority !== undefined && ci.config.priority_policy === 'pinned_client'
  out.start?.(action)
  const consumer = await js.consumers.get(stream, name)
  let shown = 0
  /** records handed to the output and not yet out */
  let pendingShow = 0
  /** acknowledgements sent, and confirmed by the server */
  let sent = 0
  let confirmed = 0
  let failure: unknown
  /** settlements of earlier batches still under way: a few batches may overlap, no more */
  const inflight: Array<Promise<void>> = []
  while (shown < o.count && !o.signal?.aborted && failure === undefined) {
    // Nothing more is asked of the server while the reader is behind.
    await out.ready()
    while (inflight.length > 2) await inflight.shift()
    if (o.signal?.aborted || failure !== undefined) break
    const want = Math.min(pinned ? o.count : NEXT_BATCH, o.count - shown - pendingShow)
    if (want <= 0) {
      await inflight.shift()
      continue
    }

    // A batch that comes back short waited the whole --wait for the rest: the server has no more.
    const iter = await consumer.fetch({expires: Math.max(1000, o.expiresMs), max_messages: want, ...priority})
    const stop = (): void => iter.stop()
    o.signal?.addEventListener('abort', stop, {once: true})
    const settling: Array<Promise<void>> = []
    let got = 0
    try {
      for await (const m of iter) {
        got++
        pendingShow++
        const rec = jsMessageRecord(m)
        settling.push(
          out.show(rec).then((printed) => {
            pendingShow--
            if (!printed) return
            shown++
            try {
              settle(m, action)
              sent++
            } catch (error) {
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

    inflight.push(
      Promise.all(settling).then(async () => {
        if (action === 'none' || sent === confirmed) return
        const upTo = sent
        try {
          await o.confirm()
          confirmed = Math.max(confirmed, upTo)
        } catch (error) {
          failure ??= error
        }
      }),
    )
    // The server had no more within the wait: done.
    if (got < want) break
  }

  await Promise.all(inflight)
  // the connection goes on after an interrupt or a closed stdout: confirm what was sent before closing
  if (failure === undefined && sent > confirmed) await o.confirm().then(() => {
    confirmed = sent
  }, (error: unknown) => {
    failure = error
  })
  if (failure !== undefined && (!o.signal?.aborted || sent > confirmed)) throw lostDuringPull(failure, shown, sent - confirmed, action)
  return {action, shown}
}

function lostDuringPull(error: unknown, shown: number, unsettled: number, action: NextAction): NatsxError {
  const err = toNatsxError(error)
  const settled = action === 'none' ? shown : shown - unsettled
  const what =
    action === 'none'
      ? `${shown} message(s) printed`
      : `${shown} message(s) printed, ${settled} of them ${action === 'ack' ? 'acknowledged' : `${action}ed`}${unsettled > 0 ? `; the server did not confirm ${unsettled} sent for printed ones (it acts on them if it got them, otherwise they are redelivered)` : ''}`
  // Anything but a refusal from the server is the connection's fault: exit 6.
  const code = err.exitCode === ExitCode.UNEXPECTED ? ExitCode.CONNECTION : err.exitCode
  return new NatsxError(code, `pull stopped: ${err.message} (${what}; nothing else was acknowledged)`, {hint: err.hint ?? 'check the server and run the command again'})
}
