/**
 * Scatter-gather over core NATS: publish one request and collect every reply until the replies stop (a quiet window
 * after the last one) or the deadline passes. Used where the number of responders is not known beforehand: NATS
 * micro discovery (`$SRV.PING|INFO|STATS`) and the account requests that each server answers for itself.
 *
 * No responders (a 503 status) ends at once with no replies; a publish the user may not make is exit 7.
 */
import type {Msg, NatsConnection, Status} from '@nats-io/transport-node'

import {randomBytes} from 'node:crypto'

import {authError} from '../errors.js'

export interface CollectOptions {
  /** the request body (JSON is sent as text) */
  body?: string
  /** the connection's inbox prefix (--inbox-prefix) */
  inboxPrefix?: string
  /** stop this long after the latest reply (default 300 ms, never more than the timeout) */
  quietMs?: number
  /** stops collecting early (Ctrl-C) */
  signal?: AbortSignal
  /** the longest wait for the whole collection */
  timeoutMs: number
}

export interface Collected {
  /** whether the server said no one listens on the subject */
  noResponders: boolean
  replies: Array<{msg: Msg; rtt_ms: number}>
  /** whether the collection ended by the deadline rather than a quiet window */
  timedOut: boolean
}

export const DEFAULT_QUIET_MS = 300

export async function collectReplies(nc: NatsConnection, subject: string, options: CollectOptions): Promise<Collected> {
  const quietMs = Math.min(options.quietMs ?? DEFAULT_QUIET_MS, options.timeoutMs)
  const inbox = `${options.inboxPrefix ?? '_INBOX'}.${nuidLike()}`
  const replies: Collected['replies'] = []
  let noResponders = false
  let timedOut = false
  let denied: Error | undefined
  const started = performance.now()
  await new Promise<void>((resolve) => {
    let quiet: NodeJS.Timeout | undefined
    const deadline = setTimeout(() => {
      timedOut = true
      finish()
    }, options.timeoutMs)
    const statusWatch = watchPermissions(nc, subject, inbox, (error) => {
      denied = error
      finish()
    })
    const onAbort = (): void => finish()
    options.signal?.addEventListener('abort', onAbort, {once: true})
    const sub = nc.subscribe(inbox, {
      callback(_err, msg) {
        if (msg.headers?.code === 503 || (msg.data.length === 0 && msg.headers?.status === '503')) {
          noResponders = true
          finish()
          return
        }

        replies.push({msg, rtt_ms: performance.now() - started})
        if (quiet) clearTimeout(quiet)
        quiet = setTimeout(finish, quietMs)
      },
    })
    function finish(): void {
      clearTimeout(deadline)
      if (quiet) clearTimeout(quiet)
      statusWatch.stop()
      options.signal?.removeEventListener('abort', onAbort)
      sub.unsubscribe()
      resolve()
    }

    if (options.signal?.aborted) {
      finish()
      return
    }

    nc.publish(subject, options.body ?? '', {reply: inbox})
  })
  if (denied) throw authError(`permission denied: this user may not ${denied.message}`, 'ask for the permission or use a user that has it (a system-account user sees every account)')
  return {noResponders, replies, timedOut}
}

/** A permission violation on the request subject or the reply inbox ends the collection with that error. */
function watchPermissions(nc: NatsConnection, subject: string, inbox: string, onDenied: (error: Error) => void): {stop(): void} {
  let stopped = false
  const iter = nc.status() as AsyncIterable<Status> & {stop?: () => void}
  ;(async () => {
    for await (const s of iter) {
      if (stopped) break
      if (s.type !== 'error') continue
      const err = (s as {error?: Error & {operation?: string; subject?: string}}).error
      if (err?.name !== 'PermissionViolationError') continue
      if (err.subject === subject) onDenied(new Error(`publish to "${subject}"`))
      else if (err.subject === inbox || err.operation === 'subscription') onDenied(new Error(`subscribe to its reply inbox "${err.subject}"`))
    }
  })().catch(() => {})
  return {
    stop() {
      stopped = true
      iter.stop?.()
    },
  }
}

/** A unique inbox token. */
function nuidLike(): string {
  return randomBytes(10).toString('hex')
}

/** A reply body parsed as JSON, or undefined when it is not JSON (such replies are skipped). */
export function replyJson<T>(msg: Msg): T | undefined {
  try {
    const v = JSON.parse(new TextDecoder().decode(msg.data)) as unknown
    return v && typeof v === 'object' ? (v as T) : undefined
  } catch {
    return undefined
  }
}
